// Dense linear-algebra kernels on plain row-major Float64Arrays (one chain's matrix at a time).
// No tape and no checks: the built-ins validate shapes, wrap these per chain, and record the
// analytic backward passes. Matrices are row-major: A[i*n + j] is row i, column j.

/** out[m×n] = A[m×k] · B[k×n] (out must not alias A or B). */
export function gemm(A: Float64Array, B: Float64Array, m: number, k: number, n: number, out: Float64Array): void {
  out.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const oi = i * n;
    for (let t = 0; t < k; t++) {
      const a = A[i * k + t];
      if (a === 0) continue;
      const bt = t * n;
      for (let j = 0; j < n; j++) out[oi + j] += a * B[bt + j];
    }
  }
}

/** out[m×n] += A[m×k] · B[k×n]. */
export function gemmAcc(A: Float64Array, B: Float64Array, m: number, k: number, n: number, out: Float64Array): void {
  for (let i = 0; i < m; i++) {
    const oi = i * n;
    for (let t = 0; t < k; t++) {
      const a = A[i * k + t];
      if (a === 0) continue;
      const bt = t * n;
      for (let j = 0; j < n; j++) out[oi + j] += a * B[bt + j];
    }
  }
}

/** out[m×n] = A'·B for A [k×m], B [k×n]. */
export function gemmTN(A: Float64Array, B: Float64Array, k: number, m: number, n: number, out: Float64Array): void {
  out.fill(0, 0, m * n);
  for (let t = 0; t < k; t++) {
    for (let i = 0; i < m; i++) {
      const a = A[t * m + i];
      if (a === 0) continue;
      const oi = i * n;
      const bt = t * n;
      for (let j = 0; j < n; j++) out[oi + j] += a * B[bt + j];
    }
  }
}

/** out[m×n] = A·B' for A [m×k], B [n×k]. */
export function gemmNT(A: Float64Array, B: Float64Array, m: number, k: number, n: number, out: Float64Array): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += A[i * k + t] * B[j * k + t];
      out[i * n + j] = s;
    }
  }
}

/** Transpose of A [m×n] into out [n×m]. */
export function transposeInto(A: Float64Array, m: number, n: number, out: Float64Array): void {
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = A[i * n + j];
}

/** Largest |A_ij - A_ji| relative to the entries, for Stan's symmetry check (tolerance 1e-8). */
export function asymmetry(A: Float64Array, n: number): { i: number; j: number } | null {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const a = A[i * n + j];
      const b = A[j * n + i];
      if (!(Math.abs(a - b) <= 1e-8 * Math.max(Math.abs(a), Math.abs(b), 1)) && !(a === b)) return { i, j };
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// Cholesky

/**
 * Lower Cholesky factor of the symmetric matrix whose lower triangle is in A [n×n]; L gets
 * zeros above the diagonal. Returns false when A is not positive definite.
 */
export function cholesky(A: Float64Array, n: number, L: Float64Array): boolean {
  L.fill(0, 0, n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      // Four partial sums: the dot product is latency-bound with a single accumulator.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let k = 0;
      for (; k + 3 < j; k += 4) {
        s0 += L[ri + k] * L[rj + k];
        s1 += L[ri + k + 1] * L[rj + k + 1];
        s2 += L[ri + k + 2] * L[rj + k + 2];
        s3 += L[ri + k + 3] * L[rj + k + 3];
      }
      for (; k < j; k++) s0 += L[ri + k] * L[rj + k];
      const s = A[ri + j] - (s0 + s1 + (s2 + s3));
      if (i === j) {
        if (!(s > 0)) return false;
        L[ri + i] = Math.sqrt(s);
      } else {
        L[ri + j] = s / L[rj + j];
      }
    }
  }
  return true;
}

/**
 * Reverse mode of `cholesky`: given L and the adjoint of L (lower triangle of `Lbar`,
 * overwritten as workspace), adds the adjoint of A's lower triangle into Abar. The unblocked
 * algorithm (Murray 2016; Stan's cholesky_decompose): the forward loop run backwards.
 */
