// Univariate continuous distributions: scalar log-density kernels with analytic partials
// (index 0 is y, then the parameters in Stan's order), lifted to `_lpdf`/`_lupdf` and, where
// the family has one, `_lcdf`/`_lccdf`/`_cdf` (kernels in continuous-cdf.ts).
// Support: y outside it gives log(0) = -Infinity where Stan returns LOG_ZERO, a domain error
// where Stan checks it (e.g. beta's y in [0, 1]).
import { Kernel } from '../../src/runtime/elementwise.js';
import type { Value } from '../../src/runtime/tensor.js';
import {
  HALF_LOG_TWO_PI, LOG_PI, LOG_TWO_PI, besselI0Log, digamma, lbeta, lgamma, log1pExp,
} from '../../src/runtime/special.js';
import {
  boundedCheck, checkFinite, checkLess, checkNonnegative, lessCheck, checkNotNan, checkPositive, checkPositiveFinite,
  checkRelation, show,
} from './dist-checks.js';
import { besselI1OverI0, dLogPhi, logPhi } from './dist-math.js';
import { ArgSpec, Check, UnivariateSpec, addUnivariate, logZero } from './univariate.js';
import * as cdf from './continuous-cdf.js';
import type { BuiltinTable } from './types.js';

const LOG_TWO = Math.LN2;
const LOG_SQRT_PI = 0.5 * LOG_PI;

const arg = (name: string, ...checks: Check[]): ArgSpec => ({ name, checks });
const Y_NOT_NAN = arg('Random variable', checkNotNan);
const Y_FINITE = arg('Random variable', checkFinite);
const LOCATION = arg('Location parameter', checkFinite);
const SCALE = arg('Scale parameter', checkPositiveFinite);

/** t · log(y) with 0 · log(0) = 0 (boundary values of y with exponent zero). */
function xlogy(t: number, ly: number): number {
  return t === 0 ? 0 : t * ly;
}

// ---------------------------------------------------------------------------------------
// Location-scale families.

// Kernels run element by element with the parameters often the same for every element
// (a scalar scale, a population's shape): the last parameter-only terms are remembered.
const normalMemo = { s: NaN, logS: NaN };

const normal: Kernel = (x, d) => {
  const s = x[2];
  const z = (x[0] - x[1]) / s;
  if (d) {
    const g = z / s;
    d[0] = -g;
    d[1] = g;
    d[2] = (z * z - 1) / s;
  }
  if (s !== normalMemo.s) {
    normalMemo.s = s;
    normalMemo.logS = Math.log(s);
  }
  return -0.5 * z * z - normalMemo.logS - HALF_LOG_TWO_PI;
};

const stdNormal: Kernel = (x, d) => {
  const y = x[0];
  if (d) d[0] = -y;
  return -0.5 * y * y - HALF_LOG_TWO_PI;
};

const studentT: Kernel = (x, d) => {
  const nu = x[1];
  const s = x[3];
  const z = (x[0] - x[2]) / s;
  const r = (z * z) / nu;
  const l1r = Math.log1p(r);
  if (d) {
    const dy = (-(nu + 1) * z) / (s * nu * (1 + r));
    d[0] = dy;
    d[2] = -dy;
    d[3] = -1 / s + ((nu + 1) * r) / (s * (1 + r));
    d[1] = 0.5 * (digamma(0.5 * (nu + 1)) - digamma(0.5 * nu) - 1 / nu - l1r + ((nu + 1) * r) / (nu * (1 + r)));
  }
  return lgamma(0.5 * (nu + 1)) - lgamma(0.5 * nu) - 0.5 * Math.log(nu) - LOG_SQRT_PI - Math.log(s) - 0.5 * (nu + 1) * l1r;
};

