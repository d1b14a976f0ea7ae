// Loops whose iterations are independent become single vector operations:
//   for (n in 1:N) mu[n] = alpha[g[n]] + x[n] * beta;        → one gather, one multiply, one add
//   for (n in 1:N) target += normal_lpdf(y[n] | mu[n], sigma); → one fused density call
// The body is re-read with the loop variable standing for the whole index range ("lifted"):
// every scalar expression becomes a vector over iterations. A loop qualifies when its body has
// only element assignments `x[i] = e`, `target +=` and `~`, no iteration reads what another
// iteration writes, and every call is elementwise or a density (whose lifted form sums over
// iterations, exactly what the loop's target increments add up to).
import type { Expr, For, Stmt, Index } from '../frontend/ast.js';
import type { StanType } from '../check/types.js';
import { varName, str } from './emit.js';
import { rootName, forEachStmt, walkExpr as walk } from './scan.js';

/** What the generator offers the vectorizer. */
export interface LoopHost {
  expr(e: Expr): string;
  site(name: string, argTypes: StanType[]): string;
  indexSpecs(indices: readonly Index[]): string;
}

/** inv: same for every iteration; lift: one value per iteration; red: already summed over iterations. */
type Mode = 'inv' | 'lift' | 'red';
interface Lifted {
  code: string;
  mode: Mode;
}

/** Scalar functions that act elementwise on containers with the same meaning. */
const ELEMENTWISE = new Set([
  'exp', 'log', 'log1p', 'expm1', 'log2', 'log10', 'exp2', 'sqrt', 'cbrt', 'square', 'inv', 'inv_sqrt',
  'inv_square', 'abs', 'fabs', 'inv_logit', 'logit', 'log_inv_logit', 'log1m_inv_logit', 'log1m', 'log1p_exp',
  'log1m_exp', 'Phi', 'Phi_approx', 'inv_Phi', 'lgamma', 'tgamma', 'digamma', 'erf', 'erfc', 'sin', 'cos', 'tan',
  'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'pow', 'fma', 'fmin', 'fmax',
  'lbeta', 'lchoose', 'log_diff_exp', 'hypot', 'atan2', 'step', 'trunc', 'floor', 'ceil', 'round',
]);

const DENSITY = /_(lpdf|lupdf|lpmf|lupmf)$/;

const scalarType = (t: StanType | undefined) => t !== undefined && (t.kind === 'int' || t.kind === 'real');

/** The lifted code of a loop, or null when the loop must stay a loop. */
export function liftLoop(loop: For, host: LoopHost): string[] | null {
  if (loop.lower.origin === 'parameter' || loop.upper.origin === 'parameter') return null;
  const body = loop.body.kind === 'Block' ? loop.body.statements : [loop.body];
  const assigned = new Set<string>();
  const locals = new Set<string>();
  let ok = true;
  forEachStmt(body, (s) => {
    switch (s.kind) {
      case 'Assign': {
        const n = rootName(s.target);
        if (n) assigned.add(n);
        break;
      }
      case 'VarDecl':
        // Per-iteration scalars (`real mu = alpha;`) become one value per iteration.
        if (s.arrayDims.length > 0 || (s.type.base !== 'real' && s.type.base !== 'int') || s.type.bounds) ok = false;
        locals.add(s.name);
        break;
      case 'TargetPlus': case 'Tilde': case 'Empty': case 'For': case 'Block':
        break;
      default:
        ok = false;
    }
  });
  if (!ok || body.length === 0) return null;
  const written = new Set([...assigned].filter((n) => !locals.has(n)));
  const lifter = new Lifter(loop.variable, written, locals, host);
  const lines: string[] = [];
  for (const s of body) {
    const code = lifter.stmt(s);
    if (code === null) return null;
    lines.push(...code);
  }
  const lo = host.expr(loop.lower);
  const hi = host.expr(loop.upper);
  return [
    `{ // vectorized: for (${loop.variable} in ...)`,
    `  const $lo = ${lo}, $hi = ${hi};`,
    `  if ($hi >= $lo) {`,
    // The loop variable as a vector only when the body reads it as a value (not just as `x[i]`).
    `    ${lines.some((l) => l.includes('$iv')) ? 'const $iv = $.rangeTensor($lo, $hi); ' : ''}const $slice = { from: $lo, to: $hi }, $len = $hi - $lo + 1;`,
    ...lines.map((l) => '    ' + l),
    '  }',
    '}',
  ];
}

class Lifter {
  /** Loop variables of inner loops: plain ints inside the vectorized body. */
  private readonly inner = new Set<string>();
  private innerCount = 0;

  constructor(
    private readonly loopVar: string,
    private readonly written: Set<string>,
    private readonly locals: Set<string>,
    private readonly host: LoopHost,
  ) {}

