// `_rng` functions: sample moments (and a few probabilities) over many draws against the
// distributions' closed forms, within 5 standard errors; argument checks; shapes.
import { table as uni } from '../stdlib/impl/rng.js';
import { table as multi } from '../stdlib/impl/rng-multivariate.js';
import { Random } from '../src/runtime/random.js';
import { RuntimeError } from '../src/runtime/errors.js';
import { Tensor, Value } from '../src/runtime/tensor.js';
import { lgamma } from '../src/runtime/special.js';
import type { CallContext, RuntimeValue } from '../stdlib/impl/types.js';

const all = { ...uni, ...multi };
const N = 40000;

function draw(name: string, args: RuntimeValue[], ctx: CallContext): RuntimeValue {
  const f = all[name];
  if (!f) throw new Error(`missing ${name}`);
  return f(args, ctx);
}

function sample(name: string, args: number[], n = N, seed = 17): Float64Array {
  const ctx: CallContext = { argTypes: [], rng: new Random(seed) };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = draw(name, args, ctx) as number;
  return out;
}

function moments(x: Float64Array): { mean: number; variance: number; m4: number } {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length;
  let v2 = 0;
  let v4 = 0;
  for (const v of x) {
    const d = (v - m) * (v - m);
    v2 += d;
    v4 += d * d;
  }
  return { mean: m, variance: v2 / (x.length - 1), m4: v4 / x.length };
}

/** Sample mean and variance within 5 standard errors of the closed forms. */
function expectMoments(x: Float64Array, mean: number, variance: number): void {
  const s = moments(x);
  const n = x.length;
  const seMean = Math.sqrt(variance / n);
  expect(Math.abs(s.mean - mean)).toBeLessThan(5 * seMean);
  // SE of the sample variance: sqrt((m4 - σ⁴)/n), m4 estimated from the sample.
  const seVar = Math.sqrt(Math.max(s.m4 - variance * variance, 0) / n) + 1e-12;
  expect(Math.abs(s.variance - variance)).toBeLessThan(5 * seVar);
}

/** Fraction of draws <= q within 5 standard errors of p. */
function expectProbability(x: Float64Array, q: number, p: number): void {
  let k = 0;
  for (const v of x) if (v <= q) k++;
  const se = Math.sqrt((p * (1 - p)) / x.length);
  expect(Math.abs(k / x.length - p)).toBeLessThan(5 * se);
}

const G = (x: number) => Math.exp(lgamma(x));
const EULER = 0.5772156649015329;
const sig = (x: number) => 1 / (1 + Math.exp(-x));

/** Mean and variance of skew_double_exponential: exponential tails of means σ/(2(1-τ)) below μ (prob τ) and σ/(2τ) above. */
function sdeMoments(mu: number, s: number, t: number): [number, number] {
  const m1 = s / (2 * (1 - t));
  const m2 = s / (2 * t);
  const e1 = -t * m1 + (1 - t) * m2;
  const e2 = t * 2 * m1 * m1 + (1 - t) * 2 * m2 * m2;
  return [mu + e1, e2 - e1 * e1];
}

