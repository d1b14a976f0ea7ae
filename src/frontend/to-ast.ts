// The one place where AST nodes are made. The parser's actions hand over the pieces of each
// construct (tokens and already-built children); this builder assembles the node, computes its
// span, and reports what the grammar deliberately lets through so it can be named precisely:
// reserved words used as names, misspelled or misordered blocks, the removed `real y[N]` array
// form, sizes that do not fit the type, assignments to things that are not variables,
// expressions used as statements, strings outside print.
import type { IToken } from 'chevrotain';
import type * as A from './ast.js';
import { BLOCK_ORDER } from './ast.js';
import type { Diagnostic } from './diagnostic.js';
import { groupByPrecedence, type INFIX_PRECEDENCE } from './operators.js';
import { closestName } from './suggest.js';
import { BLOCK_LIST, endOf, startOf, type RankedDiagnostic } from './syntax-errors.js';

const INT_MAX = 2147483647;

// ---------------------------------------------------------------------------
// Spans from tokens (tokens inserted by error recovery have no position)

const NOWHERE: A.Position = { offset: NaN, line: NaN, column: NaN };

function startAt(t: IToken | undefined): A.Position {
  return t && t.startOffset >= 0 ? startOf(t) : NOWHERE;
}

function endAt(t: IToken | undefined): A.Position {
  return t && (t.endOffset ?? -1) >= 0 ? endOf(t) : NOWHERE;
}

function tokenSpan(t: IToken): A.Span {
  return { start: startAt(t), end: endAt(t) };
}

/**
 * From the start of `a` to the end of `b`. When error recovery inserted one of them (so it has
 * no position) the span shrinks to the other, so diagnostics still point somewhere real.
 */
function between(a: IToken | undefined, b: IToken | undefined): A.Span {
  const start = startAt(a);
  const end = endAt(b);
  return { start: Number.isNaN(start.offset) ? end : start, end: Number.isNaN(end.offset) ? start : end };
}

function join(a: A.Span, b: A.Span): A.Span {
  return { start: Number.isNaN(a.start.offset) ? b.start : a.start, end: Number.isNaN(b.end.offset) ? a.end : b.end };
}

// ---------------------------------------------------------------------------
// Pieces the parser hands over

/** `[e, ...]` after a type, `array`, or a legacy array name. */
export interface Dims {
  exprs: A.Expr[];
  open: IToken;
  close: IToken;
}

/** One position inside `[...]`: `e`, `a:b`, `a:`, `:b`, `:` or nothing. */
export interface IndexParts {
  before?: A.Expr;
  colon?: IToken;
  after?: A.Expr;
}

export interface CallArgs {
  args: A.Expr[];
  bar?: IToken;
  close: IToken;
}

export interface Declarator {
  name: IToken;
  legacy?: Dims;
  init?: A.Expr;
}

export interface Bound {
  word: IToken;
  value: A.Expr;
}

/** What stands after an expression: `[...]`, `'`, or `.n`. */
export type Postfix = { indices: A.Index[]; close: IToken } | IToken;

type NameRole = 'variable' | 'function' | 'argument' | 'loop variable';

const WITH_ARTICLE: Record<NameRole, string> = {
  variable: 'a variable',
  function: 'a function',
  argument: 'an argument',
  'loop variable': 'a loop variable',
};

// ---------------------------------------------------------------------------
// Type facts needed for size checks

const SCALARS = new Set(['int', 'real', 'complex']);
const ONE_SIZE = new Set([
  'vector', 'row_vector', 'complex_vector', 'complex_row_vector', 'simplex', 'sum_to_zero_vector',
  'ordered', 'positive_ordered', 'unit_vector', 'cholesky_factor_corr', 'corr_matrix', 'cov_matrix',
]);
const TWO_SIZES = new Set(['matrix', 'complex_matrix', 'sum_to_zero_matrix', 'column_stochastic_matrix', 'row_stochastic_matrix']);
/** Types that take `<lower, upper>` or `<offset, multiplier>`; the rest carry their own constraint. */
const BOUNDABLE = new Set(['int', 'real', 'complex', 'vector', 'row_vector', 'matrix', 'complex_vector', 'complex_row_vector', 'complex_matrix']);

