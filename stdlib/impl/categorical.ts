// Distributions over categories: categorical, categorical_logit, multinomial,
// multinomial_logit, ordered_logistic, ordered_probit. Each call is one fused node whose
// per-chain body walks the observations.
import type { Value } from '../../src/runtime/tensor.js';
import { RuntimeError } from '../../src/runtime/errors.js';
import { lgamma, log1pExp, logSumExpArray } from '../../src/runtime/special.js';
import { checkBounded, checkFinite, checkNonnegative, checkOrdered, checkSimplex, real } from './dist-checks.js';
import { dLogPhi, logPhi, logPhiDiff } from './dist-math.js';
import { perChain, shiftInPlace } from './fused.js';
import type { Builtin, BuiltinTable, RuntimeValue } from './types.js';

/** The values of an int or int array argument. */
function ints(x: RuntimeValue, fn: string): Float64Array {
  const v = real(x, fn);
  return typeof v === 'number' ? Float64Array.of(v) : v.val;
}

function checkArity(fn: string, args: readonly RuntimeValue[], n: number): void {
  if (args.length !== n) throw new RuntimeError(`${fn}: expected ${n} arguments, got ${args.length}`);
}

function sizeOf(x: Value): number {
  return typeof x === 'number' ? 1 : x.size;
}

// ---------------------------------------------------------------------------------------

function categorical(fn: string): Builtin {
  return (args) => {
    checkArity(fn, args, 2);
    const y = ints(args[0], fn);
    const theta = real(args[1], fn);
    const K = sizeOf(theta);
    checkBounded(fn, 'Number of categories', real(args[0], fn), 1, K);
    return perChain([theta], (v, g) => {
      const t = v[0];
      checkSimplex(fn, 'Probabilities parameter', t, 0, K);
      let lp = 0;
      const gt = g[0];
      for (let i = 0; i < y.length; i++) {
        const k = y[i] - 1;
        lp += Math.log(t[k]);
        if (gt) gt[k] += 1 / t[k];
      }
      return lp;
    });
  };
}

function categoricalLogit(fn: string): Builtin {
  return (args) => {
    checkArity(fn, args, 2);
    const y = ints(args[0], fn);
    const beta = real(args[1], fn);
    const K = sizeOf(beta);
    checkBounded(fn, 'categorical outcome out of support', real(args[0], fn), 1, K);
    checkFinite(fn, 'log odds parameter', beta);
    const n = y.length;
    return perChain([beta], (v, g) => {
      const b = v[0];
      const lse = logSumExpArray(b, 0, K);
      let lp = -n * lse;
      for (let i = 0; i < n; i++) lp += b[y[i] - 1];
      const gb = g[0];
      if (gb) {
        for (let k = 0; k < K; k++) gb[k] -= n * Math.exp(b[k] - lse);
        for (let i = 0; i < n; i++) gb[y[i] - 1] += 1;
      }
      return lp;
    });
  };
}

/** log N! - Σ log y_k! of a count vector. */
function multinomialCoefficient(y: Float64Array): number {
  let N = 0;
  let s = 0;
  for (let k = 0; k < y.length; k++) {
    N += y[k];
    s -= lgamma(y[k] + 1);
  }
  return s + lgamma(N + 1);
}

function multinomial(fn: string): Builtin {
  return (args) => {
    checkArity(fn, args, 2);
    const yv = real(args[0], fn);
    const y = ints(args[0], fn);
    const theta = real(args[1], fn);
    const K = sizeOf(theta);
    checkNonnegative(fn, 'Number of trials variable', yv);
    if (y.length !== K) throw new RuntimeError(`${fn}: Size of number of trials variable (${y.length}) and rows of probabilities parameter (${K}) must match in size`);
    const lp = perChain([theta], (v, g) => {
      const t = v[0];
      checkSimplex(fn, 'Probabilities parameter', t, 0, K);
      let s = 0;
      const gt = g[0];
      for (let k = 0; k < K; k++) {
        if (y[k] === 0) continue;
        s += y[k] * Math.log(t[k]);
        if (gt) gt[k] += y[k] / t[k];
      }
      return s;
    });
    return shiftInPlace(lp, multinomialCoefficient(y));
  };
}

function multinomialLogit(fn: string): Builtin {
  return (args) => {
    checkArity(fn, args, 2);
    const yv = real(args[0], fn);
    const y = ints(args[0], fn);
    const gamma = real(args[1], fn);
    const K = sizeOf(gamma);
    checkNonnegative(fn, 'Number of trials variable', yv);
    checkFinite(fn, 'log-probabilities parameter', gamma);
    if (y.length !== K) throw new RuntimeError(`${fn}: Size of number of trials variable (${y.length}) and rows of log-probabilities parameter (${K}) must match in size`);
    let N = 0;
    for (let k = 0; k < K; k++) N += y[k];
    const lp = perChain([gamma], (v, g) => {
      const c = v[0];
      const lse = logSumExpArray(c, 0, K);
      let s = -N * lse;
      for (let k = 0; k < K; k++) s += y[k] === 0 ? 0 : y[k] * c[k];
      const gc = g[0];
      if (gc) for (let k = 0; k < K; k++) gc[k] += y[k] - N * Math.exp(c[k] - lse);
      return s;
    });
    return shiftInPlace(lp, multinomialCoefficient(y));
  };
}

