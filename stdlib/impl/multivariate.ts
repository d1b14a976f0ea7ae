// Multivariate densities: dirichlet, multi_normal (+ _cholesky, _prec), multi_student_t
// (+ _cholesky), lkj_corr, lkj_corr_cholesky, wishart, inv_wishart. One fused node per call;
// per chain the body factors the matrix once (Cholesky) and writes analytic partials.
// Matrix partials are the full-matrix gradients (symmetric for symmetric arguments; lower
// triangle only for Cholesky factors, which are read only there).
// y / mu may be one vector [K] or an array of vectors [N, K]; a single one is shared by all.
import type { Value } from '../../src/runtime/tensor.js';
import { RuntimeError } from '../../src/runtime/errors.js';
import { LOG_PI, LOG_TWO_PI, digamma, lgamma, lmgamma } from '../../src/runtime/special.js';
import { cholSolve, cholesky, identity, solveLower, solveLowerT } from '../../src/runtime/linalg.js';
import {
  checkCholeskyFactor, checkCorrelation, checkFinite, checkGreater, checkNotNan, checkPositive,
  checkPositiveFinite, checkSimplex, checkSquare, checkSymmetric, real,
} from './dist-checks.js';
import { perChain } from './fused.js';
import type { Builtin, BuiltinTable, RuntimeValue } from './types.js';

const LOG_TWO = Math.LN2;

function arity(fn: string, args: readonly RuntimeValue[], n: number): Value[] {
  if (args.length !== n) throw new RuntimeError(`${fn}: expected ${n} arguments, got ${args.length}`);
  return args.map((a) => real(a, fn));
}

/** Layout of a vector-or-array-of-vectors argument: count (null for one vector) and length. */
interface Rows {
  count: number | null;
  K: number;
}

function rowsOf(fn: string, name: string, x: Value): Rows {
  if (typeof x === 'number') throw new RuntimeError(`${fn}: ${name} must be a vector`);
  if (x.shape.length === 2) return { count: x.shape[0], K: x.shape[1] };
  return { count: null, K: x.size };
}

/** Observation count shared by y and mu (a single vector broadcasts). */
function observations(fn: string, y: Rows, mu: Rows): number {
  if (y.K !== mu.K) {
    throw new RuntimeError(`${fn}: Size of random variable (${y.K}) and size of location parameter (${mu.K}) must match in size`);
  }
  if (y.count !== null && mu.count !== null && y.count !== mu.count) {
    throw new RuntimeError(
      `${fn}: Size of random variable (${y.count}) and size of location parameter (${mu.count}) must match in size`,
    );
  }
  return y.count ?? mu.count ?? 1;
}

function matrixSize(fn: string, name: string, x: Value, K: number): void {
  const n = checkSquare(fn, name, x);
  if (n !== K) throw new RuntimeError(`${fn}: Size of random variable (${K}) and rows of ${name} (${n}) must match in size`);
}

/** Lower Cholesky factor of one chain's symmetric positive-definite matrix, with Stan's errors. */
function factor(fn: string, name: string, A: Float64Array, K: number): Float64Array {
  checkSymmetric(fn, name, A, 0, K);
  const L = new Float64Array(K * K);
  if (!cholesky(A, K, L)) throw new RuntimeError(`${fn}: ${name} is not positive definite.`);
  return L;
}

function logDetFromCholesky(L: Float64Array, K: number): number {
  let s = 0;
  for (let i = 0; i < K; i++) s += Math.log(L[i * K + i]);
  return 2 * s;
}

function inverseFromCholesky(L: Float64Array, K: number): Float64Array {
  const X = new Float64Array(K * K);
  cholSolve(L, K, identity(K), K, X);
  return X;
}

/**
 * Residuals r_n = y_n - mu_n as the columns of R [K×N], then Z = L⁻¹R and B = L'⁻¹Z = Σ⁻¹R.
 * Returns the per-observation squared norms |z_n|².
 */