export function choleskyBackward(L: Float64Array, Lbar: Float64Array, n: number, Abar: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    for (let j = i; j >= 0; j--) {
      const rj = j * n;
      let s: number;
      if (i === j) {
        s = (0.5 * Lbar[ri + i]) / L[ri + i];
      } else {
        s = Lbar[ri + j] / L[rj + j];
        Lbar[rj + j] -= (Lbar[ri + j] * L[ri + j]) / L[rj + j];
      }
      Abar[ri + j] += s;
      if (s === 0) continue;
      for (let k = j - 1; k >= 0; k--) {
        Lbar[ri + k] -= s * L[rj + k];
        Lbar[rj + k] -= s * L[ri + k];
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// Triangular solves with a lower-triangular L [n×n] and m right-hand sides.

/** X = L⁻¹ B for B [n×m]. */
export function solveLower(L: Float64Array, n: number, B: Float64Array, m: number, X: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const d = L[i * n + i];
    for (let c = 0; c < m; c++) {
      let s = B[i * m + c];
      for (let k = 0; k < i; k++) s -= L[i * n + k] * X[k * m + c];
      X[i * m + c] = s / d;
    }
  }
}

/** X = L'⁻¹ B for B [n×m]. */
export function solveLowerT(L: Float64Array, n: number, B: Float64Array, m: number, X: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    const d = L[i * n + i];
    for (let c = 0; c < m; c++) {
      let s = B[i * m + c];
      for (let k = i + 1; k < n; k++) s -= L[k * n + i] * X[k * m + c];
      X[i * m + c] = s / d;
    }
  }
}

/** X = B L⁻¹ for B [m×n] (each row x solves x L = b, i.e. L' x' = b'). */
export function solveRightLower(L: Float64Array, n: number, B: Float64Array, m: number, X: Float64Array): void {
  for (let r = 0; r < m; r++) {
    for (let i = n - 1; i >= 0; i--) {
      let s = B[r * n + i];
      for (let k = i + 1; k < n; k++) s -= X[r * n + k] * L[k * n + i];
      X[r * n + i] = s / L[i * n + i];
    }
  }
}

/** X = B L'⁻¹ for B [m×n] (each row x solves x L' = b, i.e. L x' = b'). */
export function solveRightLowerT(L: Float64Array, n: number, B: Float64Array, m: number, X: Float64Array): void {
  for (let r = 0; r < m; r++) {
    for (let i = 0; i < n; i++) {
      let s = B[r * n + i];
      for (let k = 0; k < i; k++) s -= X[r * n + k] * L[i * n + k];
      X[r * n + i] = s / L[i * n + i];
    }
  }
}

/** A⁻¹ B for symmetric positive-definite A = L L', B [n×m]. */
export function cholSolve(L: Float64Array, n: number, B: Float64Array, m: number, X: Float64Array): void {
  const Y = new Float64Array(n * m);
  solveLower(L, n, B, m, Y);
  solveLowerT(L, n, Y, m, X);
}

// ---------------------------------------------------------------------------------------
// LU with partial pivoting: P A = L U, L unit lower, both packed in LU.

/** Factor A [n×n] into LU (packed) and piv; returns the permutation sign, or 0 if singular. */
export function luDecompose(A: Float64Array, n: number, LU: Float64Array, piv: Int32Array): number {
  LU.set(A.subarray(0, n * n));
  let sign = 1;
  for (let i = 0; i < n; i++) piv[i] = i;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(LU[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(LU[i * n + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (best === 0 || Number.isNaN(best)) return 0;
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = LU[k * n + j];
        LU[k * n + j] = LU[p * n + j];
        LU[p * n + j] = t;
      }
      const t = piv[k];
      piv[k] = piv[p];
      piv[p] = t;
      sign = -sign;
    }
    const d = LU[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = (LU[i * n + k] /= d);
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) LU[i * n + j] -= f * LU[k * n + j];
    }
  }
  return sign;
}

/** X = A⁻¹ B from the LU factors, B [n×m]. */
export function luSolve(
  LU: Float64Array,
  piv: Int32Array,
  n: number,
  B: Float64Array,
  m: number,
  X: Float64Array,
): void {
  for (let i = 0; i < n; i++) for (let c = 0; c < m; c++) X[i * m + c] = B[piv[i] * m + c];
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) {
      const f = LU[i * n + k];
      if (f !== 0) for (let c = 0; c < m; c++) X[i * m + c] -= f * X[k * m + c];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) {
      const f = LU[i * n + k];
      if (f !== 0) for (let c = 0; c < m; c++) X[i * m + c] -= f * X[k * m + c];
    }
    const d = LU[i * n + i];
    for (let c = 0; c < m; c++) X[i * m + c] /= d;
  }
}

/** X = A'⁻¹ B from the LU factors of A, B [n×m]. */
export function luSolveT(
  LU: Float64Array,
  piv: Int32Array,
  n: number,
  B: Float64Array,
  m: number,
  X: Float64Array,
): void {
  // A' = U' L' P, so solve U' Y = B, then L' Z = Y, then X = P' Z.
  const Y = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const d = LU[i * n + i];
    for (let c = 0; c < m; c++) {
      let s = B[i * m + c];
      for (let k = 0; k < i; k++) s -= LU[k * n + i] * Y[k * m + c];
      Y[i * m + c] = s / d;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let c = 0; c < m; c++) {
      let s = Y[i * m + c];
      for (let k = i + 1; k < n; k++) s -= LU[k * n + i] * Y[k * m + c];
      Y[i * m + c] = s;
    }
  }
  for (let i = 0; i < n; i++) for (let c = 0; c < m; c++) X[piv[i] * m + c] = Y[i * m + c];
}