const cauchy: Kernel = (x, d) => {
  const s = x[2];
  const z = (x[0] - x[1]) / s;
  const q = 1 + z * z;
  if (d) {
    const dy = (-2 * z) / (s * q);
    d[0] = dy;
    d[1] = -dy;
    d[2] = -1 / s + (2 * z * z) / (s * q);
  }
  return -LOG_PI - Math.log(s) - Math.log1p(z * z);
};

const doubleExponential: Kernel = (x, d) => {
  const s = x[2];
  const diff = x[0] - x[1];
  const a = Math.abs(diff);
  if (d) {
    const sg = Math.sign(diff);
    d[0] = -sg / s;
    d[1] = sg / s;
    d[2] = -1 / s + a / (s * s);
  }
  return -LOG_TWO - Math.log(s) - a / s;
};

const logistic: Kernel = (x, d) => {
  const s = x[2];
  const z = (x[0] - x[1]) / s;
  if (d) {
    const dz = -Math.tanh(0.5 * z);
    d[0] = dz / s;
    d[1] = -dz / s;
    d[2] = -(1 + z * dz) / s;
  }
  return -z - 2 * log1pExp(-z) - Math.log(s);
};

const gumbel: Kernel = (x, d) => {
  const b = x[2];
  const z = (x[0] - x[1]) / b;
  const e = Math.exp(-z);
  if (d) {
    const dz = e - 1;
    d[0] = dz / b;
    d[1] = -dz / b;
    d[2] = -(1 + z * dz) / b;
  }
  return -Math.log(b) - z - e;
};

// skew_normal: 2/ω φ(z) Φ(αz); log erfc(-αz/√2) = log 2 + log Φ(αz).
const skewNormal: Kernel = (x, d) => {
  const w = x[2];
  const a = x[3];
  const z = (x[0] - x[1]) / w;
  if (d) {
    const m = dLogPhi(a * z);
    const dz = -z + a * m;
    d[0] = dz / w;
    d[1] = -dz / w;
    d[2] = -(1 + z * dz) / w;
    d[3] = z * m;
  }
  return LOG_TWO + logPhi(a * z) - HALF_LOG_TWO_PI - Math.log(w) - 0.5 * z * z;
};

// exp_mod_normal: λ e^{λ(μ + λσ²/2 - y)} Φ(-v), v = (μ + λσ² - y)/σ.
const expModNormal: Kernel = (x, d) => {
  const y = x[0];
  const mu = x[1];
  const s = x[2];
  const l = x[3];
  const v = (mu - y) / s + l * s;
  if (d) {
    const m = dLogPhi(-v); // ∂/∂v of log Φ(-v) is -m
    d[0] = -l + m / s;
    d[1] = l - m / s;
    d[2] = l * l * s - m * (l - (mu - y) / (s * s));
    d[3] = 1 / l + mu + l * s * s - y - m * s;
  }
  return Math.log(l) + l * (mu + 0.5 * l * s * s - y) + logPhi(-v);
};

// ---------------------------------------------------------------------------------------
// Positive support.

const lognormal: Kernel = (x, d) => {
  const y = x[0];
  if (y === 0) return logZero(d);
  const s = x[2];
  const ly = Math.log(y);
  const z = (ly - x[1]) / s;
  if (d) {
    d[0] = -(1 + z / s) / y;
    d[1] = z / s;
    d[2] = (z * z - 1) / s;
  }
  return -HALF_LOG_TWO_PI - Math.log(s) - ly - 0.5 * z * z;
};

const chiSquare: Kernel = (x, d) => {
  const y = x[0];
  const h = 0.5 * x[1];
  const ly = Math.log(y);
  if (d) {
    d[0] = (h === 1 ? 0 : (h - 1) / y) - 0.5;
    d[1] = 0.5 * (-LOG_TWO - digamma(h) + ly);
  }
  return -h * LOG_TWO - lgamma(h) + xlogy(h - 1, ly) - 0.5 * y;
};