describe('univariate continuous rngs: moments', () => {
  const d = 3 / Math.sqrt(10);
  const cases: Array<[string, number[], number, number]> = [
    ['normal_rng', [1, 2], 1, 4],
    ['std_normal_rng', [], 0, 1],
    ['student_t_rng', [5, 1, 2], 1, (4 * 5) / 3],
    ['double_exponential_rng', [1, 2], 1, 8],
    ['logistic_rng', [1, 2], 1, (Math.PI * Math.PI * 4) / 3],
    ['gumbel_rng', [1, 2], 1 + 2 * EULER, (Math.PI * Math.PI * 4) / 6],
    ['skew_normal_rng', [1, 2, 3], 1 + 2 * d * Math.sqrt(2 / Math.PI), 4 * (1 - (2 * d * d) / Math.PI)],
    ['exp_mod_normal_rng', [1, 2, 0.5], 3, 8],
    ['lognormal_rng', [0.5, 0.4], Math.exp(0.58), (Math.exp(0.16) - 1) * Math.exp(1.16)],
    ['chi_square_rng', [3], 3, 6],
    ['inv_chi_square_rng', [9], 1 / 7, 2 / (49 * 5)],
    ['scaled_inv_chi_square_rng', [9, 1.5], (9 * 2.25) / 7, (2 * 81 * 2.25 * 2.25) / (49 * 5)],
    ['exponential_rng', [2.5], 0.4, 0.16],
    ['gamma_rng', [3, 2], 1.5, 0.75],
    ['gamma_rng', [0.4, 2], 0.2, 0.1],
    ['inv_gamma_rng', [6, 2], 0.4, 4 / (25 * 4)],
    ['weibull_rng', [1.5, 2], 2 * G(1 + 1 / 1.5), 4 * (G(1 + 2 / 1.5) - G(1 + 1 / 1.5) ** 2)],
    ['frechet_rng', [5, 2], 2 * G(0.8), 4 * (G(0.6) - G(0.8) ** 2)],
    ['rayleigh_rng', [1.5], 1.5 * Math.sqrt(Math.PI / 2), ((4 - Math.PI) / 2) * 2.25],
    ['pareto_rng', [1, 6], 1.2, 6 / (25 * 4)],
    ['pareto_type_2_rng', [0.5, 1.2, 6], 0.5 + 1.2 / 5, (1.44 * 6) / (25 * 4)],
    ['beta_rng', [2.5, 1.5], 0.625, 3.75 / 80],
    ['beta_proportion_rng', [0.3, 5], 0.3, 0.035],
    ['uniform_rng', [-2, 3], 0.5, 25 / 12],
    ['skew_double_exponential_rng', [1.1, 0.8, 0.3], ...sdeMoments(1.1, 0.8, 0.3)],
    ['loglogistic_rng', [1.4, 5], (1.4 * (Math.PI / 5)) / Math.sin(Math.PI / 5), 1.96 * ((2 * Math.PI) / 5 / Math.sin((2 * Math.PI) / 5) - (Math.PI / 5) ** 2 / Math.sin(Math.PI / 5) ** 2)],
  ];
  test.each(cases)('%s(%j)', (name, args, mean, variance) => expectMoments(sample(name, args), mean, variance));

  test('cauchy_rng quartiles', () => {
    const x = sample('cauchy_rng', [1, 2]);
    expectProbability(x, 1, 0.5);
    expectProbability(x, 3, 0.75);
    expectProbability(x, -1, 0.25);
  });

  test('von_mises_rng mean resultant length I1(κ)/I0(κ)', () => {
    const x = sample('von_mises_rng', [0.5, 2]);
    const c = x.map((v) => Math.cos(v - 0.5));
    const s = x.map((v) => Math.sin(v - 0.5));
    // I1(2)/I0(2) = 1.590636854637329 / 2.279585302336067
    const rho = 1.590636854637329 / 2.279585302336067;
    expectMoments(c, rho, moments(c).variance);
    expect(Math.abs(moments(s).mean)).toBeLessThan(5 * Math.sqrt(moments(s).variance / N));
    // Values lie within π of the location.
    expect(x.every((v) => Math.abs(v - 0.5) <= Math.PI + 1e-12)).toBe(true);
  });
});

describe('univariate discrete rngs: moments', () => {
  const p = sig(0.4);
  const pl = sig(-0.6);
  const cases: Array<[string, number[], number, number]> = [
    ['bernoulli_rng', [0.3], 0.3, 0.21],
    ['bernoulli_logit_rng', [0.4], p, p * (1 - p)],
    ['binomial_rng', [10, 0.35], 3.5, 2.275],
    ['binomial_rng', [500, 0.2], 100, 80],
    ['binomial_logit_rng', [10, -0.6], 10 * pl, 10 * pl * (1 - pl)],
    ['beta_binomial_rng', [10, 2.5, 1.5], 6.25, (10 * 3.75 * 14) / (16 * 5)],
    ['poisson_rng', [2.7], 2.7, 2.7],
    ['poisson_rng', [50], 50, 50],
    ['poisson_log_rng', [Math.log(2.7)], 2.7, 2.7],
    ['neg_binomial_rng', [3, 0.5], 6, 18],
    ['neg_binomial_2_rng', [4, 3], 4, 4 + 16 / 3],
    ['neg_binomial_2_log_rng', [Math.log(4), 3], 4, 4 + 16 / 3],
    ['discrete_range_rng', [2, 7], 4.5, 35 / 12],
    ['hypergeometric_rng', [6, 5, 7], (6 * 5) / 12, (6 * 5 * 7 * 6) / (144 * 11)],
  ];
  test.each(cases)('%s(%j)', (name, args, mean, variance) => {
    const x = sample(name, args);
    expect(x.every(Number.isInteger)).toBe(true);
    expectMoments(x, mean, variance);
  });
});

