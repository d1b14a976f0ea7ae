// Matrix transforms: cholesky_factor_corr, corr_matrix (both via canonical partial
// correlations), cholesky_factor_cov, cov_matrix, column/row stochastic matrices and
// sum_to_zero_matrix. Element orders and Jacobians follow Stan math's *_constrain code
// (which the reference manual's prose does not always match): constrained values are
// written row-major.
import { CONSTRAINT_TOLERANCE, ConstraintError, fmt } from './checks.js';
import { SimplexCore, checkSumToZero, stzBackward, stzForward, stzFree } from './vectors.js';
import type { Structured } from './structured.js';

const LOG_FOUR = Math.log(4);
const LOG_TWO = Math.log(2);

// ---------------------------------------------------------------------------------------
// Canonical partial correlations → Cholesky factor of a correlation matrix.
// Row i of L from the partial correlations z_ij = tanh(y_ij), j < i:
//   L_ij = z_ij sqrt(P_ij),  L_ii = sqrt(P_ii),  P_i0 = 1,  P_i,j+1 = P_ij (1 - z_ij²).
// Both Stan transforms build L this way; they differ in the order y is read and in the
// Jacobian, which in both cases is Σ w_ij log(1 - z_ij²) for per-entry weights w_ij.

class CpcCore {
  /** Position in the free vector of the partial correlation (i, j), j < i. */
  private readonly pos: Int32Array;
  private readonly weight: Float64Array;
  private readonly P: Float64Array;
  private readonly z: Float64Array;
  private readonly q: Float64Array;

  constructor(readonly K: number, order: 'rows' | 'columns', weightOf: (i: number, j: number) => number) {
    this.pos = new Int32Array(K * K).fill(-1);
    this.weight = new Float64Array(K * K);
    let k = 0;
    if (order === 'rows') {
      for (let i = 1; i < K; i++) for (let j = 0; j < i; j++) this.pos[i * K + j] = k++;
    } else {
      for (let j = 0; j < K - 1; j++) for (let i = j + 1; i < K; i++) this.pos[i * K + j] = k++;
    }
    for (let i = 1; i < K; i++) for (let j = 0; j < i; j++) this.weight[i * K + j] = weightOf(i, j);
    this.P = new Float64Array(K + 1);
    this.z = new Float64Array(K);
    this.q = new Float64Array(K);
  }

  /** Writes L (K×K row-major) at L[lo..]; returns log|J|. */
  forward(y: Float64Array, yo: number, L: Float64Array, lo: number): number {
    const K = this.K;
    let lj = 0;
    for (let i = 0; i < K; i++) {
      let P = 1;
      const row = lo + i * K;
      for (let j = 0; j < i; j++) {
        const v = y[yo + this.pos[i * K + j]];
        const e = Math.exp(-2 * Math.abs(v));
        // 1 - tanh² = 4e/(1+e)², kept accurate where tanh rounds to ±1.
        const q = (4 * e) / ((1 + e) * (1 + e));
        L[row + j] = Math.tanh(v) * Math.sqrt(P);
        P *= q;
        lj += this.weight[i * K + j] * (LOG_FOUR - 2 * Math.abs(v) - 2 * Math.log1p(e));
      }
      L[row + i] = Math.sqrt(P);
      for (let j = i + 1; j < K; j++) L[row + j] = 0;
    }
    return lj;
  }

