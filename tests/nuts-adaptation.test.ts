/** Warmup adaptation pieces against Stan's documented schedule and closed forms. */
import { Random } from '../src/runtime/random.js';
import {
  DenseMetric,
  DiagMetric,
  DualAveraging,
  MetricAdaptation,
  WelfordCovariance,
  WelfordVariance,
  metricWindowEnds,
} from '../src/inference/index.js';

describe("Stan's windowed adaptation schedule", () => {
  test('1000 warmup: windows of 25, 50, 100, 200 and a stretched 500 after a 75 buffer', () => {
    // Stan reference manual: init_buffer 75, windows 25/50/100/200/500, term_buffer 50.
    expect(metricWindowEnds(1000)).toEqual([99, 149, 249, 449, 949]);
  });

  test('2000 warmup: the sixth window is stretched to the terminal buffer', () => {
    // 75 + 25, 50, 100, 200, 400; the next (800) would end past 1949, so it runs to 1949.
    expect(metricWindowEnds(2000)).toEqual([99, 149, 249, 449, 849, 1949]);
  });

  test('exactly 75 + 25 + 50 warmup fits one window', () => {
    expect(metricWindowEnds(150)).toEqual([99]);
  });

  test('short warmup uses the 15% / 75% / 10% split', () => {
    // 100: init 15, window 75, term 10 → one window ending at iteration 89.
    expect(metricWindowEnds(100)).toEqual([89]);
    // 40: init 6, term 4, window 30 → ends at 35.
    expect(metricWindowEnds(40)).toEqual([35]);
  });

  test('warmup below 20 adapts the step size only', () => {
    expect(metricWindowEnds(19)).toEqual([]);
    expect(metricWindowEnds(0)).toEqual([]);
  });
});

describe('dual averaging of the step size', () => {
  test('first two updates follow the closed form (gamma 0.05, t0 10, kappa 0.75)', () => {
    const da = new DualAveraging({ delta: 0.8, gamma: 0.05, kappa: 0.75, t0: 10 });
    da.mu = Math.log(10 * 0.5);
    // Iteration 1: eta = 1/11, sBar = (0.8 - 0.6)/11, x = mu - sBar * 1 / 0.05, xBar = x.
    const s1 = 0.2 / 11;
    const x1 = Math.log(5) - s1 / 0.05;
    expect(da.learn(0.6)).toBeCloseTo(Math.exp(x1), 14);
    expect(da.finalStepSize()).toBeCloseTo(Math.exp(x1), 14);
    // Iteration 2 with an accept stat above 1 (clipped to 1).
    const s2 = (1 - 1 / 12) * s1 + (1 / 12) * (0.8 - 1);
    const x2 = Math.log(5) - (s2 * Math.SQRT2) / 0.05;
    const w = Math.pow(2, -0.75);
    expect(da.learn(1.3)).toBeCloseTo(Math.exp(x2), 14);
    expect(da.finalStepSize()).toBeCloseTo(Math.exp((1 - w) * x1 + w * x2), 14);
  });

  test('converges to the step size whose acceptance equals the target', () => {
    // With acceptance exp(-eps) the target 0.8 is reached at eps = -log(0.8).
    const da = new DualAveraging({ delta: 0.8, gamma: 0.05, kappa: 0.75, t0: 10 });
    da.mu = Math.log(10);
    let eps = 1;
    for (let i = 0; i < 5000; i++) eps = da.learn(Math.exp(-eps));
    // The averaged iterate approaches the fixed point slowly (weights t^-kappa): within 2%.
    expect(Math.abs(da.finalStepSize() / -Math.log(0.8) - 1)).toBeLessThan(0.02);
  });

  test('restart forgets the history', () => {
    const a = new DualAveraging({ delta: 0.8, gamma: 0.05, kappa: 0.75, t0: 10 });
    const b = new DualAveraging({ delta: 0.8, gamma: 0.05, kappa: 0.75, t0: 10 });
    a.mu = b.mu = 1;
    a.learn(0.1);
    a.learn(0.99);
    a.restart();
    expect(a.learn(0.5)).toBe(b.learn(0.5));
  });
});

function twoPassCovariance(xs: Float64Array[]): number[][] {
  const D = xs[0].length;
  const n = xs.length;
  const m = new Array(D).fill(0);
  for (const x of xs) for (let i = 0; i < D; i++) m[i] += x[i] / n;
  return m.map((_, i) => m.map((__, j) => xs.reduce((s, x) => s + (x[i] - m[i]) * (x[j] - m[j]), 0) / (n - 1)));
}