describe('vectorized rngs', () => {
  test('container arguments give an array of draws', () => {
    const ctx: CallContext = { argTypes: [], rng: new Random(3) };
    const mu = new Tensor([3], Float64Array.of(-100, 0, 100), false);
    const r = draw('normal_rng', [mu, 0.001], ctx) as Tensor;
    expect(r.shape).toEqual([3]);
    expect(Array.from(r.val).map(Math.round)).toEqual([-100, 0, 100]);
    const counts = draw('poisson_rng', [new Tensor([2], Float64Array.of(1, 2), false)], ctx) as Tensor;
    expect(counts.shape).toEqual([2]);
    expect(typeof draw('normal_rng', [0, 1], ctx)).toBe('number');
  });

  test('same seed, same draws', () => {
    expect(Array.from(sample('gamma_rng', [2, 1], 5, 9))).toEqual(Array.from(sample('gamma_rng', [2, 1], 5, 9)));
  });
});

describe('multivariate rngs: moments', () => {
  const mu = [0.5, -1, 2];
  const Sigma = [2, 0.3, 0.1, 0.3, 1.5, -0.2, 0.1, -0.2, 1.0];
  const mat = (v: number[], K = 3) => new Tensor([K, K], Float64Array.from(v), false);
  const vec = (v: number[]) => new Tensor([v.length], Float64Array.from(v), false);

  /** Mean and covariance of n vector draws. */
  function vectorMoments(name: string, args: RuntimeValue[], K: number, n = N) {
    const ctx: CallContext = { argTypes: [], rng: new Random(23) };
    const xs: Float64Array[] = [];
    for (let i = 0; i < n; i++) xs.push(Float64Array.from((draw(name, args, ctx) as Tensor).val));
    const m = new Float64Array(K);
    for (const x of xs) for (let k = 0; k < K; k++) m[k] += x[k] / n;
    const cov = new Float64Array(K * K);
    for (const x of xs) for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) cov[i * K + j] += ((x[i] - m[i]) * (x[j] - m[j])) / (n - 1);
    return { m, cov, xs };
  }

  function expectGaussianMoments(name: string, args: RuntimeValue[], covScale: number) {
    const { m, cov } = vectorMoments(name, args, 3);
    for (let i = 0; i < 3; i++) {
      expect(Math.abs(m[i] - mu[i])).toBeLessThan(5 * Math.sqrt((covScale * Sigma[i * 4]) / N));
      for (let j = 0; j < 3; j++) {
        const s = covScale * Sigma[i * 3 + j];
        // Var of a sample covariance for Gaussian data ≈ (σ_ij² + σ_ii σ_jj)/n; heavier tails get 3×.
        const se = Math.sqrt((covScale * covScale * (Sigma[i * 3 + j] ** 2 + Sigma[i * 4] * Sigma[j * 4])) / N) * (covScale > 1 ? 3 : 1);
        expect(Math.abs(cov[i * 3 + j] - s)).toBeLessThan(5 * se);
      }
    }
  }

  const L = [Math.sqrt(2), 0, 0, 0.3 / Math.sqrt(2), 0, 0, 0.1 / Math.sqrt(2), 0, 0];
  {
    // Complete the Cholesky factor of Sigma.
    L[4] = Math.sqrt(1.5 - L[3] ** 2);
    L[7] = (-0.2 - L[6] * L[3]) / L[4];
    L[8] = Math.sqrt(1 - L[6] ** 2 - L[7] ** 2);
  }

  test('multi_normal_rng and multi_normal_cholesky_rng', () => {
    expectGaussianMoments('multi_normal_rng', [vec(mu), mat(Sigma)], 1);
    expectGaussianMoments('multi_normal_cholesky_rng', [vec(mu), mat(L)], 1);
  });

  test('multi_student_t_rng: covariance ν/(ν-2) Σ', () => {
    expectGaussianMoments('multi_student_t_rng', [8, vec(mu), mat(Sigma)], 8 / 6);
    expectGaussianMoments('multi_student_t_cholesky_rng', [8, vec(mu), mat(L)], 8 / 6);
  });

  test('array of locations gives an array of draws', () => {
    const ctx: CallContext = { argTypes: [], rng: new Random(5) };
    const locs = new Tensor([2, 3], Float64Array.of(0, 0, 0, 100, 100, 100), false);
    const r = draw('multi_normal_rng', [locs, mat(Sigma)], ctx) as Tensor;
    expect(r.shape).toEqual([2, 3]);
    expect(r.val[4]).toBeGreaterThan(90);
  });

  test('dirichlet_rng', () => {
    const a = [1.5, 2, 0.8];
    const a0 = 4.3;
    const { m, cov, xs } = vectorMoments('dirichlet_rng', [vec(a)], 3);
    for (let i = 0; i < 3; i++) {
      const v = (a[i] * (a0 - a[i])) / (a0 * a0 * (a0 + 1));
      expect(Math.abs(m[i] - a[i] / a0)).toBeLessThan(5 * Math.sqrt(v / N));
      expect(Math.abs(cov[i * 4] - v)).toBeLessThan(0.05 * v);
    }
    for (const x of xs.slice(0, 100)) expect(Math.abs(x[0] + x[1] + x[2] - 1)).toBeLessThan(1e-12);
  });

  test('categorical_rng, categorical_logit_rng, multinomial_rng', () => {
    const theta = [0.2, 0.3, 0.5];
    const ctx: CallContext = { argTypes: [], rng: new Random(31) };
    const freq = (name: string, arg: Value) => {
      const c = [0, 0, 0];
      for (let i = 0; i < N; i++) c[(draw(name, [arg], ctx) as number) - 1]++;
      return c.map((v) => v / N);
    };
    const check = (f: number[]) => f.forEach((v, k) => expect(Math.abs(v - theta[k])).toBeLessThan(5 * Math.sqrt((theta[k] * (1 - theta[k])) / N)));
    check(freq('categorical_rng', vec(theta)));
    check(freq('categorical_logit_rng', vec(theta.map(Math.log))));
    const { m, xs } = vectorMoments('multinomial_rng', [vec(theta), 20], 3, 10000);
    for (const x of xs.slice(0, 100)) expect(x[0] + x[1] + x[2]).toBe(20);
    m.forEach((v, k) => expect(Math.abs(v - 20 * theta[k])).toBeLessThan(5 * Math.sqrt((20 * theta[k] * (1 - theta[k])) / 10000)));
  });

  test('ordered_logistic_rng and ordered_probit_rng category frequencies', () => {
    const c = [-0.5, 0.4, 1.5];
    const eta = 0.3;
    const probs = [1 - sig(eta - c[0]), sig(eta - c[0]) - sig(eta - c[1]), sig(eta - c[1]) - sig(eta - c[2]), sig(eta - c[2])];
    const ctx: CallContext = { argTypes: [], rng: new Random(41) };
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < N; i++) counts[(draw('ordered_logistic_rng', [eta, vec(c)], ctx) as number) - 1]++;
    counts.forEach((k, i) => expect(Math.abs(k / N - probs[i])).toBeLessThan(5 * Math.sqrt((probs[i] * (1 - probs[i])) / N)));
    // Probit with η far above every cut-point lands in the top category.
    expect(draw('ordered_probit_rng', [40, vec(c)], ctx)).toBe(4);
  });

  test('lkj_corr_rng and lkj_corr_cholesky_rng: off-diagonals have mean 0 and variance 1/(2η + K - 1)', () => {
    const K = 4;
    const eta = 2;
    for (const name of ['lkj_corr_rng', 'lkj_corr_cholesky_rng']) {
      const ctx: CallContext = { argTypes: [], rng: new Random(53) };
      const r12 = new Float64Array(20000);
      const r34 = new Float64Array(20000);
      for (let i = 0; i < r12.length; i++) {
        const M = (draw(name, [K, eta], ctx) as Tensor).val;
        const corr = (a: number, b: number) => {
          if (name === 'lkj_corr_rng') return M[a * K + b];
          let s = 0;
          for (let t = 0; t < K; t++) s += M[a * K + t] * M[b * K + t];
          return s;
        };
        if (i < 50) for (let k = 0; k < K; k++) expect(Math.abs(corr(k, k) - 1)).toBeLessThan(1e-12);
        r12[i] = corr(0, 1);
        r34[i] = corr(2, 3);
      }
      const v = 1 / (2 * eta + K - 1);
      expectMoments(r12, 0, v);
      expectMoments(r34, 0, v);
    }
  });

  test('wishart_rng and inv_wishart_rng means', () => {
    const S = [1, 0.2, 0, 0.2, 0.8, 0.1, 0, 0.1, 1.2];
    const n = 20000;
    for (const [name, nu, scale] of [['wishart_rng', 6, 6], ['inv_wishart_rng', 9, 1 / (9 - 3 - 1)]] as const) {
      const ctx: CallContext = { argTypes: [], rng: new Random(61) };
      const sum = new Float64Array(9);
      const sq = new Float64Array(9);
      for (let i = 0; i < n; i++) {
        const W = (draw(name, [nu, mat(S)], ctx) as Tensor).val;
        for (let k = 0; k < 9; k++) {
          sum[k] += W[k];
          sq[k] += W[k] * W[k];
        }
        if (i < 20) for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) expect(W[a * 3 + b]).toBe(W[b * 3 + a]);
      }
      for (let k = 0; k < 9; k++) {
        const mean = sum[k] / n;
        const sd = Math.sqrt(sq[k] / n - mean * mean);
        expect(Math.abs(mean - scale * S[k])).toBeLessThan(5 * (sd / Math.sqrt(n)) + 1e-12);
      }
    }
  });
});