const invChiSquare: Kernel = (x, d) => {
  const y = x[0];
  if (y <= 0) return logZero(d);
  const h = 0.5 * x[1];
  const ly = Math.log(y);
  if (d) {
    d[0] = -(h + 1) / y + 0.5 / (y * y);
    d[1] = 0.5 * (-LOG_TWO - digamma(h) - ly);
  }
  return -h * LOG_TWO - lgamma(h) - (h + 1) * ly - 0.5 / y;
};

const scaledInvChiSquare: Kernel = (x, d) => {
  const y = x[0];
  if (y <= 0) return logZero(d);
  const nu = x[1];
  const s = x[2];
  const h = 0.5 * nu;
  const ly = Math.log(y);
  const ls = Math.log(s);
  if (d) {
    d[0] = -(h + 1) / y + (h * s * s) / (y * y);
    d[1] = 0.5 * (Math.log(h) + 1 - digamma(h)) + ls - 0.5 * ly - (0.5 * s * s) / y;
    d[2] = nu / s - (nu * s) / y;
  }
  return h * Math.log(h) - lgamma(h) + nu * ls - (h + 1) * ly - (h * s * s) / y;
};

const exponential: Kernel = (x, d) => {
  const y = x[0];
  const b = x[1];
  if (d) {
    d[0] = -b;
    d[1] = 1 / b - y;
  }
  return Math.log(b) - b * y;
};

const gammaMemo = { a: NaN, b: NaN, lb: NaN, lga: NaN, dga: NaN };

const gamma: Kernel = (x, d) => {
  const y = x[0];
  if (y < 0) return logZero(d);
  const a = x[1];
  const b = x[2];
  const ly = Math.log(y);
  const m = gammaMemo;
  if (a !== m.a || b !== m.b) {
    m.a = a;
    m.b = b;
    m.lb = Math.log(b);
    m.lga = lgamma(a);
    m.dga = NaN;
  }
  if (d) {
    if (Number.isNaN(m.dga)) m.dga = digamma(a);
    d[0] = a === 1 ? -b : (a - 1) / y - b;
    d[1] = m.lb - m.dga + ly;
    d[2] = a / b - y;
  }
  return a * m.lb - m.lga + xlogy(a - 1, ly) - b * y;
};

const invGamma: Kernel = (x, d) => {
  const y = x[0];
  if (y <= 0) return logZero(d);
  const a = x[1];
  const b = x[2];
  const ly = Math.log(y);
  const lb = Math.log(b);
  if (d) {
    d[0] = -(a + 1) / y + b / (y * y);
    d[1] = lb - digamma(a) - ly;
    d[2] = a / b - 1 / y;
  }
  return a * lb - lgamma(a) - (a + 1) * ly - b / y;
};

const weibull: Kernel = (x, d) => {
  const y = x[0];
  if (y < 0) return logZero(d);
  const a = x[1];
  const s = x[2];
  const lr = Math.log(y / s);
  const p = Math.pow(y / s, a);
  if (d) {
    d[0] = (a === 1 ? 0 : (a - 1) / y) - (a * p) / y;
    d[1] = 1 / a + (1 - p) * lr;
    d[2] = (a * (p - 1)) / s;
  }
  return Math.log(a) - Math.log(s) + xlogy(a - 1, lr) - p;
};

const frechet: Kernel = (x, d) => {
  const y = x[0];
  const a = x[1];
  const s = x[2];
  const lr = Math.log(s / y);
  const p = Math.pow(s / y, a);
  if (d) {
    d[0] = (a * p - (a + 1)) / y;
    d[1] = 1 / a + (1 - p) * lr;
    d[2] = (a * (1 - p)) / s;
  }
  return Math.log(a) + a * Math.log(s) - (a + 1) * Math.log(y) - p;
};

const rayleigh: Kernel = (x, d) => {
  const y = x[0];
  const s = x[1];
  const r = y / s;
  if (d) {
    d[0] = 1 / y - r / s;
    d[1] = (r * r - 2) / s;
  }
  return Math.log(y) - 2 * Math.log(s) - 0.5 * r * r;
};

