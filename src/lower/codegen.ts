// Lowering: a checked program → the text of a JavaScript function body that, given the
// runtime namespace `$`, returns `instantiate(data)`. Expressions become calls into the
// batched autodiff runtime; independent loops become single vector operations (vectorize.ts).
import type {
  Program, Expr, Stmt, FunctionDef, VarDecl, DeclType, Index, Call, Tilde, ProgramBlock, BlockName,
} from '../frontend/ast.js';
import { findBlock } from '../frontend/ast.js';
import type { StanType } from '../check/types.js';
import { exprText } from '../check/expressions.js';
import { varName, funName, str, num, Writer } from './emit.js';
import { elementAssigned, parameterLocals, forEachStmt } from './scan.js';
import { liftLoop } from './vectorize.js';
import { lowerScalarDensity, lowerScalarGenerate } from './scalar.js';
import { lowerFusedDensity } from './fused.js';

export class LoweringError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = 'LoweringError';
  }
}

function fail(node: { span: { start: { line: number; column: number } } }, message: string): never {
  throw new LoweringError(message, node.span.start.line, node.span.start.column);
}

function typeOf(e: Expr): StanType {
  if (!e.type) fail(e, 'internal: expression has no type (was the program type-checked?)');
  return e.type;
}

const isScalar = (t: StanType) => t.kind === 'int' || t.kind === 'real';
const isInt = (t: StanType) => t.kind === 'int';

/** Per code unit (a function body or a block group): how variables are represented. */
interface Unit {
  /** Written element by element: mutable tensors. */
  mutable: Set<string>;
  /** May hold parameter values: batched when a tape is recording. */
  parameterValued: Set<string>;
}

export interface LoweredProgram {
  /** Body of `new Function('$', body)`; returns the `instantiate` function. */
  body: string;
}

export class CodeGenerator {
  private readonly w = new Writer();
  private readonly sites: string[] = [];
  private siteIds = new Map<string, string>();
  private unit: Unit = { mutable: new Set(), parameterValued: new Set() };
  private tmp = 0;
  /** Name of the JS array collecting target terms in the current context, or null where `target +=` is illegal. */
  private target: string | null = null;

  constructor(readonly program: Program) {}

  lower(): LoweredProgram {
    const out = new Writer();
    const functions = findBlock(this.program, 'functions');
    const fnWriter = this.w;
    if (functions) {
      for (const item of functions.items) if (item.kind === 'FunctionDef' && item.body) this.functionDef(item);
    }
    const fnText = fnWriter.toString();
    const inst = this.instantiate();
    out.line('"use strict";');
    out.line('const $t = { terms: null };');
    for (const s of this.sites) out.line(s);
    out.line(fnText);
    out.line(inst);
    return { body: out.toString() };
  }

  // -------------------------------------------------------------------------
  // Program structure

  private block(name: BlockName): ProgramBlock | undefined {
    return findBlock(this.program, name);
  }

  private stmtsOf(name: BlockName): Stmt[] {
    return (this.block(name)?.items ?? []).filter((s): s is Stmt => s.kind !== 'FunctionDef');
  }

  private withWriter(fn: (w: Writer) => void): string {
    const saved = (this as unknown as { w: Writer }).w;
    const w = new Writer();
    (this as unknown as { w: Writer }).w = w;
    try {
      fn(w);
    } finally {
      (this as unknown as { w: Writer }).w = saved;
    }
    return w.toString();
  }