describe('Welford estimators and the regularized metric', () => {
  const rng = new Random(3);
  const xs = Array.from({ length: 300 }, () =>
    Float64Array.from([rng.normal(100, 3), rng.normal(-2, 0.1), rng.normal(0, 1)]),
  );
  // Correlate the coordinates a little.
  for (const x of xs) x[2] += 0.5 * x[0];

  test('running variance equals the two-pass variance', () => {
    const w = new WelfordVariance(3);
    for (const x of xs) w.add(x);
    const out = new Float64Array(3);
    w.variance(out);
    const cov = twoPassCovariance(xs);
    for (let i = 0; i < 3; i++) expect(out[i]).toBeCloseTo(cov[i][i], 10);
  });

  test('running covariance equals the two-pass covariance', () => {
    const w = new WelfordCovariance(3);
    for (const x of xs) w.add(x);
    const out = new Float64Array(9);
    w.covariance(out);
    const cov = twoPassCovariance(xs);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(out[i * 3 + j]).toBeCloseTo(cov[i][j], 9);
  });

  test.each(['diag', 'dense'] as const)('%s: window draws only, shrunk toward 1e-3 I by n/(n+5)', (kind) => {
    // warmup 100 → window covers iterations 15..89 (75 draws), update at 89.
    const adapt = new MetricAdaptation(kind, 3, 100, 0);
    let update: Float64Array | null = null;
    for (let it = 0; it < 100; it++) {
      const out = adapt.learn(xs[it]);
      if (out) {
        expect(it).toBe(89);
        update = out.slice();
      }
    }
    expect(update).not.toBeNull();
    const cov = twoPassCovariance(xs.slice(15, 90));
    const n = 75;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        if (kind === 'diag' && i !== j) continue;
        const expected = (n / (n + 5)) * cov[i][j] + (i === j ? 1e-3 * (5 / (n + 5)) : 0);
        const got = kind === 'diag' ? update![i] : update![i * 3 + j];
        expect(got).toBeCloseTo(expected, 9);
      }
    }
  });
});

describe('metrics', () => {
  test('diag: momentum variance is 1/inverse-metric, velocity is inverse-metric * p', () => {
    const inv = Float64Array.from([4, 0.25]);
    const m = new DiagMetric(inv);
    const rng = new Random(8);
    const p = new Float64Array(2);
    const s2 = [0, 0];
    const N = 50_000;
    for (let k = 0; k < N; k++) {
      m.sampleMomentum(rng, p);
      s2[0] += p[0] * p[0];
      s2[1] += p[1] * p[1];
    }
    // Var(p^2) = 2 sigma^4 for a normal.
    expect(Math.abs(s2[0] / N - 0.25)).toBeLessThan(5 * Math.sqrt(2 / N) * 0.25);
    expect(Math.abs(s2[1] / N - 4)).toBeLessThan(5 * Math.sqrt(2 / N) * 4);
    const v = new Float64Array(2);
    m.velocity(Float64Array.from([1, 2]), v);
    expect(Array.from(v)).toEqual([4, 0.5]);
  });

  test('dense: momentum covariance is the inverse of the inverse metric', () => {
    // Inverse metric [[2, 1], [1, 2]] → metric (its inverse) [[2, -1], [-1, 2]] / 3.
    const m = new DenseMetric(Float64Array.from([2, 1, 1, 2]), 2);
    const M = [
      [2 / 3, -1 / 3],
      [-1 / 3, 2 / 3],
    ];
    const rng = new Random(9);
    const p = new Float64Array(2);
    const N = 50_000;
    const c = [
      [0, 0],
      [0, 0],
    ];
    for (let k = 0; k < N; k++) {
      m.sampleMomentum(rng, p);
      for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) c[i][j] += (p[i] * p[j]) / N;
    }
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        const se = Math.sqrt((M[i][i] * M[j][j] + M[i][j] ** 2) / N);
        expect(Math.abs(c[i][j] - M[i][j])).toBeLessThan(5 * se);
      }
    }
    const v = new Float64Array(2);
    m.velocity(Float64Array.from([1, -3]), v);
    expect(Array.from(v)).toEqual([-1, -5]);
  });

  test('dense metric rejects a matrix that is not positive definite', () => {
    expect(() => new DenseMetric(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not symmetric positive definite/);
    expect(() => new DenseMetric(Float64Array.from([1, 0.5, 0.4, 1]), 2)).toThrow(
      /not symmetric: entry \(2, 1\) is 0.4 but \(1, 2\) is 0.5/,
    );
  });
});
