// The fused density (src/lower/fused.ts): straight-line code for element-wise programs. Its
// oracles are the scalar tape of the same program (values and gradients agree to rounding),
// central finite differences, and, through logprob-fixtures.test.ts, rstan's gradients for the
// fixture models that take this path. Points the fused code cannot evaluate must give exactly
// what the tape gives (its lp, its message).
import { compile } from '../src/model/compile.js';
import type { ModelInstance } from '../src/model/instance.js';
import { Random } from '../src/runtime/random.js';
import { FatalRuntimeError } from '../src/runtime/errors.js';
import { fdGradient } from './helpers/fd.js';
import { mulberry32 as uniforms, programCases } from './helpers/programs.js';

function evaluate(inst: ModelInstance, u: Float64Array, tape: boolean, jacobian: boolean) {
  inst.forceTape = tape;
  try {
    return inst.logDensityAndGradient(u, { jacobian });
  } finally {
    inst.forceTape = false;
  }
}

/** Fused and tape agree at seeded points (both Jacobian settings); returns how many had a finite density. */
function agreeWithTape(inst: ModelInstance, seed: number, radius = 1.5): number {
  const D = inst.dimension;
  const next = uniforms(seed);
  let finite = 0;
  for (let k = 0; k < 6; k++) {
    const u = Float64Array.from({ length: D }, () => radius * (2 * next() - 1));
    for (const jacobian of [true, false]) {
      const f = evaluate(inst, u, false, jacobian);
      const t = evaluate(inst, u, true, jacobian);
      if (!Number.isFinite(t.logDensity)) {
        expect(f.logDensity).toBe(t.logDensity);
        continue;
      }
      expect(Math.abs(f.logDensity - t.logDensity)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(t.logDensity)));
      for (let i = 0; i < D; i++) {
        expect(Math.abs(f.gradient[i] - t.gradient[i])).toBeLessThanOrEqual(1e-11 * (1 + Math.abs(t.gradient[i])));
      }
      if (jacobian) finite++;
    }
  }
  return finite;
}

function model(source: string, data: Record<string, unknown>): ModelInstance {
  return compile(source, { filename: 'fused.hstan' }).instantiate(JSON.stringify(data));
}

describe('fused density: every example and fixture program that takes it', () => {
  const cases = programCases();
  const fused: string[] = [];
  for (const p of cases) {
    const inst = compile(p.source, { filename: p.name }).instantiate(JSON.stringify(p.data));
    if (inst.fusedActive) fused.push(p.name);
  }

  test('the element-wise hierarchies take the fused path', () => {
    for (const name of [
      'examples/eight_schools/centered', 'examples/eight_schools/noncentered', 'examples/hier_binomial/partial',
      'logprob/eight_schools_noncentered', 'logprob/hier_binomial', 'logprob/partial_pooling_groups',
    ]) {
      expect(fused).toContain(name);
    }
  });

  test.each(cases.map((p) => [p.name, p] as const))('%s: fused agrees with the tape', (_name, p) => {
    const inst = compile(p.source, { filename: p.name }).instantiate(JSON.stringify(p.data));
    if (!inst.fusedActive) {
      // Not element-wise: the reason is given, and the tape evaluates.
      expect(inst.fusedUnsupported).toEqual(expect.any(String));
      return;
    }
    expect(agreeWithTape(inst, 11)).toBeGreaterThan(0);
  });
});

