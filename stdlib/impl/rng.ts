// `_rng` functions of the univariate distributions. They run without a tape, on data values,
// with the stream `ctx.rng`; arguments are checked exactly as the densities check them.
// All-scalar arguments give one draw; any container argument gives an array of draws of the
// common size (Stan's vectorized rngs).
import { Tensor, Value } from '../../src/runtime/tensor.js';
import { FatalRuntimeError, RuntimeError } from '../../src/runtime/errors.js';
import type { Random } from '../../src/runtime/random.js';
import { invLogit } from '../../src/runtime/special.js';
import { checkConsistentSizes, checkLess, checkRelation, real, show } from './dist-checks.js';
import { specs as continuousSpecs } from './continuous.js';
import { specs as discreteSpecs } from './discrete.js';
import type { ArgSpec } from './univariate.js';
import type { BuiltinTable, CallContext, RuntimeValue } from './types.js';

/** The stream of a call; `_rng` outside transformed data / generated quantities is a compiler bug. */
export function streamOf(fn: string, ctx: CallContext): Random {
  if (ctx.rng === null) throw new FatalRuntimeError(`${fn}: random numbers are only available in transformed data and generated quantities`);
  return ctx.rng;
}

/** A draw from the parameters in `p` (one element of each argument). */
type Draw = (rng: Random, p: Float64Array) => number;

function elem(x: Value, i: number): number {
  if (typeof x === 'number') return x;
  return x.val[x.shape.length === 0 || x.size === 1 ? 0 : i];
}

function isContainer(x: Value): boolean {
  return typeof x !== 'number' && x.shape.length > 0;
}

/** A vectorized rng from its parameter checks and a scalar draw. */
export function vectorizedRng(fn: string, specs: readonly ArgSpec[], draw: Draw, relations?: (fn: string, v: readonly Value[]) => void) {
  return (args: readonly RuntimeValue[], ctx: CallContext): RuntimeValue => {
    if (args.length !== specs.length) throw new RuntimeError(`${fn}: expected ${specs.length} arguments, got ${args.length}`);
    const vals = args.map((a) => real(a, fn));
    for (let i = 0; i < specs.length; i++) for (const check of specs[i].checks) check(fn, specs[i].name, vals[i]);
    checkConsistentSizes(fn, specs.map((s, i) => [s.name, vals[i]] as const));
    if (relations) relations(fn, vals);
    const rng = streamOf(fn, ctx);
    const p = new Float64Array(vals.length);
    const vector = vals.some(isContainer);
    let n = 1;
    for (const v of vals) if (isContainer(v)) n = (v as Tensor).size;
    const out = new Float64Array(n);
    guarded(fn, () => {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < vals.length; j++) p[j] = elem(vals[j], i);
        out[i] = draw(rng, p);
      }
    });
    return vector ? new Tensor([n], out, false) : out[0];
  };
}

/**
 * Run draws, turning the generator's own argument errors (RangeError, e.g. a rate that
 * underflowed to 0 after exp) into domain errors that name the Stan function.
 */
export function guarded<T>(fn: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof RangeError) throw new RuntimeError(`${fn}: ${e.message}`);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------
// Draws. Exponential(1) variates E = rng.exponential() are the building block of the
// inverse-cdf families (never 0, so logs stay finite).

const TWO_PI = 2 * Math.PI;

/** Best & Fisher (1979) rejection sampler, output centred on μ reduced to [0, 2π) as Stan does. */
function vonMises(rng: Random, mu: number, kappa: number): number {
  const centre = ((mu % TWO_PI) + TWO_PI) % TWO_PI;
  if (kappa < 1.4e-8) return (rng.uniform() - 0.5) * TWO_PI + centre;
  const r = 1 + Math.sqrt(1 + 4 * kappa * kappa);
  const rho = (0.5 * (r - Math.sqrt(2 * r))) / kappa;
  const s = (0.5 * (1 + rho * rho)) / rho;
  let w: number;
  for (;;) {
    const z = Math.cos(Math.PI * rng.uniform());
    w = (1 + s * z) / (s + z);
    const y = kappa * (s - w);
    const u = rng.uniform();
    if (y * (2 - y) - u > 0 || Math.log(y / u) + 1 - y >= 0) break;
  }
  const sign = rng.uniform() < 0.5 ? -1 : 1;
  return sign * Math.acos(Math.max(-1, Math.min(1, w))) + centre;
}

function skewNormal(rng: Random, xi: number, omega: number, alpha: number): number {
  const delta = alpha / Math.sqrt(1 + alpha * alpha);
  const u0 = Math.abs(rng.normal());
  const v = rng.normal();
  return xi + omega * (delta * u0 + Math.sqrt(1 - delta * delta) * v);
}

