// Lowering to a fused density: for programs whose transformed parameters and model blocks are
// straight-line element-wise code over scalars and one-dimensional containers (eight schools,
// hierarchical binomial, most centred / non-centred hierarchies written vectorized), the log
// density and its gradient as one JavaScript function per chain with no tape: each statement
// is one loop that computes values and, by the chain rule written out in the loop body, the
// partials of its value with respect to the variables it reads. Densities add their partials
// to the adjoints at once (the target's adjoint is 1); declared vectors keep their partials in
// buffers and pass their adjoints back in a loop after the model block, in reverse order.
//
// The scalar tape stays the reference and the fallback: a fused density throws `$.F.MISS`
// whenever an argument check fails, and that chain is evaluated again on the tape, which
// reports Stan's error. Sizes are checked once when the model is instantiated; where they do
// not match, the fused density is left out. Generated code names are derived from checked
// identifiers (varName) and numbers; strings from the program go through `str`.
import type { Expr, Stmt, VarDecl, Call } from '../frontend/ast.js';
import type { StanType } from '../check/types.js';
import { varName, str, num, Writer } from './emit.js';
import { scalarPredicates } from '../../stdlib/impl/dist-checks.js';
import type { CodeGenerator } from './codegen.js';
import { scalarForm } from './scalar.js';

/** A construct the fused lowering does not handle: the program keeps the scalar tape. */
class Unsupported extends Error {}

const isScalar = (t: StanType) => t.kind === 'int' || t.kind === 'real';

/** Vector, row vector or one-dimensional array of int or real: read element by element. */
function isFlat(t: StanType): boolean {
  if (t.kind === 'vector' || t.kind === 'row_vector') return true;
  return t.kind === 'array' && t.dims === 1 && isScalar(t.element);
}

function typeOf(e: Expr): StanType {
  if (!e.type) throw new Unsupported('untyped expression');
  const t = e.type;
  if (!isScalar(t) && !isFlat(t)) throw new Unsupported(`type ${t.kind}`);
  return t;
}

/** A variable of the fused function. */
interface Var {
  /** Active: parameters, transformed parameters, model locals. Data: data and transformed data. */
  active: boolean;
  vector: boolean;
  /** Setup constant holding the length (vectors). */
  len: string;
  /** Code of the value (scalars) or of element `i` (vectors). */
  read: (i: string) => string;
  /** Adjoint: a local (scalars) or a buffer (vectors). */
  adj: string;
}

/** A value in the loop body: its code and its partial with respect to each active variable read. */
interface Val {
  code: string;
  partials: Map<string, string>;
}

const ONE = '1';

/** What an inline density's code may use besides its arguments' codes. */
interface EmitContext {
  /** A module constant bound once in the setup. */
  constant(code: string): string;
  fresh(): string;
  /** The code of log(scale) when the scale is data (computed in the setup), else null. */
  logScale: string | null;
  /** Which arguments are the same for every element (code of theirs alone can go to `pre`). */
  outer: boolean[];
  /** The code of log(x_j) or log1p(-x_j): computed here, or shared with an earlier density of the same variable. */
  log(j: number, kind: 'log' | 'log1m'): string;
}

/**
 * Densities written out inline instead of calling their kernel (a call with argument and partial
 * arrays per element): the same expressions as the kernels in stdlib/impl/continuous.ts and
 * discrete.ts, so the values are the kernels' to the bit. `x` are the arguments' codes, `need`
 * which partials are used; `pre` lines run once before the loop.
 */
interface InlineDensity {
  /** Index of the scale argument, whose log may come from the setup. */
  scale?: number;
  emit(x: string[], need: boolean[], ctx: EmitContext): { pre?: string[]; lines: string[]; value: string; partials: (string | null)[] };
}

/** `t · ly` with 0 · log(0) = 0, as the kernels' xlogy. */
const xlogy = (t: string, ly: string) => `(${t} === 0 ? 0 : ${atom(t)} * ${ly})`;

