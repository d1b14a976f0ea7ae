// Univariate discrete distributions: `_lpmf`/`_lupmf` kernels (y first, then parameters)
// and the cdfs with simple closed forms. Integer-only terms (log choose, log n!) are summed
// once per call (UnivariateSpec.constant), not once per chain.
import { Kernel } from '../../src/runtime/elementwise.js';
import type { Value } from '../../src/runtime/tensor.js';
import {
  betaInc, betaIncDerivX, betaIncGrad, digamma, gammaPDerivX, gammaPGrad, invLogit, lbeta, lchoose, lgamma,
  log1pExp, logSumExp,
} from '../../src/runtime/special.js';
import {
  boundedCheck, checkBounded, checkFinite, checkNonnegative, checkNotNan, checkPositiveFinite, checkRelation, show,
} from './dist-checks.js';
import { ArgSpec, CdfKernel, Check, UnivariateSpec, addUnivariate, logOne, logZero } from './univariate.js';
import { RuntimeError } from '../../src/runtime/errors.js';
import type { BuiltinTable } from './types.js';

const arg = (name: string, ...checks: Check[]): ArgSpec => ({ name, checks });
const bounded = (lo: number, hi: number): Check => boundedCheck(lo, hi);
const PROBABILITY = arg('Probability parameter', bounded(0, 1));

/** t · log(p) with 0 · log(0) = 0. */
function xlog(t: number, lp: number): number {
  return t === 0 ? 0 : t * lp;
}

// ---------------------------------------------------------------------------------------
// Bernoulli and binomial.

const bernoulli: Kernel = (x, d) => {
  const n = x[0];
  const t = x[1];
  if (d) {
    d[0] = 0;
    d[1] = n === 1 ? 1 / t : -1 / (1 - t);
  }
  return n === 1 ? Math.log(t) : Math.log1p(-t);
};

const bernoulliLogit: Kernel = (x, d) => {
  const n = x[0];
  const a = x[1];
  if (d) {
    d[0] = 0;
    d[1] = n - invLogit(a);
  }
  return n === 1 ? -log1pExp(-a) : -log1pExp(a);
};

const lchooseK: Kernel = (x) => lchoose(x[1], x[0]);
const logFactorialK: Kernel = (x) => -lgamma(x[0] + 1);

const binomial: Kernel = (x, d) => {
  const n = x[0];
  const N = x[1];
  const t = x[2];
  if (d) {
    d[0] = 0;
    d[1] = 0;
    d[2] = (n === 0 ? 0 : n / t) - (N === n ? 0 : (N - n) / (1 - t));
  }
  return xlog(n, Math.log(t)) + xlog(N - n, Math.log1p(-t));
};

const binomialLogit: Kernel = (x, d) => {
  const n = x[0];
  const N = x[1];
  const a = x[2];
  if (d) {
    d[0] = 0;
    d[1] = 0;
    d[2] = n - N * invLogit(a);
  }
  return xlog(n, -log1pExp(-a)) + xlog(N - n, -log1pExp(a));
};

const successesWithinTrials = (fn: string, v: readonly Value[]) =>
  checkRelation(fn, v[0], v[1], (n, N) => n >= 0 && n <= N, (n, N) => `Successes variable is ${show(n)}, but must be in the interval [0, ${show(N)}]`);

const betaBinomial: Kernel = (x, d) => {
  const n = x[0];
  const N = x[1];
  const a = x[2];
  const b = x[3];
  if (n < 0 || n > N) return logZero(d);
  if (d) {
    const pabN = digamma(N + a + b);
    const pab = digamma(a + b);
    d[0] = 0;
    d[1] = 0;
    d[2] = digamma(n + a) - pabN - digamma(a) + pab;
    d[3] = digamma(N - n + b) - pabN - digamma(b) + pab;
  }
  return lbeta(n + a, N - n + b) - lbeta(a, b);
};

// ---------------------------------------------------------------------------------------
// Counts.

const poisson: Kernel = (x, d) => {
  const n = x[0];
  const l = x[1];
  if (l === Infinity || (l === 0 && n !== 0)) return logZero(d);
  if (d) {
    d[0] = 0;
    d[1] = (n === 0 ? 0 : n / l) - 1;
  }
  return xlog(n, Math.log(l)) - l;
};