const pareto: Kernel = (x, d) => {
  const y = x[0];
  const ym = x[1];
  if (y < ym) return logZero(d);
  const a = x[2];
  const ly = Math.log(y);
  const lm = Math.log(ym);
  if (d) {
    d[0] = -(a + 1) / y;
    d[1] = a / ym;
    d[2] = 1 / a + lm - ly;
  }
  return Math.log(a) + a * lm - (a + 1) * ly;
};

const paretoType2: Kernel = (x, d) => {
  const y = x[0];
  const mu = x[1];
  const l = x[2];
  const a = x[3];
  const t = Math.log1p((y - mu) / l);
  if (d) {
    const q = (a + 1) / (l + y - mu);
    d[0] = -q;
    d[1] = q;
    d[2] = -1 / l + (q * (y - mu)) / l;
    d[3] = 1 / a - t;
  }
  return Math.log(a) - Math.log(l) - (a + 1) * t;
};

// ---------------------------------------------------------------------------------------
// Bounded support.

/** log Beta(y | a, b) and its partials in (y, a, b) written to d[o..o+2]. */
const betaMemo = { a: NaN, b: NaN, ab: NaN, lbeta: NaN, pa: NaN, pb: NaN };

function betaCore(y: number, a: number, b: number, d: Float64Array | null, ab: number): number {
  const ly = Math.log(y);
  const l1y = Math.log1p(-y);
  const m = betaMemo;
  if (a !== m.a || b !== m.b) {
    m.a = a;
    m.b = b;
    m.lbeta = lbeta(a, b);
    m.pa = NaN; // digammas on demand (value-only calls do not need them)
  }
  if (d) {
    if (Number.isNaN(m.pa) || ab !== m.ab) {
      m.ab = ab;
      const pab = digamma(ab);
      m.pa = pab - digamma(a);
      m.pb = pab - digamma(b);
    }
    d[0] = (a === 1 ? 0 : (a - 1) / y) - (b === 1 ? 0 : (b - 1) / (1 - y));
    d[1] = m.pa + ly;
    d[2] = m.pb + l1y;
  }
  return -m.lbeta + xlogy(a - 1, ly) + xlogy(b - 1, l1y);
}

const beta: Kernel = (x, d) => betaCore(x[0], x[1], x[2], d, x[1] + x[2]);

const betaScratch = new Float64Array(3);
const betaProportion: Kernel = (x, d) => {
  const mu = x[1];
  const k = x[2];
  const a = mu * k;
  const b = (1 - mu) * k;
  const v = betaCore(x[0], a, b, d ? betaScratch : null, k);
  if (d) {
    d[0] = betaScratch[0];
    d[1] = k * (betaScratch[1] - betaScratch[2]);
    d[2] = mu * betaScratch[1] + (1 - mu) * betaScratch[2];
  }
  return v;
};

const vonMises: Kernel = (x, d) => {
  const diff = x[0] - x[1];
  const k = x[2];
  const c = Math.cos(diff);
  if (d) {
    const ks = k * Math.sin(diff);
    d[0] = -ks;
    d[1] = ks;
    d[2] = c - besselI1OverI0(k);
  }
  return k * c - LOG_TWO_PI - besselI0Log(k);
};

// skew_double_exponential: 2τ(1-τ)/σ · exp(-2/σ · [(1-τ)(μ-y) if y < μ else τ(y-μ)]).
const skewDoubleExponential: Kernel = (x, d) => {
  const diff = x[0] - x[1];
  const s = x[2];
  const t = x[3];
  const w = diff < 0 ? 1 - t : t;
  const expo = (w * Math.abs(diff)) / s;
  if (d) {
    const dy = (-2 * w * Math.sign(diff)) / s;
    d[0] = dy;
    d[1] = -dy;
    d[2] = (-1 + 2 * expo) / s;
    d[3] = 1 / t - 1 / (1 - t) - (2 * diff) / s;
  }
  return LOG_TWO + Math.log(t) + Math.log1p(-t) - Math.log(s) - 2 * expo;
};

