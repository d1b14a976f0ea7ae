/**
 * Euclidean metrics: kinetic energy K(p) = p' M^{-1} p / 2, its gradient (the
 * velocity M^{-1} p, Stan's dtau_dp / "p sharp"), and momentum draws p ~ N(0, M).
 * The metric is parameterised by its inverse, which is what adaptation estimates.
 */

import type { Random } from '../runtime/random.js';
import { SamplerError } from './errors.js';
import type { MetricKind } from './types.js';

export interface Metric {
  readonly kind: MetricKind;
  readonly dimension: number;
  /** out = M^{-1} p. */
  velocity(p: Float64Array, out: Float64Array): void;
  /** out ~ N(0, M). */
  sampleMomentum(rng: Random, out: Float64Array): void;
  /**
   * First half of a leapfrog step, with the same arithmetic as `leapfrogOpen`:
   * p += (eps/2) grad; q += eps M^{-1} p; the new q is also copied to out[offset, offset + D)
   * (the batch row the density reads). One pass over the vectors for a diagonal metric.
   */
  openStep(q: Float64Array, p: Float64Array, grad: Float64Array, eps: number, out: Float64Array, offset: number): void;
  /**
   * Second half of a leapfrog step: copies the new gradient from src[offset, offset + D) into
   * `grad`, p += (eps/2) grad, sharp = M^{-1} p; returns the kinetic energy K(p) (summed in
   * the same order as `kineticEnergy`, so the result is bit-identical).
   */
  closeStep(p: Float64Array, grad: Float64Array, src: Float64Array, offset: number, eps: number, sharp: Float64Array): number;
  /** A copy of the inverse metric: diag → Float64Array, dense → rows. */
  inverseMetric(): Float64Array | Float64Array[];
}

/** K(p) given the velocity v = M^{-1} p. */
export function kineticEnergy(p: Float64Array, v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += p[i] * v[i];
  return 0.5 * s;
}

export class DiagMetric implements Metric {
  readonly kind = 'diag' as const;
  readonly dimension: number;
  private readonly inv: Float64Array;
  /** 1/sqrt(inverse metric): scales standard normals into momenta. */
  private readonly momentumScale: Float64Array;

  constructor(inverseDiag: Float64Array) {
    this.dimension = inverseDiag.length;
    this.inv = new Float64Array(this.dimension);
    this.momentumScale = new Float64Array(this.dimension);
    this.setInverse(inverseDiag);
  }

  static identity(dimension: number): DiagMetric {
    return new DiagMetric(new Float64Array(dimension).fill(1));
  }

  setInverse(inverseDiag: Float64Array): void {
    if (inverseDiag.length !== this.dimension) {
      throw new SamplerError(`diagonal inverse metric must have ${this.dimension} entries, got ${inverseDiag.length}`);
    }
    for (let i = 0; i < this.dimension; i++) {
      const x = inverseDiag[i];
      if (!(x > 0) || !Number.isFinite(x)) {
        throw new SamplerError(`diagonal inverse metric entry ${i + 1} must be positive and finite, got ${x}`);
      }
      this.inv[i] = x;
      this.momentumScale[i] = 1 / Math.sqrt(x);
    }
  }

  velocity(p: Float64Array, out: Float64Array): void {
    const inv = this.inv;
    for (let i = 0; i < inv.length; i++) out[i] = inv[i] * p[i];
  }

  sampleMomentum(rng: Random, out: Float64Array): void {
    const scale = this.momentumScale;
    for (let i = 0; i < scale.length; i++) out[i] = scale[i] * rng.normal();
  }

  openStep(q: Float64Array, p: Float64Array, grad: Float64Array, eps: number, out: Float64Array, offset: number): void {
    const inv = this.inv;
    const half = 0.5 * eps;
    for (let i = 0; i < inv.length; i++) {
      const pi = p[i] + half * grad[i];
      p[i] = pi;
      const qi = q[i] + eps * (inv[i] * pi);
      q[i] = qi;
      out[offset + i] = qi;
    }
  }

  closeStep(p: Float64Array, grad: Float64Array, src: Float64Array, offset: number, eps: number, sharp: Float64Array): number {
    const inv = this.inv;
    const half = 0.5 * eps;
    let s = 0;
    for (let i = 0; i < inv.length; i++) {
      const g = src[offset + i];
      grad[i] = g;
      const pi = p[i] + half * g;
      p[i] = pi;
      const v = inv[i] * pi;
      sharp[i] = v;
      s += pi * v;
    }
    return 0.5 * s;
  }

  inverseMetric(): Float64Array {
    return Float64Array.from(this.inv);
  }
}

/**
 * Lower Cholesky factor of a symmetric positive-definite row-major matrix, in place
 * into `L` (upper triangle zeroed). Returns false if the matrix is not positive definite.
 */
export function choleskyLower(A: Float64Array, n: number, L: Float64Array): boolean {
  L.fill(0);
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j];
    for (let k = 0; k < j; k++) d -= L[j * n + k] * L[j * n + k];
    if (!(d > 0) || !Number.isFinite(d)) return false;
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = s / ljj;
    }
  }
  return true;
}