describe('fused density: constructs', () => {
  const data = { N: 7, J: 3, g: [1, 2, 3, 1, 2, 3, 2], y: [0.3, -1.2, 2.5, 0.1, 1.7, -0.4, 0.9], x: [1, 2, 3, 4, 5, 6, 7], k: [0, 3, 1, 4, 2, 5, 1], n: 6 };
  const programs: Record<string, string> = {
    'arithmetic and kernels': `
      data { int N; vector[N] y; array[N] real x; }
      parameters { real a; real<lower=0> s; vector[N] z; real<lower=-1, upper=2> r; }
      transformed parameters {
        vector[N] m = a - 2 * z ./ (1 + exp(z)) + r * square(z) / s;
        real q = -log1p(s) + a ^ 2 - inv_logit(r);
      }
      model {
        vector[N] w = m .* m - 0.5 * m;
        real c = q / (2 + s);
        target += -0.5 * square(w);
        target += c - log(s);
        y ~ normal(m, s);
        z ~ student_t(4, 0, 1);
        a ~ normal(c, 3);
        r ~ normal(0, 1);
        z ~ cauchy(r, s);
        y ~ cauchy(z, 2);
        y ~ normal(z, x);
      }`,
    'gather by group': `
      data { int N; int J; array[N] int g; vector[N] y; }
      parameters { real mu; real<lower=0> tau; vector[J] eta; real<lower=0> sigma; }
      transformed parameters { vector[J] alpha = mu + tau * eta; }
      model {
        vector[N] m = alpha[g] + 0.1 * eta[g];
        eta ~ std_normal();
        mu ~ normal(0, 5);
        tau ~ cauchy(0, 2);
        sigma ~ exponential(1);
        y ~ normal(m, sigma);
        y ~ normal(alpha[g], sigma + alpha[2] ^ 2);
        target += normal_lpdf(alpha[1] | 0, 1);
      }`,
    'binomial with logits, row vectors': `
      data { int N; array[N] int k; int n; row_vector[N] x; }
      parameters { real b0; real b1; row_vector<lower=0, upper=1>[N] p; }
      model {
        k ~ binomial_logit(n, b0 + b1 * x);
        k ~ binomial(n, p);
        p ~ beta(2, 3);
        b0 ~ normal(0, 2);
        b1 ~ normal(0, 2);
      }`,
    'beta and binomial: shared and per-element shapes, a shape of exactly 1': `
      data { int N; array[N] int k; int n; vector[N] x; }
      parameters {
        real<lower=0> a; real<lower=0> b; vector<lower=0>[N] c;
        vector<lower=0, upper=1>[N] p; real<lower=0, upper=1> q;
      }
      model {
        p ~ beta(a, b);
        p ~ beta(c, b + 1);
        p ~ beta(1, a);
        q ~ beta(a * 2, c[3]);
        k ~ binomial(n, p);
        k ~ binomial(n, q);
        a ~ gamma(2, 1);
        b ~ gamma(2, 1);
        c ~ gamma(2, 1);
        target += beta_lpdf(q | a, b);
        target += binomial_lpmf(k | n, p);
      }`,
  };

  test.each(Object.entries(programs))('%s: fused agrees with the tape and with finite differences', (_name, source) => {
    const inst = model(source, data);
    if (!inst.fusedActive) throw new Error(`not fused: ${inst.fusedUnsupported}`);
    expect(agreeWithTape(inst, 5, 1)).toBeGreaterThan(0);
    const next = uniforms(9);
    const u = Float64Array.from({ length: inst.dimension }, () => 2 * next() - 1);
    const { logDensity, gradient } = inst.logDensityAndGradient(u);
    expect(Number.isFinite(logDensity)).toBe(true);
    const fd = fdGradient((v) => inst.logDensity(v), u);
    for (let i = 0; i < u.length; i++) expect(Math.abs(gradient[i] - fd[i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(fd[i])));
  });

  test('batched chains give each chain its own lp and gradient', () => {
    const inst = model(programs['gather by group'], data);
    const D = inst.dimension, C = 4;
    const next = uniforms(3);
    const U = Float64Array.from({ length: C * D }, () => 2 * next() - 1);
    const lp = new Float64Array(C), grad = new Float64Array(C * D);
    inst.logDensityGradient(U, C, lp, grad);
    for (let c = 0; c < C; c++) {
      const one = evaluate(inst, U.slice(c * D, (c + 1) * D), true, true);
      expect(lp[c]).toBeCloseTo(one.logDensity, 10);
      for (let i = 0; i < D; i++) expect(grad[c * D + i]).toBeCloseTo(one.gradient[i], 10);
    }
  });
});

describe('fused density: what it leaves to the tape', () => {
  const data = { N: 3, J: 2, g: [1, 2, 3], y: [0.1, 0.2, 0.3] };

  test('a failed argument check: the tape rejects the point with its message', () => {
    const inst = model(`
      data { int N; vector[N] y; }
      parameters { real mu; real s; }
      model { y ~ normal(mu, s); }`, data);
    expect(inst.fusedActive).toBe(true);
    const u = Float64Array.of(0.2, -1);
    const f = evaluate(inst, u, false, true);
    const fusedMessage = inst.lastRejection;
    inst.lastRejection = null;
    const t = evaluate(inst, u, true, true);
    expect(f.logDensity).toBe(-Infinity);
    expect(t.logDensity).toBe(-Infinity);
    expect(fusedMessage).toBe(inst.lastRejection);
    expect(fusedMessage).toMatch(/normal_lpdf/);
    // Batched: only the failing chain is rejected.
    const lp = new Float64Array(2), grad = new Float64Array(4);
    inst.logDensityGradient(Float64Array.of(0.2, -1, 0.2, 1), 2, lp, grad);
    expect(lp[0]).toBe(-Infinity);
    expect(lp[1]).toBeCloseTo(evaluate(inst, Float64Array.of(0.2, 1), true, true).logDensity, 12);
  });

  test('a group index out of range: the tape raises its error (fatal, as in Stan)', () => {
    const inst = model(`
      data { int N; int J; array[N] int g; vector[N] y; }
      parameters { vector[J] a; }
      model { y ~ normal(a[g], 1); }`, data);
    expect(inst.fusedActive).toBe(true);
    const u = Float64Array.of(0.1, 0.2);
    let tapeError: unknown = null;
    try {
      evaluate(inst, u, true, true);
    } catch (e) {
      tapeError = e;
    }
    expect(tapeError).toBeInstanceOf(FatalRuntimeError);
    expect(() => evaluate(inst, u, false, true)).toThrow((tapeError as Error).message);
  });

  test('containers of different sizes: no fused density, the tape reports the mismatch', () => {
    const inst = model(`
      data { int N; int J; vector[N] y; }
      parameters { vector[J] a; }
      model { y ~ normal(a, 1); }`, data);
    expect(inst.fusedActive).toBe(false);
    expect(inst.fusedUnsupported).toMatch(/sizes/);
    expect(() => inst.logDensityAndGradient(Float64Array.of(0.1, 0.2))).not.toThrow();
    expect(inst.logDensity(Float64Array.of(0.1, 0.2))).toBe(-Infinity);
    expect(inst.lastRejection).toMatch(/size/);
  });

  test('loops keep the tape, with the reason', () => {
    const inst = model(`
      data { int N; vector[N] y; }
      parameters { real mu; }
      model { for (n in 1:N) y[n] ~ normal(mu, 1); }`, data);
    expect(inst.fusedActive).toBe(false);
    expect(inst.fusedUnsupported).toMatch(/For/);
  });
});

describe('fused generate', () => {
  const data = { N: 3, y: [0.1, 0.2, 0.3] };
  const source = `
    data { int N; vector[N] y; }
    parameters { real mu; real<lower=0> s; vector<lower=-1, upper=1>[N] z; }
    transformed parameters { vector[N] m = mu + s * z; real t = exp(mu); }
    model { y ~ normal(m, s); z ~ normal(0, 1); }`;

  /** Fused rows equal the tape's at seeded points (rounding only). */
  function rowsAgree(inst: ModelInstance, seed: number): void {
    const next = uniforms(seed);
    for (let k = 0; k < 5; k++) {
      const u = Float64Array.from({ length: inst.dimension }, () => 2 * next() - 1);
      const f = Float64Array.from(inst.generate(u, null));
      inst.forceTape = true;
      const t = Float64Array.from(inst.generate(u, null));
      inst.forceTape = false;
      expect(f.length).toBe(inst.columnNames.length);
      for (let i = 0; i < f.length; i++) expect(f[i]).toBeCloseTo(t[i], 13);
    }
  }

  test('rows equal the tape generate (parameters, then transformed parameters)', () => {
    const inst = model(source, data);
    expect(inst.fusedActive).toBe(true);
    rowsAgree(inst, 4);
  });

  test('element-wise generated quantities are written by the fused code too, as the tape writes them', () => {
    const inst = model(`${source}
      generated quantities {
        real ratio = mu / (mu + s);
        vector[N] resid = y - m;
        vector[N] scaled = inv_logit(resid * t) + 0.5 * N;
        real first = scaled[1] + resid[N];
      }`, data);
    expect(inst.fusedGenerateActive).toBe(true);
    expect(inst.columnNames.slice(-8)).toEqual(['ratio', 'resid.1', 'resid.2', 'resid.3', 'scaled.1', 'scaled.2', 'scaled.3', 'first']);
    rowsAgree(inst, 9);
    // At u = 0: mu = 0, s = 1, z = 0, so m = 0, t = 1 and scaled[1] = inv_logit(0.1) + 1.5.
    const row = inst.generate(Float64Array.of(0, 0, 0, 0, 0), null);
    expect(row[row.length - 4]).toBeCloseTo(1 / (1 + Math.exp(-0.1)) + 1.5, 14);
  });

  test('a generated quantity indexing out of range: the tape raises its error', () => {
    const gather = `
      data { int N; int J; array[N] int g; }
      parameters { vector[J] a; }
      model { a ~ normal(0, 1); }
      generated quantities { vector[N] ag = a[g] * 2; }`;
    const u = Float64Array.of(0.1, 0.2);
    const ok = model(gather, { N: 3, J: 2, g: [2, 1, 2] });
    expect(ok.fusedGenerateActive).toBe(true);
    expect(Array.from(ok.generate(u, null))).toEqual([0.1, 0.2, 0.4, 0.2, 0.4]);
    const bad = model(gather, { N: 3, J: 2, g: [1, 3, 2] });
    expect(bad.fusedGenerateActive).toBe(true);
    let tapeError: unknown = null;
    bad.forceTape = true;
    try {
      bad.generate(u, null);
    } catch (e) {
      tapeError = e;
    }
    bad.forceTape = false;
    expect(tapeError).toBeInstanceOf(FatalRuntimeError);
    expect(() => bad.generate(u, null)).toThrow((tapeError as Error).message);
  });

  test.each([
    ['a random number', 'real d = normal_rng(mu, 1);'],
    ['an int', 'int k = N + 1;'],
    ['a loop', 'vector[N] w; for (n in 1:N) w[n] = 2 * m[n];'],
    ['a constrained declaration', 'real<lower=0> v = s * s;'],
  ])('generated quantities with %s stay on the tape; the density stays fused', (_what, body) => {
    const inst = model(`${source}\ngenerated quantities { ${body} }`, data);
    expect(inst.fusedActive).toBe(true);
    expect(inst.fusedGenerateActive).toBe(false);
  });

  test('with generated quantities the tape generates (they may draw random numbers)', () => {
    const inst = model(`${source}\ngenerated quantities { real d = normal_rng(mu, 1); }`, data);
    expect(inst.fusedActive).toBe(true);
    expect(inst.columnNames).toContain('d');
    const u = Float64Array.of(0.1, 0.2, 0.3, 0.4, 0.5);
    const row = Float64Array.from(inst.generate(u, new Random(7)));
    inst.forceTape = true;
    const tape = Float64Array.from(inst.generate(u, new Random(7)));
    inst.forceTape = false;
    expect(Number.isFinite(row[row.length - 1])).toBe(true);
    expect(row).toEqual(tape);
  });
});