  /** Adds to gy the adjoint of y given gL (K×K row-major at glo, lower triangle read) and gl. */
  backward(y: Float64Array, yo: number, gL: Float64Array, glo: number, gl: number, gy: Float64Array): void {
    const K = this.K;
    const { P, z, q } = this;
    for (let i = 1; i < K; i++) {
      P[0] = 1;
      for (let j = 0; j < i; j++) {
        const v = y[yo + this.pos[i * K + j]];
        const e = Math.exp(-2 * Math.abs(v));
        z[j] = Math.tanh(v);
        q[j] = (4 * e) / ((1 + e) * (1 + e));
        P[j + 1] = P[j] * q[j];
      }
      const row = glo + i * K;
      // gP: adjoint of P_i,j+1 while walking j downwards.
      let gP = (0.5 * gL[row + i]) / Math.sqrt(P[i]);
      for (let j = i - 1; j >= 0; j--) {
        const sp = Math.sqrt(P[j]);
        const g = gL[row + j];
        const gq = gP * P[j];
        const p = yo + this.pos[i * K + j];
        gy[p] += g * sp * q[j] - 2 * q[j] * z[j] * gq - 2 * this.weight[i * K + j] * z[j] * gl;
        gP = gP * q[j] + (0.5 * g * z[j]) / sp;
      }
    }
  }

  /** Free values from a valid Cholesky factor L (row-major at lo): y_ij = atanh(L_ij / sqrt(1 - Σ_{m<j} L_im²)). */
  free(what: string, L: ArrayLike<number>, lo: number, out: Float64Array, oo: number): void {
    const K = this.K;
    for (let i = 1; i < K; i++) {
      let sumSq = 0;
      for (let j = 0; j < i; j++) {
        const l = L[lo + i * K + j];
        const zz = l / Math.sqrt(1 - sumSq);
        if (!(Math.abs(zz) < 1)) {
          throw new ConstraintError(`${what} is degenerate: its partial correlation [${i + 1}, ${j + 1}] is ${fmt(zz)}, but must be in (-1, 1)`);
        }
        out[oo + this.pos[i * K + j]] = Math.atanh(zz);
        sumSq += l * l;
      }
    }
  }
}

/** L Lᵀ for lower-triangular L (K×K row-major), written to S[so..] (full, symmetric). */
function lowerSelfTranspose(L: Float64Array, lo: number, K: number, S: Float64Array, so: number): void {
  for (let i = 0; i < K; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let m = 0; m <= j; m++) s += L[lo + i * K + m] * L[lo + j * K + m];
      S[so + i * K + j] = s;
      S[so + j * K + i] = s;
    }
  }
}

/** gL = (gS + gSᵀ) L on the lower triangle, for S = L Lᵀ. */
function lowerSelfTransposeBackward(L: Float64Array, K: number, gS: Float64Array, gso: number, gL: Float64Array): void {
  for (let i = 0; i < K; i++) {
    for (let m = 0; m <= i; m++) {
      let s = 0;
      for (let j = m; j < K; j++) s += (gS[gso + i * K + j] + gS[gso + j * K + i]) * L[j * K + m];
      gL[i * K + m] = s;
    }
  }
}

/** Cholesky factor of a symmetric K×K matrix (lower triangle read), or null when not positive definite. */
function cholesky(A: ArrayLike<number>, ao: number, K: number): Float64Array | null {
  const L = new Float64Array(K * K);
  for (let j = 0; j < K; j++) {
    let d = A[ao + j * K + j];
    for (let m = 0; m < j; m++) d -= L[j * K + m] * L[j * K + m];
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    L[j * K + j] = ljj;
    for (let i = j + 1; i < K; i++) {
      let s = A[ao + i * K + j];
      for (let m = 0; m < j; m++) s -= L[i * K + m] * L[j * K + m];
      L[i * K + j] = s / ljj;
    }
  }
  return L;
}

function checkSymmetric(what: string, x: ArrayLike<number>, xo: number, K: number): void {
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < i; j++) {
      const a = x[xo + i * K + j];
      const b = x[xo + j * K + i];
      if (!(Math.abs(a - b) <= CONSTRAINT_TOLERANCE)) {
        throw new ConstraintError(`${what} is not symmetric: element [${i + 1}, ${j + 1}] is ${fmt(a)} but [${j + 1}, ${i + 1}] is ${fmt(b)}`);
      }
    }
  }
}

