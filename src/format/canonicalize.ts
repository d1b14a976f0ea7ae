// `--canonicalize`: rewrite the removed forms the parser still accepts into modern Stan, the way
// `stanc --print-canonical` does: `real y[N]` → `array[N] real y`, `real[]` → `array[] real`,
// renamed built-ins, `foo_log(y, ...)` → `foo_lpdf(y | ...)`, `increment_log_prob(e);` →
// `target += e;`, `get_lp()` → `target()`, `if_else(c, a, b)` → `c ? a : b`, `#` comments → `//`.
// New nodes reuse the spans of the code they replace so comments stay attached nearby.
import type * as A from '../frontend/ast.js';
import { findDeprecation, isBuiltin } from '../../stdlib/signatures/index.js';

/** Suffixes of functions that take the density form `f(y | theta)`. */
const CONDITIONAL_SUFFIXES = ['_lpdf', '_lupdf', '_lpmf', '_lupmf', '_cdf', '_lcdf', '_lccdf'];

function takesBar(name: string): boolean {
  return CONDITIONAL_SUFFIXES.some((s) => name.endsWith(s));
}

export function canonicalizeProgram(program: A.Program): A.Program {
  const userFunctions = new Set<string>();
  for (const block of program.blocks) {
    for (const item of block.items) if (item.kind === 'FunctionDef') userFunctions.add(item.name);
  }
  const c = new Canonicalizer(userFunctions);
  return {
    ...program,
    blocks: program.blocks.map((b) => ({ ...b, items: b.items.map((item) => c.item(item)) })),
    comments: program.comments.map(canonicalComment),
  };
}

function canonicalComment(comment: A.Comment): A.Comment {
  return comment.text.startsWith('#') ? { ...comment, text: '//' + comment.text.slice(1) } : comment;
}

class Canonicalizer {
  constructor(private readonly userFunctions: ReadonlySet<string>) {}

  private exists = (name: string): boolean => isBuiltin(name) || this.userFunctions.has(name);

  item(item: A.Stmt | A.FunctionDef): A.Stmt | A.FunctionDef {
    return item.kind === 'FunctionDef' ? this.functionDef(item) : this.stmt(item);
  }

  private functionDef(f: A.FunctionDef): A.FunctionDef {
    return {
      ...f,
      returnType: f.returnType && this.funType(f.returnType),
      params: f.params.map((p) => ({ ...p, type: this.funType(p.type) })),
      body: f.body && this.block(f.body),
    };
  }

  private funType(t: A.FunType): A.FunType {
    const { legacyArray: _legacy, ...rest } = t;
    return t.elements ? { ...rest, elements: t.elements.map((e) => this.funType(e)) } : rest;
  }

  private block(b: A.Block): A.Block {
    return { ...b, statements: b.statements.map((s) => this.stmt(s)) };
  }

  private declType(t: A.DeclType): A.DeclType {
    const out: A.DeclType = { ...t, sizes: t.sizes.map((e) => this.expr(e)) };
    if (t.bounds) out.bounds = this.bounds(t.bounds);
    if (t.elements) {
      out.elements = t.elements.map((el) => ({ ...el, type: this.declType(el.type), arrayDims: el.arrayDims.map((e) => this.expr(e)) }));
    }
    return out;
  }

  private bounds(b: A.Bounds): A.Bounds {
    const out: A.Bounds = { span: b.span };
    // A bound's value is an operand of the bounds syntax: a new `?:` there needs parentheses.
    if (b.lower) out.lower = this.expr(b.lower, true);
    if (b.upper) out.upper = this.expr(b.upper, true);
    if (b.offset) out.offset = this.expr(b.offset, true);
    if (b.multiplier) out.multiplier = this.expr(b.multiplier, true);
    return out;
  }