/** log |det A| and the sign of det A from the LU factors. */
export function luLogDet(LU: Float64Array, n: number, sign: number): { logAbs: number; sign: number } {
  let s = sign;
  let l = 0;
  for (let i = 0; i < n; i++) {
    const d = LU[i * n + i];
    if (d < 0) s = -s;
    l += Math.log(Math.abs(d));
  }
  return { logAbs: l, sign: s };
}

/** Identity [n×n]. */
export function identity(n: number): Float64Array {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  return I;
}

// ---------------------------------------------------------------------------------------
// Symmetric eigen-decomposition (cyclic Jacobi: slow for big n, but accurate and simple).

/**
 * Eigenvalues (ascending) of symmetric A [n×n] into vals; eigenvectors as the columns of
 * vecs [n×n] (vecs[i*n + k] is component i of eigenvector k).
 */
export function symEigen(A: Float64Array, n: number, vals: Float64Array, vecs: Float64Array): void {
  const a = Float64Array.from(A.subarray(0, n * n));
  const v = identity(n);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let norm = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const x = a[i * n + j] * a[i * n + j];
        norm += x;
        if (i !== j) off += x;
      }
    }
    if (off <= 1e-30 * norm || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i] - a[j * n + j]);
  for (let k = 0; k < n; k++) {
    const src = order[k];
    vals[k] = a[src * n + src];
    for (let i = 0; i < n; i++) vecs[i * n + k] = v[i * n + src];
  }
}

// ---------------------------------------------------------------------------------------
// Singular value decomposition (one-sided Jacobi), thin: A [m×n] = U diag(s) V', with
// K = min(m, n) singular values in descending order, U [m×K], V [n×K].

