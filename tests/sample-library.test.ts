// Model.sample as a library: reproducible by seed (draws and `_rng` generated quantities),
// constraints on transformed parameters respected, Fit.draws' shape, user inits used and checked.
import { readFileSync } from 'node:fs';
import { compile, Model } from '../src/model/compile.js';
import type { Fit } from '../src/model/fit.js';

const ES_SOURCE = readFileSync('examples/eight_schools/noncentered.hstan', 'utf8');
const ES_DATA = JSON.parse(readFileSync('examples/eight_schools/data.json', 'utf8'));

// The non-centered eight schools with a posterior predictive draw per school.
const ES_RNG = ES_SOURCE + `generated quantities {
  array[J] real y_rep = normal_rng(theta, sigma);
  real u = uniform_rng(0, 1);
}
`;

let es: Model;
let esRng: Model;
beforeAll(() => {
  es = compile(ES_SOURCE, { filename: 'noncentered.hstan' });
  esRng = compile(ES_RNG, { filename: 'noncentered_rng.hstan' });
});

const short = { chains: 2, warmup: 150, samples: 100 };

function sameRows(a: Fit, b: Fit): boolean {
  if (a.rows.length !== b.rows.length) return false;
  return a.rows.every((chain, c) =>
    chain.length === b.rows[c].length &&
    chain.every((row, d) => row.length === b.rows[c][d].length && row.every((v, k) => Object.is(v, b.rows[c][d][k]))),
  );
}

describe('reproducibility', () => {
  let a: Fit, b: Fit, other: Fit;
  beforeAll(() => {
    a = esRng.sample({ data: ES_DATA, ...short, seed: 11 });
    b = esRng.sample({ data: ES_DATA, ...short, seed: 11 });
    other = esRng.sample({ data: ES_DATA, ...short, seed: 12 });
  });

  test('the same seed gives bitwise identical draws, generated quantities included', () => {
    expect(a.rows[0]).toHaveLength(100);
    expect(sameRows(a, b)).toBe(true);
    // Sampler statistics too.
    expect(a.draws('n_leapfrog__')).toEqual(b.draws('n_leapfrog__'));
    expect(a.draws('stepsize__')).toEqual(b.draws('stepsize__'));
  });

  test('a different seed gives different draws and different _rng values', () => {
    expect(sameRows(a, other)).toBe(false);
    const mu = a.draws('mu')[0];
    const muOther = other.draws('mu')[0];
    expect(mu.filter((v, i) => v === muOther[i]).length).toBeLessThan(5);
    const u = a.draws('u').flat();
    const uOther = other.draws('u').flat();
    expect(u.filter((v, i) => v === uOther[i]).length).toBe(0);
  });

  test('chains differ from each other', () => {
    expect(a.draws('mu')[0]).not.toEqual(a.draws('mu')[1]);
    expect(a.draws('u')[0]).not.toEqual(a.draws('u')[1]);
  });

  test('_rng draws follow their distributions', () => {
    // y_rep[j] - theta[j] ~ normal(0, sigma[j]): standardized, mean 0 and variance 1 over 200 draws per school.
    const z: number[] = [];
    for (let j = 1; j <= 8; j++) {
      const yrep = a.draws(`y_rep[${j}]`).flat();
      const theta = a.draws(`theta[${j}]`).flat();
      yrep.forEach((y, i) => z.push((y - theta[i]) / ES_DATA.sigma[j - 1]));
    }
    const n = z.length;
    const mean = z.reduce((s, v) => s + v, 0) / n;
    const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
    // 1600 independent standard normals: sd of the mean 0.025, of the variance ~0.035.
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(Math.abs(variance - 1)).toBeLessThan(0.15);
    const u = a.draws('u').flat();
    expect(u.every((v) => v > 0 && v < 1)).toBe(true);
    expect(Math.abs(u.reduce((s, v) => s + v, 0) / u.length - 0.5)).toBeLessThan(0.06);
  });

  test('generated quantities do not change the parameter draws', () => {
    // The _rng streams are separate from the sampler's: the same seed without the GQ block
    // gives the same parameter draws.
    const plain = es.sample({ data: ES_DATA, ...short, seed: 11 });
    expect(plain.draws('mu')).toEqual(a.draws('mu'));
    expect(plain.draws('theta[3]')).toEqual(a.draws('theta[3]'));
  });
});

describe('Fit.draws', () => {
  test('one array per chain, one number per kept draw', () => {
    const fit = es.sample({ data: ES_DATA, chains: 3, warmup: 100, samples: 40, seed: 2 });
    const t1 = fit.draws('theta[1]');
    expect(t1).toHaveLength(3);
    for (const chain of t1) {
      expect(chain).toHaveLength(40);
      for (const v of chain) expect(Number.isFinite(v)).toBe(true);
    }
    // theta[1] = mu + tau * eta[1] in each draw.
    const mu = fit.draws('mu'), tau = fit.draws('tau'), eta1 = fit.draws('eta[1]');
    t1.forEach((chain, c) => chain.forEach((v, d) => expect(v).toBeCloseTo(mu[c][d] + tau[c][d] * eta1[c][d], 10)));
    expect(fit.draws('lp__')).toHaveLength(3);
    expect(fit.draws('lp__')[0]).toHaveLength(40);
    expect(Object.keys(fit.variable('eta'))).toEqual(Array.from({ length: 8 }, (_, j) => `eta[${j + 1}]`));
    expect(() => fit.draws('theta[9]')).toThrow(/theta\[9\]/);
  });
});

