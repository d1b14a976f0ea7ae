// Whole-model log densities against Stan (rstan 2.21.7 fixtures in tests/fixtures/logprob):
// each model's density is written here by hand as a sum of hstan distribution built-ins at
// the fixture's constrained values. Stan's `~` drops constant terms, so the test compares
// differences between points (the fixture notes say so), which must agree to ~1e-9.
import { readFileSync } from 'node:fs';
import { Tensor, Value } from '../src/runtime/tensor.js';
import { table as continuous } from '../stdlib/impl/continuous.js';
import { table as discrete } from '../stdlib/impl/discrete.js';
import { table as categorical } from '../stdlib/impl/categorical.js';
import { table as glm } from '../stdlib/impl/glm.js';
import { table as multivariate } from '../stdlib/impl/multivariate.js';
import type { BuiltinTable } from '../stdlib/impl/types.js';

const tables: BuiltinTable = { ...continuous, ...discrete, ...categorical, ...glm, ...multivariate };

type Num = number | number[] | number[][];

/** Numbers, vectors and matrices (arrays of rows) as runtime data values. */
function toValue(x: Num): Value {
  if (typeof x === 'number') return x;
  if (x.length > 0 && Array.isArray(x[0])) {
    const rows = x as number[][];
    return new Tensor([rows.length, rows[0].length], Float64Array.from(rows.flat()), false);
  }
  return new Tensor([x.length], Float64Array.from(x as number[]), false);
}

function lp(name: string, ...args: Num[]): number {
  const f = tables[name];
  if (!f) throw new Error(`missing ${name}`);
  const r = f(args.map(toValue), { argTypes: [], rng: null });
  if (typeof r !== 'number') throw new Error(`${name} returned a non-number for data`);
  return r;
}

interface Fixture {
  data: Record<string, Num>;
  points: Array<{ log_prob: number; constrained: Record<string, Num> }>;
}

function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(new URL(`./fixtures/logprob/${name}.json`, import.meta.url), 'utf8')) as Fixture;
}

/** Differences from point 0 agree with Stan's. */
function expectSameDifferences(name: string, model: (p: Record<string, Num>, data: Record<string, Num>) => number): void {
  const fx = fixture(name);
  const mine = fx.points.map((p) => model(p.constrained, fx.data));
  for (let i = 1; i < fx.points.length; i++) {
    const stan = fx.points[i].log_prob - fx.points[0].log_prob;
    const ours = mine[i] - mine[0];
    const err = Math.abs(ours - stan) / Math.max(1, Math.abs(stan));
    if (!(err < 1e-9)) throw new Error(`${name} point ${i}: Stan difference ${stan}, hstan ${ours} (relative error ${err})`);
  }
}