const INLINE_DENSITIES: Record<string, InlineDensity> = {
  normal_lpdf: {
    scale: 2,
    emit(x, need, { constant, fresh, logScale }) {
      const [y, mu, s] = x;
      const z = fresh(), g = fresh();
      const lines = [`const ${z} = (${y} - ${mu}) / ${s};`];
      const half = constant('$.F.HALF_LOG_TWO_PI');
      const value = `-0.5 * ${z} * ${z} - ${logScale ?? `Math.log(${s})`} - ${half}`;
      if (need[0] || need[1]) lines.push(`const ${g} = ${z} / ${s};`);
      return { lines, value, partials: [need[0] ? `(-${g})` : null, need[1] ? g : null, need[2] ? `(${z} * ${z} - 1) / ${s}` : null] };
    },
  },
  std_normal_lpdf: {
    emit(x, need, { constant }) {
      const half = constant('$.F.HALF_LOG_TWO_PI');
      return { lines: [], value: `-0.5 * ${x[0]} * ${x[0]} - ${half}`, partials: [need[0] ? `(-${x[0]})` : null] };
    },
  },
  cauchy_lpdf: {
    scale: 2,
    emit(x, need, { constant, fresh, logScale }) {
      const [y, mu, s] = x;
      const z = fresh(), q = fresh(), dy = fresh();
      const lines = [`const ${z} = (${y} - ${mu}) / ${s};`];
      const logPi = constant('$.F.LOG_PI');
      const value = `-${logPi} - ${logScale ?? `Math.log(${s})`} - Math.log1p(${z} * ${z})`;
      if (need.some((n) => n)) lines.push(`const ${q} = 1 + ${z} * ${z};`);
      if (need[0] || need[1]) lines.push(`const ${dy} = (-2 * ${z}) / (${s} * ${q});`);
      return {
        lines, value,
        partials: [need[0] ? dy : null, need[1] ? `(-${dy})` : null, need[2] ? `-1 / ${s} + (2 * ${z} * ${z}) / (${s} * ${q})` : null],
      };
    },
  },
  beta_lpdf: {
    // As betaCore; log B(a, b) and the digammas once per evaluation when a and b are shared
    // (`p ~ beta(alpha, beta)`), where the kernel keeps them in a memo.
    emit(x, need, { constant, fresh, outer, log }) {
      const [y, a, b] = x;
      const shared: string[] = [];
      const lines: string[] = [];
      const perPair = outer[1] && outer[2] ? shared : lines;
      const L = fresh();
      perPair.push(`const ${L} = ${constant('$.F.lbeta')}(${a}, ${b});`);
      let pa = '', pb = '';
      if (need[1] || need[2]) {
        const digamma = constant('$.F.digamma');
        const pab = fresh();
        pa = fresh();
        pb = fresh();
        perPair.push(`const ${pab} = ${digamma}(${a} + ${b});`, `const ${pa} = ${pab} - ${digamma}(${a});`, `const ${pb} = ${pab} - ${digamma}(${b});`);
      }
      const ly = log(0, 'log'), l1y = log(0, 'log1m');
      const am1 = `${atom(a)} - 1`, bm1 = `${atom(b)} - 1`;
      return {
        pre: shared, lines,
        value: `-${L} + ${xlogy(am1, ly)} + ${xlogy(bm1, l1y)}`,
        partials: [
          need[0] ? `(${a} === 1 ? 0 : (${am1}) / ${y}) - (${b} === 1 ? 0 : (${bm1}) / (1 - ${y}))` : null,
          need[1] ? `${pa} + ${ly}` : null,
          need[2] ? `${pb} + ${l1y}` : null,
        ],
      };
    },
  },
  binomial_lpmf: {
    // As the binomial kernel; the log binomial coefficient is a constant term, summed in the setup.
    emit(x, need, { fresh, log }) {
      const [n, N, t] = x;
      const nf = fresh();
      const lines = [`const ${nf} = ${atom(N)} - ${atom(n)};`];
      return {
        lines,
        value: `${xlogy(n, log(2, 'log'))} + ${xlogy(nf, log(2, 'log1m'))}`,
        partials: [
          need[0] ? '0' : null,
          need[1] ? '0' : null,
          need[2] ? `(${n} === 0 ? 0 : ${n} / ${t}) - (${nf} === 0 ? 0 : ${nf} / (1 - ${t}))` : null,
        ],
      };
    },
  },
};

/**
 * The lower-upper bound transform of the unconstrained value `u`, as the tape's inline one
 * (runtime/scalar/params.ts): σ(u) without cancellation, kept off the bounds for finite u. `t`,
 * `inv` and `sg` name its temporaries, `wd` and `logW` hold the width and its log; gives the
 * lines to run first and the codes of the value, its derivative, the log Jacobian and that's
 * derivative.
 */
function lubTransform(u: string, t: string, inv: string, sg: string, wd: string, lo: string, logW: string) {
  return {
    lines: [
      `const ${t} = Math.exp(-Math.abs(${u}));`,
      `const ${inv} = 1 / (1 + ${t});`,
      `let ${sg} = ${u} > 0 ? ${inv} : ${t} * ${inv};`,
      `if (${u} > 0 && ${sg} === 1 && ${u} < Infinity) ${sg} = 1 - 1e-15;`,
      `if (${u} <= 0 && ${sg} === 0 && ${u} > -Infinity) ${sg} = 1e-15;`,
    ],
    value: `${wd} * ${sg} + ${lo}`,
    dx: `${wd} * ${t} * ${inv} * ${inv}`,
    logJ: `${logW} - Math.abs(${u}) - 2 * Math.log1p(${t})`,
    dj: `(${u} > 0 ? ${t} * ${inv} : ${inv}) - ${sg}`,
  };
}

/** Code that needs no parentheses as an operand: a name, a number, an element read. */
function atom(x: string): string {
  return /^[A-Za-z0-9_$.]+(\[[A-Za-z0-9_$]+\])?$/.test(x) ? x : `(${x})`;
}

function mul(p: string, c: string): string {
  if (p === ONE) return c;
  if (c === ONE) return p;
  return `${atom(p)} * ${atom(c)}`;
}

function neg(p: string): string {
  return p === ONE ? '(-1)' : `(-${atom(p)})`;
}

function addPartials(into: Map<string, string>, from: Map<string, string>, scale: (p: string) => string): void {
  for (const [k, p] of from) {
    const q = scale(p);
    const prev = into.get(k);
    into.set(k, prev === undefined ? q : `${atom(prev)} + ${atom(q)}`);
  }
}

/** The adjoint pass of a declaration (run after the model block, in reverse order), and the partial buffers it reads. */
interface Backward {
  buffers: string[];
  lines: string[];
}

class FusedGenerator {
  private readonly vars = new Map<string, Var>();
  /** Setup: sizes, checks that decide whether the fused density is used, buffers, constants. */
  private readonly setup: string[] = [];
  /** Conditions (setup code) all of which must hold for the fused density to be used. */
  private readonly conditions: string[] = [];
  private readonly body: string[] = [];
  private readonly finals: string[] = [];
  private readonly backwards: Backward[] = [];
  /** Adjoint buffers to zero at the start of each evaluation (name, length). */
  private readonly zeroed: [string, string][] = [];
  private readonly scalarAdjoints: string[] = [];
  private readonly constants = new Map<string, string>();
  /** Definitions of gathered indices (`const $j3 = g[i] - 1;`), by name. */
  private readonly indexDefs = new Map<string, string>();
  /** Setup lines that may only run once the conditions hold. */
  private readonly deferredSetup: string[] = [];
  /** Logs of active variables already computed by a density (see sharedLog), by kind and name. */
  private readonly sharedLogs = new Map<string, string>();
  private tmp = 0;

  constructor(
    private readonly base: CodeGenerator,
    private readonly params: VarDecl[],
    private readonly tp: Stmt[],
    private readonly model: Stmt[],
    /** Generated quantities to write in generate's rows (values only); empty when there are none or they stay on the tape. */
    private readonly gq: Stmt[] = [],
  ) {}