function checkLowerTriangular(what: string, x: ArrayLike<number>, xo: number, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    for (let j = i + 1; j < cols; j++) {
      const v = x[xo + i * cols + j];
      if (v !== 0) throw new ConstraintError(`${what} is not lower triangular: element [${i + 1}, ${j + 1}] is ${fmt(v)}, but must be 0`);
    }
  }
  for (let i = 0; i < Math.min(rows, cols); i++) {
    const v = x[xo + i * cols + i];
    if (!(v > 0)) throw new ConstraintError(`${what} has diagonal element [${i + 1}, ${i + 1}] = ${fmt(v)}, but it must be positive`);
  }
}

// ---------------------------------------------------------------------------------------
// cholesky_factor_corr[K]: partial correlations read row by row ((1,0), (2,0), (2,1), ...);
// log|J| = Σ log(1 - z²) + ½ Σ_i Σ_{0<j<i} log(1 - Σ_{m<j} L_im²), i.e. w_ij = 1 + (i-1-j)/2.

export function choleskyFactorCorr(K: number): Structured {
  const core = new CpcCore(K, 'rows', (i, j) => 1 + 0.5 * (i - 1 - j));
  return {
    name: 'cholesky_factor_corr',
    free: K > 1 ? (K * (K - 1)) / 2 : 0,
    size: K * K,
    forward: (y, yo, x, xo) => core.forward(y, yo, x, xo),
    backward: (y, yo, _x, gx, xo, gl, gy) => core.backward(y, yo, gx, xo, gl, gy),
    unconstrain(label, x, xo, out, oo) {
      const what = `'${label}' (a cholesky_factor_corr)`;
      checkLowerTriangular(what, x, xo, K, K);
      for (let i = 0; i < K; i++) {
        let s = 0;
        for (let j = 0; j <= i; j++) s += x[xo + i * K + j] * x[xo + i * K + j];
        if (!(Math.abs(s - 1) <= CONSTRAINT_TOLERANCE)) {
          throw new ConstraintError(`${what} row ${i + 1} has squared length ${fmt(s)}, but every row must have length 1`);
        }
      }
      core.free(what, x, xo, out, oo);
    },
  };
}

// ---------------------------------------------------------------------------------------
// corr_matrix[K]: partial correlations read column by column ((1,0), (2,0), ..., (2,1), ...),
// Ω = L Lᵀ; log|J| = Σ log(1 - z²) + ½ Σ_j (K-2-j) Σ_{i>j} log(1 - z_ij²).

export function corrMatrix(K: number): Structured {
  const core = new CpcCore(K, 'columns', (_i, j) => 1 + 0.5 * (K - 2 - j));
  const L = new Float64Array(K * K);
  const gL = new Float64Array(K * K);
  return {
    name: 'corr_matrix',
    free: K > 1 ? (K * (K - 1)) / 2 : 0,
    size: K * K,
    forward(y, yo, x, xo) {
      const lj = core.forward(y, yo, L, 0);
      lowerSelfTranspose(L, 0, K, x, xo);
      return lj;
    },
    backward(y, yo, _x, gx, xo, gl, gy) {
      core.forward(y, yo, L, 0);
      lowerSelfTransposeBackward(L, K, gx, xo, gL);
      core.backward(y, yo, gL, 0, gl, gy);
    },
    unconstrain(label, x, xo, out, oo) {
      const what = `'${label}' (a corr_matrix)`;
      checkSymmetric(what, x, xo, K);
      for (let i = 0; i < K; i++) {
        const d = x[xo + i * K + i];
        if (!(Math.abs(d - 1) <= CONSTRAINT_TOLERANCE)) {
          throw new ConstraintError(`${what} has diagonal element [${i + 1}, ${i + 1}] = ${fmt(d)}, but it must be 1`);
        }
      }
      // Rescale to an exact unit diagonal (as Stan's factor_cov_matrix), then factor.
      const R = new Float64Array(K * K);
      for (let i = 0; i < K; i++) {
        for (let j = 0; j < K; j++) {
          R[i * K + j] = i === j ? 1 : x[xo + i * K + j] / Math.sqrt(x[xo + i * K + i] * x[xo + j * K + j]);
        }
      }
      const chol = cholesky(R, 0, K);
      if (chol === null) throw new ConstraintError(`${what} is not positive definite`);
      core.free(what, chol, 0, out, oo);
    },
  };
}

