// `_rng` functions of the multivariate and categorical distributions (data in, draws out,
// stream `ctx.rng`): dirichlet, multi_normal(+_cholesky), multi_student_t(+_cholesky),
// categorical(+_logit), ordered_logistic/probit, multinomial(+_logit), lkj_corr(+_cholesky),
// wishart, inv_wishart.
import { Tensor, Value } from '../../src/runtime/tensor.js';
import { RuntimeError } from '../../src/runtime/errors.js';
import type { Random } from '../../src/runtime/random.js';
import { Phi, invLogit } from '../../src/runtime/special.js';
import { cholSolve, cholesky, identity } from '../../src/runtime/linalg.js';
import {
  checkFinite, checkGreater, checkNonnegative, checkOrdered, checkPositive, checkPositiveFinite,
  checkSimplex, checkSquare, checkSymmetric, real,
} from './dist-checks.js';
import { guarded, streamOf } from './rng.js';
import type { Builtin, BuiltinTable, RuntimeValue } from './types.js';

function arity(fn: string, args: readonly RuntimeValue[], n: number): Value[] {
  if (args.length !== n) throw new RuntimeError(`${fn}: expected ${n} arguments, got ${args.length}`);
  return args.map((a) => real(a, fn));
}

function vec(fn: string, name: string, x: Value): Tensor {
  if (typeof x === 'number') throw new RuntimeError(`${fn}: ${name} must be a vector`);
  return x;
}

function factorSpd(fn: string, name: string, A: Float64Array, K: number): Float64Array {
  checkSymmetric(fn, name, A, 0, K);
  const L = new Float64Array(K * K);
  if (!cholesky(A, K, L)) throw new RuntimeError(`${fn}: ${name} is not positive definite.`);
  return L;
}

function inverseSpd(fn: string, name: string, A: Float64Array, K: number): Float64Array {
  const L = factorSpd(fn, name, A, K);
  const X = new Float64Array(K * K);
  cholSolve(L, K, identity(K), K, X);
  symmetrize(X, K);
  return X;
}

function symmetrize(A: Float64Array, K: number): void {
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < i; j++) {
      const m = 0.5 * (A[i * K + j] + A[j * K + i]);
      A[i * K + j] = m;
      A[j * K + i] = m;
    }
  }
}

/** mu + scale · L z for each location (one vector [K] or an array of them [N, K]). */
function gaussianDraws(rng: Random, mu: Tensor, L: Float64Array, K: number, scale: (rng: Random) => number): Tensor {
  const N = mu.shape.length === 2 ? mu.shape[0] : 1;
  const out = new Float64Array(N * K);
  const z = new Float64Array(K);
  for (let n = 0; n < N; n++) {
    const s = scale(rng);
    for (let k = 0; k < K; k++) z[k] = rng.normal();
    for (let i = 0; i < K; i++) {
      let t = 0;
      for (let j = 0; j <= i; j++) t += L[i * K + j] * z[j];
      out[n * K + i] = mu.val[n * K + i] + s * t;
    }
  }
  return new Tensor(mu.shape, out, false);
}

/** Length of the location vector(s): [K] or [N, K]. */
function locationSize(mu: Tensor): number {
  return mu.shape.length === 2 ? mu.shape[1] : mu.size;
}

function multiNormalRng(fn: string, chol: boolean, student: boolean): Builtin {
  return (args, ctx) => {
    const vals = arity(fn, args, student ? 3 : 2);
    const nu = student ? vals[0] : 0;
    const mu = vec(fn, 'Location parameter', vals[student ? 1 : 0]);
    const S = vals[student ? 2 : 1];
    const K = locationSize(mu);
    const KS = checkSquare(fn, chol ? 'Cholesky factor' : 'Covariance matrix', S);
    if (KS !== K) throw new RuntimeError(`${fn}: Size of location parameter (${K}) and rows of covariance parameter (${KS}) must match in size`);
    checkFinite(fn, 'Location parameter', mu);
    if (student) checkPositiveFinite(fn, 'Degrees of freedom parameter', nu);
    const Sv = (S as Tensor).val;
    const L = chol ? Sv : factorSpd(fn, 'Covariance matrix', Sv, K);
    const rng = streamOf(fn, ctx);
    const f = nu as number;
    return gaussianDraws(rng, mu, L, K, student ? (r) => Math.sqrt(f / r.chiSquare(f)) : () => 1);
  };
}