  private fresh(prefix: string): string {
    return `$${prefix}${this.tmp++}`;
  }

  /** Scratch for a kernel call's arguments or partials, one per call site. */
  private scratch(n: number): string {
    const id = this.fresh('X');
    this.setup.push(`const ${id} = new Float64Array(${Math.max(4, n)});`);
    return id;
  }

  /** A module constant bound once in the setup (deduplicated by its code). */
  private constant(code: string): string {
    let id = this.constants.get(code);
    if (id === undefined) {
      id = this.fresh('k');
      this.constants.set(code, id);
      this.setup.push(`const ${id} = ${code};`);
    }
    return id;
  }

  /**
   * The text of `const $fused = (() => {...})();`: null when the sizes disagree, else
   * `{ density, generate }`, where generate (present when `values` is asked for) writes the
   * constrained parameters, transformed parameters and the generated quantities given to the
   * constructor of a point into an output row, in CmdStan's column order.
   */
  lower(values: boolean): string {
    this.params.forEach((p, i) => this.param(p, i));
    for (const s of this.tp) this.stmt(s, 'transformed parameters');
    const valueLines = this.body.length;
    for (const s of this.model) this.stmt(s, 'model');
    const gqLines = values ? this.generatedQuantities() : [];
    const w = new Writer();
    w.open('const $fused = (() => {');
    for (const line of this.setup) w.line(line);
    if (this.conditions.length > 0) w.line(`if (!(${this.conditions.map((c) => `(${c})`).join(' && ')})) return null;`);
    for (const [buf, len] of this.zeroed) w.line(`const ${buf} = new Float64Array(${len});`);
    for (const b of this.backwards) for (const line of b.buffers) w.line(line);
    // Constant terms of densities: summed once, and only once the sizes are known to agree.
    for (const line of this.deferredSetup) w.line(line);
    w.open('const fusedDensity = function fusedDensity($u, $o, $g, $jacobian) {');
    w.line('let $lp = 0;');
    for (const a of this.scalarAdjoints) w.line(`let ${a} = 0;`);
    for (const [buf, len] of this.zeroed) w.line(`for (let i = 0; i < ${len}; i++) ${buf}[i] = 0;`);
    for (const line of this.body) w.line(line);
    for (let k = this.backwards.length - 1; k >= 0; k--) {
      for (const line of this.backwards[k].lines) w.line(line);
    }
    for (const line of this.finals) w.line(line);
    w.line('return $lp;');
    w.close('};');
    if (values) {
      // The forward code of the parameters and transformed parameters, without the Jacobian.
      w.open('const generate = function fusedGenerate($u, $row) {');
      w.line('const $o = 0, $jacobian = false;');
      w.line('let $lp = 0, $k = 0;');
      for (const line of this.body.slice(0, valueLines)) w.line(line);
      for (const line of gqLines) w.line(line);
      const declared = (b: Stmt[]) => b.filter((s): s is VarDecl => s.kind === 'VarDecl');
      const outs = [...this.params, ...declared(this.tp), ...declared(this.gq)];
      for (const d of outs) {
        const x = this.vars.get(d.name)!;
        if (x.vector) w.line(`for (let i = 0; i < ${x.len}; i++) $row[$k++] = ${x.read('i')};`);
        else w.line(`$row[$k++] = ${x.read('')};`);
      }
      w.close('};');
    }
    w.line(`return { density: fusedDensity${values ? ', generate' : ''} };`);
    w.close('})();');
    return w.toString();
  }

  /**
   * The forward code of the generated quantities, for generate only. Every variable is read as
   * a constant (inactive), so their declarations make no partials, adjoints or backward passes;
   * what they would have registered for the density is dropped again.
   */
  private generatedQuantities(): string[] {
    const body = this.body.length, backwards = this.backwards.length;
    const zeroed = this.zeroed.length, adjoints = this.scalarAdjoints.length;
    for (const s of this.gq) {
      if (s.kind === 'Empty') continue;
      if (s.kind !== 'VarDecl') throw new Unsupported(`statement ${s.kind} in generated quantities`);
      // A model-block local of the same name has its buffers in the shared setup already.
      if (this.vars.has(s.name)) throw new Unsupported(`generated quantity ${s.name} shadows a model local`);
      for (const x of this.vars.values()) x.active = false;
      this.declare(s, 'generated quantities');
    }
    const lines = this.body.splice(body);
    this.backwards.length = backwards;
    this.zeroed.length = zeroed;
    this.scalarAdjoints.length = adjoints;
    return lines;
  }

  // -------------------------------------------------------------------------
  // Parameters

  /** A data-scalar bound or size: a literal, its negation, or a data variable. */
  private dataScalar(e: Expr): string {
    if (e.kind === 'Paren') return this.dataScalar(e.expr);
    if (e.kind === 'IntLiteral' || e.kind === 'RealLiteral') return num(e.value);
    if (e.kind === 'Unary' && e.op === '-' && (e.operand.kind === 'IntLiteral' || e.operand.kind === 'RealLiteral')) {
      return num(-e.operand.value);
    }
    if (e.kind === 'Variable' && this.base.isBlockData(e.name) && e.type && isScalar(e.type)) {
      return this.constant(`$.F.scalar(${varName(e.name)})`);
    }
    throw new Unsupported('bound or size that is not a literal or a data variable');
  }