  /** Lines of lifted code for a statement, or null when it cannot be lifted. */
  stmt(s: Stmt): string[] | null {
    switch (s.kind) {
      case 'Empty':
        return [];
      case 'Block': {
        const out: string[] = [];
        for (const x of s.statements) {
          const c = this.stmt(x);
          if (c === null) return null;
          out.push(...c);
        }
        return out;
      }
      case 'VarDecl': {
        const init = s.init ? this.expr(s.init, false) : { code: 'NaN', mode: 'inv' as Mode };
        if (init === null) return null;
        return [`let ${varName(s.name)} = $.broadcast(${init.code}, $len);`];
      }
      case 'For':
        return this.innerLoop(s);
      case 'Assign':
        return this.assign(s);
      case 'TargetPlus': {
        const e = this.expr(s.expr, true);
        if (e === null) return null;
        return [`$t.terms.push(${this.reduce(e)});`];
      }
      case 'Tilde': {
        if (s.truncation) return null;
        const name = s.resolved?.name ?? s.distribution;
        if (s.resolved?.source === 'user') return null;
        const call = this.density(name, [s.lhs, ...s.args], true);
        return call === null ? null : [`$t.terms.push(${call.code});`];
      }
      default:
        return null;
    }
  }

  /** A loop inside the vectorized body whose bounds are the same for every iteration. */
  private innerLoop(s: For): string[] | null {
    const lo = this.invariant(s.lower);
    const hi = this.invariant(s.upper);
    if (lo === null || hi === null || s.lower.type?.kind !== 'int' || s.upper.type?.kind !== 'int') return null;
    this.inner.add(s.variable);
    const body = this.stmt(s.body);
    this.inner.delete(s.variable);
    if (body === null) return null;
    const v = varName(s.variable);
    const h = `$ih${this.innerCount++}`;
    return [`for (let ${v} = ${lo.code}, ${h} = ${hi.code}; ${v} <= ${h}; ${v}++) {`, ...body.map((l) => '  ' + l), '}'];
  }

  private assign(s: Extract<Stmt, { kind: 'Assign' }>): string[] | null {
    const t = s.target;
    const ops: Record<string, string> = { '+=': 'add', '-=': 'sub', '*=': 'elemMul', '/=': 'elemDiv', '.*=': 'elemMul', './=': 'elemDiv' };
    const value = this.expr(s.value, false);
    if (value === null || value.mode === 'red') return null;
    if (t.kind === 'Variable' && this.locals.has(t.name)) {
      const v = varName(t.name);
      return [`${v} = ${s.op === '=' ? value.code : `$.${ops[s.op]}(${v}, ${value.code})`};`];
    }
    if (t.kind !== 'Indexed' || t.target.kind !== 'Variable' || t.indices.length !== 1) return null;
    if (!this.isLoopIndex(t.indices[0]) || !scalarType(t.type)) return null;
    const v = varName(t.target.name);
    const rhs = s.op === '=' ? value.code : `$.${ops[s.op]}($.index(${v}, [$slice]), ${value.code})`;
    return [`${v} = $.assignIndexed(${v}, [$slice], ${rhs});`];
  }

  /** A per-iteration quantity summed over the loop. */
  private reduce(e: Lifted): string {
    if (e.mode === 'red') return e.code;
    if (e.mode === 'lift') return `$.sum(${e.code})`;
    return `$.elemMul($len, ${e.code})`;
  }

  private isLoopIndex(i: Index): boolean {
    const e = i.kind === 'Single' ? unparen(i.expr) : null;
    return e !== null && e.kind === 'Variable' && e.name === this.loopVar;
  }

  private varies(e: Expr): boolean {
    return mentions(e, this.loopVar) || mentionsAny(e, this.written) || mentionsAny(e, this.locals);
  }

  /** The same value in every iteration (it may use inner loop variables). */
  private invariant(e: Expr): Lifted | null {
    return this.varies(e) ? null : { code: this.host.expr(e), mode: 'inv' };
  }

  /**
   * `reducible`: the value only feeds a sum over iterations (target +=), so a density call
   * may stand for its sum; elsewhere densities are computed per element.
   */
  expr(e: Expr, reducible: boolean): Lifted | null {
    if (!this.varies(e)) return scalarType(e.type) ? this.invariant(e) : null;
    switch (e.kind) {
      case 'Paren':
        return this.expr(e.expr, reducible);
      case 'Variable':
        if (e.name === this.loopVar || this.locals.has(e.name)) return { code: e.name === this.loopVar ? '$iv' : varName(e.name), mode: 'lift' };
        return null;
      case 'Indexed':
        return this.indexed(e);
      case 'Unary': {
        if (e.op !== '-' && e.op !== '+') return null;
        const x = this.expr(e.operand, false);
        if (x === null) return null;
        return e.op === '+' ? x : { code: `$.neg(${x.code})`, mode: x.mode };
      }
      case 'Binary':
        return this.binary(e, reducible);
      case 'Call':
        return this.call(e, reducible);
      default:
        return null;
    }
  }