  private instantiate(): string {
    return this.withWriter((w) => {
      w.open('return function instantiate($input) {');
      // Data, read and checked in declaration order (sizes may use earlier data).
      for (const d of this.stmtsOf('data')) {
        if (d.kind !== 'VarDecl') continue;
        w.line(`const ${varName(d.name)} = $.readData($input, ${this.declSpec(d, true)});`);
      }
      // Transformed data: run once, values only.
      const td = this.stmtsOf('transformed data');
      this.unit = { mutable: elementAssigned(td), parameterValued: new Set() };
      this.target = null;
      for (const s of td) this.stmt(s, { topLevel: true });
      for (const s of td) if (s.kind === 'VarDecl') this.checkDeclared(s, 'data');

      // Parameter layout (sizes are data-only).
      const params = this.stmtsOf('parameters').filter((s): s is VarDecl => s.kind === 'VarDecl');
      w.line(`const $layout = $.layout([${params.map((p) => this.declSpec(p, true)).join(', ')}]);`);
      const tp = this.stmtsOf('transformed parameters');
      const model = this.stmtsOf('model');
      const gq = this.stmtsOf('generated quantities');

      // Log density over a batched unconstrained tensor.
      w.open('function logDensity($u, $jacobian) {');
      w.line('const $T = []; $t.terms = $T;');
      this.unit = { mutable: elementAssigned([...tp, ...model]), parameterValued: parameterLocals([...tp, ...model]) };
      for (const tpd of tp) if (tpd.kind === 'VarDecl') this.unit.parameterValued.add(tpd.name);
      this.target = '$T';
      this.emitParams(params, '$jacobian ? $T : null');
      for (const s of tp) this.stmt(s, { topLevel: true });
      for (const s of tp) if (s.kind === 'VarDecl') this.checkDeclared(s, 'transformed parameters');
      for (const s of model) this.stmt(s, { topLevel: false });
      w.line('return $T;');
      w.close();

      // The same density for one chain at a time on the scalar tape, when the program allows.
      this.unit = { mutable: elementAssigned([...tp, ...model]), parameterValued: new Set() };
      this.target = null;
      const scalar = lowerScalarDensity(this, params, tp, model);
      if ('code' in scalar) for (const line of scalar.code.split('\n')) w.line(line);
      let scalarField = 'code' in scalar ? 'scalarDensity' : `scalarUnsupported: ${str(scalar.unsupported)}`;
      // Straight-line code for element-wise programs, with the scalar tape as its fallback.
      if ('code' in scalar) {
        const fused = lowerFusedDensity(this, params, tp, model, gq);
        if ('code' in fused) for (const line of fused.code.split('\n')) w.line(line);
        scalarField += 'code' in fused
          ? `, fusedDensity: $fused && $fused.density${fused.generate ? ', fusedGenerate: $fused && $fused.generate' : ''}`
          : `, fusedUnsupported: ${str(fused.unsupported)}`;
      }

      // Generated quantities for one draw (values only, no tape).
      w.open('function generate($u) {');
      this.unit = { mutable: elementAssigned([...tp, ...gq]), parameterValued: new Set() };
      this.target = null;
      this.emitParams(params, 'null');
      for (const s of tp) this.stmt(s, { topLevel: true });
      for (const s of tp) if (s.kind === 'VarDecl') this.checkDeclared(s, 'transformed parameters');
      for (const s of gq) this.stmt(s, { topLevel: true });
      for (const s of gq) if (s.kind === 'VarDecl') this.checkDeclared(s, 'generated quantities');
      const outs = [...params, ...tp, ...gq].filter((s): s is VarDecl => s.kind === 'VarDecl');
      w.line(`return [${outs.map((o) => varName(o.name)).join(', ')}];`);
      w.close();

      // The same for one draw on the scalar tape (values only), when the program allows.
      this.unit = { mutable: elementAssigned([...tp, ...gq]), parameterValued: new Set() };
      this.target = null;
      const scalarGen = lowerScalarGenerate(this, params, tp, gq, 'code' in scalar);
      let genField = '';
      if ('code' in scalarGen) {
        const [first, ...rest] = scalarGen.code.split('\n');
        w.line(`const scalarGenerate = ${first}`);
        for (const line of rest) w.line(line);
        genField = ', scalarGenerate';
      }

      // Output columns: sizes of TP and GQ variables are data-only expressions.
      const outSpecs = outs.map((o) => this.declSpec(o));
      w.line(`return { layout: $layout, outputs: [${outSpecs.join(', ')}], logDensity, generate, ${scalarField}${genField} };`);
      w.close('};');
    });
  }

