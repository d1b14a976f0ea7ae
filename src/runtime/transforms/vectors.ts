// Vector transforms: simplex (stick-breaking), sum_to_zero_vector (isometric), ordered,
// positive_ordered, unit_vector. The simplex and sum-to-zero cores take strides so the matrix
// transforms (stochastic matrices, sum_to_zero_matrix) reuse them on rows and columns.
import { RuntimeError } from '../errors.js';
import { CONSTRAINT_TOLERANCE, ConstraintError, fmt } from './checks.js';
import type { Structured } from './structured.js';

// ---------------------------------------------------------------------------------------
// Simplex. Stan 2.21's centered stick-breaking transform (Stan ≥ 2.37 uses an ILR/softmax
// map instead; the oracle fixtures come from rstan 2.21, so this is the one implemented):
//   z_k = inv_logit(y_k - log(K-1-k)),  x_k = stick_k z_k,  stick_{k+1} = stick_k - x_k,
//   x_{K-1} = stick_{K-1},  log|J| = Σ_k [log stick_k + log z_k + log(1 - z_k)].

/** Stick-breaking over strided storage, with scratch for the backward pass. */
export class SimplexCore {
  private readonly offsets: Float64Array;
  private readonly stick: Float64Array;
  private readonly z: Float64Array;
  private readonly zc: Float64Array;

  /** K is the simplex size (K - 1 free values). */
  constructor(readonly K: number) {
    const n = Math.max(0, K - 1);
    this.offsets = new Float64Array(n);
    for (let k = 0; k < n; k++) this.offsets[k] = Math.log(n - k);
    this.stick = new Float64Array(n);
    this.z = new Float64Array(n);
    this.zc = new Float64Array(n);
  }

  forward(y: Float64Array, yo: number, ys: number, x: Float64Array, xo: number, xs: number): number {
    const n = this.K - 1;
    let stick = 1;
    let lj = 0;
    for (let k = 0; k < n; k++) {
      const a = y[yo + k * ys] - this.offsets[k];
      const t = Math.exp(-Math.abs(a));
      const z = a > 0 ? 1 / (1 + t) : t / (1 + t);
      const xk = stick * z;
      x[xo + k * xs] = xk;
      lj += Math.log(stick) - Math.abs(a) - 2 * Math.log1p(t);
      stick -= xk;
    }
    x[xo + n * xs] = stick;
    return lj;
  }

  backward(
    y: Float64Array, yo: number, ys: number, gx: Float64Array, xo: number, xs: number,
    gl: number, gy: Float64Array,
  ): void {
    const n = this.K - 1;
    const { stick, z, zc } = this;
    let s = 1;
    for (let k = 0; k < n; k++) {
      const a = y[yo + k * ys] - this.offsets[k];
      const t = Math.exp(-Math.abs(a));
      z[k] = a > 0 ? 1 / (1 + t) : t / (1 + t);
      zc[k] = a > 0 ? t / (1 + t) : 1 / (1 + t);
      stick[k] = s;
      s -= s * z[k];
    }
    // gs: adjoint of the stick left after step k.
    let gs = gx[xo + n * xs];
    for (let k = n - 1; k >= 0; k--) {
      const gxk = gx[xo + k * xs] - gs;
      const gz = gxk * stick[k];
      gs += gxk * z[k] + gl / stick[k];
      gy[yo + k * ys] += gz * z[k] * zc[k] + gl * (zc[k] - z[k]);
    }
  }

  /** Inverse of forward for a checked simplex: y_k = log(x_k / Σ_{j>k} x_j) + log(K-1-k). */
  free(x: ArrayLike<number>, xo: number, xs: number, out: Float64Array, oo: number, os: number): void {
    const n = this.K - 1;
    let rest = x[xo + n * xs];
    for (let k = n - 1; k >= 0; k--) {
      const xk = x[xo + k * xs];
      out[oo + k * os] = Math.log(xk) - Math.log(rest) + this.offsets[k];
      rest += xk;
    }
  }