describe('constraints on transformed parameters', () => {
  // y = x must be ≥ 0: points with x < 0 are rejected, so x's posterior is normal(0.5, 1)
  // truncated to x > 0, whose mean is 0.5 + φ(0.5)/Φ(0.5).
  const SOURCE = `parameters { real x; }
transformed parameters { real<lower=0> y = x; }
model { x ~ normal(0.5, 1); }
`;

  test('rejected points are never kept, and the posterior is the truncated one', () => {
    const model = compile(SOURCE, { filename: 'tp_bound.hstan' });
    const inst = model.instantiate({});
    // The log density itself rejects the negative half.
    expect(inst.logDensity([-0.1])).toBe(-Infinity);
    expect(inst.lastRejection).toMatch(/'y'.*≥ 0|y = -0\.1/);
    expect(Number.isFinite(inst.logDensity([0.1]))).toBe(true);
    const fit = model.sample({ chains: 4, warmup: 500, samples: 1000, seed: 9, inits: { x: 1 } });
    const x = fit.draws('x').flat();
    const y = fit.draws('y').flat();
    expect(y.length).toBe(4000);
    expect(y.every((v) => v >= 0)).toBe(true);
    expect(x).toEqual(y);
    const phi = Math.exp(-0.125) / Math.sqrt(2 * Math.PI);
    const Phi = 0.6914624612740131;
    const want = 0.5 + phi / Phi;
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    expect(Math.abs(mean - want)).toBeLessThan(0.1);
  });
});

describe('initial values', () => {
  const eta = [0.5, -0.5, 1, -1, 0.25, -0.25, 0, 2];

  test('unconstrain inverts constrain (and checks each value)', () => {
    const inst = es.instantiate(ES_DATA);
    const u = inst.unconstrain({ mu: 1, tau: 2, eta });
    // tau > 0 is unconstrained by log.
    expect(Array.from(u)).toEqual([1, Math.log(2), ...eta]);
    const back = inst.constrain(u);
    expect(back.mu).toBe(1);
    expect(back.tau).toBeCloseTo(2, 15);
    expect(back.eta).toEqual(eta);
    (back.theta as number[]).forEach((t, j) => expect(t).toBeCloseTo(1 + 2 * eta[j], 14));
  });

  test('round trip through a simplex, a cov_matrix and a bounded vector', () => {
    const src = `parameters {
  simplex[3] s;
  cov_matrix[2] S;
  vector<lower=-1, upper=2>[2] b;
  ordered[3] o;
}
model { }
`;
    const inst = compile(src, { filename: 'constrained.hstan' }).instantiate({});
    const values = { s: [0.2, 0.3, 0.5], S: [[2, 0.3], [0.3, 1]], b: [-0.5, 1.5], o: [-1, 0, 3] };
    const u = inst.unconstrain(values);
    expect(u.length).toBe(2 + 3 + 2 + 3);
    const back = inst.constrain(u);
    const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);
    for (const [name, v] of Object.entries(values)) {
      const got = flat(back[name]);
      flat(v).forEach((w, i) => expect(got[i]).toBeCloseTo(w, 12));
    }
  });

  test('the given inits are where the chains start', () => {
    // One short transition from mu = 60 cannot reach the posterior (mu ≈ 4, sd ≈ 3.3), nor can a
    // random init in (-2, 2) reach 60: the first draw tells where the chain started.
    const base = { data: ES_DATA, chains: 2, warmup: 0, samples: 1, maxTreedepth: 2, seed: 4 };
    const far = es.sample({ ...base, inits: { mu: 60, tau: 2, eta } });
    for (const chain of far.draws('mu')) expect(chain[0]).toBeGreaterThan(40);
    const random = es.sample(base);
    for (const chain of random.draws('mu')) expect(Math.abs(chain[0])).toBeLessThan(20);
    // One set of values per chain.
    const perChain = es.sample({ ...base, inits: [{ mu: 60, tau: 2, eta }, { mu: -60, tau: 2, eta }] });
    const [c1, c2] = perChain.draws('mu');
    expect(c1[0]).toBeGreaterThan(40);
    expect(c2[0]).toBeLessThan(-40);
  });

  test.each([
    ['below a lower bound', { mu: 1, tau: -2, eta }, /initial values.*'tau'.*≥ 0.*-2/],
    ['on a bound', { mu: 1, tau: 0, eta }, /initial values.*'tau'.*bound/],
    ['missing', { mu: 1, eta }, /initial values.*'tau'/],
    ['wrong size', { mu: 1, tau: 2, eta: [0, 0, 0] }, /initial values.*'eta'.*J = 8.*3 elements/],
    ['not a number', { mu: 'one', tau: 2, eta }, /initial values.*'mu'.*"one"/],
  ])('an init %s is a clear error naming the parameter', (_what, inits, pattern) => {
    let message = '';
    try {
      es.sample({ data: ES_DATA, chains: 1, warmup: 10, samples: 10, seed: 1, inits: inits as Record<string, unknown> });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(pattern);
  });

  test('per-chain inits say which chain is wrong', () => {
    expect(() =>
      es.sample({ data: ES_DATA, chains: 2, warmup: 10, samples: 10, seed: 1, inits: [{ mu: 1, tau: 2, eta }, { mu: 1, tau: -1, eta }] }),
    ).toThrow(/chain 2.*'tau'/);
    expect(() => es.sample({ data: ES_DATA, chains: 3, warmup: 10, samples: 10, inits: [{ mu: 1, tau: 2, eta }] })).toThrow(/1 set.*3 chains/);
  });
});