  /** Constrain each parameter from its slice of the unconstrained tensor `$u`. */
  private emitParams(params: VarDecl[], jacobian: string): void {
    params.forEach((p, i) => {
      const bounds = this.boundsObject(p.type);
      this.w.line(`const ${varName(p.name)} = $.param($u, $layout.entries[${i}], ${bounds}, ${jacobian});`);
    });
  }

  private boundsObject(t: DeclType): string {
    const b = t.bounds;
    if (!b) return 'null';
    const parts: string[] = [];
    for (const key of ['lower', 'upper', 'offset', 'multiplier'] as const) {
      const e = b[key];
      if (e) parts.push(`${key}: ${this.expr(e)}`);
    }
    return `{ ${parts.join(', ')} }`;
  }

  /**
   * A declaration's run-time description: name, base type, evaluated sizes, data-only bounds,
   * source line; with `sizeText`, also the sizes' source text for data and init messages
   * (left out elsewhere: local declarations are evaluated in the hot path).
   */
  declSpec(d: VarDecl, sizeText = false): string {
    const t = d.type;
    const parts = [
      `name: ${str(d.name)}`,
      `base: ${str(t.base)}`,
      `arrayDims: [${d.arrayDims.map((e) => this.expr(e)).join(', ')}]`,
      `sizes: [${t.sizes.map((e) => this.expr(e)).join(', ')}]`,
      `line: ${d.span.start.line}`,
      `column: ${d.span.start.column}`,
    ];
    if (sizeText) {
      parts.push(`arrayDimsText: [${d.arrayDims.map((e) => str(exprText(e))).join(', ')}]`);
      parts.push(`sizesText: [${t.sizes.map((e) => str(exprText(e))).join(', ')}]`);
    }
    // Data-only bounds are evaluated with the sizes; bounds that depend on parameters are
    // evaluated in the log density, where they can carry gradients.
    if (t.bounds && this.boundsAreData(t)) {
      parts.push(`bounds: ${this.boundsObject(t)}`);
    }
    if (t.elements) fail(d, 'tuple declarations are not supported by the lowering yet');
    return `{ ${parts.join(', ')} }`;
  }

  private boundsAreData(t: DeclType): boolean {
    const b = t.bounds!;
    return [b.lower, b.upper, b.offset, b.multiplier].every((e) => !e || e.origin !== 'parameter');
  }

  /** Declared constraints on a block variable, checked after its block ran. */
  private checkDeclared(d: VarDecl, block: string): void {
    const t = d.type;
    const constrained = t.bounds || !['int', 'real', 'vector', 'row_vector', 'matrix', 'complex'].includes(t.base);
    if (!constrained) return;
    const bounds = this.boundsObject(t);
    this.w.line(`$.checkConstraint(${varName(d.name)}, ${str(d.name)}, ${str(block)}, ${str(t.base)}, ${bounds}, ${d.span.start.line});`);
  }

  // -------------------------------------------------------------------------
  // Functions

  private functionDef(f: FunctionDef): void {
    const overload = this.overloadIndex(f);
    const args = f.params.map((p) => varName(p.name));
    const body = f.body!;
    const savedUnit = this.unit;
    const savedTarget = this.target;
    this.unit = {
      mutable: elementAssigned(body.statements),
      // Inside a function, whether values are batched is known only at run time: treat every
      // real local as possibly parameter-valued (declare() makes it batched only when taping).
      parameterValued: localNames(body.statements),
    };
    this.target = f.name.endsWith('_lp') ? '$t.terms' : null;
    this.w.open(`function ${funName(f.name, overload)}(${args.join(', ')}) {`);
    for (const s of body.statements) this.stmt(s, { topLevel: false });
    this.w.close();
    this.unit = savedUnit;
    this.target = savedTarget;
  }

  /** Overloads are numbered in definition order among definitions with bodies. */
  private overloadIndex(f: FunctionDef): number {
    const defs = (findBlock(this.program, 'functions')?.items ?? []).filter(
      (i): i is FunctionDef => i.kind === 'FunctionDef' && i.name === f.name && !!i.body,
    );
    return Math.max(0, defs.indexOf(f));
  }

  // -------------------------------------------------------------------------
  // Statements