  private param(p: VarDecl, i: number): void {
    const t = p.type;
    const vector = t.base === 'vector' || t.base === 'row_vector' || (t.base === 'real' && p.arrayDims.length === 1);
    if (!(t.base === 'real' && p.arrayDims.length <= 1) && !((t.base === 'vector' || t.base === 'row_vector') && p.arrayDims.length === 0)) {
      throw new Unsupported(`parameter type ${t.base}`);
    }
    const b = t.bounds;
    if (b && (b.offset || b.multiplier)) throw new Unsupported('offset/multiplier');
    if (b && b.upper && !b.lower) throw new Unsupported('upper bound only');
    const kind = !b ? 'none' : b.upper ? 'lub' : 'lower';
    const v = varName(p.name);
    const entry = this.constant(`$layout.entries[${i}]`);
    const off = this.constant(`${entry}.offset`);
    this.conditions.push(`$.F.plain(${entry})`);
    let lo = '', hi = '';
    if (kind !== 'none') {
      lo = this.dataScalar(b!.lower!);
      this.conditions.push(`${lo} > -Infinity`);
    }
    if (kind === 'lub') {
      hi = this.dataScalar(b!.upper!);
      this.conditions.push(`${hi} < Infinity && ${lo} < ${hi}`);
    }
    const adj = `${v}$a`;
    const body = this.body;
    if (!vector) {
      this.conditions.push(`${entry}.size === 1`);
      this.scalarAdjoints.push(adj);
      const u = this.fresh('u');
      body.push(`const ${u} = $u[$o + ${off}];`);
      if (kind === 'none') {
        body.push(`const ${v} = ${u};`);
        this.finals.push(`$g[$o + ${off}] = ${adj};`);
      } else if (kind === 'lower') {
        const x = this.fresh('x');
        body.push(`const ${x} = Math.exp(${u});`, `const ${v} = ${x} + ${lo};`, `if ($jacobian) $lp += ${u};`);
        this.finals.push(`$g[$o + ${off}] = ${adj} * ${x} + ($jacobian ? 1 : 0);`);
      } else {
        const [t_, inv, sg, dx, dj] = ['t', 'inv', 'sg', 'dx', 'dj'].map((s) => this.fresh(s));
        const wd = this.constant(`${hi} - ${lo}`);
        const r = lubTransform(u, t_, inv, sg, wd, lo, this.constant(`Math.log(${wd})`));
        body.push(...r.lines, `const ${v} = ${r.value};`, `const ${dx} = ${r.dx};`, `const ${dj} = ${r.dj};`, `if ($jacobian) $lp += ${r.logJ};`);
        this.finals.push(`$g[$o + ${off}] = ${adj} * ${dx} + ($jacobian ? ${dj} : 0);`);
      }
      this.vars.set(p.name, { active: true, vector: false, len: '1', read: () => v, adj });
      return;
    }
    const len = this.constant(`${entry}.size`);
    const A = `${v}$A`;
    this.zeroed.push([A, len]);
    if (kind === 'none') {
      this.vars.set(p.name, { active: true, vector: true, len, read: (i) => `$u[$o + ${off} + ${i}]`, adj: A });
      this.finals.push(`for (let i = 0; i < ${len}; i++) $g[$o + ${off} + i] = ${A}[i];`);
      return;
    }
    const V = `${v}$V`, DX = `${v}$DX`, DJ = `${v}$DJ`;
    for (const buf of kind === 'lower' ? [V, DX] : [V, DX, DJ]) this.setup.push(`const ${buf} = new Float64Array(${len});`);
    body.push(`for (let i = 0; i < ${len}; i++) {`, `const u = $u[$o + ${off} + i];`);
    if (kind === 'lower') {
      body.push('const x = Math.exp(u);', `${V}[i] = x + ${lo};`, `${DX}[i] = x;`, 'if ($jacobian) $lp += u;', '}');
      this.finals.push(`for (let i = 0; i < ${len}; i++) $g[$o + ${off} + i] = ${A}[i] * ${DX}[i] + ($jacobian ? 1 : 0);`);
    } else {
      const wd = this.constant(`${hi} - ${lo}`);
      const r = lubTransform('u', 't', 'inv', 'sg', wd, lo, this.constant(`Math.log(${wd})`));
      body.push(...r.lines, `${V}[i] = ${r.value};`, `${DX}[i] = ${r.dx};`, `${DJ}[i] = ${r.dj};`, `if ($jacobian) $lp += ${r.logJ};`, '}');
      this.finals.push(`for (let i = 0; i < ${len}; i++) $g[$o + ${off} + i] = ${A}[i] * ${DX}[i] + ($jacobian ? ${DJ}[i] : 0);`);
    }
    this.vars.set(p.name, { active: true, vector: true, len, read: (i) => `${V}[${i}]`, adj: A });
  }

  // -------------------------------------------------------------------------
  // Statements

  private stmt(s: Stmt, block: string): void {
    switch (s.kind) {
      case 'Empty':
        return;
      case 'VarDecl':
        return this.declare(s, block);
      case 'Tilde': {
        if (s.truncation) throw new Unsupported('truncation');
        const r = s.resolved;
        if (!r || r.source !== 'builtin') throw new Unsupported('user-defined distribution');
        return this.density(r.name, [s.lhs, ...s.args]);
      }
      case 'TargetPlus': {
        const e = s.expr.kind === 'Paren' ? s.expr.expr : s.expr;
        if (e.kind === 'Call' && e.resolved?.source === 'builtin' && scalarForm(e.resolved.name)?.density) {
          return this.density(e.resolved.name, e.args);
        }
        return this.targetPlus(s.expr);
      }
      default:
        throw new Unsupported(`statement ${s.kind}`);
    }
  }