export class DenseMetric implements Metric {
  readonly kind = 'dense' as const;
  readonly dimension: number;
  /** Inverse metric, row-major D x D. */
  private readonly inv: Float64Array;
  /** Lower Cholesky factor of the inverse metric; p = L^{-T} z has covariance M. */
  private readonly chol: Float64Array;
  private readonly z: Float64Array;
  /** Scratch velocity of `openStep`. */
  private readonly v: Float64Array;

  constructor(inverse: Float64Array, dimension: number) {
    this.dimension = dimension;
    this.inv = new Float64Array(dimension * dimension);
    this.chol = new Float64Array(dimension * dimension);
    this.z = new Float64Array(dimension);
    this.v = new Float64Array(dimension);
    this.setInverse(inverse);
  }

  static identity(dimension: number): DenseMetric {
    const I = new Float64Array(dimension * dimension);
    for (let i = 0; i < dimension; i++) I[i * dimension + i] = 1;
    return new DenseMetric(I, dimension);
  }

  /** Sets the inverse metric (row-major D x D, symmetric positive definite). */
  setInverse(inverse: Float64Array): void {
    const n = this.dimension;
    if (inverse.length !== n * n) {
      throw new SamplerError(`dense inverse metric must be ${n} x ${n}, got ${inverse.length} entries`);
    }
    for (let i = 0; i < n * n; i++) {
      if (!Number.isFinite(inverse[i])) {
        throw new SamplerError(
          `dense inverse metric has a non-finite entry at row ${Math.floor(i / n) + 1}, column ${(i % n) + 1}`,
        );
      }
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const a = inverse[i * n + j];
        const b = inverse[j * n + i];
        if (Math.abs(a - b) > 1e-8 * Math.max(Math.abs(a), Math.abs(b), 1e-300)) {
          throw new SamplerError(
            `dense inverse metric is not symmetric: entry (${i + 1}, ${j + 1}) is ${a} but (${j + 1}, ${i + 1}) is ${b}`,
          );
        }
      }
    }
    const L = new Float64Array(n * n);
    if (!choleskyLower(inverse, n, L)) {
      throw new SamplerError('dense inverse metric is not symmetric positive definite');
    }
    this.inv.set(inverse);
    this.chol.set(L);
  }

  velocity(p: Float64Array, out: Float64Array): void {
    const n = this.dimension;
    const A = this.inv;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const row = i * n;
      for (let j = 0; j < n; j++) s += A[row + j] * p[j];
      out[i] = s;
    }
  }

  sampleMomentum(rng: Random, out: Float64Array): void {
    const n = this.dimension;
    const L = this.chol;
    const z = this.z;
    for (let i = 0; i < n; i++) z[i] = rng.normal();
    // Back-substitution L^T p = z.
    for (let i = n - 1; i >= 0; i--) {
      let s = z[i];
      for (let j = i + 1; j < n; j++) s -= L[j * n + i] * out[j];
      out[i] = s / L[i * n + i];
    }
  }

  openStep(q: Float64Array, p: Float64Array, grad: Float64Array, eps: number, out: Float64Array, offset: number): void {
    const n = this.dimension;
    const half = 0.5 * eps;
    for (let i = 0; i < n; i++) p[i] += half * grad[i];
    const v = this.v;
    this.velocity(p, v);
    for (let i = 0; i < n; i++) {
      const qi = q[i] + eps * v[i];
      q[i] = qi;
      out[offset + i] = qi;
    }
  }

  closeStep(p: Float64Array, grad: Float64Array, src: Float64Array, offset: number, eps: number, sharp: Float64Array): number {
    const n = this.dimension;
    const half = 0.5 * eps;
    for (let i = 0; i < n; i++) {
      const g = src[offset + i];
      grad[i] = g;
      p[i] += half * g;
    }
    this.velocity(p, sharp);
    return kineticEnergy(p, sharp);
  }

  inverseMetric(): Float64Array[] {
    const n = this.dimension;
    const rows: Float64Array[] = [];
    for (let i = 0; i < n; i++) rows.push(this.inv.slice(i * n, (i + 1) * n));
    return rows;
  }
}

/** A metric of the given kind from an optional user-supplied inverse (identity when omitted). */
export function createMetric(
  kind: MetricKind,
  dimension: number,
  inverse?: Float64Array | readonly Float64Array[],
): DiagMetric | DenseMetric {
  if (kind === 'diag') {
    if (inverse === undefined) return DiagMetric.identity(dimension);
    if (!(inverse instanceof Float64Array)) {
      throw new SamplerError('a diagonal inverse metric must be a single vector, not a matrix');
    }
    return new DiagMetric(inverse);
  }
  if (inverse === undefined) return DenseMetric.identity(dimension);
  if (inverse instanceof Float64Array) {
    throw new SamplerError('a dense inverse metric must be given as matrix rows');
  }
  if (inverse.length !== dimension) {
    throw new SamplerError(`dense inverse metric must have ${dimension} rows, got ${inverse.length}`);
  }
  const flat = new Float64Array(dimension * dimension);
  inverse.forEach((row, i) => {
    if (row.length !== dimension) {
      throw new SamplerError(
        `row ${i + 1} of the dense inverse metric must have ${dimension} entries, got ${row.length}`,
      );
    }
    flat.set(row, i * dimension);
  });
  return new DenseMetric(flat, dimension);
}