  private stmt(s: Stmt, ctx: { topLevel: boolean }): void {
    const w = this.w;
    switch (s.kind) {
      case 'VarDecl':
        return this.varDecl(s);
      case 'Assign':
        return this.assign(s);
      case 'Tilde':
        return this.tilde(s);
      case 'TargetPlus':
        if (!this.target) fail(s, "'target +=' is not allowed here");
        w.line(`${this.target}.push(${this.expr(s.expr)});`);
        return;
      case 'JacobianPlus':
        // Counted only when the Jacobian is requested, like the transforms' own terms.
        w.line(`if ($jacobian) $T.push(${this.expr(s.expr)});`);
        return;
      case 'For': {
        const lifted = liftLoop(s, this);
        if (lifted !== null) {
          for (const line of lifted) w.line(line);
          return;
        }
        const hi = `$hi${this.tmp++}`;
        const v = varName(s.variable);
        w.open(`for (let ${v} = ${this.expr(s.lower)}, ${hi} = ${this.expr(s.upper)}; ${v} <= ${hi}; ${v}++) {`);
        this.body(s.body);
        w.close();
        return;
      }
      case 'ForEach':
        w.open(`for (const ${varName(s.variable)} of $.elements(${this.expr(s.collection)}, ${str(typeOf(s.collection).kind)})) {`);
        this.body(s.body);
        w.close();
        return;
      case 'While':
        w.open(`while (${this.cond(s.condition)}) {`);
        this.body(s.body);
        w.close();
        return;
      case 'If':
        w.open(`if (${this.cond(s.condition)}) {`);
        this.body(s.then);
        if (s.otherwise) {
          w.close('} else {');
          w.open('');
          this.body(s.otherwise);
        }
        w.close();
        return;
      case 'Break':
        w.line('break;');
        return;
      case 'Continue':
        w.line('continue;');
        return;
      case 'Return':
        w.line(s.value ? `return ${this.expr(s.value)};` : 'return;');
        return;
      case 'Print':
        w.line(`$.print([${s.args.map((a) => this.expr(a)).join(', ')}]);`);
        return;
      case 'Reject':
        w.line(`throw $.reject([${s.args.map((a) => this.expr(a)).join(', ')}]);`);
        return;
      case 'FatalError':
        w.line(`throw $.fatal([${s.args.map((a) => this.expr(a)).join(', ')}]);`);
        return;
      case 'Block':
        w.open('{');
        for (const x of s.statements) this.stmt(x, { topLevel: false });
        w.close();
        return;
      case 'Profile':
        w.open(`{ // profile ${str(s.name)}`);
        for (const x of s.body.statements) this.stmt(x, { topLevel: false });
        w.close();
        return;
      case 'CallStmt':
        w.line(`${this.call(s.call)};`);
        return;
      case 'Empty':
        return;
      case 'Include':
        fail(s, `#include ${s.path} was not resolved (parse the file with parseFile)`);
    }
    void ctx;
  }

  /** A variable of the data or transformed data block. */
  isBlockData(name: string): boolean {
    return [...this.stmtsOf('data'), ...this.stmtsOf('transformed data')].some((s) => s.kind === 'VarDecl' && s.name === name);
  }

  /** A data-only statement of the scalar density, lowered as here (see scalar.ts). */
  stmtInScalar(s: Stmt, w: Writer): void {
    const text = this.withWriter(() => this.stmt(s, { topLevel: false }));
    for (const line of text.split('\n')) if (line.trim() !== '') w.line(line);
  }

  private body(s: Stmt): void {
    if (s.kind === 'Block') for (const x of s.statements) this.stmt(x, { topLevel: false });
    else this.stmt(s, { topLevel: false });
  }

  cond(e: Expr): string {
    return isInt(typeOf(e)) && e.origin !== 'parameter' ? `(${this.expr(e)}) !== 0` : `$.truth(${this.expr(e)})`;
  }