  /** `real x = e;` or `vector[n] x = e;` in transformed parameters or the model block. */
  private declare(d: VarDecl, block: string): void {
    const t = d.type;
    // Constrained declarations are checked at the end of their block: left to the tape.
    if (t.bounds) throw new Unsupported(`constrained declaration in ${block}`);
    if (!d.init) throw new Unsupported('declaration without a value');
    if (d.arrayDims.length > 0) throw new Unsupported('array declaration');
    const v = varName(d.name);
    if (t.base === 'real') {
      const lines: string[] = [];
      const val = this.expr(d.init, lines, null);
      if (!isScalar(typeOf(d.init))) throw new Unsupported('container value for a scalar');
      lines.push(`const ${v} = ${val.code};`);
      const adj = `${v}$a`;
      this.scalarAdjoints.push(adj);
      this.body.push(...lines);
      // Backward: partials are consts of the function body, in scope at the end.
      const back: string[] = [];
      for (const [k, p] of val.partials) back.push(this.accumulate(k, mul(p, adj), null));
      if (back.length > 0) this.backwards.push({ buffers: [], lines: [`if (${adj} !== 0) {`, ...back, '}'] });
      this.vars.set(d.name, { active: true, vector: false, len: '1', read: () => v, adj });
      return;
    }
    if (t.base !== 'vector' && t.base !== 'row_vector') throw new Unsupported(`local type ${t.base}`);
    const size = this.dataScalar(t.sizes[0]);
    const loop = this.openLoop(d.init);
    if (!isFlat(typeOf(d.init))) throw new Unsupported('scalar value for a container');
    this.conditions.push(`${loop.len} === ${size}`);
    const V = `${v}$V`, A = `${v}$A`;
    this.setup.push(`const ${V} = new Float64Array(${loop.len});`);
    this.zeroed.push([A, loop.len]);
    const lines = [`for (let i = 0; i < ${loop.len}; i++) {`];
    const val = this.expr(d.init, lines, 'i');
    lines.push(`${V}[i] = ${val.code};`);
    // Partials that vary by element are stored; the others are recomputed from outer consts.
    const back: string[] = [`for (let i = 0; i < ${loop.len}; i++) {`, `const a = ${A}[i];`, 'if (a === 0) continue;', ...this.indexLines(val.partials.keys())];
    const buffers: string[] = [];
    for (const [k, p] of val.partials) {
      let code = p;
      if (!this.outer(p)) {
        const P = this.fresh('P');
        buffers.push(`const ${P} = new Float64Array(${loop.len});`);
        lines.push(`${P}[i] = ${p};`);
        code = `${P}[i]`;
      }
      back.push(this.accumulate(k, mul(code, 'a'), 'i'));
    }
    lines.push('}');
    back.push('}');
    this.body.push(...lines);
    this.backwards.push({ buffers, lines: back });
    this.vars.set(d.name, { active: true, vector: true, len: loop.len, read: (i) => `${V}[${i}]`, adj: A });
  }

  /** Code valid outside the loop body: a number or a name bound before the loop (not `$t…`, not `…[i]`). */
  private outer(code: string): boolean {
    return /^(\(?-?[0-9.e+-]+\)?|v_[A-Za-z0-9_]+|\$k[0-9]+)$/.test(code);
  }

  /** adjoint of variable k += partial (times the adjoint already folded in). */
  private accumulate(k: string, partial: string, i: string | null): string {
    const bar = k.indexOf('|');
    if (bar < 0) return `${this.vars.get(k)!.adj} += ${partial};`;
    // Element keys: `name|i` (the loop's element) or `name|$j…` (a gathered or constant index).
    const x = this.vars.get(k.slice(0, bar))!;
    const at = k.slice(bar + 1);
    return `${x.adj}[${at === 'i' ? i : at}] += ${partial};`;
  }

  /** Lines defining the gathered indices a key refers to (for loops other than the one that made them). */
  private indexLines(keys: Iterable<string>): string[] {
    const out: string[] = [];
    for (const k of keys) {
      const def = this.indexDefs.get(k.slice(k.indexOf('|') + 1));
      if (def !== undefined && !out.includes(def)) out.push(def);
    }
    return out;
  }

  /** `target += e` for an element-wise e: each element adds to the target. */
  private targetPlus(e: Expr): void {
    if (isScalar(typeOf(e))) {
      const lines: string[] = [];
      const val = this.expr(e, lines, null);
      lines.push(`$lp += ${val.code};`);
      for (const [k, p] of val.partials) lines.push(this.accumulate(k, p, null));
      this.body.push(...lines);
      return;
    }
    const loop = this.openLoop(e);
    const lines = [`for (let i = 0; i < ${loop.len}; i++) {`];
    const val = this.expr(e, lines, 'i');
    lines.push(`$lp += ${val.code};`);
    for (const [k, p] of val.partials) lines.push(this.accumulate(k, p, 'i'));
    lines.push('}');
    this.body.push(...lines);
  }

  /**
   * The loop length of an element-wise expression (or several): the length of its containers,
   * required equal in the setup. Throws when no container is read.
   */
  private openLoop(...es: Expr[]): { len: string } {
    const lens = new Set<string>();
    for (const e of es) this.lengths(e, lens);
    if (lens.size === 0) throw new Unsupported('element-wise value without a container');
    const [first, ...rest] = [...lens];
    for (const l of rest) this.conditions.push(`${l} === ${first}`);
    return { len: first };
  }

  private lengths(e: Expr, into: Set<string>): void {
    switch (e.kind) {
      case 'Paren':
        return this.lengths(e.expr, into);
      case 'Unary':
        return this.lengths(e.operand, into);
      case 'Binary':
        this.lengths(e.left, into);
        return this.lengths(e.right, into);
      case 'Call':
        for (const a of e.args) this.lengths(a, into);
        return;
      case 'Indexed': {
        // A multi-index runs over its index array; a single index gives a scalar.
        const ix = e.indices[0];
        if (ix.kind === 'Single' && ix.multi) this.lengths(ix.expr, into);
        return;
      }
      case 'Variable': {
        if (!isFlat(typeOf(e))) return;
        into.add(this.variable(e.name, typeOf(e)).len);
        return;
      }
      default:
        return;
    }
  }