// loglogistic(y | α scale, β shape): (β/α)(y/α)^{β-1} / (1 + (y/α)^β)².
const loglogistic: Kernel = (x, d) => {
  const y = x[0];
  const a = x[1];
  const b = x[2];
  const lr = Math.log(y / a);
  const p = Math.exp(b * lr);
  const q = p / (1 + p);
  if (d) {
    d[0] = (b - 1 - 2 * b * q) / y;
    d[1] = (-b + 2 * b * q) / a;
    d[2] = 1 / b + lr - 2 * q * lr;
  }
  return Math.log(b) - Math.log(a) + (b - 1) * lr - 2 * Math.log1p(p);
};

const uniform: Kernel = (x, d) => {
  const y = x[0];
  const lo = x[1];
  const hi = x[2];
  if (y < lo || y > hi) return logZero(d);
  const w = hi - lo;
  if (d) {
    d[0] = 0;
    d[1] = 1 / w;
    d[2] = -1 / w;
  }
  return -Math.log(w);
};

const boundsInOrder = (fn: string, v: readonly Value[]) =>
  checkRelation(fn, v[2], v[1], (hi, lo) => hi > lo, (hi, lo) => `Upper bound parameter is ${show(hi)}, but must be greater than ${lo.toFixed(6)}`);

const yAboveLocation = (fn: string, v: readonly Value[]) =>
  checkRelation(fn, v[0], v[1], (y, mu) => y >= mu, (y, mu) => `Random variable is ${show(y)}, but must be greater than or equal to ${mu.toFixed(6)}`);

// ---------------------------------------------------------------------------------------