  private varDecl(d: VarDecl): void {
    const v = varName(d.name);
    const t = d.type;
    if (t.elements) fail(d, 'tuple declarations are not supported by the lowering yet');
    const scalar = d.arrayDims.length === 0 && (t.base === 'int' || t.base === 'real');
    if (t.base.startsWith('complex')) fail(d, 'complex numbers are not supported by the lowering yet');
    if (scalar) {
      const init = d.init ? this.expr(d.init) : t.base === 'int' ? '-2147483648' : 'NaN';
      this.w.line(`let ${v} = ${init};`);
      return;
    }
    const shape = `$.declShape(${this.declSpec(d)})`;
    const batched = this.unit.parameterValued.has(d.name) ? '$.taping()' : 'false';
    if (this.unit.mutable.has(d.name)) {
      if (d.init) this.w.line(`let ${v} = $.mutableCopy(${this.expr(d.init)}, ${shape}, ${batched});`);
      else this.w.line(`let ${v} = $.declare(${shape}, ${batched});`);
    } else if (d.init) {
      this.w.line(`let ${v} = $.checkShape(${this.expr(d.init)}, ${shape}, ${str(d.name)});`);
    } else {
      this.w.line(`let ${v} = $.declare(${shape}, false);`);
    }
  }

  private assign(s: Extract<Stmt, { kind: 'Assign' }>): void {
    const opMap: Record<string, string> = { '+=': '+', '-=': '-', '*=': '*', '/=': '/', '.*=': '.*', './=': './' };
    const target = s.target;
    let value: string;
    if (s.op === '=') value = this.expr(s.value);
    else value = this.binaryCode(opMap[s.op], target, s.value, typeOf(target));
    if (target.kind === 'Variable') {
      const v = varName(target.name);
      if (this.unit.mutable.has(target.name) && !isScalar(typeOf(target))) {
        this.w.line(`${v} = $.mutableCopy(${value}, ${v}.shape, ${v}.batched);`);
      } else {
        this.w.line(`${v} = ${value};`);
      }
      return;
    }
    if (target.kind === 'Indexed' && target.target.kind === 'Variable') {
      const name = target.target.name;
      this.w.line(`${varName(name)} = $.assignIndexed(${varName(name)}, ${this.indexSpecs(target.indices)}, ${value});`);
      return;
    }
    if (target.kind === 'Indexed' && target.target.kind === 'Indexed' && target.target.target.kind === 'Variable') {
      // x[i][j] = v  ≡  x[i, j] = v
      const name = target.target.target.name;
      const specs = [...target.target.indices, ...target.indices];
      this.w.line(`${varName(name)} = $.assignIndexed(${varName(name)}, ${this.indexSpecs(specs)}, ${value});`);
      return;
    }
    fail(s, 'this kind of assignment target is not supported by the lowering yet');
  }

  private tilde(s: Tilde): void {
    if (!this.target) fail(s, "'~' is not allowed here");
    const name = s.resolved?.name ?? s.distribution;
    const lhs = this.expr(s.lhs);
    const args = s.args.map((a) => this.expr(a));
    if (s.resolved?.source === 'user') {
      if (s.truncation) fail(s, 'truncation of user-defined distributions is not supported yet');
      const f = this.userFunctionFor(s, name, s.resolved.argTypes);
      this.w.line(`${this.target}.push(${f}(${[lhs, ...args].join(', ')}));`);
      return;
    }
    const density = this.site(name, [s.lhs, ...s.args].map(typeOf));
    if (!s.truncation) {
      this.w.line(`${this.target}.push(${density}.call([${[lhs, ...args].join(', ')}]));`);
      return;
    }
    const base = name.replace(/_(lpdf|lupdf|lpmf|lupmf)$/, '');
    const discrete = /_lu?pmf$/.test(name);
    const types = [s.lhs, ...s.args].map(typeOf);
    const lcdf = this.site(base + '_lcdf', types);
    const lccdf = this.site(base + '_lccdf', types);
    const lo = s.truncation.lower ? this.expr(s.truncation.lower) : 'undefined';
    const hi = s.truncation.upper ? this.expr(s.truncation.upper) : 'undefined';
    this.w.line(
      `${this.target}.push($.truncated(${density}, ${lcdf}, ${lccdf}, ${lhs}, [${args.join(', ')}], ${lo}, ${hi}, ${discrete}));`,
    );
  }