  /** A variable by name: active ones are registered in order; data ones on first use. */
  private variable(name: string, decl: StanType): Var {
    let x = this.vars.get(name);
    if (x !== undefined) return x;
    if (!this.base.isBlockData(name)) throw new Unsupported(`variable ${name} before its declaration`);
    const v = varName(name);
    if (isScalar(decl)) {
      const c = this.constant(`$.F.scalar(${v})`);
      this.conditions.push(`!Number.isNaN(${c})`);
      x = { active: false, vector: false, len: '1', read: () => c, adj: '' };
    } else if (isFlat(decl)) {
      const arr = this.constant(`$.F.vec(${v})`);
      this.conditions.push(`${arr} !== null`);
      const len = this.constant(`${arr} === null ? 0 : ${arr}.length`);
      x = { active: false, vector: true, len, read: (i) => `${arr}[${i}]`, adj: '' };
    } else throw new Unsupported(`data ${name} of type ${decl.kind}`);
    this.vars.set(name, x);
    return x;
  }

  // -------------------------------------------------------------------------
  // Densities

  /** A univariate density of element-wise arguments into the target. */
  private density(name: string, args: Expr[]): void {
    const form = scalarForm(name);
    const spec = form?.density;
    if (!spec) throw new Unsupported(`density ${name}`);
    const d = this.constant(`$.S.densityOf(${str(name)})`);
    if (spec.relations) {
      // Relations among data arguments (binomial's n <= N) hold for good once they held: checked
      // in the setup, and where they fail the tape evaluates (and reports) every point.
      const reads = spec.relationArgs ?? args.map((_, j) => j);
      if (!reads.every((j) => this.immutableData(args[j]))) throw new Unsupported(`${name}: relations between computed arguments`);
      const list = args.map((a, j) => (reads.includes(j) ? this.rawData(a) : '0')).join(', ');
      this.deferredSetup.push(`try { ${d}.relations(${str(name)}, [${list}]); } catch { return null; }`);
    }
    if (spec.args.length !== args.length) throw new Unsupported(`${name}: ${args.length} arguments`);
    spec.args.forEach((a, j) => a.checks.forEach((c) => {
      if (!scalarPredicates.has(c)) throw new Unsupported(`${name}: check without a predicate (argument ${j + 1})`);
    }));
    for (const a of args) typeOf(a);
    const vectorized = args.some((a) => isFlat(typeOf(a)));
    const kernel = this.constant(`${d}.kernel`);
    const X = this.scratch(args.length);
    const Dp = this.scratch(args.length);
    const oks = spec.args.map((a, j) => a.checks.map((_, m) => this.constant(`$.F.predicate(${d}, ${j}, ${m})`)));
    const loop = vectorized ? this.openLoop(...args) : null;
    const i = loop ? 'i' : null;
    // Scalar arguments of a vectorized density are the same for every element: computed and
    // checked once, before the loop (`pre`).
    const outer = args.map((a) => loop === null || !isFlat(typeOf(a)));
    const pre: string[] = [];
    const lines: string[] = [];
    const s = this.fresh('s');
    const vals = args.map((a, j) => (outer[j] ? this.expr(a, pre, null) : this.expr(a, lines, i)));
    const xs = vals.map((v, j) => {
      // Checks of data arguments hold for good once they held: made once, in the setup.
      if (this.immutableData(args[j])) {
        this.dataChecks(args[j], oks[j]);
        return v.code;
      }
      const into = outer[j] ? pre : lines;
      const x = this.fresh('x');
      into.push(`const ${x} = ${v.code};`);
      for (const ok of oks[j]) into.push(`if (!${ok}(${x})) throw $.F.MISS;`);
      return x;
    });
    const need = vals.map((v) => v.partials.size > 0);
    const inline = INLINE_DENSITIES[name];
    let ds: (string | null)[];
    if (inline) {
      // log(scale) of a data scale: computed once, in the setup.
      const logScale = inline.scale !== undefined && this.immutableData(args[inline.scale])
        ? this.dataLog(args[inline.scale], loop?.len ?? null)
        : null;
      const r = inline.emit(xs, need, {
        constant: (c) => this.constant(c),
        fresh: () => this.fresh('t'),
        logScale,
        outer,
        log: (j, kind) => this.sharedLog(args[j], xs[j], kind, outer[j] ? pre : lines),
      });
      pre.push(...(r.pre ?? []));
      lines.push(...r.lines);
      lines.push(loop ? `${s} += ${r.value};` : `let ${s} = ${r.value};`);
      ds = r.partials;
    } else {
      xs.forEach((x, j) => lines.push(`${X}[${j}] = ${x};`));
      lines.push(loop ? `${s} += ${kernel}(${X}, ${Dp});` : `let ${s} = ${kernel}(${X}, ${Dp});`);
      ds = need.map((n, j) => {
        if (!n) return null;
        const dj = this.fresh('d');
        lines.push(`const ${dj} = ${Dp}[${j}];`);
        return dj;
      });
    }
    const total = new Map<string, string>();
    vals.forEach((v, j) => {
      if (v.partials.size > 0) addPartials(total, v.partials, (p) => mul(p, ds[j]!));
    });
    for (const [k, p] of total) lines.push(this.accumulate(k, p, i));
    if (loop) lines.push('}');
    if (spec.constant) {
      // Terms of integer data only (log binomial coefficients, …): summed once, in the setup.
      const c = this.fresh('C');
      const ck = this.constant(`${d}.constant.kernel`);
      const cargs = spec.constant.args.map((j) => args[j]);
      for (const a of cargs) if (!this.immutableData(a)) throw new Unsupported(`${name}: constant terms of computed values`);
      const CX = this.scratch(cargs.length);
      const setupLines: string[] = [];
      if (loop) {
        setupLines.push(`let ${c} = 0;`, `for (let i = 0; i < ${loop.len}; i++) {`);
        cargs.forEach((a, m) => setupLines.push(`${CX}[${m}] = ${this.expr(a, setupLines, 'i').code};`));
        setupLines.push(`${c} += ${ck}(${CX}, null);`, '}');
      } else {
        cargs.forEach((a, m) => setupLines.push(`${CX}[${m}] = ${this.expr(a, setupLines, null).code};`));
        setupLines.push(`const ${c} = ${ck}(${CX}, null);`);
      }
      this.deferredSetup.push(...setupLines);
      lines.push(`${s} += ${c};`);
    }
    lines.push(`$lp += ${s};`);
    this.body.push(...pre);
    if (loop) this.body.push(`let ${s} = 0;`, `for (let i = 0; i < ${loop.len}; i++) {`);
    this.body.push(...lines);
  }


