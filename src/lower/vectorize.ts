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
import { varName } from './emit.js';
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
  const written = new Set<string>();
  let ok = true;
  forEachStmt(body, (s) => {
    if (s.kind === 'Assign') {
      const n = rootName(s.target);
      if (n) written.add(n);
    } else if (s.kind !== 'TargetPlus' && s.kind !== 'Tilde' && s.kind !== 'Empty') ok = false;
  });
  if (!ok || body.length === 0) return null;
  const lifter = new Lifter(loop.variable, written, host);
  const lines: string[] = [];
  for (const s of body) {
    const code = lifter.stmt(s);
    if (code === null) return null;
    if (code !== '') lines.push(code);
  }
  const lo = host.expr(loop.lower);
  const hi = host.expr(loop.upper);
  return [
    `{ // vectorized: for (${loop.variable} in ...)`,
    `  const $lo = ${lo}, $hi = ${hi};`,
    `  if ($hi >= $lo) {`,
    `    const $iv = $.rangeTensor($lo, $hi), $slice = { from: $lo, to: $hi }, $len = $hi - $lo + 1;`,
    ...lines.map((l) => '    ' + l),
    '  }',
    '}',
  ];
}

class Lifter {
  constructor(
    private readonly loopVar: string,
    private readonly written: Set<string>,
    private readonly host: LoopHost,
  ) {}

  stmt(s: Stmt): string | null {
    switch (s.kind) {
      case 'Empty':
        return '';
      case 'Assign':
        return this.assign(s);
      case 'TargetPlus': {
        const e = this.expr(s.expr);
        if (e === null) return null;
        return `$t.terms.push(${this.reduce(e)});`;
      }
      case 'Tilde': {
        if (s.truncation) return null;
        const name = s.resolved?.name ?? s.distribution;
        const call = this.density(name, [s.lhs, ...s.args]);
        return call === null ? null : `$t.terms.push(${call.code});`;
      }
      default:
        return null;
    }
  }

  private assign(s: Extract<Stmt, { kind: 'Assign' }>): string | null {
    const t = s.target;
    if (t.kind !== 'Indexed' || t.target.kind !== 'Variable' || t.indices.length !== 1) return null;
    if (!this.isLoopIndex(t.indices[0])) return null;
    if (!scalarType(t.type)) return null;
    let value = this.expr(s.value);
    if (value === null || value.mode === 'red') return null;
    if (s.op !== '=') {
      const ops: Record<string, string> = { '+=': 'add', '-=': 'sub', '*=': 'elemMul', '/=': 'elemDiv', '.*=': 'elemMul', './=': 'elemDiv' };
      const current = `$.index(${varName(t.target.name)}, [$slice])`;
      value = { code: `$.${ops[s.op]}(${current}, ${value.code})`, mode: 'lift' };
    }
    const v = varName(t.target.name);
    return `${v} = $.assignIndexed(${v}, [$slice], ${value.code});`;
  }

  /** A per-iteration quantity summed over the loop. */
  private reduce(e: Lifted): string {
    if (e.mode === 'red') return e.code;
    if (e.mode === 'lift') return `$.sum(${e.code})`;
    return `$.elemMul($len, ${e.code})`;
  }

  private isLoopIndex(i: Index): boolean {
    return i.kind === 'Single' && unparen(i.expr).kind === 'Variable' && (unparen(i.expr) as { name: string }).name === this.loopVar;
  }

  private invariant(e: Expr): Lifted | null {
    // An invariant read must not see values this loop writes.
    let touches = false;
    walk(e, (x) => {
      if (x.kind === 'Variable' && (x.name === this.loopVar || this.written.has(x.name))) touches = true;
    });
    if (touches) return null;
    return { code: this.host.expr(e), mode: 'inv' };
  }