  /** Stan's check_simplex, plus strictly positive elements (zeros map to infinite free values). */
  check(what: string, x: ArrayLike<number>, xo: number, xs: number): void {
    let sum = 0;
    for (let k = 0; k < this.K; k++) {
      const v = x[xo + k * xs];
      if (!(v >= 0)) throw new ConstraintError(`${what} is not a simplex: element ${k + 1} is ${fmt(v)}, but must be ≥ 0`);
      sum += v;
    }
    if (!(Math.abs(sum - 1) <= CONSTRAINT_TOLERANCE)) {
      throw new ConstraintError(`${what} is not a simplex: elements sum to ${fmt(sum)}, but must sum to 1`);
    }
    for (let k = 0; k < this.K; k++) {
      if (x[xo + k * xs] === 0) {
        throw new ConstraintError(
          `${what} has element ${k + 1} equal to 0: a parameter value must lie strictly inside the simplex (all elements > 0)`,
        );
      }
    }
  }
}

export function simplex(K: number): Structured {
  const core = new SimplexCore(K);
  return {
    name: 'simplex',
    free: K - 1,
    size: K,
    forward: (y, yo, x, xo) => core.forward(y, yo, 1, x, xo, 1),
    backward: (y, yo, _x, gx, xo, gl, gy) => core.backward(y, yo, 1, gx, xo, 1, gl, gy),
    unconstrain(label, x, xo, out, oo) {
      core.check(`'${label}'`, x, xo, 1);
      core.free(x, xo, 1, out, oo, 1);
    },
  };
}

// ---------------------------------------------------------------------------------------
// Sum to zero (Stan 2.36): z = V y for the orthonormal Helmert-type basis
//   w_i = y_{i-1} / sqrt(i(i+1)),  z_j = Σ_{i>j} w_i − j w_j   (i = 1..N, j = 0..N).
// Linear with orthonormal columns: log|J| = 0 (Stan adds nothing).

export function stzForward(y: Float64Array, yo: number, ys: number, N: number, z: Float64Array, zo: number, zs: number): void {
  let sum = 0;
  z[zo + N * zs] = 0;
  for (let i = N; i > 0; i--) {
    const w = y[yo + (i - 1) * ys] / Math.sqrt(i * (i + 1));
    z[zo + i * zs] -= w * i;
    sum += w;
    z[zo + (i - 1) * zs] = sum;
  }
}

/** Transpose of stzForward: gy_{i-1} += (Σ_{j<i} gz_j − i gz_i) / sqrt(i(i+1)). */
export function stzBackward(gz: Float64Array, zo: number, zs: number, N: number, gy: Float64Array, yo: number, ys: number): void {
  let prefix = 0;
  for (let i = 1; i <= N; i++) {
    prefix += gz[zo + (i - 1) * zs];
    gy[yo + (i - 1) * ys] += (prefix - i * gz[zo + i * zs]) / Math.sqrt(i * (i + 1));
  }
}

/** Inverse for a zero-sum z (Stan's sum_to_zero_free): w_N = -z_N/N, w_j = (Σ_{i>j} w_i − z_j)/j. */
export function stzFree(z: ArrayLike<number>, zo: number, zs: number, N: number, y: Float64Array, yo: number, ys: number): void {
  if (N === 0) return;
  let w = -z[zo + N * zs] / N;
  y[yo + (N - 1) * ys] = w * Math.sqrt(N * (N + 1));
  let sum = w;
  for (let j = N - 1; j >= 1; j--) {
    w = (sum - z[zo + j * zs]) / j;
    y[yo + (j - 1) * ys] = w * Math.sqrt(j * (j + 1));
    sum += w;
  }
}

export function checkSumToZero(what: string, x: ArrayLike<number>, xo: number, xs: number, n: number): void {
  let sum = 0;
  for (let k = 0; k < n; k++) sum += x[xo + k * xs];
  if (!(Math.abs(sum) <= CONSTRAINT_TOLERANCE)) {
    throw new ConstraintError(`${what} does not sum to zero: its elements sum to ${fmt(sum)}`);
  }
}

export function sumToZeroVector(K: number): Structured {
  const N = K - 1;
  return {
    name: 'sum_to_zero_vector',
    free: N,
    size: K,
    forward(y, yo, x, xo) {
      stzForward(y, yo, 1, N, x, xo, 1);
      return 0;
    },
    backward: (_y, yo, _x, gx, xo, _gl, gy) => stzBackward(gx, xo, 1, N, gy, yo, 1),
    unconstrain(label, x, xo, out, oo) {
      checkSumToZero(`'${label}'`, x, xo, 1, K);
      stzFree(x, xo, 1, N, out, oo, 1);
    },
  };
}