const continuousDraws: Record<string, Draw> = {
  normal: (r, p) => r.normal(p[0], p[1]),
  std_normal: (r) => r.normal(),
  student_t: (r, p) => r.studentT(p[0], p[1], p[2]),
  cauchy: (r, p) => p[0] + p[1] * Math.tan(Math.PI * (r.uniform() - 0.5)),
  double_exponential: (r, p) => p[0] + p[1] * r.exponential() * (r.uniform() < 0.5 ? -1 : 1),
  // log(E1/E2) is standard logistic.
  logistic: (r, p) => p[0] + p[1] * (Math.log(r.exponential()) - Math.log(r.exponential())),
  gumbel: (r, p) => p[0] - p[1] * Math.log(r.exponential()),
  skew_normal: (r, p) => skewNormal(r, p[0], p[1], p[2]),
  exp_mod_normal: (r, p) => r.normal(p[0], p[1]) + r.exponential(p[2]),
  lognormal: (r, p) => Math.exp(r.normal(p[0], p[1])),
  chi_square: (r, p) => r.chiSquare(p[0]),
  inv_chi_square: (r, p) => 1 / r.chiSquare(p[0]),
  scaled_inv_chi_square: (r, p) => (p[0] * p[1] * p[1]) / r.chiSquare(p[0]),
  exponential: (r, p) => r.exponential(p[0]),
  gamma: (r, p) => r.gamma(p[0], 1 / p[1]),
  inv_gamma: (r, p) => p[1] / r.gamma(p[0]),
  weibull: (r, p) => p[1] * Math.pow(r.exponential(), 1 / p[0]),
  frechet: (r, p) => p[1] * Math.pow(r.exponential(), -1 / p[0]),
  rayleigh: (r, p) => p[0] * Math.sqrt(2 * r.exponential()),
  pareto: (r, p) => p[0] * Math.exp(r.exponential() / p[1]),
  pareto_type_2: (r, p) => p[0] + p[1] * Math.expm1(r.exponential() / p[2]),
  beta: (r, p) => r.beta(p[0], p[1]),
  beta_proportion: (r, p) => r.beta(p[0] * p[1], (1 - p[0]) * p[1]),
  von_mises: (r, p) => vonMises(r, p[0], p[1]),
  uniform: (r, p) => r.uniform(p[0], p[1]),
  // Below μ with probability τ, each side an exponential tail.
  skew_double_exponential: (r, p) =>
    r.uniform() < p[2] ? p[0] - (p[1] / (2 * (1 - p[2]))) * r.exponential() : p[0] + (p[1] / (2 * p[2])) * r.exponential(),
  loglogistic: (r, p) => p[0] * Math.exp((Math.log(r.exponential()) - Math.log(r.exponential())) / p[1]),
};

/** Draws without replacement from a successes and b failures; the count of successes. */
function hypergeometric(rng: Random, N: number, a: number, b: number): number {
  let k = 0;
  for (let i = 0; i < N; i++) {
    if (rng.uniform() * (a + b) < a) {
      k++;
      a--;
    } else {
      b--;
    }
  }
  return k;
}

/** Stan caps Poisson rates so draws fit in an int. */
const POISSON_MAX_RATE = 2 ** 30;

const discreteDraws: Record<string, Draw> = {
  bernoulli: (r, p) => r.bernoulli(p[0]),
  bernoulli_logit: (r, p) => r.bernoulli(invLogit(p[0])),
  binomial: (r, p) => r.binomial(p[0], p[1]),
  binomial_logit: (r, p) => r.binomial(p[0], invLogit(p[1])),
  beta_binomial: (r, p) => r.binomial(p[0], r.beta(p[1], p[2])),
  poisson: (r, p) => r.poisson(p[0]),
  poisson_log: (r, p) => r.poisson(Math.exp(p[0])),
  neg_binomial: (r, p) => r.negBinomial(p[0], p[1]),
  neg_binomial_2: (r, p) => r.negBinomial2(p[0], p[1]),
  neg_binomial_2_log: (r, p) => r.negBinomial2(Math.exp(p[0]), p[1]),
  discrete_range: (r, p) => p[0] + Math.floor(r.uniform() * (p[1] - p[0] + 1)),
  hypergeometric: (r, p) => hypergeometric(r, p[0], p[1], p[2]),
};

/** Extra checks of some rngs beyond the density's parameter checks. */
const rateBelowCap = (name: string) => (fn: string, v: readonly Value[]) =>
  checkLess(fn, name, v[0], POISSON_MAX_RATE);

const extra: Record<string, (fn: string, v: readonly Value[]) => void> = {
  uniform: (fn, v) =>
    checkRelation(fn, v[1], v[0], (hi, lo) => hi > lo, (hi, lo) => `Upper bound parameter is ${show(hi)}, but must be greater than ${lo.toFixed(6)}`),
  poisson: rateBelowCap('Rate parameter'),
  poisson_log: (fn, v) => checkLess(fn, 'Log rate parameter', v[0], Math.log(POISSON_MAX_RATE)),
  discrete_range: (fn, v) =>
    checkRelation(fn, v[1], v[0], (hi, lo) => hi >= lo, (hi, lo) => `Upper bound parameter is ${show(hi)}, but must be greater than or equal to ${show(lo)}`),
  binomial: (fn, v) => checkLess(fn, 'Population size parameter', v[0], 2 ** 31),
  hypergeometric: (fn, v) =>
    checkRelation(fn, v[0], v[1], (N, a) => N <= a + elem(v[2], 0), (N) => `Draws parameter is ${show(N)}, but must be in the interval [0, a + b]`),
};

export const table: BuiltinTable = {};
for (const [family, draw] of Object.entries(continuousDraws)) {
  const name = `${family}_rng`;
  table[name] = vectorizedRng(name, continuousSpecs[family].args.slice(1), draw, extra[family]);
}
for (const [family, draw] of Object.entries(discreteDraws)) {
  const name = `${family}_rng`;
  table[name] = vectorizedRng(name, discreteSpecs[family].args.slice(1), draw, extra[family]);
}