  expr(e: Expr): Lifted | null {
    if (!mentions(e, this.loopVar) && !mentionsAny(e, this.written)) {
      // Containers that do not vary are fine only where a scalar is expected.
      return scalarType(e.type) ? this.invariant(e) : null;
    }
    switch (e.kind) {
      case 'Paren':
        return this.expr(e.expr);
      case 'Variable':
        return e.name === this.loopVar ? { code: '$iv', mode: 'lift' } : null;
      case 'Indexed':
        return this.indexed(e);
      case 'Unary': {
        if (e.op !== '-' && e.op !== '+') return null;
        const x = this.expr(e.operand);
        if (x === null || x.mode === 'red') return null;
        return e.op === '+' ? x : { code: `$.neg(${x.code})`, mode: x.mode };
      }
      case 'Binary':
        return this.binary(e);
      case 'Call':
        return this.call(e);
      default:
        return null;
    }
  }

  private indexed(e: Extract<Expr, { kind: 'Indexed' }>): Lifted | null {
    if (!scalarType(e.type) || e.target.kind !== 'Variable') return null;
    const name = e.target.name;
    const [first, ...rest] = e.indices;
    if (first.kind !== 'Single' || first.multi) return null;
    const restCode: string[] = [];
    for (const r of rest) {
      if (r.kind !== 'Single' || r.multi) return null;
      const inv = this.invariant(r.expr);
      if (inv === null) return null;
      restCode.push(inv.code);
    }
    if (this.isLoopIndex(first)) {
      return { code: `$.index(${varName(name)}, [$slice${restCode.map((c) => ', ' + c).join('')}])`, mode: 'lift' };
    }
    // Indexed by something per-iteration (a group id `g[n]`): a gather. Never from a written variable.
    if (this.written.has(name)) return null;
    const idx = this.expr(first.expr);
    if (idx === null || idx.mode !== 'lift' || first.expr.type?.kind !== 'int') return null;
    return { code: `$.index(${varName(name)}, [$.ints(${idx.code})${restCode.map((c) => ', ' + c).join('')}])`, mode: 'lift' };
  }

  private binary(e: Extract<Expr, { kind: 'Binary' }>): Lifted | null {
    const l = this.expr(e.left);
    const r = this.expr(e.right);
    if (l === null || r === null) return null;
    if (!scalarType(e.left.type) || !scalarType(e.right.type)) return null;
    if (l.mode === 'red' || r.mode === 'red') {
      if (e.op !== '+' && e.op !== '-') return null;
      return { code: `$.${e.op === '+' ? 'add' : 'sub'}(${this.reduce(l)}, ${this.reduce(r)})`, mode: 'red' };
    }
    const bothInt = e.left.type?.kind === 'int' && e.right.type?.kind === 'int';
    const ops: Record<string, string> = { '+': 'add', '-': 'sub', '*': 'elemMul', '.*': 'elemMul', '^': 'pow', '.^': 'pow' };
    if (!bothInt) Object.assign(ops, { '/': 'elemDiv', './': 'elemDiv' });
    const op = ops[e.op];
    if (!op) return null;
    return { code: `$.${op}(${l.code}, ${r.code})`, mode: 'lift' };
  }

  private call(e: Extract<Expr, { kind: 'Call' }>): Lifted | null {
    if (e.resolved?.source === 'user') return null;
    const name = e.resolved?.name ?? e.name;
    if (DENSITY.test(name)) return this.density(name, e.args);
    if (!ELEMENTWISE.has(name) || !scalarType(e.type)) return null;
    const args: Lifted[] = [];
    for (const a of e.args) {
      if (!scalarType(a.type)) return null;
      const x = this.expr(a);
      if (x === null || x.mode === 'red') return null;
      args.push(x);
    }
    const types = e.args.map((a, k) => liftedType(a.type!, args[k].mode));
    return { code: `${this.host.site(name, types)}.call([${args.map((a) => a.code).join(', ')}])`, mode: 'lift' };
  }

  /** A density over lifted arguments: its vectorized form sums over iterations. */
  private density(name: string, argExprs: readonly Expr[]): Lifted | null {
    const args: Lifted[] = [];
    for (const a of argExprs) {
      if (!scalarType(a.type)) return null;
      const x = this.expr(a);
      if (x === null || x.mode === 'red') return null;
      args.push(x);
    }
    if (!args.some((a) => a.mode === 'lift')) return null;
    const types = argExprs.map((a, k) => liftedType(a.type!, args[k].mode));
    return { code: `${this.host.site(name, types)}.call([${args.map((a) => a.code).join(', ')}])`, mode: 'red' };
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