function whiten(
  yv: Float64Array, yMulti: boolean, mv: Float64Array, mMulti: boolean, L: Float64Array, K: number, N: number,
  Z: Float64Array, B: Float64Array,
): Float64Array {
  const R = new Float64Array(K * N);
  for (let n = 0; n < N; n++) {
    const yo = yMulti ? n * K : 0;
    const mo = mMulti ? n * K : 0;
    for (let k = 0; k < K; k++) R[k * N + n] = yv[yo + k] - mv[mo + k];
  }
  solveLower(L, K, R, N, Z);
  solveLowerT(L, K, Z, N, B);
  const q = new Float64Array(N);
  for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) q[n] += Z[k * N + n] * Z[k * N + n];
  return q;
}

/** g_y -= w_n b_n and g_mu += w_n b_n for the columns b_n of B [K×N]. */
function residualGrads(
  B: Float64Array, w: Float64Array | null, K: number, N: number,
  gy: Float64Array | null, yMulti: boolean, gm: Float64Array | null, mMulti: boolean,
): void {
  for (let n = 0; n < N; n++) {
    const s = w ? w[n] : 1;
    for (let k = 0; k < K; k++) {
      const b = s * B[k * N + n];
      if (gy) gy[(yMulti ? n * K : 0) + k] -= b;
      if (gm) gm[(mMulti ? n * K : 0) + k] += b;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Normal and Student-t families.

type Shape = 'cov' | 'cholesky' | 'prec';

function multiNormal(fn: string, shape: Shape): Builtin {
  const matName = shape === 'cov' ? 'Covariance matrix' : shape === 'prec' ? 'Precision matrix' : 'Cholesky factor of covariance matrix';
  return (raw) => {
    const [y, mu, S] = arity(fn, raw, 3);
    const yr = rowsOf(fn, 'Random variable', y);
    const mr = rowsOf(fn, 'Location parameter', mu);
    const N = observations(fn, yr, mr);
    const K = yr.K;
    matrixSize(fn, matName, S, K);
    checkNotNan(fn, 'Random variable', y);
    checkFinite(fn, 'Location parameter', mu);
    const yMulti = yr.count !== null;
    const mMulti = mr.count !== null;
    const Z = new Float64Array(K * N);
    const B = new Float64Array(K * N);
    return perChain([y, mu, S], (v, g) => {
      const [yv, mv, Sv] = v;
      const [gy, gm, gS] = g;
      let L: Float64Array;
      let logDet: number; // log det of the covariance
      if (shape === 'cholesky') {
        L = Sv;
        logDet = logDetFromCholesky(L, K);
      } else {
        L = factor(fn, matName, Sv, K);
        logDet = shape === 'cov' ? logDetFromCholesky(L, K) : -logDetFromCholesky(L, K);
      }
      if (shape === 'prec') {
        // Quadratic form r'Ωr = |L'r|² with Ω = L L'; its gradient in r is Ω r.
        let quad = 0;
        for (let n = 0; n < N; n++) {
          const yo = yMulti ? n * K : 0;
          const mo = mMulti ? n * K : 0;
          for (let i = 0; i < K; i++) {
            let t = 0; // (Ω r)_i
            for (let j = 0; j < K; j++) t += Sv[i * K + j] * (yv[yo + j] - mv[mo + j]);
            const ri = yv[yo + i] - mv[mo + i];
            quad += ri * t;
            if (gy) gy[yo + i] -= t;
            if (gm) gm[mo + i] += t;
            if (gS) for (let j = 0; j < K; j++) gS[i * K + j] -= 0.5 * ri * (yv[yo + j] - mv[mo + j]);
          }
        }
        if (gS) {
          const inv = inverseFromCholesky(L, K);
          for (let i = 0; i < K * K; i++) gS[i] += 0.5 * N * inv[i];
        }
        return -0.5 * N * K * LOG_TWO_PI - 0.5 * N * logDet - 0.5 * quad;
      }
      const q = whiten(yv, yMulti, mv, mMulti, L, K, N, Z, B);
      let quad = 0;
      for (let n = 0; n < N; n++) quad += q[n];
      residualGrads(B, null, K, N, gy, yMulti, gm, mMulti);
      if (gS) {
        if (shape === 'cov') {
          // -N/2 Σ⁻¹ + 1/2 Σ_n b_n b_n'
          const inv = inverseFromCholesky(L, K);
          for (let i = 0; i < K; i++) {
            for (let j = 0; j < K; j++) {
              let s = 0;
              for (let n = 0; n < N; n++) s += B[i * N + n] * B[j * N + n];
              gS[i * K + j] += 0.5 * s - 0.5 * N * inv[i * K + j];
            }
          }
        } else {
          // ∂/∂L_ij (i >= j): -N δ_ij / L_ii + Σ_n b_in z_jn
          for (let i = 0; i < K; i++) {
            for (let j = 0; j <= i; j++) {
              let s = 0;
              for (let n = 0; n < N; n++) s += B[i * N + n] * Z[j * N + n];
              gS[i * K + j] += s - (i === j ? N / L[i * K + i] : 0);
            }
          }
        }
      }
      return -0.5 * N * K * LOG_TWO_PI - 0.5 * N * logDet - 0.5 * quad;
    });
  };
}

function multiStudentT(fn: string, chol: boolean): Builtin {
  const matName = chol ? 'Cholesky factor of scale matrix' : 'Scale parameter';
  return (raw) => {
    const [y, nu, mu, S] = arity(fn, raw, 4);
    const yr = rowsOf(fn, 'Random variable', y);
    const mr = rowsOf(fn, 'Location parameter', mu);
    const N = observations(fn, yr, mr);
    const K = yr.K;
    matrixSize(fn, matName, S, K);
    checkNotNan(fn, 'Degrees of freedom parameter', nu);
    checkPositiveFinite(fn, 'Degrees of freedom parameter', nu);
    checkNotNan(fn, 'Random variable', y);
    checkFinite(fn, 'Location parameter', mu);
    const yMulti = yr.count !== null;
    const mMulti = mr.count !== null;
    const Z = new Float64Array(K * N);
    const B = new Float64Array(K * N);
    const w = new Float64Array(N);
    return perChain([y, nu, mu, S], (v, g) => {
      const [yv, nuv, mv, Sv] = v;
      const [gy, gnu, gm, gS] = g;
      const f = nuv[0];
      const L = chol ? Sv : factor(fn, matName, Sv, K);
      const logDet = logDetFromCholesky(L, K);
      const q = whiten(yv, yMulti, mv, mMulti, L, K, N, Z, B);
      const h = 0.5 * (f + K);
      let lp = N * (lgamma(h) - lgamma(0.5 * f) - 0.5 * K * (Math.log(f) + LOG_PI) - 0.5 * logDet);
      let dnu = N * (0.5 * (digamma(h) - digamma(0.5 * f)) - (0.5 * K) / f);
      for (let n = 0; n < N; n++) {
        const l1 = Math.log1p(q[n] / f);
        lp -= h * l1;
        dnu += -0.5 * l1 + (h * q[n]) / (f * (f + q[n]));
        w[n] = (f + K) / (f + q[n]);
      }
      if (gnu) gnu[0] += dnu;
      residualGrads(B, w, K, N, gy, yMulti, gm, mMulti);
      if (gS) {
        if (!chol) {
          const inv = inverseFromCholesky(L, K);
          for (let i = 0; i < K; i++) {
            for (let j = 0; j < K; j++) {
              let s = 0;
              for (let n = 0; n < N; n++) s += w[n] * B[i * N + n] * B[j * N + n];
              gS[i * K + j] += 0.5 * s - 0.5 * N * inv[i * K + j];
            }
          }
        } else {
          for (let i = 0; i < K; i++) {
            for (let j = 0; j <= i; j++) {
              let s = 0;
              for (let n = 0; n < N; n++) s += w[n] * B[i * N + n] * Z[j * N + n];
              gS[i * K + j] += s - (i === j ? N / L[i * K + i] : 0);
            }
          }
        }
      }
      return lp;
    });
  };
}

// ---------------------------------------------------------------------------------------
// multi_gp: each row y_k of y [K, N] ~ MultiNormal(0, Σ / w_k), w [K] inverse scales.

function multiGp(fn: string, chol: boolean): Builtin {
  const matName = chol ? 'Cholesky factor of kernel matrix' : 'Kernel matrix';
  return (raw) => {
    const [y, S, w] = arity(fn, raw, 3);
    if (typeof y === 'number' || y.shape.length !== 2) throw new RuntimeError(`${fn}: internal: y must be a matrix`);
    const [K, N] = y.shape;
    const NS = checkSquare(fn, matName, S);
    if (NS !== N) throw new RuntimeError(`${fn}: Size of random variable (${N}) and rows of ${matName} (${NS}) must match in size`);
    const wn = typeof w === 'number' ? 1 : w.size;
    if (wn !== K) throw new RuntimeError(`${fn}: Size of random variable (rows y) (${K}) and size of kernel scales (w) (${wn}) must match in size`);
    checkPositiveFinite(fn, 'Kernel scales', w);
    checkFinite(fn, 'Random variable', y);
    const zero = new Float64Array(N);
    const Z = new Float64Array(N * K);
    const B = new Float64Array(N * K);
    return perChain([y, S, w], (v, g) => {
      const [yv, Sv, wv] = v;
      const [gy, gS, gw] = g;
      const L = chol ? Sv : factor(fn, matName, Sv, N);
      const logDet = logDetFromCholesky(L, N);
      // Rows of y are the "observations" (columns of R inside whiten).
      const q = whiten(yv, true, zero, false, L, N, K, Z, B);
      let lp = -0.5 * K * N * LOG_TWO_PI - 0.5 * K * logDet;
      for (let k = 0; k < K; k++) {
        lp += 0.5 * N * Math.log(wv[k]) - 0.5 * wv[k] * q[k];
        if (gw) gw[k] += (0.5 * N) / wv[k] - 0.5 * q[k];
      }
      if (gy) for (let k = 0; k < K; k++) for (let i = 0; i < N; i++) gy[k * N + i] -= wv[k] * B[i * K + k];
      if (gS) {
        if (!chol) {
          const inv = inverseFromCholesky(L, N);
          for (let i = 0; i < N; i++) {
            for (let j = 0; j < N; j++) {
              let t = 0;
              for (let k = 0; k < K; k++) t += wv[k] * B[i * K + k] * B[j * K + k];
              gS[i * N + j] += 0.5 * t - 0.5 * K * inv[i * N + j];
            }
          }
        } else {
          for (let i = 0; i < N; i++) {
            for (let j = 0; j <= i; j++) {
              let t = 0;
              for (let k = 0; k < K; k++) t += wv[k] * B[i * K + k] * Z[j * K + k];
              gS[i * N + j] += t - (i === j ? K / L[i * N + i] : 0);
            }
          }
        }
      }
      return lp;
    });
  };
}

// ---------------------------------------------------------------------------------------
// Dirichlet.

function dirichlet(fn: string): Builtin {
  return (raw) => {
    const [theta, alpha] = arity(fn, raw, 2);
    const tr = rowsOf(fn, 'probabilities', theta);
    const ar = rowsOf(fn, 'prior sample sizes', alpha);
    const N = observations(fn, tr, ar);
    const K = tr.K;
    checkPositive(fn, 'prior sample sizes', alpha);
    checkFinite(fn, 'prior sample sizes', alpha);
    const tMulti = tr.count !== null;
    const aMulti = ar.count !== null;
    return perChain([theta, alpha], (v, g) => {
      const [tv, av] = v;
      const [gt, ga] = g;
      let lp = 0;
      for (let n = 0; n < N; n++) {
        const to = tMulti ? n * K : 0;
        const ao = aMulti ? n * K : 0;
        checkSimplex(fn, 'probabilities', tv, to, K);
        let sa = 0;
        for (let k = 0; k < K; k++) sa += av[ao + k];
        lp += lgamma(sa);
        const psa = ga ? digamma(sa) : 0;
        for (let k = 0; k < K; k++) {
          const a = av[ao + k];
          const t = tv[to + k];
          const lt = Math.log(t);
          lp += (a === 1 ? 0 : (a - 1) * lt) - lgamma(a);
          if (gt) gt[to + k] += a === 1 ? 0 : (a - 1) / t;
          if (ga) ga[ao + k] += psa - digamma(a) + lt;
        }
      }
      return lp;
    });
  };
}

// ---------------------------------------------------------------------------------------
// LKJ.

/**
 * Stan's do_lkj_constant (Lewandowski, Kurowicka & Joe 2009, theorem 5), with a separate
 * closed form at η = 1, and its derivative in η (from the general form).
 */
export function lkjConstant(eta: number, K: number): { value: number; dEta: number } {
  const Km1 = K - 1;
  let dEta = Km1 * digamma(eta + 0.5 * Km1);
  for (let k = 1; k <= Km1; k++) dEta -= digamma(eta + 0.5 * (Km1 - k));
  let value: number;
  if (eta === 1) {
    value = 0;
    const half = Math.floor(Km1 / 2);
    for (let k = 1; k <= half; k++) value -= lgamma(2 * k);
    if (K % 2 === 1) {
      value -= 0.25 * (K * K - 1) * LOG_PI - 0.25 * (Km1 * Km1) * LOG_TWO - Km1 * lgamma(0.5 * (K + 1));
    } else {
      value -= 0.25 * K * (K - 2) * LOG_PI + 0.25 * (3 * K * K - 4 * K) * LOG_TWO + K * lgamma(0.5 * K) - Km1 * lgamma(K);
    }
  } else {
    value = Km1 * lgamma(eta + 0.5 * Km1);
    for (let k = 1; k <= Km1; k++) value -= 0.5 * k * LOG_PI + lgamma(eta + 0.5 * (Km1 - k));
  }
  return { value, dEta };
}

function lkjCorr(fn: string): Builtin {
  return (raw) => {
    const [y, eta] = arity(fn, raw, 2);
    const K = checkSquare(fn, 'Correlation matrix', y);
    checkPositive(fn, 'Shape parameter', eta);
    return perChain([y, eta], (v, g) => {
      const [yv, ev] = v;
      const [gy, ge] = g;
      checkCorrelation(fn, 'Correlation matrix', yv, 0, K);
      if (K === 0) return 0;
      const L = factor(fn, 'Correlation matrix', yv, K);
      const e = ev[0];
      const c = lkjConstant(e, K);
      const logDet = logDetFromCholesky(L, K);
      if (ge) ge[0] += c.dEta + logDet;
      if (gy && e !== 1) {
        const inv = inverseFromCholesky(L, K);
        for (let i = 0; i < K * K; i++) gy[i] += (e - 1) * inv[i];
      }
      return c.value + (e - 1) * logDet;
    });
  };
}

function lkjCorrCholesky(fn: string): Builtin {
  return (raw) => {
    const [Lx, eta] = arity(fn, raw, 2);
    const K = checkSquare(fn, 'Random variable', Lx);
    checkPositive(fn, 'Shape parameter', eta);
    return perChain([Lx, eta], (v, g) => {
      const [Lv, ev] = v;
      const [gL, ge] = g;
      checkCholeskyFactor(fn, 'Random variable', Lv, 0, K);
      if (K === 0) return 0;
      const e = ev[0];
      const c = lkjConstant(e, K);
      let lp = c.value;
      let sumLog = 0;
      // Diagonal k = 1..K-1 (0-based) has exponent K - k - 1 + 2η - 2.
      for (let k = 1; k < K; k++) {
        const ld = Math.log(Lv[k * K + k]);
        const p = K - k - 1 + 2 * e - 2;
        lp += p * ld;
        sumLog += ld;
        if (gL) gL[k * K + k] += p / Lv[k * K + k];
      }
      if (ge) ge[0] += c.dEta + 2 * sumLog;
      return lp;
    });
  };
}

// ---------------------------------------------------------------------------------------
// Wishart and inverse Wishart.

function wishartFamily(fn: string, inverse: boolean): Builtin {
  return (raw) => {
    const [W, nu, S] = arity(fn, raw, 3);
    const K = checkSquare(fn, 'random variable', W);
    const KS = checkSquare(fn, 'scale parameter', S);
    if (K !== KS) throw new RuntimeError(`${fn}: Rows of random variable (${K}) and columns of scale parameter (${KS}) must match in size`);
    checkGreater(fn, 'Degrees of freedom parameter', nu, K - 1);
    return perChain([W, nu, S], (v, g) => {
      const [Wv, nv, Sv] = v;
      const [gW, gnu, gS] = g;
      const f = nv[0];
      const LW = factor(fn, 'random variable', Wv, K);
      const LS = factor(fn, 'scale parameter', Sv, K);
      const ldW = logDetFromCholesky(LW, K);
      const ldS = logDetFromCholesky(LS, K);
      // tr(S⁻¹W) for Wishart, tr(W⁻¹S) for the inverse.
      const M = new Float64Array(K * K);
      cholSolve(inverse ? LW : LS, K, inverse ? Sv : Wv, K, M);
      let tr = 0;
      for (let i = 0; i < K; i++) tr += M[i * K + i];
      const lp = inverse
        ? -lmgamma(K, 0.5 * f) + 0.5 * f * ldS - 0.5 * (f + K + 1) * ldW - 0.5 * tr - 0.5 * f * K * LOG_TWO
        : -0.5 * f * K * LOG_TWO - lmgamma(K, 0.5 * f) - 0.5 * f * ldS + 0.5 * (f - K - 1) * ldW - 0.5 * tr;
      if (gnu) {
        let ps = 0;
        for (let j = 1; j <= K; j++) ps += digamma(0.5 * f + 0.5 * (1 - j));
        gnu[0] += inverse
          ? -0.5 * ps + 0.5 * ldS - 0.5 * ldW - 0.5 * K * LOG_TWO
          : -0.5 * K * LOG_TWO - 0.5 * ps - 0.5 * ldS + 0.5 * ldW;
      }
      if (gW || gS) {
        const Wi = inverseFromCholesky(LW, K);
        const Si = inverseFromCholesky(LS, K);
        if (!inverse) {
          // ∂/∂W = (ν-K-1)/2 W⁻¹ - S⁻¹/2;  ∂/∂S = -ν/2 S⁻¹ + S⁻¹WS⁻¹/2  (S⁻¹W = M)
          if (gW) for (let i = 0; i < K * K; i++) gW[i] += 0.5 * (f - K - 1) * Wi[i] - 0.5 * Si[i];
          if (gS) {
            for (let i = 0; i < K; i++) {
              for (let j = 0; j < K; j++) {
                let s = 0;
                for (let t = 0; t < K; t++) s += M[i * K + t] * Si[t * K + j];
                gS[i * K + j] += -0.5 * f * Si[i * K + j] + 0.5 * s;
              }
            }
          }
        } else {
          // ∂/∂W = -(ν+K+1)/2 W⁻¹ + W⁻¹SW⁻¹/2;  ∂/∂S = ν/2 S⁻¹ - W⁻¹/2  (W⁻¹S = M)
          if (gW) {
            for (let i = 0; i < K; i++) {
              for (let j = 0; j < K; j++) {
                let s = 0;
                for (let t = 0; t < K; t++) s += M[i * K + t] * Wi[t * K + j];
                gW[i * K + j] += -0.5 * (f + K + 1) * Wi[i * K + j] + 0.5 * s;
              }
            }
          }
          if (gS) for (let i = 0; i < K * K; i++) gS[i] += 0.5 * f * Si[i] - 0.5 * Wi[i];
        }
      }
      return lp;
    });
  };
}

// ---------------------------------------------------------------------------------------

export const table: BuiltinTable = {};
const families: Record<string, (fn: string) => Builtin> = {
  multi_normal: (fn) => multiNormal(fn, 'cov'),
  multi_normal_cholesky: (fn) => multiNormal(fn, 'cholesky'),
  multi_normal_prec: (fn) => multiNormal(fn, 'prec'),
  multi_student_t: (fn) => multiStudentT(fn, false),
  multi_student_t_cholesky: (fn) => multiStudentT(fn, true),
  multi_gp: (fn) => multiGp(fn, false),
  multi_gp_cholesky: (fn) => multiGp(fn, true),
  dirichlet,
  lkj_corr: lkjCorr,
  lkj_corr_cholesky: lkjCorrCholesky,
  wishart: (fn) => wishartFamily(fn, false),
  inv_wishart: (fn) => wishartFamily(fn, true),
};
// `_lupdf`/`_lupmf` is the same function: hstan keeps every constant term in both.
for (const [family, make] of Object.entries(families)) {
  table[`${family}_lpdf`] = make(`${family}_lpdf`);
  table[`${family}_lupdf`] = make(`${family}_lupdf`);
}