export const specs: Record<string, UnivariateSpec> = {
  normal: { args: [Y_NOT_NAN, LOCATION, arg('Scale parameter', checkPositive)], density: normal, cdf: cdf.normal },
  std_normal: { args: [Y_NOT_NAN], density: stdNormal, cdf: cdf.stdNormal },
  student_t: {
    args: [Y_NOT_NAN, arg('Degrees of freedom parameter', checkPositiveFinite), LOCATION, SCALE],
    density: studentT,
    cdf: cdf.studentT,
  },
  cauchy: { args: [Y_NOT_NAN, LOCATION, SCALE], density: cauchy, cdf: cdf.cauchy },
  double_exponential: { args: [Y_FINITE, LOCATION, SCALE], density: doubleExponential, cdf: cdf.doubleExponential },
  logistic: { args: [Y_FINITE, LOCATION, SCALE], density: logistic, cdf: cdf.logistic },
  gumbel: { args: [Y_NOT_NAN, LOCATION, SCALE], density: gumbel, cdf: cdf.gumbel },
  skew_normal: {
    args: [Y_NOT_NAN, LOCATION, SCALE, arg('Shape parameter', checkFinite)],
    density: skewNormal,
    cdf: cdf.skewNormal,
  },
  exp_mod_normal: {
    args: [Y_NOT_NAN, LOCATION, SCALE, arg('Inv_scale parameter', checkPositiveFinite)],
    density: expModNormal,
    cdf: cdf.expModNormal,
  },
  lognormal: { args: [arg('Random variable', checkNonnegative), LOCATION, SCALE], density: lognormal, cdf: cdf.lognormal },
  chi_square: {
    args: [arg('Random variable', checkNonnegative), arg('Degrees of freedom parameter', checkPositiveFinite)],
    density: chiSquare,
    cdf: cdf.chiSquare,
  },
  inv_chi_square: {
    args: [Y_NOT_NAN, arg('Degrees of freedom parameter', checkPositiveFinite)],
    density: invChiSquare,
    cdf: cdf.invChiSquare,
  },
  scaled_inv_chi_square: {
    args: [Y_NOT_NAN, arg('Degrees of freedom parameter', checkPositiveFinite), SCALE],
    density: scaledInvChiSquare,
    cdf: cdf.scaledInvChiSquare,
  },
  exponential: {
    args: [arg('Random variable', checkNonnegative), arg('Inverse scale parameter', checkPositiveFinite)],
    density: exponential,
    cdf: cdf.exponential,
  },
  gamma: {
    args: [Y_NOT_NAN, arg('Shape parameter', checkPositiveFinite), arg('Inverse scale parameter', checkPositiveFinite)],
    density: gamma,
    cdf: cdf.gamma,
  },
  inv_gamma: {
    args: [Y_NOT_NAN, arg('Shape parameter', checkPositiveFinite), SCALE],
    density: invGamma,
    cdf: cdf.invGamma,
  },
  weibull: {
    args: [Y_FINITE, arg('Shape parameter', checkPositiveFinite), SCALE],
    density: weibull,
    cdf: cdf.weibull,
  },
  frechet: {
    args: [arg('Random variable', checkPositive), arg('Shape parameter', checkPositiveFinite), SCALE],
    density: frechet,
    cdf: cdf.frechet,
  },
  rayleigh: {
    args: [arg('Random variable', checkPositive), arg('Scale parameter', checkPositive)],
    density: rayleigh,
    cdf: cdf.rayleigh,
    cdfArgs: [arg('Random variable', checkNonnegative), arg('Scale parameter', checkPositive)],
  },
  pareto: {
    args: [Y_NOT_NAN, arg('Scale parameter', checkPositiveFinite), arg('Shape parameter', checkPositiveFinite)],
    density: pareto,
    cdf: cdf.pareto,
  },
  pareto_type_2: {
    args: [Y_NOT_NAN, LOCATION, SCALE, arg('Shape parameter', checkPositiveFinite)],
    density: paretoType2,
    cdf: cdf.paretoType2,
    relations: yAboveLocation,
  },
  beta: {
    args: [
      arg('Random variable', boundedCheck(0, 1)),
      arg('First shape parameter', checkPositiveFinite),
      arg('Second shape parameter', checkPositiveFinite),
    ],
    density: beta,
    cdf: cdf.beta,
  },
  beta_proportion: {
    args: [
      arg('Random variable', boundedCheck(0, 1)),
      arg('Location parameter', checkPositive, lessCheck(1)),
      arg('Precision parameter', checkPositiveFinite),
    ],
    density: betaProportion,
    cdf: cdf.betaProportion,
  },
  von_mises: {
    args: [Y_FINITE, LOCATION, arg('Scale parameter', checkNonnegative, checkFinite)],
    density: vonMises,
    cdf: cdf.vonMises,
    cdfArgs: [
      arg('Random variable', boundedCheck(-Math.PI, Math.PI)),
      LOCATION,
      arg('Scale parameter', checkPositive),
    ],
  },
  skew_double_exponential: {
    args: [Y_NOT_NAN, LOCATION, SCALE, arg('Skewness parameter', boundedCheck(0, 1))],
    density: skewDoubleExponential,
    cdf: cdf.skewDoubleExponential,
  },
  loglogistic: {
    args: [arg('Random variable', checkPositiveFinite), arg('Scale parameter', checkPositiveFinite), arg('Shape parameter', checkPositiveFinite)],
    density: loglogistic,
    cdf: cdf.loglogistic,
  },
  uniform: {
    args: [
      Y_NOT_NAN,
      arg('Lower bound parameter', checkFinite),
      arg('Upper bound parameter', checkFinite),
    ],
    density: uniform,
    cdf: cdf.uniform,
    relations: boundsInOrder,
  },
};

export const table: BuiltinTable = {};
for (const [family, spec] of Object.entries(specs)) addUnivariate(table, family, spec);

/** Density kernels reused by the GLMs. */
export const kernels = { normal };