// ---------------------------------------------------------------------------------------
// Ordered: x_0 = y_0 (positive_ordered: exp(y_0)), x_k = x_{k-1} + exp(y_k);
// log|J| = Σ_{k≥1} y_k (positive_ordered: Σ_k y_k).

function orderedLike(K: number, positive: boolean): Structured {
  const name = positive ? 'positive_ordered' : 'ordered';
  return {
    name,
    free: K,
    size: K,
    forward(y, yo, x, xo) {
      if (K === 0) return 0;
      let lj = positive ? y[yo] : 0;
      let acc = positive ? Math.exp(y[yo]) : y[yo];
      x[xo] = acc;
      for (let k = 1; k < K; k++) {
        acc += Math.exp(y[yo + k]);
        x[xo + k] = acc;
        lj += y[yo + k];
      }
      return lj;
    },
    backward(y, yo, _x, gx, xo, gl, gy) {
      // ∂x_j/∂y_k = exp(y_k) for j ≥ k (k ≥ 1, or k = 0 when positive): suffix sums of gx.
      let suffix = 0;
      for (let k = K - 1; k >= 1; k--) {
        suffix += gx[xo + k];
        gy[yo + k] += suffix * Math.exp(y[yo + k]) + gl;
      }
      if (K === 0) return;
      suffix += gx[xo];
      gy[yo] += positive ? suffix * Math.exp(y[yo]) + gl : suffix;
    },
    unconstrain(label, x, xo, out, oo) {
      if (K === 0) return;
      if (positive && !(x[xo] > 0)) {
        throw new ConstraintError(`'${label}' is not a valid positive_ordered vector: element 1 is ${fmt(x[xo])}, but must be > 0`);
      }
      for (let k = 1; k < K; k++) {
        if (!(x[xo + k] > x[xo + k - 1])) {
          throw new ConstraintError(
            `'${label}' is not a valid ${name} vector: element ${k + 1} is ${fmt(x[xo + k])}, but must be greater than element ${k} (${fmt(x[xo + k - 1])})`,
          );
        }
      }
      out[oo] = positive ? Math.log(x[xo]) : x[xo];
      for (let k = 1; k < K; k++) out[oo + k] = Math.log(x[xo + k] - x[xo + k - 1]);
    },
  };
}

export const ordered = (K: number): Structured => orderedLike(K, false);
export const positiveOrdered = (K: number): Structured => orderedLike(K, true);

// ---------------------------------------------------------------------------------------
// Unit vector: x = y / |y|. The map is not a bijection; Stan makes the density proper by
// adding -|y|²/2 (a standard normal on y), counted as the "Jacobian" term.

export function unitVector(K: number): Structured {
  return {
    name: 'unit_vector',
    free: K,
    size: K,
    forward(y, yo, x, xo) {
      let sn = 0;
      for (let k = 0; k < K; k++) sn += y[yo + k] * y[yo + k];
      if (!(sn > 0 && Number.isFinite(sn))) {
        throw new RuntimeError(`unit_vector_constrain: norm is ${sn}, but must be positive finite!`);
      }
      const r = Math.sqrt(sn);
      for (let k = 0; k < K; k++) x[xo + k] = y[yo + k] / r;
      return -0.5 * sn;
    },
    backward(y, yo, x, gx, xo, gl, gy) {
      let sn = 0;
      let dot = 0;
      for (let k = 0; k < K; k++) {
        sn += y[yo + k] * y[yo + k];
        dot += gx[xo + k] * x[xo + k];
      }
      const r = Math.sqrt(sn);
      for (let k = 0; k < K; k++) gy[yo + k] += (gx[xo + k] - x[xo + k] * dot) / r - gl * y[yo + k];
    },
    unconstrain(label, x, xo, out, oo) {
      let sn = 0;
      for (let k = 0; k < K; k++) sn += x[xo + k] * x[xo + k];
      if (!(Math.abs(sn - 1) <= CONSTRAINT_TOLERANCE)) {
        throw new ConstraintError(`'${label}' is not a unit vector: the sum of squares of its elements is ${fmt(sn)}, but must be 1`);
      }
      for (let k = 0; k < K; k++) out[oo + k] = x[xo + k];
    },
  };
}