const v = (x: Num) => x as number[];
const m = (x: Num) => x as number[][];
const s = (x: Num) => x as number;
const matVec = (X: number[][], b: number[]) => X.map((row) => row.reduce((t, xk, k) => t + xk * b[k], 0));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('whole-model log densities match Stan up to a constant', () => {
  test('continuous_zoo', () => {
    expectSameDifferences('continuous_zoo', (p) => {
      const [a, b, c, d, e, f, g, h, i, j, k, l, mm, n, o, q, r, ss] = 'a b c d e f g h i j k l m n o q r s'.split(' ').map((key) => s(p[key]));
      return (
        lp('normal_lpdf', a, 1, 2) + lp('lognormal_lpdf', b, 0.5, 0.7) + lp('gamma_lpdf', c, 3, 2) + lp('inv_gamma_lpdf', d, 3, 2) +
        lp('weibull_lpdf', e, 1.5, 2) + lp('chi_square_lpdf', f, 4) + lp('inv_chi_square_lpdf', g, 5) +
        lp('scaled_inv_chi_square_lpdf', h, 5, 1.5) + lp('pareto_lpdf', i, 1, 3) + lp('exponential_lpdf', j, 2.5) +
        lp('beta_lpdf', k, 2.5, 1.5) + lp('gumbel_lpdf', l, 1, 2) + lp('skew_normal_lpdf', mm, 0, 2, 3) +
        lp('exp_mod_normal_lpdf', n, 0, 1, 2) + lp('uniform_lpdf', o, -2, 3) + lp('frechet_lpdf', q, 2, 3) +
        lp('rayleigh_lpdf', r, 1.5) + lp('cauchy_lpdf', ss, -1, 0.5) + lp('student_t_lpdf', a, 4, 0, 3) +
        lp('pareto_type_2_lpdf', b, 0, 1, 3) + lp('logistic_lpdf', ss, 0, 2) + lp('double_exponential_lpdf', a, 0, 1) +
        lp('normal_lcdf', a, 0, 1) + lp('normal_lccdf', ss, 0, 3)
      );
    });
  });

  test('eight_schools_centered', () => {
    expectSameDifferences('eight_schools_centered', (p, d) =>
      lp('normal_lpdf', p.mu, 0, 5) + lp('cauchy_lpdf', p.tau, 0, 5) + lp('normal_lpdf', p.theta, p.mu, p.tau) + lp('normal_lpdf', d.y, p.theta, d.sigma),
    );
  });

  test('hier_binomial and binomial_pooling', () => {
    expectSameDifferences('hier_binomial', (p, d) =>
      lp('gamma_lpdf', p.alpha, 2, 1) + lp('gamma_lpdf', p.beta, 2, 1) + lp('beta_lpdf', p.p, p.alpha, p.beta) + lp('binomial_lpmf', d.x, d.n, p.p),
    );
    expectSameDifferences('binomial_pooling', (p, d) =>
      lp('beta_lpdf', p.p_unpooled, 2, 2) + lp('beta_lpdf', p.p_pooled, 2, 2) + lp('binomial_lpmf', d.x, d.n, p.p_unpooled) + lp('binomial_lpmf', d.x, d.n, p.p_pooled),
    );
  });

  test('glm_counts (plain densities and the fused GLMs)', () => {
    const priors = (p: Record<string, Num>) =>
      lp('student_t_lpdf', p.alpha, 3, 0, 2.5) + lp('normal_lpdf', p.beta, 0, 1) + lp('inv_gamma_lpdf', p.phi, 2, 2) +
      lp('logistic_lpdf', p.gamma0, 0, 1) + lp('double_exponential_lpdf', p.gamma, 0, 1);
    expectSameDifferences('glm_counts', (p, d) => {
      const eta = matVec(m(d.X), v(p.beta)).map((t, i) => s(p.alpha) + t + v(d.log_exposure)[i]);
      const zeta = matVec(m(d.X), v(p.gamma)).map((t) => s(p.gamma0) + t);
      return (
        priors(p) + lp('poisson_log_lpmf', d.y, eta) + lp('neg_binomial_2_log_lpmf', d.y, eta, p.phi) + lp('bernoulli_logit_lpmf', d.z, zeta) +
        lp('bernoulli_lpmf', d.z, zeta.map(sigmoid)) + lp('poisson_lpmf', d.y, v(d.log_exposure).map((le) => Math.exp(s(p.alpha) + le)))
      );
    });
    expectSameDifferences('glm_counts', (p, d) => {
      const intercepts = v(d.log_exposure).map((le) => s(p.alpha) + le);
      const zeta = matVec(m(d.X), v(p.gamma)).map((t) => s(p.gamma0) + t);
      return (
        priors(p) + lp('poisson_log_glm_lpmf', d.y, d.X, intercepts, p.beta) + lp('neg_binomial_2_log_glm_lpmf', d.y, d.X, intercepts, p.beta, p.phi) +
        lp('bernoulli_logit_glm_lpmf', d.z, d.X, p.gamma0, p.gamma) + lp('bernoulli_lpmf', d.z, zeta.map(sigmoid)) +
        lp('poisson_lpmf', d.y, intercepts.map(Math.exp))
      );
    });
  });

  test('ordinal_categorical', () => {
    expectSameDifferences('ordinal_categorical', (p, d) => {
      const eta = v(p.eta);
      const lse = Math.log(eta.reduce((t, e) => t + Math.exp(e), 0));
      const u = v(p.u);
      return (
        lp('normal_lpdf', p.beta, 0, 2) + lp('normal_lpdf', p.cutpoints, 0, 5) + lp('normal_lpdf', p.eta, 0, 1) + lp('gamma_lpdf', p.po, 2, 1) +
        lp('ordered_logistic_lpmf', d.y, v(d.x).map((xi) => xi * s(p.beta)), p.cutpoints) + lp('categorical_logit_lpmf', d.y, p.eta) +
        lp('categorical_lpmf', d.y, eta.map((e) => Math.exp(e - lse))) - u.reduce((t, ui) => t + (ui - 0.5) ** 2, 0)
      );
    });
  });

  test('multivariate', () => {
    expectSameDifferences('multivariate', (p, d) => {
      const K = s(d.K);
      const tau = v(p.tau);
      const LO = m(p.L_Omega);
      const O2 = m(p.Omega2);
      const eye = (c: number) => Array.from({ length: K }, (_, i) => Array.from({ length: K }, (_, j) => (i === j ? c : 0)));
      const y = m(d.y);
      return (
        lp('normal_lpdf', p.mu, 0, 5) + lp('cauchy_lpdf', p.tau, 0, 2.5) + lp('lkj_corr_cholesky_lpdf', p.L_Omega, 2) +
        lp('multi_normal_cholesky_lpdf', y, p.mu, LO.map((row, i) => row.map((x) => tau[i] * x))) +
        lp('dirichlet_lpdf', p.w, Array(K).fill(2)) + lp('inv_wishart_lpdf', p.Sigma, K + 2, eye(1)) + lp('lkj_corr_lpdf', p.Omega2, 3) +
        lp('multi_normal_lpdf', y[0], p.mu, p.Sigma) + lp('wishart_lpdf', p.Sigma, K + 3, eye(0.5)) +
        lp('multi_student_t_lpdf', y[1], 5, p.mu, O2.map((row, i) => row.map((x, j) => tau[i] * x * tau[j])))
      );
    });
  });

  test('gp_regression (multi_normal_cholesky of a GP covariance, and multi_normal)', () => {
    const cov = (p: Record<string, Num>, d: Record<string, Num>) => {
      const x = v(d.x);
      const a = s(p.alpha);
      const r = s(p.rho);
      return x.map((xi, i) => x.map((xj, j) => a * a * Math.exp(-((xi - xj) ** 2) / (2 * r * r)) + (i === j ? s(p.sigma) ** 2 : 0)));
    };
    const chol = (A: number[][]) => {
      const n = A.length;
      const L = A.map(() => new Array(n).fill(0));
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          let t = A[i][j];
          for (let k = 0; k < j; k++) t -= L[i][k] * L[j][k];
          L[i][j] = i === j ? Math.sqrt(t) : t / L[j][j];
        }
      }
      return L;
    };
    const priors = (p: Record<string, Num>) => lp('inv_gamma_lpdf', p.rho, 5, 5) + lp('std_normal_lpdf', p.alpha) + lp('std_normal_lpdf', p.sigma);
    expectSameDifferences('gp_regression', (p, d) => priors(p) + lp('multi_normal_cholesky_lpdf', d.y, Array(v(d.y).length).fill(0), chol(cov(p, d))));
    expectSameDifferences('gp_regression', (p, d) => priors(p) + lp('multi_normal_lpdf', d.y, Array(v(d.y).length).fill(0), cov(p, d)));
  });
});