  /**
   * log(x) or log1p(-x) of density argument `a` (code `x`), emitted into `into`. Of a parameter or
   * transformed parameter read whole (`p ~ beta(…)` then `k ~ binomial(n, p)`), computed by the
   * first density that takes it and shared with the later ones: a const of the function body for
   * a scalar, a buffer read at the loop's element for a vector (each density loops over it).
   */
  private sharedLog(a: Expr, x: string, kind: 'log' | 'log1m', into: string[]): string {
    let e = a;
    while (e.kind === 'Paren') e = e.expr;
    const v = e.kind === 'Variable' ? this.vars.get(e.name) : undefined;
    const key = v?.active && e.kind === 'Variable' ? `${kind} ${e.name}` : null;
    const known = key === null ? undefined : this.sharedLogs.get(key);
    if (known !== undefined) return known;
    const t = this.fresh('t');
    into.push(`const ${t} = ${kind === 'log' ? `Math.log(${x})` : `Math.log1p(-${x})`};`);
    if (key === null) return t;
    if (v!.vector) {
      const B = this.fresh('B');
      this.setup.push(`const ${B} = new Float64Array(${v!.len});`);
      into.push(`${B}[i] = ${t};`);
      this.sharedLogs.set(key, `${B}[i]`);
    } else this.sharedLogs.set(key, t);
    return t;
  }

  /** Setup checks of a data argument (every element): where one fails, the tape evaluates and reports. */
  private dataChecks(a: Expr, oks: string[]): void {
    if (oks.length === 0) return;
    const lines: string[] = [];
    if (isFlat(typeOf(a))) {
      const len = this.openLoop(a).len;
      lines.push(`for (let i = 0; i < ${len}; i++) {`);
      const x = this.expr(a, lines, 'i').code;
      for (const ok of oks) lines.push(`if (!${ok}(${x})) return null;`);
      lines.push('}');
    } else {
      const x = this.expr(a, lines, null).code;
      for (const ok of oks) lines.push(`if (!${ok}(${x})) return null;`);
    }
    this.deferredSetup.push(...lines);
  }

  /** log of a data scale, computed in the setup: a constant, or element i of a buffer. */
  private dataLog(a: Expr, len: string | null): string {
    const L = this.fresh('L');
    const lines: string[] = [];
    if (isFlat(typeOf(a))) {
      lines.push(`const ${L} = new Float64Array(${len});`, `for (let i = 0; i < ${len}; i++) {`);
      lines.push(`${L}[i] = Math.log(${this.expr(a, lines, 'i').code});`, '}');
      this.deferredSetup.push(...lines);
      return `${L}[i]`;
    }
    const x = this.expr(a, lines, null).code;
    lines.push(`const ${L} = Math.log(${x});`);
    this.deferredSetup.push(...lines);
    return L;
  }

  /** A literal or data variable as the runtime holds it (a number or a Tensor). */
  private rawData(e: Expr): string {
    if (e.kind === 'Paren') return this.rawData(e.expr);
    if (e.kind === 'IntLiteral' || e.kind === 'RealLiteral') return num(e.value);
    if (e.kind === 'Variable') return varName(e.name);
    throw new Unsupported('internal: not data');
  }

  private immutableData(e: Expr): boolean {
    if (e.kind === 'Paren') return this.immutableData(e.expr);
    if (e.kind === 'IntLiteral' || e.kind === 'RealLiteral') return true;
    return e.kind === 'Variable' && this.base.isBlockData(e.name);
  }

  // -------------------------------------------------------------------------
  // Expressions

  /**
   * Emits the code of `e` (element `i` of it inside a loop, `i` null outside) into `lines` and
   * returns its value with its partials.
   */
  private expr(e: Expr, lines: string[], i: string | null): Val {
    const t = typeOf(e);
    if (i === null && !isScalar(t)) throw new Unsupported('container outside an element-wise statement');
    switch (e.kind) {
      case 'Paren':
        return this.expr(e.expr, lines, i);
      case 'IntLiteral':
      case 'RealLiteral':
        return { code: num(e.value), partials: new Map() };
      case 'Variable': {
        const x = this.variable(e.name, t);
        let code: string;
        if (x.vector) {
          if (i === null) throw new Unsupported('container outside an element-wise statement');
          code = this.fresh('e');
          lines.push(`const ${code} = ${x.read(i)};`);
        } else code = x.read('');
        return { code, partials: x.active ? new Map([[x.vector ? `${e.name}|i` : e.name, ONE]]) : new Map() };
      }
      case 'Indexed':
        return this.indexed(e, lines, i);
      case 'Unary': {
        if (e.op === '+') return this.expr(e.operand, lines, i);
        if (e.op !== '-') throw new Unsupported(`operator ${e.op}`);
        const a = this.expr(e.operand, lines, i);
        const code = this.fresh('t');
        lines.push(`const ${code} = -${a.code};`);
        const partials = new Map<string, string>();
        for (const [k, p] of a.partials) partials.set(k, neg(p));
        return { code, partials };
      }
      case 'Binary':
        return this.binary(e, lines, i);
      case 'Call':
        return this.call(e, lines, i);
      default:
        throw new Unsupported(`expression ${e.kind}`);
    }
  }