  private indexed(e: Extract<Expr, { kind: 'Indexed' }>): Lifted | null {
    if (!scalarType(e.type) || e.target.kind !== 'Variable') return null;
    const name = e.target.name;
    if (this.locals.has(name)) return null;
    const [first, ...rest] = e.indices;
    if (first.kind !== 'Single' || first.multi) return null;
    const restCode: string[] = [];
    for (const r of rest) {
      if (r.kind !== 'Single' || r.multi) return null;
      const inv = this.invariant(r.expr);
      if (inv === null) return null;
      restCode.push(inv.code);
    }
    const tail = restCode.map((c) => ', ' + c).join('');
    if (this.isLoopIndex(first)) return { code: `$.index(${varName(name)}, [$slice${tail}])`, mode: 'lift' };
    // Indexed by something per-iteration (a group id `g[n]`, a lag `y[t - k]`): a gather, never from a written variable.
    if (this.written.has(name)) return null;
    const idx = this.expr(first.expr, false);
    if (idx === null || idx.mode !== 'lift' || first.expr.type?.kind !== 'int') return null;
    return { code: `$.index(${varName(name)}, [$.ints(${idx.code})${tail}])`, mode: 'lift' };
  }

  private binary(e: Extract<Expr, { kind: 'Binary' }>, reducible: boolean): Lifted | null {
    if (!scalarType(e.left.type) || !scalarType(e.right.type)) return null;
    const additive = e.op === '+' || e.op === '-';
    const l = this.expr(e.left, reducible && additive);
    const r = this.expr(e.right, reducible && additive);
    if (l === null || r === null) return null;
    if (l.mode === 'red' || r.mode === 'red') {
      return { code: `$.${e.op === '+' ? 'add' : 'sub'}(${this.reduce(l)}, ${this.reduce(r)})`, mode: 'red' };
    }
    const bothInt = e.left.type?.kind === 'int' && e.right.type?.kind === 'int';
    const ops: Record<string, string> = { '+': 'add', '-': 'sub', '*': 'elemMul', '.*': 'elemMul', '^': 'pow', '.^': 'pow' };
    if (!bothInt) Object.assign(ops, { '/': 'elemDiv', './': 'elemDiv' });
    const op = ops[e.op];
    if (!op) return null;
    return { code: `$.${op}(${l.code}, ${r.code})`, mode: 'lift' };
  }

  private call(e: Extract<Expr, { kind: 'Call' }>, reducible: boolean): Lifted | null {
    if (e.resolved?.source === 'user') return null;
    const name = e.resolved?.name ?? e.name;
    if (DENSITY.test(name)) return this.density(name, e.args, reducible);
    const isLogMix = name === 'log_mix' && e.args.length === 3;
    if ((!ELEMENTWISE.has(name) && !isLogMix) || !scalarType(e.type)) return null;
    const args: Lifted[] = [];
    for (const a of e.args) {
      if (!scalarType(a.type)) return null;
      const x = this.expr(a, false);
      if (x === null) return null;
      args.push(x);
    }
    const codes = args.map((a) => a.code).join(', ');
    if (isLogMix) return { code: `$.logMix3(${codes})`, mode: 'lift' };
    const types = e.args.map((a, k) => liftedType(a.type!, args[k].mode));
    return { code: `${this.host.site(name, types)}.call([${codes}])`, mode: 'lift' };
  }

  /** A density over lifted arguments: summed over iterations where that is all that is needed, else per element. */
  private density(name: string, argExprs: readonly Expr[], reducible: boolean): Lifted | null {
    const args: Lifted[] = [];
    for (const a of argExprs) {
      if (!scalarType(a.type)) return null;
      const x = this.expr(a, false);
      if (x === null) return null;
      args.push(x);
    }
    if (!args.some((a) => a.mode === 'lift')) return null;
    const codes = args.map((a) => a.code).join(', ');
    if (!reducible) return { code: `$.pointwiseDensity(${str(name)}, [${codes}])`, mode: 'lift' };
    const types = argExprs.map((a, k) => liftedType(a.type!, args[k].mode));
    return { code: `${this.host.site(name, types)}.call([${codes}])`, mode: 'red' };
  }
}

/** The type a lifted scalar has as a whole: real → vector, int → array[] int. */
function liftedType(t: StanType, mode: Mode): StanType {
  if (mode !== 'lift') return t;
  return t.kind === 'int' ? { kind: 'array', element: { kind: 'int' }, dims: 1 } : { kind: 'vector' };
}

function unparen(e: Expr): Expr {
  return e.kind === 'Paren' ? unparen(e.expr) : e;
}

function mentions(e: Expr, name: string): boolean {
  let found = false;
  walk(e, (x) => { if (x.kind === 'Variable' && x.name === name) found = true; });
  return found;
}

function mentionsAny(e: Expr, names: Set<string>): boolean {
  let found = false;
  walk(e, (x) => { if (x.kind === 'Variable' && names.has(x.name)) found = true; });
  return found;
}

