// The scalar backend (src/lower/scalar.ts, src/runtime/scalar) against two independent
// oracles: the batched density of the same program (values and gradients must agree to
// rounding) and central finite differences. Every example and fixture model must run on it;
// the constructs below exercise its native paths, the bridge, and its error behaviour.
import { compile } from '../src/model/compile.js';
import type { ModelInstance } from '../src/model/instance.js';
import { FatalRuntimeError } from '../src/runtime/errors.js';
import { Random } from '../src/runtime/random.js';
import { fdGradient } from './helpers/fd.js';
import { mulberry32 as uniforms, programCases } from './helpers/programs.js';

function evaluate(inst: ModelInstance, u: Float64Array, batched: boolean, jacobian: boolean) {
  inst.forceBatched = batched;
  try {
    return inst.logDensityAndGradient(u, { jacobian });
  } finally {
    inst.forceBatched = false;
  }
}

/** Scalar and batched agree at seeded points with a finite density; returns how many were compared. */
function agree(inst: ModelInstance, seed: number, radius = 1): number {
  const D = inst.dimension;
  const next = uniforms(seed);
  let compared = 0;
  for (let attempt = 0; attempt < 60 && compared < 3; attempt++) {
    const u = Float64Array.from({ length: D }, () => radius * (2 * next() - 1));
    for (const jacobian of [true, false]) {
      const s = evaluate(inst, u, false, jacobian);
      const b = evaluate(inst, u, true, jacobian);
      if (!Number.isFinite(b.logDensity)) {
        expect(s.logDensity).toBe(-Infinity);
        continue;
      }
      expect(Math.abs(s.logDensity - b.logDensity)).toBeLessThanOrEqual(1e-10 * (1 + Math.abs(b.logDensity)));
      for (let i = 0; i < D; i++) {
        expect(Math.abs(s.gradient[i] - b.gradient[i])).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(b.gradient[i])));
      }
      if (jacobian) compared++;
    }
  }
  return compared;
}

function fdAgree(inst: ModelInstance, seed: number): void {
  const D = inst.dimension;
  const next = uniforms(seed);
  for (let attempt = 0; attempt < 60; attempt++) {
    const u = Float64Array.from({ length: D }, () => 2 * next() - 1);
    const { logDensity, gradient } = inst.logDensityAndGradient(u);
    if (!Number.isFinite(logDensity)) continue;
    const fd = fdGradient((x) => inst.logDensity(x), u);
    for (let i = 0; i < D; i++) expect(Math.abs(gradient[i] - fd[i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(fd[i])));
    return;
  }
  throw new Error('no point with a finite log density');
}

const programs = programCases();

describe('every example and fixture model runs on the scalar backend', () => {
  test.each(programs.map((p) => [p.name, p] as const))('%s: scalar = batched', (_name, p) => {
    const inst = compile(p.source, { filename: p.name }).instantiate(p.data);
    expect(inst.scalarUnsupported).toBeNull();
    expect(inst.densityBackend).toBe('scalar');
    expect(agree(inst, 7)).toBeGreaterThan(0);
  });

  test.each(programs.map((p) => [p.name, p] as const))('%s: generated quantities, scalar = batched', (_name, p) => {
    const model = compile(p.source, { filename: p.name });
    const inst = model.instantiate(p.data);
    generatesAgree(inst, 17);
  });
});

/**
 * The scalar generate (values on the scalar tape) and the batched one give the same rows at
 * seeded points with the same random streams; rejections must match too.
 */
function generatesAgree(inst: ModelInstance, seed: number): void {
  const next = uniforms(seed);
  let compared = 0;
  for (let attempt = 0; attempt < 10 && compared < 3; attempt++) {
    const u = Float64Array.from({ length: inst.dimension }, () => 2 * next() - 1);
    const run = (batched: boolean) => {
      inst.forceBatched = batched;
      try {
        return { row: inst.generate(u, Random.forChain(BigInt(seed), attempt)) };
      } catch (e) {
        return { error: (e as Error).message };
      } finally {
        inst.forceBatched = false;
      }
    };
    const s = run(false), b = run(true);
    expect(s.error).toEqual(b.error);
    if (!b.row) continue;
    expect(s.row!.length).toBe(b.row.length);
    for (let k = 0; k < b.row.length; k++) {
      if (Number.isNaN(b.row[k])) expect(s.row![k]).toBeNaN();
      else expect(Math.abs(s.row![k] - b.row[k])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(b.row[k])));
    }
    compared++;
  }
  expect(compared).toBeGreaterThan(0);
}