const poissonLog: Kernel = (x, d) => {
  const n = x[0];
  const a = x[1];
  if (a === Infinity || (a === -Infinity && n !== 0)) return logZero(d);
  const e = Math.exp(a);
  if (d) {
    d[0] = 0;
    d[1] = n - e;
  }
  return xlog(n, a) - e;
};

const negBinomial: Kernel = (x, d) => {
  const n = x[0];
  const a = x[1];
  const b = x[2];
  const l1b = Math.log1p(b);
  const lb = Math.log(b);
  if (d) {
    d[0] = 0;
    d[1] = digamma(n + a) - digamma(a) + lb - l1b;
    d[2] = a / b - (a + n) / (1 + b);
  }
  return lgamma(n + a) - lgamma(a) + a * lb - (a + n) * l1b;
};

const negBinomial2: Kernel = (x, d) => {
  const n = x[0];
  const mu = x[1];
  const phi = x[2];
  const lmp = Math.log(mu + phi);
  const l1 = Math.log1p(mu / phi);
  if (d) {
    d[0] = 0;
    d[1] = (n === 0 ? 0 : n / mu) - (n + phi) / (mu + phi);
    d[2] = digamma(n + phi) - digamma(phi) - l1 + (mu - n) / (mu + phi);
  }
  return lgamma(n + phi) - lgamma(phi) + xlog(n, Math.log(mu) - lmp) - phi * l1;
};

const negBinomial2Log: Kernel = (x, d) => {
  const n = x[0];
  const eta = x[1];
  const phi = x[2];
  const lphi = Math.log(phi);
  const lse = logSumExp(eta, lphi); // log(μ + φ)
  if (d) {
    d[0] = 0;
    d[1] = n - (n + phi) * Math.exp(eta - lse);
    d[2] = digamma(n + phi) - digamma(phi) + (lphi - lse) + 1 - (n + phi) * Math.exp(-lse);
  }
  return lgamma(n + phi) - lgamma(phi) + xlog(n, eta - lse) + phi * (lphi - lse);
};

// ---------------------------------------------------------------------------------------
// Cdfs: P(Y <= n) and P(Y > n) in log space, partials of the log.

const bernoulliCdf: CdfKernel = (x, d, upper) => {
  const n = x[0];
  const t = x[1];
  if (n < 0) return upper ? logOne(d) : logZero(d);
  if (n >= 1) return upper ? logZero(d) : logOne(d);
  if (d) {
    d[0] = 0;
    d[1] = upper ? 1 / t : -1 / (1 - t);
  }
  return upper ? Math.log(t) : Math.log1p(-t);
};

/** log I_p(a, b) (or its complement) for a data shape pair, with d log / dp into `dp[0]`. */
function logIncBetaInX(a: number, b: number, p: number, upper: boolean, dp: Float64Array): number {
  // F = I_{p}(a, b); Q = I_{1-p}(b, a).
  const v = upper ? betaInc(b, a, 1 - p) : betaInc(a, b, p);
  const dv = betaIncDerivX(a, b, p) * (upper ? -1 : 1);
  dp[0] = dv / v;
  return Math.log(v);
}
const scratch1 = new Float64Array(1);

const binomialCdf: CdfKernel = (x, d, upper) => {
  const n = x[0];
  const N = x[1];
  const t = x[2];
  if (n < 0) return upper ? logOne(d) : logZero(d);
  if (n >= N) return upper ? logZero(d) : logOne(d);
  // P(Y <= n) = I_{1-θ}(N - n, n + 1).
  if (t === 0) return upper ? logZero(d) : logOne(d);
  if (t === 1) return upper ? logOne(d) : logZero(d);
  const v = logIncBetaInX(N - n, n + 1, 1 - t, upper, scratch1);
  if (d) {
    d[0] = 0;
    d[1] = 0;
    d[2] = -scratch1[0];
  }
  return v;
};

const gOut = new Float64Array(3);
const poissonCdf: CdfKernel = (x, d, upper) => {
  const n = x[0];
  const l = x[1];
  if (n < 0) return upper ? logOne(d) : logZero(d);
  if (l === 0) return upper ? logZero(d) : logOne(d);
  // P(Y <= n) = Q(n + 1, λ); dF/dλ = -λ^n e^-λ / n!.
  gammaPGrad(n + 1, l, gOut);
  const F = gOut[1];
  const Q = gOut[0];
  const p = upper ? Q : F;
  if (!(p > 0)) return logZero(d);
  if (d) {
    const dF = -gammaPDerivX(n + 1, l);
    d[0] = 0;
    d[1] = upper ? -dF / Q : dF / F;
  }
  return Math.log(p);
};