describe('rng argument checks', () => {
  const ctx: CallContext = { argTypes: [], rng: new Random(1) };
  test('Stan-worded errors', () => {
    expect(() => draw('normal_rng', [0, -1], ctx)).toThrow('normal_rng: Scale parameter is -1, but must be positive!');
    expect(() => draw('gamma_rng', [0, 1], ctx)).toThrow('gamma_rng: Shape parameter is 0, but must be positive finite!');
    expect(() => draw('uniform_rng', [2, 1], ctx)).toThrow('uniform_rng: Upper bound parameter is 1, but must be greater than 2.000000');
    expect(() => draw('poisson_rng', [2 ** 31], ctx)).toThrow(/Rate parameter is .*, but must be less than/);
    expect(() => draw('bernoulli_rng', [1.5], ctx)).toThrow('bernoulli_rng: Probability parameter is 1.5, but must be in the interval [0, 1]');
    expect(() => draw('categorical_rng', [new Tensor([2], Float64Array.of(0.5, 0.6), false)], ctx)).toThrow(/not a valid simplex/);
    expect(() => draw('multi_normal_rng', [new Tensor([2], Float64Array.of(0, 0), false), new Tensor([2, 2], Float64Array.of(1, 2, 2, 1), false)], ctx)).toThrow(
      /not positive definite/,
    );
    expect(() => draw('normal_rng', [0, 1], { argTypes: [], rng: null })).toThrow(/only available in transformed data and generated quantities/);
    // A rate that underflows after exp is reported as a domain error of the Stan function.
    expect(() => draw('neg_binomial_2_log_rng', [-800, 2], ctx)).toThrow(RuntimeError);
    expect(() => draw('neg_binomial_2_log_rng', [-800, 2], ctx)).toThrow(/^neg_binomial_2_log_rng: /);
  });
});