// Constructs, each as a small program with its data.
const constructs: [string, string, Record<string, unknown>][] = [
  ['user functions, _lp functions and compound assignment', `
functions {
  real shift(real x, real s) { return x + s; }
  void prior_lp(real x) { x ~ normal(0, 2); }
}
data { int N; vector[N] y; }
parameters { real mu; real<lower=0> sigma; }
model {
  real m = 0;
  m += shift(mu, 0.5);
  m *= 2;
  prior_lp(mu);
  y ~ normal(m, sigma);
}`, { N: 3, y: [0.1, -0.4, 1.2] }],
  ['an _lp call inside a sum with a scaled parameter is counted once', `
functions {
  real bump_lp(real x) { target += -square(x); return 1; }
}
data { real c; }
parameters { real a; real b; }
model {
  real m = bump_lp(a) + b * c;
  m ~ normal(0, 1);
  b ~ normal(0, 1);
}`, { c: 0.5 }],
  ['parameter-dependent bounds and conditions', `
parameters { real a; real<lower=a> b; real<lower=a, upper=b + 3> c; }
model {
  a ~ normal(0, 1);
  b ~ normal(1, 1);
  if (c > a + 1) target += -square(c - a);
  else target += log1p(c - a);
  real t = 0;
  while (t < 2) t += 0.5 + fabs(a) * 0;
  target += t * 0.1 * b;
}`, {}],
  ['structured parameters and multivariate densities through the bridge', `
data { int K; vector[K] y; }
parameters {
  simplex[K] w;
  cholesky_factor_corr[K] L;
  vector<lower=0>[K] tau;
  ordered[2] cut;
}
model {
  w ~ dirichlet(rep_vector(2, K));
  L ~ lkj_corr_cholesky(2);
  tau ~ exponential(1);
  cut ~ normal(0, 3);
  y ~ multi_normal_cholesky(w, diag_pre_multiply(tau, L));
}`, { K: 3, y: [0.2, 0.5, -0.1] }],
  ['containers: element-wise functions, matrix products, gathers, slices and loops over elements', `
data { int N; int J; array[N] int<lower=1, upper=J> g; matrix[N, 2] X; vector[N] y; }
parameters { vector[J] a; vector[2] beta; real<lower=0> s; }
transformed parameters {
  vector[N] eta = a[g] + X * beta;
}
model {
  a ~ normal(0, 1);
  beta ~ normal(0, 1);
  s ~ lognormal(0, 1);
  for (n in 2:N) y[n] ~ normal(eta[n], s);
  target += normal_lpdf(y[1] | eta[1], s);
  target += -0.01 * dot_self(exp(beta / 4));
  for (x in a) target += -0.01 * square(x);
  target += sum(head(a, 2)) * 0.01 + dot_product(a, a) * -0.01;
}`, { N: 5, J: 3, g: [1, 2, 3, 1, 2], X: [[1, 0.5], [1, -0.2], [1, 0.1], [1, 1.5], [1, -1]], y: [0.3, -0.1, 0.8, 1.1, -0.5] }],
  ['element assignment loops lifted into one tape loop', `
data { int N; int J; array[N] int<lower=1, upper=J> g; vector[N] x; array[N] real y; matrix[J, 2] M; }
parameters { vector[J] a; real b; real<lower=0> s; real<lower=-1, upper=1> rho; matrix[J, 2] B; }
model {
  vector[N] mu;
  array[N] real p;
  row_vector[N] r;
  vector[N] q = rep_vector(1, N);
  for (i in 1:N) mu[i] = a[g[i]] + x[i] * b;
  for (i in 1:N) p[i] = inv_logit(-(b - a[g[i]] * x[i]) / (1 + s)) * M[g[i], 2] + B[g[i], 1] / s;
  r[1] = a[1];
  for (i in 2:N) r[i] = r[i - 1] * rho + x[i];
  for (i in 1:N) q[i] += exp(a[g[i]] / 3) - s * s;
  for (i in 1:N) q[i] *= 0.5;
  for (i in 1:N) mu[i] = mu[i] + 2;
  a ~ normal(0, 1);
  b ~ normal(0, 1);
  s ~ lognormal(0, 0.5);
  to_vector(B) ~ normal(0, 1);
  y ~ normal(mu, s + 1);
  target += normal_lpdf(to_vector(p) | 0.2, 1) + normal_lpdf(r | 0, 2) + normal_lpdf(q | 1, 1);
  for (i in 1:N) y[i] ~ normal(a[g[i]] + x[i] * b, s);
  for (n in 2:N) target += normal_lpdf(y[n] | mu[n] * rho, exp(b / 4) + x[n] * x[n]);
}`, { N: 5, J: 3, g: [1, 2, 3, 1, 2], x: [0.5, -1, 0.25, 2, -0.3], y: [2.1, 1.5, 2.8, 3.1, 1.6], M: [[1, 2], [0.5, -1], [0, 3]] }],
  ['elementwise vector expressions lifted into one node per element', `
data { int N; vector[N] x; row_vector[N] w; int K; }
parameters { real mu; real<lower=0> tau; vector[N] eta; row_vector[N] z; vector<lower=0>[N] s; }
transformed parameters {
  vector[N] theta = mu + tau * eta;
  vector[N] m = -(theta .* x) / 2 + exp(eta / 3) ./ s - K;
  row_vector[N] r = (z - w) * tau + inv_logit(z) .* w;
}
model {
  vector[N] q = x ./ s + theta;
  q = q * 0.5 - mu;
  vector[N] t2 = theta;
  t2 = t2 .* t2 + 1;
  mu ~ normal(0, 1);
  tau ~ normal(0, 1);
  eta ~ normal(0, 1);
  z ~ normal(0, 1);
  s ~ lognormal(0, 0.5);
  x ~ normal(t2 + m, 2);
  target += normal_lpdf(r | 0, 1) + normal_lpdf(q | 0, 3);
}`, { N: 4, x: [0.5, -1, 0.25, 2], w: [1, 0.5, -0.5, 2], K: 2 }],
  ['truncation and discrete densities', `
data { int N; array[N] int k; vector[N] z; }
parameters { real<lower=0> lambda; real mu; }
model {
  lambda ~ gamma(2, 1);
  mu ~ normal(0, 1);
  k ~ poisson(lambda);
  for (n in 1:N) z[n] ~ normal(mu, 1) T[-1, 2];
  k ~ neg_binomial_2(lambda + 0.5, 3);
}`, { N: 4, k: [0, 2, 1, 4], z: [0.1, 1.5, -0.5, 0.0] }],
];