const bOut = new Float64Array(3);

/**
 * P(Y <= n) = I_p(φ, n + 1) for the negative binomials, p the success probability; writes
 * [log tail, ∂/∂shape, ∂/∂p] of the log into out.
 */
function negBinomialTail(n: number, shape: number, p: number, upper: boolean, out: Float64Array): void {
  if (!upper) {
    betaIncGrad(shape, n + 1, p, bOut);
    const F = bOut[0];
    out[0] = Math.log(F);
    out[1] = bOut[1] / F;
    out[2] = betaIncDerivX(shape, n + 1, p) / F;
  } else {
    betaIncGrad(n + 1, shape, 1 - p, bOut);
    const Q = bOut[0];
    out[0] = Math.log(Q);
    out[1] = bOut[2] / Q;
    out[2] = -betaIncDerivX(shape, n + 1, p) / Q;
  }
}
const nbOut = new Float64Array(3);

const negBinomialCdf: CdfKernel = (x, d, upper) => {
  const n = x[0];
  const a = x[1];
  const b = x[2];
  if (n < 0) return upper ? logOne(d) : logZero(d);
  const p = b / (1 + b);
  negBinomialTail(n, a, p, upper, nbOut);
  if (d) {
    d[0] = 0;
    d[1] = nbOut[1];
    d[2] = nbOut[2] / ((1 + b) * (1 + b));
  }
  return nbOut[0];
};

const negBinomial2Cdf: CdfKernel = (x, d, upper) => {
  const n = x[0];
  const mu = x[1];
  const phi = x[2];
  if (n < 0) return upper ? logOne(d) : logZero(d);
  const s = mu + phi;
  negBinomialTail(n, phi, phi / s, upper, nbOut);
  if (d) {
    d[0] = 0;
    d[1] = (nbOut[2] * -phi) / (s * s);
    d[2] = nbOut[1] + (nbOut[2] * mu) / (s * s);
  }
  return nbOut[0];
};

// discrete_range: uniform on the integers lower..upper (all arguments are integers).
const discreteRange: Kernel = (x, d) => {
  if (d) d.fill(0);
  const y = x[0];
  if (y < x[1] || y > x[2]) return -Infinity;
  return -Math.log(x[2] - x[1] + 1);
};

const discreteRangeCdf: CdfKernel = (x, d, upper) => {
  if (d) d.fill(0);
  const y = x[0];
  const lo = x[1];
  const hi = x[2];
  if (y < lo) return upper ? 0 : -Infinity;
  if (y >= hi) return upper ? -Infinity : 0;
  const w = hi - lo + 1;
  return upper ? Math.log((hi - y) / w) : Math.log((y - lo + 1) / w);
};

// hypergeometric(n | N, a, b): n successes in N draws without replacement from a successes
// and b failures (all integers).
const hypergeometric: Kernel = (x, d) => {
  if (d) d.fill(0);
  const [n, N, a, b] = [x[0], x[1], x[2], x[3]];
  return lchoose(a, n) + lchoose(b, N - n) - lchoose(a + b, N);
};

const drawsConsistent = (fn: string, v: readonly Value[]) => {
  checkRelation(fn, v[0], v[2], (n, a) => n >= 0 && n <= a, (n, a) => `Successes variable is ${show(n)}, but must be in the interval [0, ${show(a)}]`);
  checkRelation(fn, v[0], v[1], (n, N) => n <= N, (n, N) => `Draws parameter is ${show(N)}, but must be greater than or equal to ${show(n)}`);
  for (let i = 0; i < Math.max(sizeOf(v[0]), sizeOf(v[1]), sizeOf(v[3])); i++) {
    const n = elemOf(v[0], i);
    const N = elemOf(v[1], i);
    const b = elemOf(v[3], i);
    if (!(N - n <= b)) throw new RuntimeError(`${fn}: Draws parameter minus successes variable is ${show(N - n)}, but must be in the interval [0, ${show(b)}]`);
  }
};

