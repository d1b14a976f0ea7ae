import { Random, splitmix64Sequence } from '../src/runtime/random.js';

const N = 100_000;

/** Asserts sample mean and variance are within 5 standard errors of the closed forms. */
function checkMoments(draws: ArrayLike<number>, mean: number, variance: number, excessKurtosis: number): void {
  const n = draws.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += draws[i];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (draws[i] - m) ** 2;
  v /= n - 1;
  const seMean = Math.sqrt(variance / n);
  const seVar = Math.sqrt(((excessKurtosis + 2) * variance * variance) / n);
  expect(Math.abs(m - mean)).toBeLessThan(5 * seMean);
  expect(Math.abs(v - variance)).toBeLessThan(5 * seVar);
}

function drawMany(f: () => number, n = N): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f();
  return out;
}

function betaExcessKurtosis(a: number, b: number): number {
  return (6 * ((a - b) ** 2 * (a + b + 1) - a * b * (a + b + 2))) / (a * b * (a + b + 2) * (a + b + 3));
}

/** Independent BigInt transcription of the published xoshiro256** and its jump. */
class ReferenceXoshiro {
  s: bigint[];
  constructor(s: bigint[]) {
    this.s = s.slice();
  }
  static rotl(x: bigint, k: bigint): bigint {
    const M = (1n << 64n) - 1n;
    return ((x << k) | (x >> (64n - k))) & M;
  }
  next(): bigint {
    const M = (1n << 64n) - 1n;
    const s = this.s;
    const result = (ReferenceXoshiro.rotl((s[1] * 5n) & M, 7n) * 9n) & M;
    const t = (s[1] << 17n) & M;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = ReferenceXoshiro.rotl(s[3], 45n);
    return result;
  }
  jump(): void {
    const JUMP = [0x180ec6d33cfd0aban, 0xd5a61266f0c9392cn, 0xa9582618e03fc9aan, 0x39abdc4529b1661cn];
    const acc = [0n, 0n, 0n, 0n];
    for (const j of JUMP) {
      for (let b = 0n; b < 64n; b++) {
        if ((j >> b) & 1n) for (let i = 0; i < 4; i++) acc[i] ^= this.s[i];
        this.next();
      }
    }
    this.s = acc;
  }
}

describe('generator core', () => {
  test('splitmix64 matches the published sequence for seed 1234567', () => {
    expect(splitmix64Sequence(1234567, 5)).toEqual([
      6457827717110365317n,
      3203168211198807973n,
      9817491932198370423n,
      4593380528125082431n,
      16408922859458223821n,
    ]);
  });

  test('xoshiro256** matches the reference outputs from state {1, 2, 3, 4}', () => {
    const rng = Random.fromState([1n, 2n, 3n, 4n]);
    const got = Array.from({ length: 10 }, () => rng.nextUint64());
    expect(got).toEqual([
      11520n,
      0n,
      1509978240n,
      1215971899390074240n,
      1216172134540287360n,
      607988272756665600n,
      16172922978634559625n,
      8476171486693032832n,
      10595114339597558777n,
      2904607092377533576n,
    ]);
  });

  test('seeding and per-chain jumps agree with a BigInt reference implementation', () => {
    const seed = 20240917n;
    for (const chain of [0, 1, 3]) {
      const ref = new ReferenceXoshiro(splitmix64Sequence(seed, 4));
      for (let j = 0; j < chain; j++) ref.jump();
      const rng = Random.forChain(seed, chain);
      for (let i = 0; i < 2000; i++) expect(rng.nextUint64()).toBe(ref.next());
    }
  });

  test('uniform uses the top 53 bits of each output', () => {
    const a = Random.fromState([5n, 6n, 7n, 8n]);
    const b = Random.fromState([5n, 6n, 7n, 8n]);
    for (let i = 0; i < 100; i++) {
      const bits = b.nextUint64() >> 11n;
      expect(a.uniform()).toBe(Number(bits) / 2 ** 53);
    }
  });

  test('same seed reproduces, different seeds and chains differ', () => {
    const seq = (r: Random) => Array.from({ length: 20 }, () => r.uniform());
    expect(seq(new Random(7))).toEqual(seq(new Random(7)));
    expect(seq(Random.forChain(7, 2))).toEqual(seq(Random.forChain(7, 2)));
    expect(seq(new Random(7))).not.toEqual(seq(new Random(8)));
    expect(seq(Random.forChain(7, 0))).not.toEqual(seq(Random.forChain(7, 1)));
    expect(seq(new Random(7))).toEqual(seq(Random.forChain(7, 0)));
  });

  test('streams of neighbouring chains are uncorrelated', () => {
    const a = Random.forChain(11, 0);
    const b = Random.forChain(11, 1);
    let sxy = 0;
    for (let i = 0; i < N; i++) sxy += (a.uniform() - 0.5) * (b.uniform() - 0.5);
    const corr = sxy / N / (1 / 12);
    expect(Math.abs(corr)).toBeLessThan(5 / Math.sqrt(N));
  });

  test('rejects bad seeds and parameters with clear messages', () => {
    expect(() => new Random(1.5)).toThrow(/seed must be an integer/);
    expect(() => Random.forChain(1, -1)).toThrow(/chain must be a non-negative integer/);
    const rng = new Random(1);
    expect(() => rng.gamma(-1)).toThrow(/gamma: shape must be positive/);
    expect(() => rng.poisson(-2)).toThrow(/poisson: rate/);
    expect(() => rng.binomial(2.5, 0.5)).toThrow(/binomial: number of trials/);
    expect(() => rng.binomial(10, 1.5)).toThrow(/binomial: p must be in \[0, 1\]/);
    expect(() => rng.categorical([0.5, -0.1])).toThrow(/categorical: probability 2/);
    expect(() => rng.uniform(2, 1)).toThrow(/uniform: need finite lo < hi/);
  });
});

