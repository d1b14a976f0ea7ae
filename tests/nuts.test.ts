/**
 * End-to-end accuracy of runNuts against closed-form posterior moments, judged
 * by Monte Carlo standard errors from src/diagnostics.
 */
import { mcseMean } from '../src/diagnostics/index.js';
import { runNuts, type NutsResult } from '../src/inference/index.js';
import { gaussianWithPrecision, halfNormalWall, logGamma, standardNormal } from './nuts-densities.js';

/** draws[chain][iter] of f(position). */
function column(result: NutsResult, f: (x: Float64Array) => number): number[][] {
  return result.draws.map((chain) => chain.map(f));
}

function mean(draws: number[][]): number {
  let s = 0;
  let n = 0;
  for (const chain of draws) for (const x of chain) ((s += x), n++);
  return s / n;
}

/** |estimate - truth| in MCSE units for the expectation of f. */
function zScore(result: NutsResult, f: (x: Float64Array) => number, truth: number): number {
  const draws = column(result, f);
  return Math.abs(mean(draws) - truth) / mcseMean(draws);
}

describe('runNuts recovers known posteriors', () => {
  test('100-D standard normal, diag metric: means and variances within 4 MCSE', () => {
    const D = 100;
    const result = runNuts(standardNormal(D), { chains: 4, warmup: 1000, samples: 1000, seed: 2024, metric: 'diag' });
    expect(result.draws.map((c) => c.length)).toEqual([1000, 1000, 1000, 1000]);
    let worstMean = 0;
    let worstVar = 0;
    for (let i = 0; i < D; i++) {
      worstMean = Math.max(
        worstMean,
        zScore(result, (x) => x[i], 0),
      );
      worstVar = Math.max(
        worstVar,
        zScore(result, (x) => x[i] * x[i], 1),
      );
    }
    expect(worstMean).toBeLessThan(4);
    expect(worstVar).toBeLessThan(4);
    // The adapted diagonal inverse metric estimates the unit variances. Each chain's
    // comes from its last 500-draw window (sd about 0.09 per entry), so compare the
    // chains' average entry by entry (within 20%) and the overall mean (within 3%).
    const invs = result.inverseMetric as Float64Array[];
    let total = 0;
    for (let i = 0; i < D; i++) {
      const avg = invs.reduce((s, inv) => s + inv[i], 0) / invs.length;
      expect(Math.abs(avg - 1)).toBeLessThan(0.2);
      total += avg;
    }
    expect(Math.abs(total / D - 1)).toBeLessThan(0.03);
  });

  test('10-D Gaussian with correlation 0.99, dense metric: moments and adapted metric', () => {
    const D = 10;
    const rho = 0.99;
    const sigma = [0.5, 1, 2, 5, 10, 0.5, 1, 2, 5, 10];
    // Equicorrelation R = (1 - rho) I + rho 11^T has R^{-1} = (I - rho/(1 + (D-1) rho) 11^T) / (1 - rho).
    const precision = new Float64Array(D * D);
    const covariance = new Float64Array(D * D);
    const k = rho / (1 + (D - 1) * rho);
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < D; j++) {
        const rInv = ((i === j ? 1 : 0) - k) / (1 - rho);
        precision[i * D + j] = rInv / (sigma[i] * sigma[j]);
        covariance[i * D + j] = (i === j ? 1 : rho) * sigma[i] * sigma[j];
      }
    }
    const result = runNuts(gaussianWithPrecision(D, precision), {
      chains: 4,
      warmup: 1000,
      samples: 1000,
      seed: 77,
      metric: 'dense',
    });
    for (let i = 0; i < D; i++) {
      expect(zScore(result, (x) => x[i], 0)).toBeLessThan(4);
      expect(zScore(result, (x) => x[i] * x[i], covariance[i * D + i])).toBeLessThan(4);
    }
    // Adapted metric vs the true covariance, on the correlation scale. Each chain's
    // estimate comes from one 500-draw window (sd about 0.09 there, and the entries
    // move together), so the chains' average must be within 20% and each chain within 35%.
    const chainsRows = result.inverseMetric as Float64Array[][];
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < D; j++) {
        const truth = covariance[i * D + j];
        const scale = Math.sqrt(covariance[i * D + i] * covariance[j * D + j]);
        let avg = 0;
        for (const rows of chainsRows) {
          expect(rows.length).toBe(D);
          expect(Math.abs(rows[i][j] - truth)).toBeLessThan(0.35 * scale);
          avg += rows[i][j] / chainsRows.length;
        }
        expect(Math.abs(avg - truth)).toBeLessThan(0.2 * scale);
      }
    }
    // With the covariance learned, trees are shallow again.
    const depths = result.stats.flatMap((s) => Array.from(s.treedepth__));
    expect(mean([depths])).toBeLessThan(4);
  });

  test('skewed 1-D target: log of a Gamma(3) variate', () => {
    const digamma3 = 1.5 - 0.5772156649015329;
    const trigamma3 = Math.PI ** 2 / 6 - 1.25;
    const result = runNuts(logGamma(3), { chains: 4, warmup: 500, samples: 2000, seed: 5 });
    expect(zScore(result, (x) => x[0], digamma3)).toBeLessThan(4);
    expect(zScore(result, (x) => (x[0] - digamma3) ** 2, trigamma3)).toBeLessThan(4);
  });

  test('hard support boundary: unevaluable states are rejected as divergences, moments stay right', () => {
    const result = runNuts(halfNormalWall(), { chains: 4, warmup: 500, samples: 2000, seed: 11, initRadius: 1 });
    for (const chain of result.draws) for (const x of chain) expect(x[0]).toBeGreaterThan(0);
    expect(zScore(result, (x) => x[0], Math.sqrt(2 / Math.PI))).toBeLessThan(4);
    expect(zScore(result, (x) => x[0] * x[0], 1)).toBeLessThan(4);
    const divergent = result.stats.reduce((s, c) => s + c.divergent__.reduce((a, b) => a + b, 0), 0);
    expect(divergent).toBeGreaterThan(0);
  });
});