  /**
   * `x[k]` with k a literal or data int (a scalar), or `x[idx]` with idx a data int array inside an
   * element-wise statement (element i is x[idx[i]]: the gather of group-level values that
   * hierarchical models do everywhere). Indices out of range go to the tape, which reports them.
   */
  private indexed(e: Extract<Expr, { kind: 'Indexed' }>, lines: string[], i: string | null): Val {
    if (e.target.kind !== 'Variable' || e.indices.length !== 1) throw new Unsupported('indexing');
    const x = this.variable(e.target.name, typeOf(e.target));
    if (!x.vector) throw new Unsupported('indexing');
    const ix = e.indices[0];
    if (ix.kind !== 'Single') throw new Unsupported('slice');
    let at: string;
    if (ix.multi) {
      if (i === null || ix.expr.kind !== 'Variable' || !this.base.isBlockData(ix.expr.name)) throw new Unsupported('multi-index');
      const g = this.variable(ix.expr.name, typeOf(ix.expr));
      const t = typeOf(ix.expr);
      if (!g.vector || t.kind !== 'array' || t.element.kind !== 'int') throw new Unsupported('multi-index');
      at = this.fresh('j');
      const def = `const ${at} = ${g.read(i)} - 1;`;
      this.indexDefs.set(at, def);
      lines.push(def, `if (!(${at} >= 0 && ${at} < ${x.len})) throw $.F.MISS;`);
    } else {
      if (ix.expr.type?.kind !== 'int') throw new Unsupported('index');
      const k = this.dataScalar(ix.expr);
      at = this.constant(`${k} - 1`);
      this.conditions.push(`${at} >= 0 && ${at} < ${x.len}`);
    }
    const code = this.fresh('e');
    lines.push(`const ${code} = ${x.read(at)};`);
    return { code, partials: x.active ? new Map([[`${e.target.name}|${at}`, ONE]]) : new Map() };
  }

  private binary(e: Extract<Expr, { kind: 'Binary' }>, lines: string[], i: string | null): Val {
    const lt = typeOf(e.left), rt = typeOf(e.right);
    const resultInt = typeOf(e).kind === 'int';
    switch (e.op) {
      case '+': case '-': case '.*': case './':
        break;
      case '*':
        if (!isScalar(lt) && !isScalar(rt)) throw new Unsupported('product of two containers');
        break;
      case '/':
        if (!isScalar(rt)) throw new Unsupported('division by a container');
        if (resultInt) throw new Unsupported('integer division');
        break;
      case '^': case '.^':
        return this.kernelCall('pow', [e.left, e.right], lines, i);
      default:
        throw new Unsupported(`operator ${e.op}`);
    }
    if (e.op === './' && lt.kind === 'int' && rt.kind === 'int') throw new Unsupported('integer division');
    const a = this.expr(e.left, lines, i);
    const b = this.expr(e.right, lines, i);
    const code = this.fresh('t');
    const partials = new Map<string, string>();
    switch (e.op) {
      case '+':
        lines.push(`const ${code} = ${a.code} + ${b.code};`);
        addPartials(partials, a.partials, (p) => p);
        addPartials(partials, b.partials, (p) => p);
        break;
      case '-':
        lines.push(`const ${code} = ${a.code} - ${b.code};`);
        addPartials(partials, a.partials, (p) => p);
        addPartials(partials, b.partials, neg);
        break;
      case '*': case '.*':
        lines.push(`const ${code} = ${a.code} * ${b.code};`);
        addPartials(partials, a.partials, (p) => mul(p, b.code));
        addPartials(partials, b.partials, (p) => mul(p, a.code));
        break;
      default: {
        // a / b: d = (da - q db) / b.
        lines.push(`const ${code} = ${a.code} / ${b.code};`);
        addPartials(partials, a.partials, (p) => (p === ONE ? `1 / ${b.code}` : `${atom(p)} / ${b.code}`));
        addPartials(partials, b.partials, (p) => `-${atom(mul(p, code))} / ${b.code}`);
      }
    }
    return { code, partials };
  }

  private call(e: Call, lines: string[], i: string | null): Val {
    const r = e.resolved;
    if (!r || r.source !== 'builtin') throw new Unsupported('user-defined function');
    return this.kernelCall(r.name, e.args, lines, i);
  }

  /** An element-wise built-in through its scalar kernel (value and partials in one call). */
  private kernelCall(name: string, args: Expr[], lines: string[], i: string | null): Val {
    const form = scalarForm(name);
    if (!form?.kernel || (form.arity !== undefined && form.arity !== args.length) || form.density) {
      throw new Unsupported(`function ${name}`);
    }
    const k = this.constant(`$.S.kernelOf(${str(name)})`);
    const X = this.scratch(args.length);
    const Dp = this.scratch(args.length);
    const vals = args.map((a) => this.expr(a, lines, i));
    vals.forEach((v, j) => lines.push(`${X}[${j}] = ${v.code};`));
    const code = this.fresh('t');
    const any = vals.some((v) => v.partials.size > 0);
    lines.push(`const ${code} = ${k}(${X}, ${any ? Dp : 'null'});`);
    const partials = new Map<string, string>();
    vals.forEach((v, j) => {
      if (v.partials.size === 0) return;
      const dj = this.fresh('d');
      lines.push(`const ${dj} = ${Dp}[${j}];`);
      addPartials(partials, v.partials, (p) => mul(p, dj));
    });
    return { code, partials };
  }

}

/**
 * Lower the density to a fused function, or explain why the program keeps the scalar tape.
 * `generate` says whether it also writes output rows: it does when the generated quantities
 * (if any) are element-wise declarations with values; otherwise they stay on the tape (which
 * also runs the `_rng` functions) while the density is fused all the same.
 */
export function lowerFusedDensity(
  base: CodeGenerator, params: VarDecl[], tp: Stmt[], model: Stmt[], gq: Stmt[],
): { code: string; generate: boolean } | { unsupported: string } {
  const attempt = (withGq: Stmt[], values: boolean) => new FusedGenerator(base, params, tp, model, withGq).lower(values);
  try {
    try {
      return { code: attempt(gq, true), generate: true };
    } catch (e) {
      if (!(e instanceof Unsupported) || !gq.some((s) => s.kind !== 'Empty')) throw e;
      return { code: attempt([], false), generate: false };
    }
  } catch (e) {
    if (e instanceof Unsupported) return { unsupported: e.message };
    throw e;
  }
}