  // -------------------------------------------------------------------------
  // Expressions

  /** A call site: the built-in and its argument types, bound once at module creation. */
  site(name: string, argTypes: StanType[]): string {
    const key = name + JSON.stringify(argTypes);
    let id = this.siteIds.get(key);
    if (!id) {
      id = `$s${this.siteIds.size}`;
      this.siteIds.set(key, id);
      this.sites.push(`const ${id} = $.site(${str(name)}, ${JSON.stringify(argTypes)});`);
    }
    return id;
  }

  expr(e: Expr): string {
    switch (e.kind) {
      case 'IntLiteral':
      case 'RealLiteral':
        return num(e.value);
      case 'ImagLiteral':
        fail(e, 'complex numbers are not supported by the lowering yet');
      // falls through (fail never returns)
      case 'StringLiteral':
        return str(e.value);
      case 'Variable': {
        const v = varName(e.name);
        if (this.unit.mutable.has(e.name) && !isScalar(typeOf(e))) return `$.copy(${v})`;
        return v;
      }
      case 'Paren':
        return this.expr(e.expr);
      case 'Unary': {
        const x = this.expr(e.operand);
        if (e.op === '+') return x;
        if (e.op === '!') return `(${this.cond(e.operand)} ? 0 : 1)`;
        return isInt(typeOf(e)) ? `(-${x})` : `$.neg(${x})`;
      }
      case 'Binary':
        return this.binaryCode(e.op, e.left, e.right, typeOf(e));
      case 'Conditional':
        return `(${this.cond(e.condition)} ? ${this.expr(e.then)} : ${this.expr(e.otherwise)})`;
      case 'Transpose':
        return `$.transpose(${this.expr(e.operand)})`;
      case 'Indexed':
        return this.indexed(e);
      case 'Call':
        return this.call(e);
      case 'ArrayExpr':
      case 'RowVectorExpr':
        return `$.stackValues([${e.elements.map((x) => this.expr(x)).join(', ')}])`;
      case 'TupleExpr':
        return `[${e.elements.map((x) => this.expr(x)).join(', ')}]`;
      case 'TupleProjection':
        return `(${this.expr(e.target)})[${e.index - 1}]`;
    }
  }

  private indexed(e: Extract<Expr, { kind: 'Indexed' }>): string {
    // Reads of a mutable variable's elements copy (index ops always produce fresh values for batched data).
    const base = e.target.kind === 'Variable' ? varName(e.target.name) : this.expr(e.target);
    const onlySingles = e.indices.every((i) => i.kind === 'Single' && !i.multi);
    if (onlySingles && e.indices.length === 1) {
      const i = e.indices[0] as Extract<Index, { kind: 'Single' }>;
      const r = `$.index1(${base}, ${this.expr(i.expr)})`;
      return this.ownIfMutable(e, r);
    }
    return this.ownIfMutable(e, `$.index(${base}, ${this.indexSpecs(e.indices)})`);
  }

  /** A data view into a mutable container must not alias it. */
  private ownIfMutable(e: Extract<Expr, { kind: 'Indexed' }>, code: string): string {
    if (e.target.kind === 'Variable' && this.unit.mutable.has(e.target.name) && !isScalar(typeOf(e))) {
      return `$.copy(${code})`;
    }
    return code;
  }

  indexSpecs(indices: readonly Index[]): string {
    return `[${indices.map((i) => this.indexSpec(i)).join(', ')}]`;
  }

  private indexSpec(i: Index): string {
    if (i.kind === 'Single') {
      const t = typeOf(i.expr);
      return t.kind === 'int' ? this.expr(i.expr) : `$.ints(${this.expr(i.expr)})`;
    }
    if (!i.lower && !i.upper) return 'null';
    const parts = [];
    if (i.lower) parts.push(`from: ${this.expr(i.lower)}`);
    if (i.upper) parts.push(`to: ${this.expr(i.upper)}`);
    return `{ ${parts.join(', ')} }`;
  }