describe('constructs on the scalar backend: equal to the batched density and to finite differences', () => {
  test.each(constructs)('%s', (_name, source, data) => {
    const inst = compile(source, { filename: 'construct.hstan' }).instantiate(data);
    expect(inst.scalarUnsupported).toBeNull();
    expect(agree(inst, 11)).toBeGreaterThan(0);
    fdAgree(inst, 13);
  });
});

describe('generated quantities on the scalar tape', () => {
  const gqData = { N: 4, y: [0.3, -1.2, 2.5, 0.8], g: [1, 2, 2, 1] };
  const gqProgram = (extra: string) => `
data { int N; vector[N] y; array[N] int<lower=1, upper=2> g; }
parameters { vector[2] a; real<lower=0> sigma; }
transformed parameters { vector[N] mu; for (n in 1:N) mu[n] = a[g[n]] * 0.5; }
model { a ~ normal(0, 1); sigma ~ lognormal(0, 1); y ~ normal(mu, sigma); }
generated quantities {
  vector[N] log_lik;
  array[N] real y_rep;
  real total = 0;
  int above = 0;
  real<lower=0> s2 = square(sigma);
  for (n in 1:N) {
    log_lik[n] = normal_lpdf(y[n] | mu[n], sigma);
    y_rep[n] = normal_rng(mu[n], sigma);
    total += y_rep[n];
    if (y_rep[n] > y[n]) above += 1;
  }
  int k = poisson_rng(sigma + 0.5);
  real z = normal_rng(0, 1) + exp(a[1]);
  ${extra}
}`;

  test('rng draws, lpdf values, int counters and constraints match the batched generate', () => {
    const model = compile(gqProgram(''));
    expect(model.code).toContain('const scalarGenerate');
    generatesAgree(model.instantiate(gqData), 3);
  });

  test('a violated constraint in generated quantities fails as in the batched generate', () => {
    const model = compile(gqProgram('real<upper=-100> bad = z;'));
    expect(model.code).toContain('const scalarGenerate');
    const inst = model.instantiate(gqData);
    const u = new Float64Array(inst.dimension);
    const message = (batched: boolean) => {
      inst.forceBatched = batched;
      try {
        inst.generate(u, Random.forChain(1n, 0));
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      } finally {
        inst.forceBatched = false;
      }
    };
    expect(message(false)).toContain('bad');
    expect(message(false)).toBe(message(true));
  });

  test('generate shares the density\'s parameters and transformed parameters, or has its own copy when the density stays batched', () => {
    const shared = compile(gqProgram(''));
    expect(shared.code).toContain('scalarParamsTP(');
    expect(shared.code).not.toContain('scalarGenerateParamsTP');
    // target() keeps the batched density; the scalar generate lowers its own copy.
    const own = compile(gqProgram('').replace('y ~ normal(mu, sigma); }', 'y ~ normal(mu, sigma); target += -0.01 * target(); }'));
    expect(own.code).toContain('scalarGenerateParamsTP');
    const inst = own.instantiate(gqData);
    expect(inst.densityBackend).toBe('batched');
    generatesAgree(inst, 7);
  });

  test('an int array computed from parameters keeps the batched generate, with the same rows', () => {
    const model = compile(gqProgram('array[N] int counts = poisson_rng(exp(mu));'));
    expect(model.code).not.toContain('const scalarGenerate');
    generatesAgree(model.instantiate(gqData), 5);
  });
});