const PRINT_KINDS: Record<string, 'Print' | 'Reject' | 'FatalError'> = {
  print: 'Print',
  reject: 'Reject',
  fatal_error: 'FatalError',
};

/**
 * Blocks out of order or repeated. Run on the parsed program and again after `#include`s
 * splice in blocks from other files.
 */
export function blockOrderDiagnostics(blocks: readonly A.ProgramBlock[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<A.BlockName, A.ProgramBlock>();
  let latest: A.ProgramBlock | undefined;
  for (const block of blocks) {
    // Underline the first word of the header (a two-word name may be split across lines).
    const word = block.name.split(' ')[0].length;
    const start = block.span.start;
    const header: A.Span = { start, end: { offset: start.offset + word, line: start.line, column: start.column + word } };
    if (block.span.file) header.file = block.span.file;
    const first = seen.get(block.name);
    if (first) {
      out.push({
        severity: 'error',
        code: 'syntax/duplicate-block',
        message: `there can be only one '${block.name}' block; the first one is at ${first.span.start.line}:${first.span.start.column}`,
        span: header,
      });
      continue;
    }
    seen.set(block.name, block);
    if (latest && BLOCK_ORDER.indexOf(block.name) < BLOCK_ORDER.indexOf(latest.name)) {
      out.push({
        severity: 'error',
        code: 'syntax/block-order',
        message: `blocks must come in the order ${BLOCK_LIST}: '${block.name}' cannot follow '${latest.name}'`,
        span: header,
      });
      continue;
    }
    latest = block;
  }
  return out;
}

export class AstBuilder {
  readonly diagnostics: RankedDiagnostic[] = [];
  /** A bare `target` in the current statement (only `target += e` may use one). */
  bareTarget: A.Call | undefined;

  constructor(
    private readonly source: string,
    private readonly comments: A.Comment[] = [],
  ) {}

  private report(severity: Diagnostic['severity'], span: A.Span, code: string, message: string, notes?: string[]): void {
    this.diagnostics.push({ diagnostic: { severity, code, message, span, notes }, anchor: span.start.offset });
  }

  private error(span: A.Span, code: string, message: string, notes?: string[]): void {
    this.report('error', span, code, message, notes);
  }

  /** The source text of a span, with runs of whitespace as one space (for messages). */
  private text(span: A.Span): string {
    if (Number.isNaN(span.start.offset) || Number.isNaN(span.end.offset)) return '';
    return this.source.slice(span.start.offset, span.end.offset).replace(/\s+/g, ' ');
  }

  // -------------------------------------------------------------------------
  // Program and blocks

  program(items: Array<A.ProgramBlock | A.Include>): A.Program {
    const blocks: A.ProgramBlock[] = [];
    const includes: A.Include[] = [];
    for (const item of items) {
      if (item.kind === 'Include') includes.push(item);
      else blocks.push(item);
    }
    for (const d of blockOrderDiagnostics(blocks)) this.diagnostics.push({ diagnostic: d, anchor: d.span.start.offset });
    const lines = this.source.split(/\r\n|\r|\n/);
    const span: A.Span = {
      start: { offset: 0, line: 1, column: 1 },
      end: { offset: this.source.length, line: lines.length, column: lines[lines.length - 1].length + 1 },
    };
    return { kind: 'Program', blocks, comments: this.comments, includes, span };
  }

  functionsBlock(keyword: IToken, items: Array<A.FunctionDef | A.Include>, close: IToken): A.ProgramBlock {
    return { kind: 'ProgramBlock', name: 'functions', items, span: between(keyword, close) };
  }

  /** A block with a header like `model` or `transformed data`; undefined (and reported) when the name is unknown. */
  programBlock(words: IToken[], items: A.Stmt[], close: IToken): A.ProgramBlock | undefined {
    const name = words.map((t) => t.image).join(' ');
    if (!(BLOCK_ORDER as readonly string[]).includes(name)) {
      this.unknownBlock(words);
      return undefined;
    }
    return { kind: 'ProgramBlock', name: name as A.BlockName, items, span: between(words[0], close) };
  }

  unknownBlock(words: IToken[]): void {
    const name = words.map((t) => t.image).join(' ');
    const guess = closestName(name, BLOCK_ORDER);
    const message = guess ? `unknown block '${name}' — did you mean '${guess}'?` : `unknown block '${name}': the blocks are ${BLOCK_LIST}`;
    this.error(between(words[0], words[words.length - 1]), 'syntax/unknown-block', message);
  }

  include(t: IToken): A.Include {
    const rest = t.image.slice('#include'.length).trim();
    const path = /^".*"$|^<.*>$/.test(rest) ? rest.slice(1, -1) : rest;
    const span = tokenSpan(t);
    if (path === '') this.error(span, 'syntax/include-path', "'#include' needs a file name, like '#include \"helpers.stan\"'");
    return { kind: 'Include', path, span };
  }

  // -------------------------------------------------------------------------
  // Names

  name(t: IToken, role: NameRole): { name: string; span: A.Span } {
    const span = tokenSpan(t);
    if (t.tokenType.name !== 'Identifier' && t.tokenType.name !== 'UnderscoreIdentifier') {
      this.error(span, 'syntax/reserved-word', `'${t.image}' is a reserved word and cannot name ${WITH_ARTICLE[role]}`);
    } else if (t.image.endsWith('__')) {
      this.error(span, 'syntax/reserved-name', `'${t.image}' ends in '__', which is reserved for names the compiler makes`);
    }
    return { name: t.image, span };
  }

  // -------------------------------------------------------------------------
  // Functions

  functionDef(
    returnType: A.FunType | IToken,
    nameTok: IToken,
    params: A.Param[],
    body: A.Block | undefined,
    end: IToken | undefined,
  ): A.FunctionDef {
    const isVoid = !('kind' in returnType);
    const name = this.name(nameTok, 'function');
    if (!isVoid && returnType.legacyArray) this.legacyFunType(returnType, undefined);
    const start = isVoid ? startAt(returnType) : returnType.span.start;
    const span = { start, end: body ? body.span.end : endAt(end) };
    return { kind: 'FunctionDef', returnType: isVoid ? null : returnType, name: name.name, nameSpan: name.span, params, body, span };
  }

  param(data: IToken | undefined, type: A.FunType, nameTok: IToken): A.Param {
    const name = this.name(nameTok, 'argument');
    if (type.legacyArray) this.legacyFunType(type, name.name);
    return { dataOnly: data !== undefined, type, name: name.name, span: { start: data ? startAt(data) : type.span.start, end: name.span.end } };
  }

  /**
   * `array[,] real` (array token given), or `real` / legacy `real[,]` (dims after the element).
   * `element` is the base-type keyword or a tuple's element types with its span.
   */
  funType(
    array: IToken | undefined,
    dims: { count: number; close: IToken } | undefined,
    element: IToken | { elements: A.FunType[]; commas: number; span: A.Span },
  ): A.FunType {
    const isKeyword = !('elements' in element);
    const elementSpan = isKeyword ? tokenSpan(element) : element.span;
    const start = array ? startAt(array) : elementSpan.start;
    const end = dims && !array ? endAt(dims.close) : elementSpan.end;
    const type: A.FunType = {
      kind: 'FunType',
      base: isKeyword ? (element.image as A.FunType['base']) : 'tuple',
      arrayDims: dims ? dims.count : 0,
      span: { start, end },
    };
    if (!isKeyword) {
      type.elements = element.elements;
      this.checkTupleArity(element.elements.length, element.commas, element.span);
    }
    if (dims && !array) type.legacyArray = true;
    return type;
  }

  /** `real[] x` → `array[] real x`. */
  private legacyFunType(type: A.FunType, name: string | undefined): void {
    const written = this.text(type.span);
    const dims = written.slice(written.indexOf('['));
    const element = written.slice(0, written.indexOf('[')).trim();
    const suffix = name ? ` ${name}` : '';
    this.report(
      'warning',
      type.span,
      'syntax/legacy-array',
      `\`${element}${dims}${suffix}\` is the removed array syntax; write \`array${dims} ${element}${suffix}\``,
    );
  }

  // -------------------------------------------------------------------------
  // Declarations

  /** One VarDecl per declared name; each gets its own copy of the type. */
  varDecl(array: { keyword: IToken; dims: Dims } | undefined, type: A.DeclType, declarators: Declarator[], semicolon: IToken): A.VarDecl[] {
    const span = { start: array ? startAt(array.keyword) : type.span.start, end: endAt(semicolon) };
    return declarators.map((d, i) => {
      const name = this.name(d.name, 'variable');
      const decl: A.VarDecl = {
        kind: 'VarDecl',
        type: i === 0 ? type : structuredClone(type),
        arrayDims: array ? (i === 0 ? array.dims.exprs : structuredClone(array.dims.exprs)) : [],
        name: name.name,
        nameSpan: name.span,
        span,
      };
      if (d.legacy) {
        const dimsSpan = between(d.legacy.open, d.legacy.close);
        if (array) {
          this.error(dimsSpan, 'syntax/mixed-array', `'${name.name}' has sizes both in 'array[...]' and after its name; use 'array[...]' only`);
        } else {
          decl.arrayDims = d.legacy.exprs;
          decl.legacyArray = true;
          const dims = this.text(dimsSpan).replace(/^\[\s*|\s*\]$/g, '');
          const typeText = this.text(type.span);
          this.report(
            'warning',
            join(type.span, dimsSpan),
            'syntax/legacy-array',
            `\`${typeText} ${name.name}[${dims}]\` is the removed array syntax; write \`array[${dims}] ${typeText} ${name.name}\``,
          );
        }
      }
      if (d.init) decl.init = d.init;
      return decl;
    });
  }

  declType(keyword: IToken, bounds: { items: Bound[]; open: IToken; close: IToken } | undefined, sizes: Dims | undefined): A.DeclType {
    const base = keyword.image as A.BaseTypeName;
    const last = sizes ? sizes.close : bounds ? bounds.close : keyword;
    const type: A.DeclType = { kind: 'DeclType', base, sizes: sizes ? sizes.exprs : [], span: between(keyword, last) };
    this.checkSizes(base, type.sizes.length, sizes ? between(sizes.open, sizes.close) : tokenSpan(keyword));
    if (bounds) type.bounds = this.bounds(bounds.items, between(bounds.open, bounds.close), base);
    return type;
  }

  tupleDeclType(keyword: IToken, elements: A.TupleElementDecl[], commas: number, close: IToken): A.DeclType {
    const span = between(keyword, close);
    this.checkTupleArity(elements.length, commas, span);
    return { kind: 'DeclType', base: 'tuple', sizes: [], elements, span };
  }

  tupleElement(array: { keyword: IToken; dims: Dims } | undefined, type: A.DeclType): A.TupleElementDecl {
    return {
      type,
      arrayDims: array ? array.dims.exprs : [],
      span: { start: array ? startAt(array.keyword) : type.span.start, end: type.span.end },
    };
  }

  private checkSizes(base: string, count: number, span: A.Span): void {
    if (SCALARS.has(base)) {
      if (count > 0) this.error(span, 'syntax/type-sizes', `'${base}' takes no size; for an array write 'array[N] ${base}'`);
      return;
    }
    if (base === 'cholesky_factor_cov') {
      if (count < 1 || count > 2) {
        this.error(span, 'syntax/type-sizes', "'cholesky_factor_cov' needs one or two sizes, like 'cholesky_factor_cov[M]' or 'cholesky_factor_cov[M, N]'");
      }
      return;
    }
    const want = ONE_SIZE.has(base) ? 1 : TWO_SIZES.has(base) ? 2 : 0;
    if (count === want) return;
    const example = want === 1 ? `'${base}[N]'` : `'${base}[N, M]'`;
    this.error(span, 'syntax/type-sizes', `'${base}' needs ${want === 1 ? 'one size' : 'two sizes'}, like ${example}`);
  }

  private bounds(items: Bound[], span: A.Span, base: string): A.Bounds {
    const out: A.Bounds = { span };
    if (!BOUNDABLE.has(base)) this.error(span, 'syntax/bounds', `'${base}' cannot have bounds: its constraint is part of the type`);
    for (const { word, value } of items) {
      const key = word.image as 'lower' | 'upper' | 'offset' | 'multiplier';
      if (out[key]) this.error({ start: startAt(word), end: value.span.end }, 'syntax/bounds', `'${key}' is given twice`);
      out[key] = value;
    }
    const range = out.lower !== undefined || out.upper !== undefined;
    const affine = out.offset !== undefined || out.multiplier !== undefined;
    if (range && affine) this.error(span, 'syntax/bounds', "bounds cannot mix 'lower'/'upper' with 'offset'/'multiplier'");
    else if (affine && base === 'int') this.error(span, 'syntax/bounds', "'int' can only have 'lower' and 'upper' bounds");
    return out;
  }

  /** `(a, b)`, or `(a, )` for one element; never empty commas or a lone element. */
  private checkTupleArity(elements: number, commas: number, span: A.Span): void {
    if (elements === 1 && commas === 1) return;
    if (elements >= 2 && commas === elements - 1) return;
    const message =
      elements === 1 && commas === 0
        ? "a tuple needs at least two elements (write '(x, )' for a one-element tuple)"
        : 'a tuple needs one element between each pair of commas, and a trailing comma only when it has one element';
    this.error(span, 'syntax/tuple', message);
  }

  // -------------------------------------------------------------------------
  // Statements

  block(open: IToken, statements: A.Stmt[], close: IToken): A.Block {
    return { kind: 'Block', statements, span: between(open, close) };
  }

  /** The body of if/while/for: one statement (several declarations become a block). */
  body(stmts: A.Stmt[], at: IToken): A.Stmt {
    if (stmts.length === 1) return stmts[0];
    if (stmts.length === 0) return { kind: 'Empty', span: tokenSpan(at) };
    return { kind: 'Block', statements: stmts, span: join(stmts[0].span, stmts[stmts.length - 1].span) };
  }

  ifStatement(keyword: IToken, condition: A.Expr, then: A.Stmt, otherwise: A.Stmt | undefined): A.If {
    const stmt: A.If = { kind: 'If', condition, then, span: { start: startAt(keyword), end: (otherwise ?? then).span.end } };
    if (otherwise) stmt.otherwise = otherwise;
    return stmt;
  }

  whileStatement(keyword: IToken, condition: A.Expr, body: A.Stmt): A.While {
    return { kind: 'While', condition, body, span: { start: startAt(keyword), end: body.span.end } };
  }

  forStatement(keyword: IToken, variable: IToken, first: A.Expr, second: A.Expr | undefined, body: A.Stmt): A.For | A.ForEach {
    const v = this.name(variable, 'loop variable');
    const span = { start: startAt(keyword), end: body.span.end };
    if (second) return { kind: 'For', variable: v.name, variableSpan: v.span, lower: first, upper: second, body, span };
    return { kind: 'ForEach', variable: v.name, variableSpan: v.span, collection: first, body, span };
  }

  simple(kind: 'Break' | 'Continue' | 'Empty', first: IToken, semicolon: IToken): A.Break | A.Continue | A.Empty {
    return { kind, span: between(first, semicolon) };
  }

  returnStatement(keyword: IToken, value: A.Expr | undefined, semicolon: IToken): A.Return {
    const span = between(keyword, semicolon);
    return value ? { kind: 'Return', value, span } : { kind: 'Return', span };
  }

  printStatement(keyword: IToken, args: A.Expr[], semicolon: IToken): A.Print | A.Reject | A.FatalError {
    return { kind: PRINT_KINDS[keyword.image] ?? 'Print', args, span: between(keyword, semicolon) };
  }

  profile(keyword: IToken, name: IToken, body: A.Block): A.Profile {
    return { kind: 'Profile', name: unquote(name.image), body, span: { start: startAt(keyword), end: body.span.end } };
  }

  /** `lhs op value;` — also `target += e` and `jacobian += e`. */
  assignment(lhs: A.Expr, opTok: IToken, value: A.Expr, semicolon: IToken): A.Stmt {
    const span = { start: lhs.span.start, end: endAt(semicolon) };
    let op = opTok.image as A.AssignOp;
    if (opTok.image === '<-') {
      this.error(tokenSpan(opTok), 'syntax/arrow-assign', "'<-' was removed from Stan: use '=' for assignment");
      op = '=';
    }
    if (op === '+=' && lhs === this.bareTarget) {
      this.bareTarget = undefined;
      return { kind: 'TargetPlus', expr: value, span };
    }
    if (op === '+=' && lhs.kind === 'Variable' && lhs.name === 'jacobian') return { kind: 'JacobianPlus', expr: value, span };
    // A bare `target` in any other statement is reported once, by endStatement.
    if (lhs !== this.bareTarget && !isAssignable(lhs)) {
      this.error(
        lhs.span,
        'syntax/not-assignable',
        `cannot assign to this expression: the left side of '${op}' must be a variable, possibly indexed (x[i]) or a tuple element (x.1)`,
      );
    }
    return { kind: 'Assign', target: lhs, op, value, span };
  }

  tilde(lhs: A.Expr, dist: IToken, args: CallArgs, truncation: A.Truncation | undefined, semicolon: IToken): A.Tilde {
    if (args.bar) {
      this.error(
        tokenSpan(args.bar),
        'syntax/tilde-bar',
        `a '~' statement lists the distribution's parameters without '|': write 'y ~ ${dist.image}(mu, sigma)'`,
      );
    }
    const stmt: A.Tilde = {
      kind: 'Tilde',
      lhs,
      distribution: dist.image,
      distributionSpan: tokenSpan(dist),
      args: args.args,
      span: { start: lhs.span.start, end: endAt(semicolon) },
    };
    if (truncation) stmt.truncation = truncation;
    return stmt;
  }

  /** `f(x);`; any other expression alone is not a statement. */
  expressionAlone(e: A.Expr, semicolon: IToken): A.Stmt | undefined {
    if (e.kind === 'Call' && e !== this.bareTarget) return { kind: 'CallStmt', call: e, span: { start: e.span.start, end: endAt(semicolon) } };
    if (e === this.bareTarget) return undefined; // reported by endStatement
    this.error(e.span, 'syntax/not-a-statement', "this expression is not a statement: assign it with '=', use it in a '~' statement, or call a function");
    return undefined;
  }

  /** A bare `target` not consumed by `target +=` is an error. */
  endStatement(): void {
    if (this.bareTarget) {
      this.error(this.bareTarget.nameSpan, 'syntax/bare-target', "'target' is read with 'target()' and added to with 'target += ...'");
      this.bareTarget = undefined;
    }
  }

  truncation(t: IToken, lower: A.Expr | undefined, upper: A.Expr | undefined, close: IToken): A.Truncation {
    const out: A.Truncation = { span: between(t, close) };
    if (lower) out.lower = lower;
    if (upper) out.upper = upper;
    return out;
  }

  // -------------------------------------------------------------------------
  // Expressions

  /** `a op b op c ...`, grouped by precedence. */
  chain(operands: A.Expr[], ops: IToken[]): A.Expr {
    if (ops.length === 0) return operands[0];
    return groupByPrecedence(operands, ops.map((t) => t.image as keyof typeof INFIX_PRECEDENCE));
  }

  conditional(condition: A.Expr, then: A.Expr, otherwise: A.Expr): A.Conditional {
    return { kind: 'Conditional', condition, then, otherwise, span: join(condition.span, otherwise.span) };
  }

  /** Prefixes, the primary with its postfixes, an optional `^` exponent. */
  operand(prefixes: IToken[], primary: A.Expr, postfixes: Postfix[], power: IToken | undefined, exponent: A.Expr | undefined): A.Expr {
    let e = primary;
    for (const p of postfixes) {
      if ('indices' in p) {
        e = { kind: 'Indexed', target: e, indices: p.indices, span: { start: e.span.start, end: endAt(p.close) } };
      } else if (p.image === "'") {
        e = { kind: 'Transpose', operand: e, span: { start: e.span.start, end: endAt(p) } };
      } else {
        const index = Number(p.image.slice(1).replace(/_/g, ''));
        e = { kind: 'TupleProjection', target: e, index, span: { start: e.span.start, end: endAt(p) } };
      }
    }
    if (power && exponent) {
      e = { kind: 'Binary', op: power.image as A.BinaryOp, left: e, right: exponent, span: join(e.span, exponent.span) };
    }
    for (let i = prefixes.length - 1; i >= 0; i--) {
      e = { kind: 'Unary', op: prefixes[i].image as A.UnaryOp, operand: e, span: { start: startAt(prefixes[i]), end: e.span.end } };
    }
    return e;
  }

  index(parts: IndexParts, separator: IToken): A.Index {
    const { before, colon, after } = parts;
    if (!colon) {
      if (before) return { kind: 'Single', expr: before, span: before.span };
      const at = endAt(separator);
      return { kind: 'Slice', span: { start: at, end: at } };
    }
    const slice: A.Index = {
      kind: 'Slice',
      span: { start: before ? before.span.start : startAt(colon), end: after ? after.span.end : endAt(colon) },
    };
    if (before) slice.lower = before;
    if (after) slice.upper = after;
    return slice;
  }

  literal(t: IToken): A.Expr {
    const span = tokenSpan(t);
    const digits = t.image.replace(/_/g, '');
    switch (t.tokenType.name) {
      case 'IntLiteral': {
        const value = Number(digits);
        if (value > INT_MAX) {
          this.error(span, 'syntax/int-too-large', `the integer '${t.image}' is too large: Stan's int holds at most ${INT_MAX} (write '${t.image}.0' for a real)`);
        }
        return { kind: 'IntLiteral', text: t.image, value, span };
      }
      case 'ImagLiteral':
        return { kind: 'ImagLiteral', text: t.image, value: Number(digits.slice(0, -1)), span };
      case 'StringLiteral':
      case 'UnterminatedString':
        return { kind: 'StringLiteral', text: t.image, value: unquote(t.image), span };
      default: // RealLiteral, DotNumeral, BadNumber (already reported by the lexer)
        return { kind: 'RealLiteral', text: t.image, value: Number(digits), span };
    }
  }

  variableOrCall(name: IToken, args: CallArgs | undefined): A.Variable | A.Call {
    if (!args) return { kind: 'Variable', name: name.image, span: tokenSpan(name) };
    return { kind: 'Call', name: name.image, nameSpan: tokenSpan(name), args: args.args, conditional: args.bar !== undefined, span: between(name, args.close) };
  }

  /** `target()`, or a bare `target` (legal only before `+=`). */
  target(keyword: IToken, close: IToken | undefined): A.Call {
    const call: A.Call = { kind: 'Call', name: 'target', nameSpan: tokenSpan(keyword), args: [], conditional: false, span: between(keyword, close ?? keyword) };
    if (!close) this.bareTarget = call;
    return call;
  }

  parenOrTuple(open: IToken, elements: A.Expr[], commas: number, close: IToken): A.Paren | A.TupleExpr {
    const span = between(open, close);
    if (commas === 0) return { kind: 'Paren', expr: elements[0], span };
    this.checkTupleArity(elements.length, commas, span);
    return { kind: 'TupleExpr', elements, span };
  }

  arrayExpr(open: IToken, elements: A.Expr[], close: IToken): A.ArrayExpr {
    return { kind: 'ArrayExpr', elements, span: between(open, close) };
  }

  rowVectorExpr(open: IToken, elements: A.Expr[], close: IToken): A.RowVectorExpr {
    const span = between(open, close);
    if (elements.length === 0) this.error(span, 'syntax/empty-row-vector', "'[ ]' is not a valid expression: a row vector needs at least one element");
    return { kind: 'RowVectorExpr', elements, span };
  }

  /** Strings may only be direct arguments of print, reject and fatal_error. */
  misplacedStrings(root: unknown): void {
    const visit = (x: unknown, allowed: boolean): void => {
      if (Array.isArray(x)) {
        for (const y of x) visit(y, allowed);
        return;
      }
      if (x === null || typeof x !== 'object') return;
      const node = x as { kind?: string; args?: A.Expr[]; span?: A.Span };
      if (node.kind === 'StringLiteral' && !allowed) {
        this.error(node.span!, 'syntax/string', 'a string can only be an argument of print, reject or fatal_error');
        return;
      }
      if (node.kind === 'Print' || node.kind === 'Reject' || node.kind === 'FatalError') {
        for (const arg of node.args!) visit(arg, true);
        return;
      }
      for (const key in node) {
        if (key !== 'span' && !key.endsWith('Span')) visit((node as Record<string, unknown>)[key], false);
      }
    };
    visit(root, false);
  }
}

function unquote(image: string): string {
  return image.endsWith('"') && image.length >= 2 ? image.slice(1, -1) : image.slice(1);
}

/** Variables, their elements (`x[i]`, `x.1`) and tuples of those (`(a, b) = f()`). */
function isAssignable(e: A.Expr): boolean {
  switch (e.kind) {
    case 'Variable':
      return true;
    case 'Indexed':
    case 'TupleProjection':
      return isAssignable(e.target);
    case 'TupleExpr':
      return e.elements.every(isAssignable);
    default:
      return false;
  }
}