  call(e: Call): string {
    const args = e.args.map((a) => this.expr(a));
    const r = e.resolved;
    if (r?.source === 'user') {
      const f = this.userFunction(e, r.name);
      return `${f}(${args.join(', ')})`;
    }
    const name = r?.name ?? e.name;
    if (name === 'target' || name === 'get_lp') {
      if (!this.target) fail(e, "'target()' is not available here");
      return `$.sumTerms(${this.target})`;
    }
    return `${this.site(name, e.args.map(typeOf))}.call([${args.join(', ')}])`;
  }

  private userFunction(e: Call, name: string): string {
    return this.userFunctionFor(e, name, e.resolved!.argTypes);
  }

  userFunctionFor(node: { span: Call['span'] }, name: string, want: readonly StanType[]): string {
    const defs = (findBlock(this.program, 'functions')?.items ?? []).filter(
      (i): i is FunctionDef => i.kind === 'FunctionDef' && i.name === name && !!i.body,
    );
    if (defs.length === 0) fail(node, `function '${name}' is declared but never defined`);
    if (defs.length === 1) return funName(name, 0);
    // Overloads: pick the definition whose parameter types match the resolved argument types.
    const idx = defs.findIndex((d) => d.params.length === want.length && d.params.every((p, k) => sameFunType(p.type, want[k])));
    return funName(name, Math.max(0, idx));
  }

  binaryCode(op: string, l: Expr, r: Expr, resultType: StanType): string {
    const lt = typeOf(l), rt = typeOf(r);
    const a = this.expr(l), b = this.expr(r);
    const bothInt = isInt(lt) && isInt(rt);
    switch (op) {
      case '&&':
        return `(${this.cond(l)} && ${this.cond(r)} ? 1 : 0)`;
      case '||':
        return `(${this.cond(l)} || ${this.cond(r)} ? 1 : 0)`;
      case '==': case '!=': case '<': case '<=': case '>': case '>=':
        if (bothInt) return `(${a} ${op === '==' ? '===' : op === '!=' ? '!==' : op} ${b} ? 1 : 0)`;
        return `$.compare(${str(op)}, ${a}, ${b})`;
      case '+':
        return bothInt ? `(${a} + ${b})` : `$.add(${a}, ${b})`;
      case '-':
        return bothInt ? `(${a} - ${b})` : `$.sub(${a}, ${b})`;
      case '*':
        if (bothInt) return `(${a} * ${b})`;
        if (isScalar(lt) || isScalar(rt)) return `$.elemMul(${a}, ${b})`;
        return `$.matmul(${a}, ${str(lt.kind)}, ${b}, ${str(rt.kind)})`;
      case '/':
        if (bothInt) return `$.intDiv(${a}, ${b})`;
        if (isScalar(rt)) return `$.elemDiv(${a}, ${b})`;
        return `${this.site('mdivide_right', [lt, rt])}.call([${a}, ${b}])`;
      case '\\':
        return `${this.site('mdivide_left', [lt, rt])}.call([${a}, ${b}])`;
      case '%':
        return `$.intMod(${a}, ${b})`;
      case '%/%':
        return `$.intDiv(${a}, ${b})`;
      case '.*':
        return `$.elemMul(${a}, ${b})`;
      case './':
        return `$.elemDiv(${a}, ${b})`;
      case '^':
      case '.^':
        return `$.pow(${a}, ${b})`;
    }
    void resultType;
    fail(l, `internal: operator '${op}' has no lowering`);
  }
}

function sameFunType(p: { base: string; arrayDims: number }, t: StanType): boolean {
  if (t.kind === 'array') return p.arrayDims === t.dims && p.base === t.element.kind;
  return p.arrayDims === 0 && p.base === t.kind;
}

/** Names of every local declared in a function body, nested blocks included. */
function localNames(stmts: readonly Stmt[]): Set<string> {
  const names = new Set<string>();
  forEachStmt(stmts, (s) => {
    if (s.kind === 'VarDecl') names.add(s.name);
  });
  return names;
}

/** Lower a checked program to the body of its model factory. */
export function lowerProgram(program: Program): LoweredProgram {
  return new CodeGenerator(program).lower();
}