function dirichletRng(fn: string): Builtin {
  return (args, ctx) => {
    const [alpha] = arity(fn, args, 1);
    const a = vec(fn, 'prior sample sizes', alpha);
    checkPositiveFinite(fn, 'prior sample sizes', a);
    return new Tensor([a.size], streamOf(fn, ctx).dirichlet(a.val.subarray(0, a.size)), false);
  };
}

// ---------------------------------------------------------------------------------------
// Categories.

function categoricalRng(fn: string, logit: boolean): Builtin {
  return (args, ctx) => {
    const [t] = arity(fn, args, 1);
    const theta = vec(fn, logit ? 'Log odds parameter' : 'Probabilities parameter', t);
    const K = theta.size;
    let probs: Float64Array;
    if (logit) {
      checkFinite(fn, 'Log odds parameter', theta);
      probs = softmax(theta.val, K);
    } else {
      checkSimplex(fn, 'Probabilities parameter', theta.val, 0, K);
      probs = theta.val.subarray(0, K);
    }
    return streamOf(fn, ctx).categorical(probs) + 1;
  };
}

function softmax(v: Float64Array, K: number): Float64Array {
  let m = -Infinity;
  for (let k = 0; k < K; k++) m = Math.max(m, v[k]);
  const p = new Float64Array(K);
  let s = 0;
  for (let k = 0; k < K; k++) {
    p[k] = Math.exp(v[k] - m);
    s += p[k];
  }
  for (let k = 0; k < K; k++) p[k] /= s;
  return p;
}

/** Category probabilities of an ordinal model with cdf `F` at η - c_k. */
function ordinalProbs(eta: number, c: Float64Array, K1: number, F: (x: number) => number): Float64Array {
  const p = new Float64Array(K1 + 1);
  let prev = 1; // P(Y > k-1) = F(η - c_{k-1}), with P(Y > 0) = 1
  for (let k = 0; k < K1; k++) {
    const above = F(eta - c[k]);
    p[k] = prev - above;
    prev = above;
  }
  p[K1] = prev;
  for (let k = 0; k <= K1; k++) if (p[k] < 0) p[k] = 0; // rounding
  return p;
}

function ordinalRng(fn: string, F: (x: number) => number): Builtin {
  return (args, ctx) => {
    const [etaV, cV] = arity(fn, args, 2);
    const c = vec(fn, 'Cut-points', cV);
    checkFinite(fn, 'Location parameter', etaV);
    checkFinite(fn, 'Cut-points', c);
    checkOrdered(fn, 'Cut-points', c.val, 0, c.size);
    const draw = (eta: number) => streamOf(fn, ctx).categorical(ordinalProbs(eta, c.val, c.size, F)) + 1;
    if (typeof etaV === 'number' || etaV.shape.length === 0) return draw(typeof etaV === 'number' ? etaV : etaV.val[0]);
    const out = new Float64Array(etaV.size);
    for (let i = 0; i < etaV.size; i++) out[i] = draw(etaV.val[i]);
    return new Tensor([etaV.size], out, false);
  };
}

function multinomialRng(fn: string, logit: boolean): Builtin {
  return (args, ctx) => {
    const [t, nV] = arity(fn, args, 2);
    const theta = vec(fn, 'Probabilities parameter', t);
    const K = theta.size;
    let probs: Float64Array;
    if (logit) {
      checkFinite(fn, 'log-probabilities parameter', theta);
      probs = softmax(theta.val, K);
    } else {
      checkSimplex(fn, 'Probabilities parameter', theta.val, 0, K);
      probs = theta.val;
    }
    checkNonnegative(fn, 'number of trials variables', nV);
    const rng = streamOf(fn, ctx);
    // Sequential conditional binomials: count_k ~ Binomial(remaining, p_k / mass left).
    const out = new Float64Array(K);
    let left = nV as number;
    let mass = 1;
    for (let k = 0; k < K && left > 0; k++) {
      const q = k === K - 1 ? 1 : Math.min(1, Math.max(0, probs[k] / mass));
      out[k] = rng.binomial(left, q);
      left -= out[k];
      mass -= probs[k];
    }
    return new Tensor([K], out, false);
  };
}

// ---------------------------------------------------------------------------------------
// Correlation and covariance matrices.

/**
 * Cholesky factor of an LKJ(η) correlation matrix by the C-vine method: canonical partial
 * correlations of level i (0-based) are 2·Beta(α_i, α_i) - 1 with α_i = η + (K - 2 - i)/2,
 * mapped to L column by column.
 */