// ---------------------------------------------------------------------------------------
// Ordinal regression. One observation: y in 1..K, linear predictor η, cut-points c (K-1).
// Each writes ∂/∂η, ∂/∂c_{y-1}, ∂/∂c_y (1-based cut-point indices y-1 and y) into out.

/** log σ'(a) = log σ(a) + log σ(-a). */
function logDInvLogit(a: number): number {
  return -log1pExp(a) - log1pExp(-a);
}

function ordLogistic(y: number, eta: number, c: Float64Array, off: number, K: number, out: Float64Array): number {
  out[0] = out[1] = out[2] = 0;
  if (y === 1) {
    const a = eta - c[off];
    const s = 1 / (1 + Math.exp(-a));
    out[0] = -s;
    out[2] = s;
    return -log1pExp(a);
  }
  if (y === K) {
    const b = eta - c[off + K - 2];
    const s = 1 / (1 + Math.exp(b)); // σ(-b)
    out[0] = s;
    out[1] = -s;
    return -log1pExp(-b);
  }
  const a = eta - c[off + y - 2];
  const b = eta - c[off + y - 1];
  // log(σ(a) - σ(b)) = a - log1p_exp(a) + log1m_exp(b - a) - log1p_exp(b)
  const r = b - a;
  const lp = a - log1pExp(a) + (r > -0.693147 ? Math.log(-Math.expm1(r)) : Math.log1p(-Math.exp(r))) - log1pExp(b);
  const da = Math.exp(logDInvLogit(a) - lp);
  const db = -Math.exp(logDInvLogit(b) - lp);
  out[0] = da + db;
  out[1] = -da;
  out[2] = -db;
  return lp;
}

const diffOut = new Float64Array(2);

function ordProbit(y: number, eta: number, c: Float64Array, off: number, K: number, out: Float64Array): number {
  out[0] = out[1] = out[2] = 0;
  if (y === 1) {
    const u = c[off] - eta;
    const m = dLogPhi(u);
    out[0] = -m;
    out[2] = m;
    return logPhi(u);
  }
  if (y === K) {
    const u = eta - c[off + K - 2];
    const m = dLogPhi(u);
    out[0] = m;
    out[1] = -m;
    return logPhi(u);
  }
  const lo = c[off + y - 2] - eta;
  const hi = c[off + y - 1] - eta;
  const lp = logPhiDiff(lo, hi, diffOut);
  out[0] = -(diffOut[0] + diffOut[1]);
  out[1] = diffOut[0];
  out[2] = diffOut[1];
  return lp;
}

type Ordinal = typeof ordLogistic;

function ordinal(fn: string, one: Ordinal): Builtin {
  return (args) => {
    checkArity(fn, args, 3);
    const yv = real(args[0], fn);
    const y = ints(args[0], fn);
    const eta = real(args[1], fn);
    const c = real(args[2], fn);
    if (typeof c === 'number') throw new RuntimeError(`${fn}: internal: cut-points must be a vector`);
    const N = y.length;
    const perObsCuts = c.shape.length === 2;
    const K1 = perObsCuts ? c.shape[1] : c.size;
    const K = K1 + 1;
    const etaVec = typeof eta !== 'number' && eta.shape.length > 0;
    if (etaVec && sizeOf(eta) !== N) {
      throw new RuntimeError(`${fn}: Size of integers (${N}) and size of linear predictor (${sizeOf(eta)}) must match in size`);
    }
    if (perObsCuts && c.shape[0] !== N) {
      throw new RuntimeError(`${fn}: Size of integers (${N}) and size of cut-point vectors (${c.shape[0]}) must match in size`);
    }
    if (K1 < 1) throw new RuntimeError(`${fn}: Cut-points has size 0, but must have a non-zero size`);
    checkBounded(fn, 'Random variable', yv, 1, K);
    checkFinite(fn, 'Location parameter', eta);
    checkFinite(fn, 'Cut-points', c);
    const out = new Float64Array(3);
    return perChain([eta, c], (v, g) => {
      const ev = v[0];
      const cv = v[1];
      const ge = g[0];
      const gc = g[1];
      const blocks = perObsCuts ? N : 1;
      for (let b = 0; b < blocks; b++) checkOrdered(fn, 'Cut-points', cv, b * K1, K1);
      let lp = 0;
      for (let i = 0; i < N; i++) {
        const off = perObsCuts ? i * K1 : 0;
        const yi = y[i];
        lp += one(yi, etaVec ? ev[i] : ev[0], cv, off, K, out);
        if (ge) ge[etaVec ? i : 0] += out[0];
        if (gc) {
          if (yi > 1) gc[off + yi - 2] += out[1];
          if (yi < K) gc[off + yi - 1] += out[2];
        }
      }
      return lp;
    });
  };
}

// ---------------------------------------------------------------------------------------

export const table: BuiltinTable = {};
const families: Record<string, (fn: string) => Builtin> = {
  categorical,
  categorical_logit: categoricalLogit,
  multinomial,
  multinomial_logit: multinomialLogit,
  ordered_logistic: (fn) => ordinal(fn, ordLogistic),
  ordered_probit: (fn) => ordinal(fn, ordProbit),
};
// `_lupdf`/`_lupmf` is the same function: hstan keeps every constant term in both.
for (const [family, make] of Object.entries(families)) {
  table[`${family}_lpmf`] = make(`${family}_lpmf`);
  table[`${family}_lupmf`] = make(`${family}_lupmf`);
}