function sizeOf(x: Value): number {
  return typeof x === 'number' ? 1 : x.size;
}
function elemOf(x: Value, i: number): number {
  return typeof x === 'number' ? x : x.val[x.size === 1 ? 0 : i];
}

const boundsInOrder = (fn: string, v: readonly Value[]) =>
  checkRelation(fn, v[2], v[1], (hi, lo) => hi >= lo, (hi, lo) => `Upper bound parameter is ${show(hi)}, but must be greater than or equal to ${show(lo)}`);

// ---------------------------------------------------------------------------------------

const COUNT = (name: string) => arg(name, checkNonnegative);

export const specs: Record<string, UnivariateSpec> = {
  bernoulli: { args: [arg('n', bounded(0, 1)), PROBABILITY], density: bernoulli, cdf: bernoulliCdf },
  bernoulli_logit: {
    args: [arg('n', bounded(0, 1)), arg('Logit transformed probability parameter', checkNotNan)],
    density: bernoulliLogit,
  },
  binomial: {
    args: [arg('Successes variable'), COUNT('Population size parameter'), PROBABILITY],
    density: binomial,
    cdf: binomialCdf,
    relations: successesWithinTrials,
    relationArgs: [0, 1],
    constant: { args: [0, 1], kernel: lchooseK },
  },
  binomial_logit: {
    args: [arg('Successes variable'), COUNT('Population size parameter'), arg('Probability parameter', checkFinite)],
    density: binomialLogit,
    relations: successesWithinTrials,
    relationArgs: [0, 1],
    constant: { args: [0, 1], kernel: lchooseK },
  },
  beta_binomial: {
    args: [
      arg('Successes variable'),
      COUNT('Population size parameter'),
      arg('First prior sample size parameter', checkPositiveFinite),
      arg('Second prior sample size parameter', checkPositiveFinite),
    ],
    density: betaBinomial,
    // log choose(N, n), only where 0 <= n <= N (elsewhere the kernel returns log 0).
    constant: { args: [0, 1], kernel: (x) => (x[0] < 0 || x[0] > x[1] ? 0 : lchoose(x[1], x[0])) },
  },
  poisson: {
    args: [COUNT('Random variable'), arg('Rate parameter', checkNonnegative)],
    density: poisson,
    cdf: poissonCdf,
    constant: { args: [0], kernel: logFactorialK },
  },
  poisson_log: {
    args: [COUNT('Random variable'), arg('Log rate parameter', checkNotNan)],
    density: poissonLog,
    constant: { args: [0], kernel: logFactorialK },
  },
  neg_binomial: {
    args: [COUNT('Failures variable'), arg('Shape parameter', checkPositiveFinite), arg('Inverse scale parameter', checkPositiveFinite)],
    density: negBinomial,
    cdf: negBinomialCdf,
    constant: { args: [0], kernel: logFactorialK },
  },
  neg_binomial_2: {
    args: [COUNT('Failures variable'), arg('Location parameter', checkPositiveFinite), arg('Precision parameter', checkPositiveFinite)],
    density: negBinomial2,
    cdf: negBinomial2Cdf,
    constant: { args: [0], kernel: logFactorialK },
  },
  neg_binomial_2_log: {
    args: [COUNT('Failures variable'), arg('Log location parameter', checkFinite), arg('Precision parameter', checkPositiveFinite)],
    density: negBinomial2Log,
    constant: { args: [0], kernel: logFactorialK },
  },
  hypergeometric: {
    args: [arg('Successes variable'), arg('Draws parameter', checkNonnegative), COUNT('Successes in population parameter'), COUNT('Failures in population parameter')],
    density: hypergeometric,
    relations: drawsConsistent,
  },
  discrete_range: {
    args: [arg('Random variable'), arg('Lower bound parameter'), arg('Upper bound parameter')],
    density: discreteRange,
    cdf: discreteRangeCdf,
    relations: boundsInOrder,
  },
};

export const table: BuiltinTable = {};
for (const [family, spec] of Object.entries(specs)) addUnivariate(table, family, spec, true);

/** Mass kernels reused by the GLMs (integer-only terms excluded, as in the specs). */
export const kernels = { bernoulliLogit, poissonLog, negBinomial2Log };