function lkjCholesky(rng: Random, K: number, eta: number): Float64Array {
  const L = new Float64Array(K * K);
  if (K === 0) return L;
  // rem[i] = 1 - Σ_{j<col} L[i,j]² for rows below the current column.
  const rem = new Float64Array(K).fill(1);
  L[0] = 1;
  for (let col = 0; col < K - 1; col++) {
    const a = eta + 0.5 * (K - 2 - col);
    if (col > 0) L[col * K + col] = Math.sqrt(rem[col]);
    for (let i = col + 1; i < K; i++) {
      const z = 2 * rng.beta(a, a) - 1;
      L[i * K + col] = z * Math.sqrt(rem[i]);
      rem[i] *= 1 - z * z;
    }
  }
  if (K > 1) L[(K - 1) * K + K - 1] = Math.sqrt(rem[K - 1]);
  return L;
}

function lkjRng(fn: string, chol: boolean): Builtin {
  return (args, ctx) => {
    const [kV, etaV] = arity(fn, args, 2);
    const K = kV as number;
    checkNonnegative(fn, 'dimension', K);
    checkPositive(fn, 'Shape parameter', etaV);
    const L = lkjCholesky(streamOf(fn, ctx), K, etaV as number);
    if (chol) return new Tensor([K, K], L, false);
    const R = new Float64Array(K * K);
    for (let i = 0; i < K; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let t = 0; t <= j; t++) s += L[i * K + t] * L[j * K + t];
        R[i * K + j] = s;
        R[j * K + i] = s;
      }
      R[i * K + i] = 1;
    }
    return new Tensor([K, K], R, false);
  };
}

/** Bartlett decomposition: W = L A A' L' with A lower triangular, A_ii² ~ χ²(ν - i), A_ij ~ N(0,1). */
function wishartDraw(rng: Random, nu: number, LS: Float64Array, K: number): Float64Array {
  const A = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    A[i * K + i] = Math.sqrt(rng.chiSquare(nu - i));
    for (let j = 0; j < i; j++) A[i * K + j] = rng.normal();
  }
  // B = L A (lower triangular), W = B B'
  const B = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = j; t <= i; t++) s += LS[i * K + t] * A[t * K + j];
      B[i * K + j] = s;
    }
  }
  const W = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = 0; t <= j; t++) s += B[i * K + t] * B[j * K + t];
      W[i * K + j] = s;
      W[j * K + i] = s;
    }
  }
  return W;
}

function wishartRng(fn: string, inverse: boolean): Builtin {
  return (args, ctx) => {
    const [nu, S] = arity(fn, args, 2);
    const K = checkSquare(fn, 'scale parameter', S);
    checkGreater(fn, 'degrees of freedom > dims - 1', nu, K - 1);
    const Sv = (S as Tensor).val;
    const rng = streamOf(fn, ctx);
    if (!inverse) return new Tensor([K, K], wishartDraw(rng, nu as number, factorSpd(fn, 'scale parameter', Sv, K), K), false);
    // Inverse Wishart(ν, S) = (Wishart(ν, S⁻¹))⁻¹.
    const Sinv = inverseSpd(fn, 'scale parameter', Sv, K);
    const W = wishartDraw(rng, nu as number, factorSpd(fn, 'scale parameter', Sinv, K), K);
    return new Tensor([K, K], inverseSpd(fn, 'random variable', W, K), false);
  };
}

// ---------------------------------------------------------------------------------------

const logistic = (x: number) => invLogit(x);

const builders: Record<string, (fn: string) => Builtin> = {
  multi_normal: (fn) => multiNormalRng(fn, false, false),
  multi_normal_cholesky: (fn) => multiNormalRng(fn, true, false),
  multi_student_t: (fn) => multiNormalRng(fn, false, true),
  multi_student_t_cholesky: (fn) => multiNormalRng(fn, true, true),
  dirichlet: dirichletRng,
  categorical: (fn) => categoricalRng(fn, false),
  categorical_logit: (fn) => categoricalRng(fn, true),
  ordered_logistic: (fn) => ordinalRng(fn, logistic),
  ordered_probit: (fn) => ordinalRng(fn, Phi),
  multinomial: (fn) => multinomialRng(fn, false),
  multinomial_logit: (fn) => multinomialRng(fn, true),
  lkj_corr: (fn) => lkjRng(fn, false),
  lkj_corr_cholesky: (fn) => lkjRng(fn, true),
  wishart: (fn) => wishartRng(fn, false),
  inv_wishart: (fn) => wishartRng(fn, true),
};

export const table: BuiltinTable = {};
for (const [family, make] of Object.entries(builders)) {
  const fn = `${family}_rng`;
  const f = make(fn);
  table[fn] = (args, ctx) => guarded(fn, () => f(args, ctx));
}