export function svd(A: Float64Array, m: number, n: number, s: Float64Array, U: Float64Array, V: Float64Array): void {
  if (m < n) {
    // Decompose A' = V S U'.
    const At = new Float64Array(m * n);
    transposeInto(A, m, n, At);
    svd(At, n, m, s, V, U);
    return;
  }
  // m >= n: orthogonalize the columns of W = A.
  const W = Float64Array.from(A.subarray(0, m * n));
  const Vf = identity(n);
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const wp = W[i * n + p];
          const wq = W[i * n + q];
          alpha += wp * wp;
          beta += wq * wq;
          gamma += wp * wq;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const sn = c * t;
        for (let i = 0; i < m; i++) {
          const wp = W[i * n + p];
          const wq = W[i * n + q];
          W[i * n + p] = c * wp - sn * wq;
          W[i * n + q] = sn * wp + c * wq;
        }
        for (let i = 0; i < n; i++) {
          const vp = Vf[i * n + p];
          const vq = Vf[i * n + q];
          Vf[i * n + p] = c * vp - sn * vq;
          Vf[i * n + q] = sn * vp + c * vq;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let t = 0;
    for (let i = 0; i < m; i++) t += W[i * n + k] * W[i * n + k];
    norms[k] = Math.sqrt(t);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => norms[j] - norms[i]);
  for (let k = 0; k < n; k++) {
    const src = order[k];
    const sk = norms[src];
    s[k] = sk;
    for (let i = 0; i < m; i++) U[i * n + k] = sk > 0 ? W[i * n + src] / sk : 0;
    for (let i = 0; i < n; i++) V[i * n + k] = Vf[i * n + src];
  }
  // Columns of U for zero singular values: complete to an orthonormal set (Gram–Schmidt on e_i).
  for (let k = 0; k < n; k++) {
    if (s[k] > 0) continue;
    for (let e = 0; e < m; e++) {
      const col = new Float64Array(m);
      col[e] = 1;
      for (let j = 0; j < n; j++) {
        if (j === k || (s[j] === 0 && j > k)) continue;
        let d = 0;
        for (let i = 0; i < m; i++) d += U[i * n + j] * col[i];
        for (let i = 0; i < m; i++) col[i] -= d * U[i * n + j];
      }
      let nn = 0;
      for (let i = 0; i < m; i++) nn += col[i] * col[i];
      if (nn > 1e-8) {
        const r = 1 / Math.sqrt(nn);
        for (let i = 0; i < m; i++) U[i * n + k] = col[i] * r;
        break;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// Householder QR: A [m×n] = Q [m×m] R [m×n].

export function qr(A: Float64Array, m: number, n: number, Q: Float64Array, R: Float64Array): void {
  R.set(A.subarray(0, m * n));
  Q.set(identity(m));
  const v = new Float64Array(m);
  for (let k = 0; k < Math.min(m - 1, n); k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += R[i * n + k] * R[i * n + k];
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    const alpha = R[k * n + k] > 0 ? -norm : norm;
    let vn = 0;
    for (let i = k; i < m; i++) {
      v[i] = R[i * n + k] - (i === k ? alpha : 0);
      vn += v[i] * v[i];
    }
    if (vn === 0) continue;
    // R <- (I - 2 v v'/v'v) R ; Q <- Q (I - 2 v v'/v'v)
    for (let j = 0; j < n; j++) {
      let d = 0;
      for (let i = k; i < m; i++) d += v[i] * R[i * n + j];
      const f = (2 * d) / vn;
      for (let i = k; i < m; i++) R[i * n + j] -= f * v[i];
    }
    for (let i = 0; i < m; i++) {
      let d = 0;
      for (let j = k; j < m; j++) d += Q[i * m + j] * v[j];
      const f = (2 * d) / vn;
      for (let j = k; j < m; j++) Q[i * m + j] -= f * v[j];
    }
    for (let i = k + 1; i < m; i++) R[i * n + k] = 0;
  }
  // Stan's convention: R has a non-negative diagonal (flip rows of R and columns of Q).
  for (let k = 0; k < Math.min(m, n); k++) {
    if (R[k * n + k] < 0) {
      for (let j = 0; j < n; j++) R[k * n + j] = -R[k * n + j];
      for (let i = 0; i < m; i++) Q[i * m + k] = -Q[i * m + k];
    }
  }
}

// ---------------------------------------------------------------------------------------
// Matrix exponential: scaling and squaring with the degree-13 Padé approximant (Higham 2005).

const PADE13 = [
  64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000, 10559470521600,
  670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1,
];

export function expm(A: Float64Array, n: number, out: Float64Array): void {
  let norm1 = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(A[i * n + j]);
    norm1 = Math.max(norm1, s);
  }
  const theta13 = 5.371920351148152;
  const sPow = norm1 > theta13 ? Math.max(0, Math.ceil(Math.log2(norm1 / theta13))) : 0;
  const scale = Math.pow(2, -sPow);
  const nn = n * n;
  const X = new Float64Array(nn);
  for (let i = 0; i < nn; i++) X[i] = A[i] * scale;
  const I = identity(n);
  const X2 = new Float64Array(nn);
  const X4 = new Float64Array(nn);
  const X6 = new Float64Array(nn);
  gemm(X, X, n, n, n, X2);
  gemm(X2, X2, n, n, n, X4);
  gemm(X4, X2, n, n, n, X6);
  const b = PADE13;
  const t1 = new Float64Array(nn);
  const t2 = new Float64Array(nn);
  for (let i = 0; i < nn; i++) t1[i] = b[13] * X6[i] + b[11] * X4[i] + b[9] * X2[i];
  const Ut = new Float64Array(nn);
  gemm(X6, t1, n, n, n, Ut);
  for (let i = 0; i < nn; i++) t2[i] = Ut[i] + b[7] * X6[i] + b[5] * X4[i] + b[3] * X2[i] + b[1] * I[i];
  const U = new Float64Array(nn);
  gemm(X, t2, n, n, n, U);
  for (let i = 0; i < nn; i++) t1[i] = b[12] * X6[i] + b[10] * X4[i] + b[8] * X2[i];
  const Vt = new Float64Array(nn);
  gemm(X6, t1, n, n, n, Vt);
  const V = new Float64Array(nn);
  for (let i = 0; i < nn; i++) V[i] = Vt[i] + b[6] * X6[i] + b[4] * X4[i] + b[2] * X2[i] + b[0] * I[i];
  // (V - U)⁻¹ (V + U)
  const P = new Float64Array(nn);
  const Qm = new Float64Array(nn);
  for (let i = 0; i < nn; i++) {
    P[i] = V[i] + U[i];
    Qm[i] = V[i] - U[i];
  }
  const LU = new Float64Array(nn);
  const piv = new Int32Array(n);
  luDecompose(Qm, n, LU, piv);
  const R = new Float64Array(nn);
  luSolve(LU, piv, n, P, n, R);
  const tmp = new Float64Array(nn);
  for (let k = 0; k < sPow; k++) {
    gemm(R, R, n, n, n, tmp);
    R.set(tmp);
  }
  out.set(R);
}