describe('distributions match closed-form moments (1e5 draws, 5 SE)', () => {
  const rng = new Random(987654321);

  test('uniform', () => {
    const d = drawMany(() => rng.uniform());
    expect(d.every((x) => x >= 0 && x < 1)).toBe(true);
    checkMoments(d, 0.5, 1 / 12, -6 / 5);
    checkMoments(
      drawMany(() => rng.uniform(-2, 6)),
      2,
      64 / 12,
      -6 / 5,
    );
  });

  test('normal', () => {
    checkMoments(
      drawMany(() => rng.normal()),
      0,
      1,
      0,
    );
    checkMoments(
      drawMany(() => rng.normal(3, 0.5)),
      3,
      0.25,
      0,
    );
  });

  test('exponential', () => {
    checkMoments(
      drawMany(() => rng.exponential(2.5)),
      0.4,
      0.16,
      6,
    );
  });

  test.each([0.3, 1, 2.5, 30])('gamma(shape %p, scale 2)', (k) => {
    checkMoments(
      drawMany(() => rng.gamma(k, 2)),
      2 * k,
      4 * k,
      6 / k,
    );
  });

  test.each([
    [0.5, 0.5],
    [2, 5],
    [0.2, 3],
    [40, 10],
  ])('beta(%p, %p)', (a, b) => {
    const mean = a / (a + b);
    const variance = (a * b) / ((a + b) ** 2 * (a + b + 1));
    const d = drawMany(() => rng.beta(a, b));
    expect(d.every((x) => x >= 0 && x <= 1)).toBe(true);
    checkMoments(d, mean, variance, betaExcessKurtosis(a, b));
  });

  test('beta and dirichlet stay finite for tiny shapes', () => {
    for (let i = 0; i < 1000; i++) {
      const x = rng.beta(1e-3, 2e-3);
      expect(x >= 0 && x <= 1).toBe(true);
      const s = rng.dirichlet([1e-3, 1e-3, 1e-3]);
      expect(Math.abs(s.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
    }
  });

  test.each([0.7, 3.5, 25, 1e4, 1e7])('poisson(%p)', (lambda) => {
    const d = drawMany(() => rng.poisson(lambda));
    expect(d.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    checkMoments(d, lambda, lambda, 1 / lambda);
  });

  test.each([
    [20, 0.7],
    [1000, 0.001],
    [1_000_000, 0.3],
    [12345, 0.98],
  ])('binomial(%p, %p)', (n, p) => {
    const d = drawMany(() => rng.binomial(n, p));
    expect(d.every((x) => Number.isInteger(x) && x >= 0 && x <= n)).toBe(true);
    const q = 1 - p;
    checkMoments(d, n * p, n * p * q, (1 - 6 * p * q) / (n * p * q));
  });

  /** Every cell with expected count >= 20 must be within 5 SE of the exact pmf. */
  function checkPmf(draws: Float64Array, pmf: number[]): void {
    const counts = new Array(pmf.length).fill(0);
    for (const x of draws) if (x < pmf.length) counts[x]++;
    let cells = 0;
    pmf.forEach((pk, k) => {
      if (pk * draws.length < 20) return;
      cells++;
      expect(Math.abs(counts[k] / draws.length - pk)).toBeLessThan(5 * Math.sqrt((pk * (1 - pk)) / draws.length));
    });
    expect(cells).toBeGreaterThan(10);
  }

  test('binomial pmf (rejection regime, n = 100, p = 0.3)', () => {
    const n = 100;
    const p = 0.3;
    const pmf = [Math.pow(1 - p, n)];
    for (let k = 0; k < n; k++) pmf.push((pmf[k] * (n - k) * p) / ((k + 1) * (1 - p)));
    checkPmf(
      drawMany(() => rng.binomial(n, p)),
      pmf,
    );
  });

  test('poisson pmf (rejection regime, lambda = 30)', () => {
    const lambda = 30;
    const pmf = [Math.exp(-lambda)];
    for (let k = 0; k < 100; k++) pmf.push((pmf[k] * lambda) / (k + 1));
    checkPmf(
      drawMany(() => rng.poisson(lambda)),
      pmf,
    );
  });

  test('binomial edge probabilities', () => {
    expect(rng.binomial(500, 0)).toBe(0);
    expect(rng.binomial(500, 1)).toBe(500);
    expect(rng.binomial(0, 0.5)).toBe(0);
  });

  test('chi-square and student-t', () => {
    checkMoments(
      drawMany(() => rng.chiSquare(4)),
      4,
      8,
      3,
    );
    const nu = 10;
    checkMoments(
      drawMany(() => rng.studentT(nu, 1, 2)),
      1,
      (4 * nu) / (nu - 2),
      6 / (nu - 4),
    );
  });

  test('negative binomials (Stan parameterisations)', () => {
    // neg_binomial(alpha, beta) is NB with r = alpha, success probability beta / (1 + beta).
    const alpha = 2;
    const beta = 0.5;
    const r = alpha;
    const pr = beta / (1 + beta);
    checkMoments(
      drawMany(() => rng.negBinomial(alpha, beta)),
      alpha / beta,
      (alpha / beta ** 2) * (beta + 1),
      6 / r + (pr * pr) / ((1 - pr) * r),
    );
    const mu = 10;
    const phi = 3;
    const p2 = phi / (phi + mu);
    checkMoments(
      drawMany(() => rng.negBinomial2(mu, phi)),
      mu,
      mu + (mu * mu) / phi,
      6 / phi + (p2 * p2) / ((1 - p2) * phi),
    );
  });

  test('categorical frequencies', () => {
    const probs = [0.1, 0.05, 0.5, 0.35, 0];
    const counts = new Array(probs.length).fill(0);
    for (let i = 0; i < N; i++) counts[rng.categorical(probs)]++;
    probs.forEach((p, k) => {
      expect(Math.abs(counts[k] / N - p)).toBeLessThanOrEqual(5 * Math.sqrt((p * (1 - p)) / N));
    });
    expect(counts[4]).toBe(0);
  });

  test('dirichlet marginals are beta', () => {
    const alpha = [0.5, 2, 7.5];
    const a0 = alpha.reduce((a, b) => a + b, 0);
    const draws = alpha.map(() => new Float64Array(N));
    for (let i = 0; i < N; i++) {
      const s = rng.dirichlet(alpha);
      s.forEach((x, k) => (draws[k][i] = x));
    }
    alpha.forEach((a, k) => {
      const b = a0 - a;
      checkMoments(draws[k], a / a0, (a * b) / (a0 * a0 * (a0 + 1)), betaExcessKurtosis(a, b));
    });
  });

  test('multi-normal from a Cholesky factor', () => {
    const mu = [1, -2, 0.5];
    const L = [
      [2, 0, 0],
      [0.6, 0.8, 0],
      [-1, 0.5, 1.5],
    ];
    const Sigma = L.map((ri) => L.map((rj) => ri.reduce((s, x, k) => s + x * rj[k], 0)));
    const xs = mu.map(() => new Float64Array(N));
    for (let i = 0; i < N; i++) {
      const x = rng.multiNormalCholesky(mu, L);
      x.forEach((v, k) => (xs[k][i] = v));
    }
    mu.forEach((m, k) => checkMoments(xs[k], m, Sigma[k][k], 0));
    // Off-diagonal covariances: Var((x_i - mu_i)(x_j - mu_j)) = S_ii S_jj + S_ij^2 for a Gaussian.
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < i; j++) {
        let c = 0;
        for (let n = 0; n < N; n++) c += (xs[i][n] - mu[i]) * (xs[j][n] - mu[j]);
        c /= N;
        const se = Math.sqrt((Sigma[i][i] * Sigma[j][j] + Sigma[i][j] ** 2) / N);
        expect(Math.abs(c - Sigma[i][j])).toBeLessThan(5 * se);
      }
    }
    // The flat row-major form gives the same draw as the rows form.
    const flat = Float64Array.from(L.flat());
    const r1 = new Random(5);
    const r2 = new Random(5);
    expect(r1.multiNormalCholesky(mu, flat)).toEqual(r2.multiNormalCholesky(mu, L));
  });
});