describe('errors on the scalar backend', () => {
  test('a domain error or reject() gives -Infinity, and the reason is kept', () => {
    const inst = compile(`
parameters { real x; }
model {
  if (x > 0) reject("x is ", x);
  x ~ normal(0, 1);
}`).instantiate({});
    expect(inst.logDensity([0.5])).toBe(-Infinity);
    expect(inst.lastRejection).toContain('x is 0.5');
    expect(inst.logDensity([-0.5])).toBeCloseTo(-0.5 * 0.25 - 0.5 * Math.log(2 * Math.PI), 12);
    const lp = new Float64Array(2);
    const grad = new Float64Array(2);
    inst.logDensityGradient(Float64Array.of(0.5, -0.5), 2, lp, grad);
    expect(lp[0]).toBe(-Infinity);
    expect(grad[1]).toBeCloseTo(0.5, 12);
  });

  test('program strings reach messages unchanged (the runtime-name binding skips string literals)', () => {
    const inst = compile(`
parameters { real x; }
model {
  reject("S.axpy \\ S.T ", x);
}`).instantiate({});
    expect(inst.densityBackend).toBe('scalar');
    expect(inst.logDensity([1])).toBe(-Infinity);
    expect(inst.lastRejection).toBe('S.axpy \\ S.T 1');
  });

  test('an index out of range stops the run (fatal, as in Stan)', () => {
    const inst = compile(`
data { int i; }
parameters { vector[2] v; }
model { target += v[i]; }`).instantiate({ i: 3 });
    expect(() => inst.logDensity([0, 0])).toThrow(FatalRuntimeError);
  });

  test('density loops whose arguments are computed from the loop index are lifted too', () => {
    const model = compile(`
data { int N; array[N] int<lower=1, upper=2> g; vector[N] x; vector[N] y; }
parameters { vector[2] a; real b; real<lower=0> s; }
model {
  for (i in 1:N) y[i] ~ normal(a[g[i]] + x[i] * b, s);
}`);
    expect(model.code).toContain('lifted: for (i in ...) normal_lpdf');
    const inst = model.instantiate({ N: 3, g: [1, 2, 1], x: [0.5, 1, -1], y: [0.1, 0.7, -0.2] });
    // a = (0.3, -0.2), b = 0.5, s = exp(0.1): the residuals by hand.
    const u = [0.3, -0.2, 0.5, 0.1];
    const s = Math.exp(0.1);
    const mu = [0.3 + 0.25, -0.2 + 0.5, 0.3 - 0.5];
    const y = [0.1, 0.7, -0.2];
    const expected = y.reduce((t, yi, i) => t - 0.5 * ((yi - mu[i]) / s) ** 2 - Math.log(s), 0) + 0.1;
    expect(inst.logDensity(u) + 1.5 * Math.log(2 * Math.PI)).toBeCloseTo(expected, 10);
  });

  test('a lifted assignment loop out of range stops the run like the element-by-element one', () => {
    const model = compile(`
data { int n; vector[3] x; }
parameters { real b; }
model {
  vector[2] m;
  for (i in 1:n) m[i] = x[i] * b;
  b ~ normal(0, 1);
}`);
    expect(model.code).toContain('lifted: for (i in ...) m[i] = ...');
    const inst = model.instantiate({ n: 3, x: [1, 2, 3] });
    expect(inst.densityBackend).toBe('scalar');
    expect(() => inst.logDensity([0])).toThrow(FatalRuntimeError);
    inst.forceBatched = true;
    expect(() => inst.logDensity([0])).toThrow(FatalRuntimeError);
  });

  test('reads out of range inside a lifted loop stop the run with the batched path\'s message', () => {
    // The loop reads a[g[i]] (an active element through a data index) and x[i + k] (data):
    // both are inline reads in the lifted loop, with the checked call out of range.
    const model = compile(`
data { int N; int k; array[N] int g; vector[N] x; }
parameters { vector[2] a; real b; }
model {
  vector[N] m;
  for (i in 1:N) m[i] = a[g[i]] + x[i] * b;
  for (i in 1:N) m[i] = m[i] + x[i + k];
  target += sum(m);
}`);
    expect(model.code).toContain('lifted: for (i in ...) m[i] = ...');
    const errorOf = (data: Record<string, unknown>, batched: boolean): string => {
      const inst = model.instantiate(data);
      inst.forceBatched = batched;
      try {
        inst.logDensity([0.1, 0.2, 0.3]);
      } catch (e) {
        expect(e).toBeInstanceOf(FatalRuntimeError);
        return (e as Error).message;
      }
      return 'no error';
    };
    const good = { N: 3, k: 0, g: [1, 2, 1], x: [1, 2, 3] };
    const inst = model.instantiate(good);
    expect(inst.logDensity([0.1, 0.2, 0.3])).toBeCloseTo(0.1 + 0.2 + 0.1 + (1 + 2 + 3) * 0.3 + 6, 12);
    for (const bad of [{ ...good, g: [1, 3, 1] }, { ...good, g: [0, 1, 1] }, { ...good, k: 1 }]) {
      const message = errorOf(bad, false);
      expect(message).not.toBe('no error');
      expect(message).toBe(errorOf(bad, true));
    }
  });

  test('elementwise vector expressions are lifted, and vectors of different sizes fail as without the lift', () => {
    const model = compile(`
data { int N; int M; vector[N] x; }
parameters { real mu; vector[M] eta; }
transformed parameters { vector[N] theta = mu + x .* eta; }
model { eta ~ normal(0, 1); }`);
    expect(model.code).toContain('lifted: theta = elementwise');
    const ok = model.instantiate({ N: 2, M: 2, x: [1, 2] });
    expect(ok.logDensity([0.5, 0.1, 0.2])).toBeCloseTo(-0.5 * (0.01 + 0.04) - Math.log(2 * Math.PI), 12);
    const bad = { N: 2, M: 3, x: [1, 2] };
    const messageOf = (batched: boolean): string => {
      const inst = model.instantiate(bad);
      inst.forceBatched = batched;
      const lp = inst.logDensity([0.5, 0.1, 0.2, 0.3]);
      return `${lp} ${inst.lastRejection}`;
    };
    expect(messageOf(false)).toMatch(/size/);
    expect(messageOf(false)).toBe(messageOf(true));
  });

  test('a scale parameter that is not positive rejects the point with Stan\'s message', () => {
    const inst = compile(`
data { vector[2] y; }
parameters { real s; }
model { y ~ normal(0, s); }`).instantiate({ y: [1, 2] });
    expect(inst.logDensity([-1])).toBe(-Infinity);
    expect(inst.lastRejection).toBe('normal_lpdf: Scale parameter is -1, but must be positive!');
    inst.forceBatched = true;
    expect(inst.logDensity([-2])).toBe(-Infinity);
    expect(inst.lastRejection).toBe('normal_lpdf: Scale parameter is -2, but must be positive!');
  });

  test('target() keeps the batched density, and says why', () => {
    const inst = compile(`
parameters { real x; }
model { x ~ normal(0, 1); print(target()); }`).instantiate({});
    expect(inst.densityBackend).toBe('batched');
    expect(inst.scalarUnsupported).toBe('target()');
  });
});
