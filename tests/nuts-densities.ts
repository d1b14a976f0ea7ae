/** Hand-written batched log densities with closed-form moments, for the sampler tests. */
import type { BatchedLogDensity } from '../src/inference/index.js';

/** Counts density calls and rows, to check batching. */
export interface Counted extends BatchedLogDensity {
  calls: number;
  rows: number;
}

function counted(dimension: number, f: (x: Float64Array, off: number, grad: Float64Array) => number): Counted {
  const d: Counted = {
    dimension,
    calls: 0,
    rows: 0,
    logDensityGradient(U, n, lp, grad) {
      d.calls++;
      d.rows += n;
      for (let r = 0; r < n; r++) lp[r] = f(U, r * dimension, grad);
    },
  };
  return d;
}

/** Independent standard normal in D dimensions. */
export function standardNormal(D: number): Counted {
  return counted(D, (U, off, grad) => {
    let s = 0;
    for (let i = 0; i < D; i++) {
      const x = U[off + i];
      s += x * x;
      grad[off + i] = -x;
    }
    return -0.5 * s;
  });
}

/** Zero-mean Gaussian with the given precision matrix (row-major D x D). */
export function gaussianWithPrecision(D: number, precision: Float64Array): Counted {
  return counted(D, (U, off, grad) => {
    let s = 0;
    for (let i = 0; i < D; i++) {
      let g = 0;
      for (let j = 0; j < D; j++) g += precision[i * D + j] * U[off + j];
      grad[off + i] = -g;
      s += U[off + i] * g;
    }
    return -0.5 * s;
  });
}

/** y = log(x), x ~ Gamma(shape, 1): p(y) ∝ exp(shape * y - e^y). E[y] = digamma(shape), Var[y] = trigamma(shape). */
export function logGamma(shape: number): Counted {
  return counted(1, (U, off, grad) => {
    const y = U[off];
    grad[off] = shape - Math.exp(y);
    return shape * y - Math.exp(y);
  });
}

/** Standard normal truncated to x > 0 by a hard wall (lp = -Infinity outside). */
export function halfNormalWall(): Counted {
  return counted(1, (U, off, grad) => {
    const x = U[off];
    if (x <= 0) {
      grad[off] = NaN;
      return -Infinity;
    }
    grad[off] = -x;
    return -0.5 * x * x;
  });
}