// ---------------------------------------------------------------------------------------
// cholesky_factor_cov[M, N] (M ≥ N): rows of the lower triangle in order (diagonal as
// exp(y)), then the M-N full rows below; log|J| = Σ of the diagonal's y.

export function choleskyFactorCov(M: number, N: number): Structured {
  const tri = (N * (N + 1)) / 2;
  return {
    name: 'cholesky_factor_cov',
    free: tri + (M - N) * N,
    size: M * N,
    forward(y, yo, x, xo) {
      let p = yo;
      let lj = 0;
      for (let i = 0; i < N; i++) {
        const row = xo + i * N;
        for (let j = 0; j < i; j++) x[row + j] = y[p++];
        lj += y[p];
        x[row + i] = Math.exp(y[p++]);
        for (let j = i + 1; j < N; j++) x[row + j] = 0;
      }
      for (let i = N; i < M; i++) for (let j = 0; j < N; j++) x[xo + i * N + j] = y[p++];
      return lj;
    },
    backward(_y, yo, x, gx, xo, gl, gy) {
      let p = yo;
      for (let i = 0; i < N; i++) {
        const row = xo + i * N;
        for (let j = 0; j < i; j++) gy[p++] += gx[row + j];
        gy[p++] += gx[row + i] * x[row + i] + gl;
      }
      for (let i = N; i < M; i++) for (let j = 0; j < N; j++) gy[p++] += gx[xo + i * N + j];
    },
    unconstrain(label, x, xo, out, oo) {
      checkLowerTriangular(`'${label}' (a cholesky_factor_cov)`, x, xo, M, N);
      let p = oo;
      for (let i = 0; i < N; i++) {
        for (let j = 0; j < i; j++) out[p++] = x[xo + i * N + j];
        out[p++] = Math.log(x[xo + i * N + i]);
      }
      for (let i = N; i < M; i++) for (let j = 0; j < N; j++) out[p++] = x[xo + i * N + j];
    },
  };
}

// ---------------------------------------------------------------------------------------
// cov_matrix[K]: L's lower triangle row by row including the diagonal (as exp(y)),
// Σ = L Lᵀ; log|J| = K log 2 + Σ_k (K - k + 1) y_kk (k from 0), Stan math's constant included.