  private stmt(s: A.Stmt): A.Stmt {
    switch (s.kind) {
      case 'VarDecl': {
        const { legacyArray: _legacy, ...rest } = s;
        const out: A.VarDecl = { ...rest, type: this.declType(s.type), arrayDims: s.arrayDims.map((e) => this.expr(e)) };
        if (s.init) out.init = this.expr(s.init);
        return out;
      }
      case 'Assign':
        return { ...s, target: this.expr(s.target), value: this.expr(s.value) };
      case 'Tilde': {
        const out: A.Tilde = { ...s, lhs: this.expr(s.lhs), args: s.args.map((a) => this.expr(a)) };
        if (s.truncation) out.truncation = this.optionalPair(s.truncation);
        return out;
      }
      case 'TargetPlus':
      case 'JacobianPlus':
        return { ...s, expr: this.expr(s.expr) };
      case 'For':
        return { ...s, lower: this.expr(s.lower), upper: this.expr(s.upper), body: this.stmt(s.body) };
      case 'ForEach':
        return { ...s, collection: this.expr(s.collection), body: this.stmt(s.body) };
      case 'While':
        return { ...s, condition: this.expr(s.condition), body: this.stmt(s.body) };
      case 'If': {
        const out: A.If = { ...s, condition: this.expr(s.condition), then: this.stmt(s.then) };
        if (s.otherwise) out.otherwise = this.stmt(s.otherwise);
        return out;
      }
      case 'Return':
        return s.value ? { ...s, value: this.expr(s.value) } : s;
      case 'Print':
      case 'Reject':
      case 'FatalError':
        return { ...s, args: s.args.map((a) => this.expr(a)) };
      case 'Block':
        return this.block(s);
      case 'Profile':
        return { ...s, body: this.block(s.body) };
      case 'CallStmt': {
        const call = s.call;
        if (call.name === 'increment_log_prob' && call.args.length === 1 && !this.exists(call.name)) {
          return { kind: 'TargetPlus', expr: this.expr(call.args[0]), span: s.span };
        }
        const mapped = this.expr(call);
        return mapped.kind === 'Call' ? { ...s, call: mapped } : s;
      }
      case 'Break':
      case 'Continue':
      case 'Empty':
      case 'Include':
        return s;
    }
  }

  private optionalPair<T extends { lower?: A.Expr; upper?: A.Expr; span: A.Span }>(t: T): T {
    const out: T = { ...t };
    if (t.lower) out.lower = this.expr(t.lower);
    if (t.upper) out.upper = this.expr(t.upper);
    return out;
  }

  /** `tight`: the position takes an operand, not a whole expression, so `?:` needs parentheses there. */
  private expr(e: A.Expr, tight = false): A.Expr {
    switch (e.kind) {
      case 'IntLiteral':
      case 'RealLiteral':
      case 'ImagLiteral':
      case 'StringLiteral':
      case 'Variable':
        return e;
      case 'Unary':
        return { ...e, operand: this.expr(e.operand, true) };
      case 'Binary':
        return { ...e, left: this.expr(e.left, true), right: this.expr(e.right, true) };
      case 'Conditional':
        return { ...e, condition: this.expr(e.condition, true), then: this.expr(e.then), otherwise: this.expr(e.otherwise) };
      case 'Transpose':
        return { ...e, operand: this.expr(e.operand, true) };
      case 'Indexed':
        return { ...e, target: this.expr(e.target, true), indices: e.indices.map((i) => this.index(i)) };
      case 'TupleProjection':
        return { ...e, target: this.expr(e.target, true) };
      case 'ArrayExpr':
      case 'RowVectorExpr':
      case 'TupleExpr':
        return { ...e, elements: e.elements.map((x) => this.expr(x)) };
      case 'Paren':
        return { ...e, expr: this.expr(e.expr) };
      case 'Call':
        return this.call(e, tight);
    }
  }

  private index(i: A.Index): A.Index {
    return i.kind === 'Single' ? { ...i, expr: this.expr(i.expr) } : this.optionalPair(i);
  }

  private call(call: A.Call, tight: boolean): A.Expr {
    const deprecation = this.exists(call.name) ? undefined : findDeprecation(call.name, this.exists);
    if (deprecation?.kind === 'conditional' && call.args.length === 3) {
      const [c, a, b] = call.args;
      const cond: A.Conditional = {
        kind: 'Conditional',
        condition: this.expr(c, true),
        then: this.expr(a),
        otherwise: this.expr(b),
        span: call.span,
      };
      return tight ? { kind: 'Paren', expr: cond, span: call.span } : cond;
    }
    const name = deprecation?.kind === 'rename' ? deprecation.replacement : call.name;
    const args = call.args.map((a) => this.expr(a));
    const conditional = call.conditional || (takesBar(name) && args.length > 1);
    return { ...call, name, args, conditional };
  }
}