export function covMatrix(K: number): Structured {
  const L = new Float64Array(K * K);
  const gL = new Float64Array(K * K);
  const fillL = (y: Float64Array, yo: number): number => {
    let p = yo;
    let lj = K * LOG_TWO;
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < i; j++) L[i * K + j] = y[p++];
      lj += (K - i + 1) * y[p];
      L[i * K + i] = Math.exp(y[p++]);
      for (let j = i + 1; j < K; j++) L[i * K + j] = 0;
    }
    return lj;
  };
  return {
    name: 'cov_matrix',
    free: (K * (K + 1)) / 2,
    size: K * K,
    forward(y, yo, x, xo) {
      const lj = fillL(y, yo);
      lowerSelfTranspose(L, 0, K, x, xo);
      return lj;
    },
    backward(y, yo, _x, gx, xo, gl, gy) {
      fillL(y, yo);
      lowerSelfTransposeBackward(L, K, gx, xo, gL);
      let p = yo;
      for (let i = 0; i < K; i++) {
        for (let j = 0; j < i; j++) gy[p++] += gL[i * K + j];
        gy[p++] += gL[i * K + i] * L[i * K + i] + gl * (K - i + 1);
      }
    },
    unconstrain(label, x, xo, out, oo) {
      const what = `'${label}' (a cov_matrix)`;
      checkSymmetric(what, x, xo, K);
      const chol = cholesky(x, xo, K);
      if (chol === null) throw new ConstraintError(`${what} is not positive definite`);
      let p = oo;
      for (let i = 0; i < K; i++) {
        for (let j = 0; j < i; j++) out[p++] = chol[i * K + j];
        out[p++] = Math.log(chol[i * K + i]);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------
// Stochastic matrices (Stan 2.36): every column (row) a simplex, by the same stick-breaking
// transform as simplex. The free values form a (N-1)×M (N×(M-1)) matrix read column-major.

export function columnStochastic(N: number, M: number): Structured {
  const core = new SimplexCore(N);
  const F = N - 1;
  return {
    name: 'column_stochastic_matrix',
    free: F * M,
    size: N * M,
    forward(y, yo, x, xo) {
      let lj = 0;
      for (let j = 0; j < M; j++) lj += core.forward(y, yo + j * F, 1, x, xo + j, M);
      return lj;
    },
    backward(y, yo, _x, gx, xo, gl, gy) {
      for (let j = 0; j < M; j++) core.backward(y, yo + j * F, 1, gx, xo + j, M, gl, gy);
    },
    unconstrain(label, x, xo, out, oo) {
      for (let j = 0; j < M; j++) {
        core.check(`column ${j + 1} of '${label}'`, x, xo + j, M);
        core.free(x, xo + j, M, out, oo + j * F, 1);
      }
    },
  };
}

export function rowStochastic(N: number, M: number): Structured {
  const core = new SimplexCore(M);
  return {
    name: 'row_stochastic_matrix',
    free: N * (M - 1),
    size: N * M,
    forward(y, yo, x, xo) {
      let lj = 0;
      for (let i = 0; i < N; i++) lj += core.forward(y, yo + i, N, x, xo + i * M, 1);
      return lj;
    },
    backward(y, yo, _x, gx, xo, gl, gy) {
      for (let i = 0; i < N; i++) core.backward(y, yo + i, N, gx, xo + i * M, 1, gl, gy);
    },
    unconstrain(label, x, xo, out, oo) {
      for (let i = 0; i < N; i++) {
        core.check(`row ${i + 1} of '${label}'`, x, xo + i * M, 1);
        core.free(x, xo + i * M, 1, out, oo + i, N);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------
// sum_to_zero_matrix[N, M]: Z = V_N X V_Mᵀ with the sum_to_zero_vector basis V applied down
// the columns of the (N-1)×(M-1) free matrix X (read column-major), then along the rows —
// the tensor-product construction of the Stan docs. Linear and isometric: log|J| = 0.

export function sumToZeroMatrix(N: number, M: number): Structured {
  const n = N - 1;
  const m = M - 1;
  const T = new Float64Array(N * m);
  const gT = new Float64Array(N * m);
  return {
    name: 'sum_to_zero_matrix',
    free: n * m,
    size: N * M,
    forward(y, yo, x, xo) {
      for (let j = 0; j < m; j++) stzForward(y, yo + j * n, 1, n, T, j, m);
      for (let i = 0; i < N; i++) stzForward(T, i * m, 1, m, x, xo + i * M, 1);
      return 0;
    },
    backward(_y, yo, _x, gx, xo, _gl, gy) {
      gT.fill(0);
      for (let i = 0; i < N; i++) stzBackward(gx, xo + i * M, 1, m, gT, i * m, 1);
      for (let j = 0; j < m; j++) stzBackward(gT, j, m, n, gy, yo + j * n, 1);
    },
    unconstrain(label, x, xo, out, oo) {
      for (let i = 0; i < N; i++) checkSumToZero(`row ${i + 1} of '${label}'`, x, xo + i * M, 1, M);
      for (let j = 0; j < M; j++) checkSumToZero(`column ${j + 1} of '${label}'`, x, xo + j, M, N);
      for (let i = 0; i < N; i++) stzFree(x, xo + i * M, 1, m, T, i * m, 1);
      for (let j = 0; j < m; j++) stzFree(T, j, m, n, out, oo + j * n, 1);
    },
  };
}
