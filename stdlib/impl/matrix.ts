// Vector and matrix built-ins: products, construction, slicing, concatenation, conversion,
// decompositions and solves, and Gaussian-process covariance functions. Every function of
// parameters records one tape node with its analytic backward pass (lift.ts: chainOp/gather).
// Shapes: vector and row_vector are [n] (ctx.argTypes tells them apart), matrices [r, c]
// row-major; Stan's column-major conventions (to_vector of a matrix, to_matrix fills) are
// index maps over that layout.
import { Tensor, Value, Shape, isBatched } from '../../src/runtime/tensor.js';
import { RuntimeError, FatalRuntimeError } from '../../src/runtime/errors.js';
import * as L from '../../src/runtime/linalg.js';
import type { Builtin, BuiltinTable, CallContext, RuntimeValue } from './types.js';
import { chainOp, gather, gatherOne, val, num, ten, typeOf, matDims } from './lift.js';

type Kind = 'vector' | 'row_vector' | 'matrix' | 'array' | 'scalar';

/** The Stan kind of argument i, from the checker's type (falling back on the value's shape). */
function kindOf(ctx: CallContext, i: number, x: RuntimeValue): Kind {
  const t = ctx.argTypes[i];
  if (t) {
    if (t.kind === 'vector' || t.kind === 'row_vector' || t.kind === 'matrix' || t.kind === 'array') return t.kind;
    if (t.kind === 'int' || t.kind === 'real') return 'scalar';
  }
  if (typeof x === 'number' || Array.isArray(x)) return 'scalar';
  if (x.shape.length === 0) return 'scalar';
  return x.shape.length === 2 ? 'matrix' : 'vector';
}

function sizeError(fn: string, what: string): never {
  throw new RuntimeError(`${fn}: ${what}`);
}

function checkSame(fn: string, a: string, na: number, b: string, nb: number): void {
  if (na !== nb) sizeError(fn, `size of ${a} (${na}) and size of ${b} (${nb}) must match in size`);
}

function square(fn: string, A: Tensor, name = 'A'): number {
  if (A.shape.length !== 2 || A.shape[0] !== A.shape[1]) {
    const [r, c] = A.shape.length === 2 ? A.shape : [A.size, 1];
    sizeError(fn, `Expecting a square matrix; rows of ${name} (${r}) and columns of ${name} (${c}) must match in size`);
  }
  return A.shape[0];
}

function checkSymmetric(fn: string, A: Float64Array, n: number, name = 'A'): void {
  const bad = L.asymmetry(A, n);
  if (bad) {
    const { i, j } = bad;
    throw new RuntimeError(
      `${fn}: ${name} is not symmetric. ${name}[${j + 1},${i + 1}] = ${A[j * n + i]}, but ${name}[${i + 1},${j + 1}] = ${A[i * n + j]}`,
    );
  }
}

function notPositiveDefinite(fn: string, name = 'A'): never {
  throw new RuntimeError(`${fn}: Matrix ${name} is not positive definite`);
}

/** A 1-based index check; Stan raises std::out_of_range, which stops the run. */
function checkRange(fn: string, what: string, i: number, lo: number, hi: number): void {
  if (!(i >= lo && i <= hi) || !Number.isInteger(i)) {
    throw new FatalRuntimeError(`${fn}: ${what} is ${i}, but must be in the interval [${lo}, ${hi}]`);
  }
}

function checkNonnegativeSize(fn: string, what: string, n: number): void {
  if (!(n >= 0) || !Number.isInteger(n)) throw new RuntimeError(`${fn}: ${what} is ${n}, but must be nonnegative!`);
}

const range = (n: number, f: (k: number) => number) => {
  const m = new Int32Array(n);
  for (let k = 0; k < n; k++) m[k] = f(k);
  return m;
};

// ---------------------------------------------------------------------------------------
// Products and distances.

const dotProduct: Builtin = (args) => {
  const x = ten(args[0], 'dot_product');
  const y = ten(args[1], 'dot_product');
  const n = x.size;
  checkSame('dot_product', 'v1', n, 'v2', y.size);
  return chainOp(
    [x, y],
    [],
    (xs, out) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += xs[0][i] * xs[1][i];
      out[0] = s;
    },
    (xs, _o, g, gx) => {
      for (let i = 0; i < n; i++) {
        if (gx[0]) gx[0][i] += g[0] * xs[1][i];
        if (gx[1]) gx[1][i] += g[0] * xs[0][i];
      }
    },
  );
};

const dotSelf: Builtin = (args) => {
  const x = ten(args[0], 'dot_self');
  const n = x.size;
  return chainOp(
    [x],
    [],
    (xs, out) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += xs[0][i] * xs[0][i];
      out[0] = s;
    },
    (xs, _o, g, gx) => {
      for (let i = 0; i < n; i++) gx[0]![i] += 2 * g[0] * xs[0][i];
    },
  );
};

/** columns_dot_product (byRows false) / rows_dot_product (true). */
function linesDot(fn: string, byRows: boolean, self: boolean): Builtin {
  return (args, ctx) => {
    const x = ten(args[0], fn);
    const y = self ? x : ten(args[1], fn);
    const [r, c] = matDims(x, typeOf(ctx, 0));
    const [r2, c2] = matDims(y, typeOf(ctx, self ? 0 : 1));
    if (r !== r2 || c !== c2) sizeError(fn, `dimensions of x (${r}, ${c}) and y (${r2}, ${c2}) must match`);
    const nOut = byRows ? r : c;
    const inputs = self ? [x] : [x, y];
    return chainOp(
      inputs,
      [nOut],
      (xs, out) => {
        const a = xs[0];
        const b = self ? xs[0] : xs[1];
        out.fill(0);
        for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[byRows ? i : j] += a[i * c + j] * b[i * c + j];
      },
      (xs, _o, g, gx) => {
        const a = xs[0];
        const b = self ? xs[0] : xs[1];
        for (let i = 0; i < r; i++) {
          for (let j = 0; j < c; j++) {
            const gk = g[byRows ? i : j];
            if (self) gx[0]![i * c + j] += 2 * gk * a[i * c + j];
            else {
              if (gx[0]) gx[0][i * c + j] += gk * b[i * c + j];
              if (gx[1]) gx[1][i * c + j] += gk * a[i * c + j];
            }
          }
        }
      },
    );
  };
}

function distanceFn(fn: string, squared: boolean): Builtin {
  return (args) => {
    const x = ten(args[0], fn);
    const y = ten(args[1], fn);
    const n = x.size;
    checkSame(fn, 'x1', n, 'x2', y.size);
    return chainOp(
      [x, y],
      [],
      (xs, out) => {
        let s = 0;
        for (let i = 0; i < n; i++) s += (xs[0][i] - xs[1][i]) ** 2;
        out[0] = squared ? s : Math.sqrt(s);
      },
      (xs, out, g, gx) => {
        const f = squared ? 2 * g[0] : out[0] === 0 ? 0 : g[0] / out[0];
        for (let i = 0; i < n; i++) {
          const d = f * (xs[0][i] - xs[1][i]);
          if (gx[0]) gx[0][i] += d;
          if (gx[1]) gx[1][i] -= d;
        }
      },
    );
  };
}

/** A A' (tcrossprod) or A' A (crossprod). */
function crossprod(fn: string, outer: boolean): Builtin {
  return (args, ctx) => {
    const A = ten(args[0], fn);
    const [m, n] = matDims(A, typeOf(ctx, 0));
    const k = outer ? m : n;
    return chainOp(
      [A],
      [k, k],
      (xs, out) => {
        if (outer) L.gemmNT(xs[0], xs[0], m, n, m, out);
        else L.gemmTN(xs[0], xs[0], m, n, n, out);
      },
      (xs, _o, g, gx) => {
        // Ā = (G + G') A (outer) or A (G + G') (inner)
        const S = new Float64Array(k * k);
        for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) S[i * k + j] = g[i * k + j] + g[j * k + i];
        if (outer) L.gemmAcc(S, xs[0], m, m, n, gx[0]!);
        else L.gemmAcc(xs[0], S, m, n, n, gx[0]!);
      },
    );
  };
}

/** B' A B (matrix B) or b' A b (vector b); `sym` checks A and symmetrizes the result. */
function quadForm(fn: string, sym: boolean): Builtin {
  return (args, ctx) => {
    const A = ten(args[0], fn);
    const B = ten(args[1], fn);
    const n = square(fn, A);
    const vec = kindOf(ctx, 1, B) !== 'matrix';
    const [br, m] = vec ? [B.size, 1] : [B.shape[0], B.shape[1]];
    if (br !== n) sizeError(fn, `columns of A (${n}) and rows of B (${br}) must match in size`);
    return chainOp(
      [A, B],
      vec ? [] : [m, m],
      (xs, out) => {
        if (sym) checkSymmetric(fn, xs[0], n);
        const AB = new Float64Array(n * m);
        L.gemm(xs[0], xs[1], n, n, m, AB);
        L.gemmTN(xs[1], AB, n, m, m, out);
        if (sym) {
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < i; j++) {
              const v = 0.5 * (out[i * m + j] + out[j * m + i]);
              out[i * m + j] = out[j * m + i] = v;
            }
          }
        }
      },
      (xs, _o, g, gx) => {
        let G = g;
        if (sym) {
          G = new Float64Array(m * m);
          for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) G[i * m + j] = 0.5 * (g[i * m + j] + g[j * m + i]);
        }
        const [Am, Bm] = xs;
        if (gx[0]) {
          // Ā = B G B'
          const BG = new Float64Array(n * m);
          L.gemm(Bm, G, n, m, m, BG);
          const t = new Float64Array(n * n);
          L.gemmNT(BG, Bm, n, m, n, t);
          for (let i = 0; i < n * n; i++) gx[0][i] += t[i];
        }
        if (gx[1]) {
          // B̄ = A B G' + A' B G
          const AB = new Float64Array(n * m);
          L.gemm(Am, Bm, n, n, m, AB);
          const AtB = new Float64Array(n * m);
          L.gemmTN(Am, Bm, n, n, m, AtB);
          const Gt = new Float64Array(m * m);
          L.transposeInto(G, m, m, Gt);
          L.gemmAcc(AB, Gt, n, m, m, gx[1]);
          L.gemmAcc(AtB, G, n, m, m, gx[1]);
        }
      },
    );
  };
}

const quadFormDiag: Builtin = (args) => {
  const M = ten(args[0], 'quad_form_diag');
  const v = ten(args[1], 'quad_form_diag');
  const n = square('quad_form_diag', M, 'm');
  checkSame('quad_form_diag', 'rows of m', n, 'v', v.size);
  return chainOp(
    [M, v],
    [n, n],
    (xs, out) => {
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = xs[1][i] * xs[0][i * n + j] * xs[1][j];
    },
    (xs, _o, g, gx) => {
      const [m, d] = xs;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const gij = g[i * n + j];
          if (gx[0]) gx[0][i * n + j] += gij * d[i] * d[j];
          if (gx[1]) {
            gx[1][i] += gij * m[i * n + j] * d[j];
            gx[1][j] += gij * d[i] * m[i * n + j];
          }
        }
      }
    },
  );
};

const traceQuadForm: Builtin = (args) => {
  const A = ten(args[0], 'trace_quad_form');
  const B = ten(args[1], 'trace_quad_form');
  const n = square('trace_quad_form', A);
  const [br, m] = B.shape.length === 2 ? [B.shape[0], B.shape[1]] : [B.size, 1];
  if (br !== n) sizeError('trace_quad_form', `columns of A (${n}) and rows of B (${br}) must match in size`);
  return chainOp(
    [A, B],
    [],
    (xs, out) => {
      const AB = new Float64Array(n * m);
      L.gemm(xs[0], xs[1], n, n, m, AB);
      let s = 0;
      for (let i = 0; i < n * m; i++) s += xs[1][i] * AB[i];
      out[0] = s;
    },
    (xs, _o, g, gx) => {
      const [Am, Bm] = xs;
      if (gx[0]) {
        const t = new Float64Array(n * n);
        L.gemmNT(Bm, Bm, n, m, n, t);
        for (let i = 0; i < n * n; i++) gx[0][i] += g[0] * t[i];
      }
      if (gx[1]) {
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < m; j++) {
            let s = 0;
            for (let k = 0; k < n; k++) s += (Am[i * n + k] + Am[k * n + i]) * Bm[k * m + j];
            gx[1][i * m + j] += g[0] * s;
          }
        }
      }
    },
  );
};

/** trace(D B' A B). */
const traceGenQuadForm: Builtin = (args) => {
  const fn = 'trace_gen_quad_form';
  const D = ten(args[0], fn);
  const A = ten(args[1], fn);
  const B = ten(args[2], fn);
  const n = square(fn, A);
  const k = square(fn, D, 'D');
  if (B.shape.length !== 2 || B.shape[0] !== n || B.shape[1] !== k) {
    sizeError(fn, `B must be ${n} x ${k} to match A (${n} x ${n}) and D (${k} x ${k})`);
  }
  return chainOp(
    [D, A, B],
    [],
    (xs, out) => {
      const AB = new Float64Array(n * k);
      L.gemm(xs[1], xs[2], n, n, k, AB);
      const M = new Float64Array(k * k);
      L.gemmTN(xs[2], AB, n, k, k, M);
      let s = 0;
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) s += xs[0][i * k + j] * M[j * k + i];
      out[0] = s;
    },
    (xs, _o, g, gx) => {
      const [Dm, Am, Bm] = xs;
      if (gx[0]) {
        const AB = new Float64Array(n * k);
        L.gemm(Am, Bm, n, n, k, AB);
        const M = new Float64Array(k * k);
        L.gemmTN(Bm, AB, n, k, k, M);
        for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) gx[0][i * k + j] += g[0] * M[j * k + i];
      }
      // M̄ = g D'; Ā = B M̄ B'; B̄ = A B M̄' + A' B M̄
      const Mb = new Float64Array(k * k);
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) Mb[i * k + j] = g[0] * Dm[j * k + i];
      if (gx[1]) {
        const BM = new Float64Array(n * k);
        L.gemm(Bm, Mb, n, k, k, BM);
        const t = new Float64Array(n * n);
        L.gemmNT(BM, Bm, n, k, n, t);
        for (let i = 0; i < n * n; i++) gx[1][i] += t[i];
      }
      if (gx[2]) {
        const AB = new Float64Array(n * k);
        L.gemm(Am, Bm, n, n, k, AB);
        const AtB = new Float64Array(n * k);
        L.gemmTN(Am, Bm, n, n, k, AtB);
        const Mt = new Float64Array(k * k);
        L.transposeInto(Mb, k, k, Mt);
        L.gemmAcc(AB, Mt, n, k, k, gx[2]);
        L.gemmAcc(AtB, Mb, n, k, k, gx[2]);
      }
    },
  );
};

const multiplyLowerTriSelfTranspose: Builtin = (args) => {
  const fn = 'multiply_lower_tri_self_transpose';
  const A = ten(args[0], fn);
  const [m, n] = A.shape.length === 2 ? [A.shape[0], A.shape[1]] : [A.size, 1];
  const lower = (X: Float64Array) => {
    const T = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j <= Math.min(i, n - 1); j++) T[i * n + j] = X[i * n + j];
    return T;
  };
  return chainOp(
    [A],
    [m, m],
    (xs, out) => {
      const T = lower(xs[0]);
      L.gemmNT(T, T, m, n, m, out);
    },
    (xs, _o, g, gx) => {
      const T = lower(xs[0]);
      const S = new Float64Array(m * m);
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) S[i * m + j] = g[i * m + j] + g[j * m + i];
      const Tb = new Float64Array(m * n);
      L.gemm(S, T, m, m, n, Tb);
      for (let i = 0; i < m; i++) for (let j = 0; j <= Math.min(i, n - 1); j++) gx[0]![i * n + j] += Tb[i * n + j];
    },
  );
};

/** diag(v) M (pre) or M diag(v) (post). */
function diagMultiply(fn: string, pre: boolean): Builtin {
  return (args) => {
    const v = ten(args[pre ? 0 : 1], fn);
    const M = ten(args[pre ? 1 : 0], fn);
    const [r, c] = M.shape.length === 2 ? [M.shape[0], M.shape[1]] : [M.size, 1];
    checkSame(fn, pre ? 'rows of m' : 'columns of m', pre ? r : c, 'v', v.size);
    return chainOp(
      [v, M],
      [r, c],
      (xs, out) => {
        for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[i * c + j] = xs[0][pre ? i : j] * xs[1][i * c + j];
      },
      (xs, _o, g, gx) => {
        for (let i = 0; i < r; i++) {
          for (let j = 0; j < c; j++) {
            const k = pre ? i : j;
            const gij = g[i * c + j];
            if (gx[0]) gx[0][k] += gij * xs[1][i * c + j];
            if (gx[1]) gx[1][i * c + j] += gij * xs[0][k];
          }
        }
      },
    );
  };
}

// ---------------------------------------------------------------------------------------
// Construction.

function repeat(x: Value, shape: Shape, map: (k: number) => number): Value {
  const n = shape.reduce((a, b) => a * b, 1);
  if (typeof x === 'number') return new Tensor(shape, new Float64Array(n).fill(x), false);
  return gatherOne(x, shape, range(n, map));
}

const repVector: Builtin = (args) => {
  const x = val(args[0], 'rep_vector');
  const n = num(args[1], 'rep_vector');
  checkNonnegativeSize('rep_vector', 'n', n);
  return repeat(x, [n], () => 0);
};

const repRowVector: Builtin = (args) => {
  const x = val(args[0], 'rep_row_vector');
  const n = num(args[1], 'rep_row_vector');
  checkNonnegativeSize('rep_row_vector', 'n', n);
  return repeat(x, [n], () => 0);
};

const repMatrix: Builtin = (args, ctx) => {
  const x = val(args[0], 'rep_matrix');
  if (args.length === 3) {
    const m = num(args[1], 'rep_matrix');
    const n = num(args[2], 'rep_matrix');
    checkNonnegativeSize('rep_matrix', 'rows', m);
    checkNonnegativeSize('rep_matrix', 'cols', n);
    return repeat(x, [m, n], () => 0);
  }
  const k = num(args[1], 'rep_matrix');
  checkNonnegativeSize('rep_matrix', 'n', k);
  const v = ten(x, 'rep_matrix');
  if (kindOf(ctx, 0, x) === 'row_vector') {
    // k rows, each the row vector
    const n = v.size;
    return repeat(v, [k, n], (q) => q % n);
  }
  // a column vector repeated as k columns
  const m = v.size;
  return repeat(v, [m, k], (q) => Math.floor(q / k));
};

const addDiag: Builtin = (args) => {
  const M = ten(args[0], 'add_diag');
  const d = val(args[1], 'add_diag');
  const [r, c] = M.shape;
  const k = Math.min(r, c);
  const scalar = typeof d === 'number' || d.shape.length === 0;
  if (!scalar) checkSame('add_diag', 'number of diagonal elements of m', k, 'to_add', (d as Tensor).size);
  return chainOp(
    [M, d],
    [r, c],
    (xs, out) => {
      out.set(xs[0]);
      for (let i = 0; i < k; i++) out[i * c + i] += xs[1][scalar ? 0 : i];
    },
    (_xs, _o, g, gx) => {
      if (gx[0]) for (let i = 0; i < r * c; i++) gx[0][i] += g[i];
      if (gx[1]) for (let i = 0; i < k; i++) gx[1][scalar ? 0 : i] += g[i * c + i];
    },
  );
};

const diagonal: Builtin = (args) => {
  const M = ten(args[0], 'diagonal');
  const [r, c] = M.shape;
  const k = Math.min(r, c);
  return gatherOne(
    M,
    [k],
    range(k, (i) => i * c + i),
  );
};

const diagMatrix: Builtin = (args) => {
  const v = ten(args[0], 'diag_matrix');
  const n = v.size;
  return gatherOne(
    v,
    [n, n],
    range(n * n, (q) => (Math.floor(q / n) === q % n ? q % n : -1)),
  );
};

const identityMatrix: Builtin = (args) => {
  const n = num(args[0], 'identity_matrix');
  checkNonnegativeSize('identity_matrix', 'size', n);
  return new Tensor([n, n], L.identity(n), false);
};

const symmetrizeFromLowerTri: Builtin = (args) => {
  const A = ten(args[0], 'symmetrize_from_lower_tri');
  const n = square('symmetrize_from_lower_tri', A, 'm');
  return gatherOne(
    A,
    [n, n],
    range(n * n, (q) => {
      const i = Math.floor(q / n);
      const j = q % n;
      return i >= j ? q : j * n + i;
    }),
  );
};

/** Eigen's LinSpaced for reals: symmetric from both ends so the endpoints are exact. */
export function linspaced(fn: string, n: number, lo: number, hi: number): Float64Array {
  checkNonnegativeSize(fn, 'number of elements', n);
  if (!Number.isFinite(lo)) throw new RuntimeError(`${fn}: low is ${lo}, but must be finite!`);
  if (!Number.isFinite(hi)) throw new RuntimeError(`${fn}: high is ${hi}, but must be finite!`);
  if (hi < lo) throw new RuntimeError(`${fn}: high is ${hi}, but must be greater than or equal to ${lo}`);
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = hi;
    return out;
  }
  const step = (hi - lo) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = i < n / 2 ? lo + i * step : hi - (n - 1 - i) * step;
  return out;
}

function linspacedVec(fn: string): Builtin {
  return (args) => {
    const n = num(args[0], fn);
    const out = linspaced(fn, n, num(args[1], fn), num(args[2], fn));
    return new Tensor([n], out, false);
  };
}

/** one_hot_*: the k-th of n entries is 1. */
export function oneHot(fn: string, n: number, k: number): Float64Array {
  if (!(n > 0)) throw new RuntimeError(`${fn}: size is ${n}, but must be positive!`);
  // Stan's check_bounded: a domain error (reject), not an index error.
  if (!(k >= 1 && k <= n) || !Number.isInteger(k))
    throw new RuntimeError(`${fn}: k is ${k}, but must be in the interval [1, ${n}]`);
  const out = new Float64Array(n);
  out[k - 1] = 1;
  return out;
}

function filled(fn: string, v: number): Builtin {
  return (args) => {
    const n = num(args[0], fn);
    checkNonnegativeSize(fn, 'size', n);
    return new Tensor([n], new Float64Array(n).fill(v), false);
  };
}

const uniformSimplex: Builtin = (args) => {
  const n = num(args[0], 'uniform_simplex');
  if (!(n > 0)) throw new RuntimeError(`uniform_simplex: size is ${n}, but must be positive!`);
  return new Tensor([n], new Float64Array(n).fill(1 / n), false);
};

// ---------------------------------------------------------------------------------------
// Slicing.

const col: Builtin = (args) => {
  const M = ten(args[0], 'col');
  const j = num(args[1], 'col');
  const [r, c] = M.shape;
  checkRange('col', 'j', j, 1, c);
  return gatherOne(
    M,
    [r],
    range(r, (i) => i * c + j - 1),
  );
};

const row: Builtin = (args) => {
  const M = ten(args[0], 'row');
  const i = num(args[1], 'row');
  const [r, c] = M.shape;
  checkRange('row', 'i', i, 1, r);
  return gatherOne(
    M,
    [c],
    range(c, (j) => (i - 1) * c + j),
  );
};

function checkBlock(fn: string, r: number, c: number, i: number, j: number, nr: number, nc: number): void {
  checkRange(fn, 'i', i, 1, r);
  checkRange(fn, 'j', j, 1, c);
  checkNonnegativeSize(fn, 'n_rows', nr);
  checkNonnegativeSize(fn, 'n_cols', nc);
  if (nr > 0) checkRange(fn, 'i + n_rows - 1', i + nr - 1, 1, r);
  if (nc > 0) checkRange(fn, 'j + n_cols - 1', j + nc - 1, 1, c);
}

const block: Builtin = (args) => {
  const M = ten(args[0], 'block');
  const [i, j, nr, nc] = [1, 2, 3, 4].map((k) => num(args[k], 'block'));
  const [r, c] = M.shape;
  checkBlock('block', r, c, i, j, nr, nc);
  return gatherOne(
    M,
    [nr, nc],
    range(nr * nc, (q) => (i - 1 + Math.floor(q / nc)) * c + j - 1 + (q % nc)),
  );
};

const subCol: Builtin = (args) => {
  const M = ten(args[0], 'sub_col');
  const [i, j, nr] = [1, 2, 3].map((k) => num(args[k], 'sub_col'));
  const [r, c] = M.shape;
  checkBlock('sub_col', r, c, i, j, nr, 1);
  return gatherOne(
    M,
    [nr],
    range(nr, (q) => (i - 1 + q) * c + j - 1),
  );
};

const subRow: Builtin = (args) => {
  const M = ten(args[0], 'sub_row');
  const [i, j, nc] = [1, 2, 3].map((k) => num(args[k], 'sub_row'));
  const [r, c] = M.shape;
  checkBlock('sub_row', r, c, i, j, 1, nc);
  return gatherOne(
    M,
    [nc],
    range(nc, (q) => (i - 1) * c + j - 1 + q),
  );
};

// ---------------------------------------------------------------------------------------
// Concatenation.

/** As a matrix [r, c] by kind; scalars are 1×1. */
function asMatrix(x: Value, kind: Kind): [number, number] {
  if (typeof x === 'number' || x.shape.length === 0) return [1, 1];
  if (kind === 'matrix' || x.shape.length === 2) return [x.shape[0], x.shape[1]];
  return kind === 'row_vector' ? [1, x.size] : [x.size, 1];
}

function appendFn(fn: string, rows: boolean): Builtin {
  return (args, ctx) => {
    const x = val(args[0], fn);
    const y = val(args[1], fn);
    const kx = kindOf(ctx, 0, x);
    const ky = kindOf(ctx, 1, y);
    // Scalars stack along the direction: append_row(real, vector) is a column.
    const kxs = kx === 'scalar' ? (rows ? 'vector' : 'row_vector') : kx;
    const kys = ky === 'scalar' ? (rows ? 'vector' : 'row_vector') : ky;
    const [r1, c1] = asMatrix(x, kxs);
    const [r2, c2] = asMatrix(y, kys);
    if (rows && c1 !== c2) sizeError(fn, `columns of x (${c1}) and columns of y (${c2}) must match in size`);
    if (!rows && r1 !== r2) sizeError(fn, `rows of x (${r1}) and rows of y (${r2}) must match in size`);
    const [R, Cc] = rows ? [r1 + r2, c1] : [r1, c1 + c2];
    // Vector results: append_row of column vectors, append_col of row vectors.
    const vectorResult = rows ? kxs === 'vector' && kys === 'vector' : kxs === 'row_vector' && kys === 'row_vector';
    const shape: Shape = vectorResult ? [R * Cc] : [R, Cc];
    const n = R * Cc;
    const src = new Int32Array(n);
    const off = new Int32Array(n);
    for (let i = 0; i < R; i++) {
      for (let j = 0; j < Cc; j++) {
        const q = i * Cc + j;
        const inFirst = rows ? i < r1 : j < c1;
        if (inFirst) {
          src[q] = 0;
          off[q] = i * c1 + j;
        } else {
          src[q] = 1;
          off[q] = rows ? (i - r1) * c2 + j : i * c2 + (j - c1);
        }
      }
    }
    return gather([x, y], shape, src, off);
  };
}

// ---------------------------------------------------------------------------------------
// Conversion.

/** Column-major element order of a matrix [r, c] as row-major offsets. */
function colMajor(r: number, c: number): Int32Array {
  return range(r * c, (q) => (q % r) * c + Math.floor(q / r));
}

function toVectorFn(fn: string): Builtin {
  return (args, ctx) => {
    const x = ten(args[0], fn);
    if (kindOf(ctx, 0, x) === 'matrix' || x.shape.length === 2) {
      const [r, c] = x.shape;
      return gatherOne(x, [r * c], colMajor(r, c));
    }
    return gatherOne(
      x,
      [x.size],
      range(x.size, (k) => k),
    );
  };
}

const toMatrix: Builtin = (args, ctx) => {
  const fn = 'to_matrix';
  const x = ten(args[0], fn);
  const kind = kindOf(ctx, 0, x);
  if (args.length === 1) {
    if (kind === 'vector')
      return gatherOne(
        x,
        [x.size, 1],
        range(x.size, (k) => k),
      );
    if (kind === 'row_vector')
      return gatherOne(
        x,
        [1, x.size],
        range(x.size, (k) => k),
      );
    // matrix, array[,] real/int, array[] row_vector: already row-major [r, c]
    if (x.shape.length !== 2) sizeError(fn, 'expected a two-dimensional argument');
    return gatherOne(
      x,
      [x.shape[0], x.shape[1]],
      range(x.size, (k) => k),
    );
  }
  const m = num(args[1], fn);
  const n = num(args[2], fn);
  const colMajorFill = args.length < 4 || num(args[3], fn) !== 0;
  if (m * n !== x.size) {
    sizeError(fn, `matrix dimensions (${m} x ${n}) must match the number of elements of the argument (${x.size})`);
  }
  // The source's own element order: column-major for matrices, storage order otherwise.
  const order =
    kind === 'matrix' || (x.shape.length === 2 && kind !== 'array') ? colMajor(x.shape[0], x.shape[1]) : null;
  const srcAt = (q: number) => (order ? order[q] : q);
  return gatherOne(
    x,
    [m, n],
    range(m * n, (q) => {
      const i = Math.floor(q / n);
      const j = q % n;
      // Column-major fill: element (i, j) is the (j*m + i)-th source element; row-major: (i*n + j)-th.
      return srcAt(colMajorFill ? j * m + i : i * n + j);
    }),
  );
};

const toArray2d: Builtin = (args) => {
  const x = ten(args[0], 'to_array_2d');
  const [r, c] = x.shape;
  return gatherOne(
    x,
    [r, c],
    range(r * c, (k) => k),
  );
};

// ---------------------------------------------------------------------------------------
// Decompositions, determinants, inverses and solves.

const choleskyDecompose: Builtin = (args) => {
  const fn = 'cholesky_decompose';
  const A = ten(args[0], fn);
  const n = square(fn, A, 'm');
  return chainOp(
    [A],
    [n, n],
    (xs, out) => {
      checkSymmetric(fn, xs[0], n, 'm');
      if (!L.cholesky(xs[0], n, out)) notPositiveDefinite(fn, 'm');
    },
    (_xs, Lf, g, gx) => {
      const Lbar = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) Lbar[i * n + j] = g[i * n + j];
      L.choleskyBackward(Lf, Lbar, n, gx[0]!);
    },
  );
};

interface Lu {
  LU: Float64Array;
  piv: Int32Array;
  sign: number;
}

function luOf(fn: string, A: Float64Array, n: number, required: boolean): Lu {
  const LU = new Float64Array(n * n);
  const piv = new Int32Array(n);
  const sign = L.luDecompose(A, n, LU, piv);
  if (sign === 0 && required) throw new RuntimeError(`${fn}: matrix is singular`);
  return { LU, piv, sign };
}

/** A'⁻¹ [n×n] from LU factors. */
function invTranspose(f: Lu, n: number): Float64Array {
  const X = new Float64Array(n * n);
  L.luSolveT(f.LU, f.piv, n, L.identity(n), n, X);
  return X;
}

const determinant: Builtin = (args) => {
  const A = ten(args[0], 'determinant');
  const n = square('determinant', A);
  const lus: Lu[] = [];
  return chainOp(
    [A],
    [],
    (xs, out, c) => {
      if (n === 0) {
        out[0] = 1;
        return;
      }
      const f = luOf('determinant', xs[0], n, false);
      lus[c] = f;
      if (f.sign === 0) {
        out[0] = 0;
        return;
      }
      const { logAbs, sign } = L.luLogDet(f.LU, n, f.sign);
      out[0] = sign * Math.exp(logAbs);
    },
    (_xs, out, g, gx, c) => {
      if (n === 0 || lus[c].sign === 0) return; // gradient at a singular matrix: not defined here
      const T = invTranspose(lus[c], n);
      for (let i = 0; i < n * n; i++) gx[0]![i] += g[0] * out[0] * T[i];
    },
  );
};

const logDeterminant: Builtin = (args) => {
  const A = ten(args[0], 'log_determinant');
  const n = square('log_determinant', A);
  const lus: Lu[] = [];
  return chainOp(
    [A],
    [],
    (xs, out, c) => {
      if (n === 0) {
        out[0] = 0;
        return;
      }
      const f = luOf('log_determinant', xs[0], n, false);
      lus[c] = f;
      out[0] = f.sign === 0 ? -Infinity : L.luLogDet(f.LU, n, f.sign).logAbs;
    },
    (_xs, _o, g, gx, c) => {
      if (n === 0 || lus[c].sign === 0) return;
      const T = invTranspose(lus[c], n);
      for (let i = 0; i < n * n; i++) gx[0]![i] += g[0] * T[i];
    },
  );
};

/** Symmetry + Cholesky, with Stan's messages. */
function spdFactor(fn: string, A: Float64Array, n: number, name = 'A'): Float64Array {
  checkSymmetric(fn, A, n, name);
  const Lf = new Float64Array(n * n);
  if (!L.cholesky(A, n, Lf)) notPositiveDefinite(fn, name);
  return Lf;
}

function spdInverse(Lf: Float64Array, n: number): Float64Array {
  const X = new Float64Array(n * n);
  L.cholSolve(Lf, n, L.identity(n), n, X);
  // exact symmetry
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) X[i * n + j] = X[j * n + i] = 0.5 * (X[i * n + j] + X[j * n + i]);
  return X;
}

const logDeterminantSpd: Builtin = (args) => {
  const fn = 'log_determinant_spd';
  const A = ten(args[0], fn);
  const n = square(fn, A);
  const Ls: Float64Array[] = [];
  return chainOp(
    [A],
    [],
    (xs, out, c) => {
      const Lf = spdFactor(fn, xs[0], n);
      Ls[c] = Lf;
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.log(Lf[i * n + i]);
      out[0] = 2 * s;
    },
    (_xs, _o, g, gx, c) => {
      const Ainv = spdInverse(Ls[c], n);
      for (let i = 0; i < n * n; i++) gx[0]![i] += g[0] * Ainv[i];
    },
  );
};

const trace: Builtin = (args) => {
  const A = ten(args[0], 'trace');
  const [r, c] = A.shape.length === 2 ? A.shape : [A.size, 1];
  const k = Math.min(r, c);
  return chainOp(
    [A],
    [],
    (xs, out) => {
      let s = 0;
      for (let i = 0; i < k; i++) s += xs[0][i * c + i];
      out[0] = s;
    },
    (_xs, _o, g, gx) => {
      for (let i = 0; i < k; i++) gx[0]![i * c + i] += g[0];
    },
  );
};

const inverse: Builtin = (args) => {
  const A = ten(args[0], 'inverse');
  const n = square('inverse', A);
  return chainOp(
    [A],
    [n, n],
    (xs, out) => {
      const f = luOf('inverse', xs[0], n, true);
      L.luSolve(f.LU, f.piv, n, L.identity(n), n, out);
    },
    (_xs, B, g, gx) => {
      // Ā = -B' G B'
      const BtG = new Float64Array(n * n);
      L.gemmTN(B, g, n, n, n, BtG);
      const t = new Float64Array(n * n);
      L.gemmNT(BtG, B, n, n, n, t);
      for (let i = 0; i < n * n; i++) gx[0]![i] -= t[i];
    },
  );
};

/** Ā -= B G B for a symmetric inverse B. */
function symInverseBackward(B: Float64Array, g: Float64Array, n: number, Abar: Float64Array): void {
  const BG = new Float64Array(n * n);
  L.gemm(B, g, n, n, n, BG);
  const t = new Float64Array(n * n);
  L.gemm(BG, B, n, n, n, t);
  for (let i = 0; i < n * n; i++) Abar[i] -= t[i];
}

const inverseSpd: Builtin = (args) => {
  const fn = 'inverse_spd';
  const A = ten(args[0], fn);
  const n = square(fn, A);
  return chainOp(
    [A],
    [n, n],
    (xs, out) => {
      out.set(spdInverse(spdFactor(fn, xs[0], n), n));
    },
    (_xs, B, g, gx) => symInverseBackward(B, g, n, gx[0]!),
  );
};

const chol2inv: Builtin = (args) => {
  const fn = 'chol2inv';
  const Lm = ten(args[0], fn);
  const n = square(fn, Lm, 'L');
  return chainOp(
    [Lm],
    [n, n],
    (xs, out) => {
      const Lf = xs[0];
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          if (Lf[i * n + j] !== 0)
            throw new RuntimeError(`${fn}: L is not lower triangular; L[${i + 1},${j + 1}]=${Lf[i * n + j]}`);
        }
      }
      out.set(spdInverse(Lf, n));
    },
    (xs, B, g, gx) => {
      // A = L L'; Ā = -B G B; L̄ = (Ā + Ā') L on the lower triangle
      const Ab = new Float64Array(n * n);
      symInverseBackward(B, g, n, Ab);
      const S = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S[i * n + j] = Ab[i * n + j] + Ab[j * n + i];
      const t = new Float64Array(n * n);
      L.gemm(S, xs[0], n, n, n, t);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) gx[0]![i * n + j] += t[i * n + j];
    },
  );
};

/** The right-hand side as [rows, cols] for a left solve (vector b is n×1). */
function rhsDims(B: Tensor, kind: Kind): [number, number] {
  if (kind === 'matrix' || B.shape.length === 2) return [B.shape[0], B.shape[1]];
  return [B.size, 1];
}

/** The left-hand side as [rows, cols] for a right solve (row_vector b is 1×n). */
function lhsDims(B: Tensor, kind: Kind): [number, number] {
  if (kind === 'matrix' || B.shape.length === 2) return [B.shape[0], B.shape[1]];
  return [1, B.size];
}

/**
 * Left solves X = A⁻¹ B: general (LU), lower-triangular, or SPD (Cholesky). Backward:
 * B̄ = A'⁻¹ G, Ā = -B̄ X' (lower triangle only for the triangular solve).
 */
function mdivideLeft(fn: string, mode: 'lu' | 'tri' | 'spd'): Builtin {
  return (args, ctx) => {
    const A = ten(args[0], fn);
    const B = ten(args[1], fn);
    const n = square(fn, A);
    const [br, m] = rhsDims(B, kindOf(ctx, 1, B));
    if (br !== n) sizeError(fn, `columns of A (${n}) and rows of b (${br}) must match in size`);
    const facts: (Lu | Float64Array)[] = [];
    return chainOp(
      [A, B],
      B.shape,
      (xs, out, c) => {
        if (mode === 'lu') {
          const f = luOf(fn, xs[0], n, true);
          facts[c] = f;
          L.luSolve(f.LU, f.piv, n, xs[1], m, out);
        } else if (mode === 'tri') {
          L.solveLower(xs[0], n, xs[1], m, out);
        } else {
          const Lf = spdFactor(fn, xs[0], n);
          facts[c] = Lf;
          L.cholSolve(Lf, n, xs[1], m, out);
        }
      },
      (xs, X, g, gx, c) => {
        const Bb = new Float64Array(n * m);
        if (mode === 'lu') {
          const f = facts[c] as Lu;
          L.luSolveT(f.LU, f.piv, n, g, m, Bb);
        } else if (mode === 'tri') {
          L.solveLowerT(xs[0], n, g, m, Bb);
        } else {
          L.cholSolve(facts[c] as Float64Array, n, g, m, Bb);
        }
        if (gx[1]) for (let i = 0; i < n * m; i++) gx[1][i] += Bb[i];
        if (gx[0]) {
          for (let i = 0; i < n; i++) {
            const jMax = mode === 'tri' ? i : n - 1;
            for (let j = 0; j <= jMax; j++) {
              let s = 0;
              for (let k = 0; k < m; k++) s += Bb[i * m + k] * X[j * m + k];
              gx[0][i * n + j] -= s;
            }
          }
        }
      },
    );
  };
}

/**
 * Right solves X = B A⁻¹. Backward: B̄ = G A⁻¹ (as A'⁻¹ G' transposed), Ā = -X' B̄.
 */
function mdivideRight(fn: string, mode: 'lu' | 'tri' | 'spd'): Builtin {
  return (args, ctx) => {
    const B = ten(args[0], fn);
    const A = ten(args[1], fn);
    const n = square(fn, A);
    const [m, bc] = lhsDims(B, kindOf(ctx, 0, B));
    if (bc !== n) sizeError(fn, `columns of b (${bc}) and rows of A (${n}) must match in size`);
    const facts: (Lu | Float64Array)[] = [];
    // X' = A'⁻¹ B' (general); triangular: X = B L⁻¹ directly.
    return chainOp(
      [B, A],
      B.shape,
      (xs, out, c) => {
        if (mode === 'tri') {
          L.solveRightLower(xs[1], n, xs[0], m, out);
          return;
        }
        const Bt = new Float64Array(n * m);
        L.transposeInto(xs[0], m, n, Bt);
        const Xt = new Float64Array(n * m);
        if (mode === 'lu') {
          const f = luOf(fn, xs[1], n, true);
          facts[c] = f;
          L.luSolveT(f.LU, f.piv, n, Bt, m, Xt);
        } else {
          const Lf = spdFactor(fn, xs[1], n);
          facts[c] = Lf;
          L.cholSolve(Lf, n, Bt, m, Xt);
        }
        L.transposeInto(Xt, n, m, out);
      },
      (xs, X, g, gx, c) => {
        const Bb = new Float64Array(m * n);
        if (mode === 'tri') {
          L.solveRightLowerT(xs[1], n, g, m, Bb);
        } else {
          const Gt = new Float64Array(n * m);
          L.transposeInto(g, m, n, Gt);
          const Y = new Float64Array(n * m);
          if (mode === 'lu') {
            const f = facts[c] as Lu;
            L.luSolve(f.LU, f.piv, n, Gt, m, Y);
          } else {
            L.cholSolve(facts[c] as Float64Array, n, Gt, m, Y);
          }
          L.transposeInto(Y, n, m, Bb);
        }
        if (gx[0]) for (let i = 0; i < m * n; i++) gx[0][i] += Bb[i];
        if (gx[1]) {
          for (let i = 0; i < n; i++) {
            const jMax = mode === 'tri' ? i : n - 1;
            for (let j = 0; j <= jMax; j++) {
              let s = 0;
              for (let k = 0; k < m; k++) s += X[k * n + i] * Bb[k * n + j];
              gx[1][i * n + j] -= s;
            }
          }
        }
      },
    );
  };
}

/** For the operators: `A \ B` and `B / A` (the lead's codegen calls these). */
export const mdivide_left = mdivideLeft('mdivide_left', 'lu');
export const mdivide_right = mdivideRight('mdivide_right', 'lu');

// ---------------------------------------------------------------------------------------
// Spectral functions.

const eigenvaluesSym: Builtin = (args) => {
  const fn = 'eigenvalues_sym';
  const A = ten(args[0], fn);
  const n = square(fn, A, 'm');
  const vecs: Float64Array[] = [];
  return chainOp(
    [A],
    [n],
    (xs, out, c) => {
      checkSymmetric(fn, xs[0], n, 'm');
      const V = new Float64Array(n * n);
      L.symEigen(xs[0], n, out, V);
      vecs[c] = V;
    },
    (_xs, _o, g, gx, c) => {
      // Ā = V diag(ḡ) V'
      const V = vecs[c];
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += V[i * n + k] * g[k] * V[j * n + k];
          gx[0]![i * n + j] += s;
        }
      }
    },
  );
};

const eigenvectorsSym: Builtin = (args) => {
  const fn = 'eigenvectors_sym';
  const A = ten(args[0], fn);
  const n = square(fn, A, 'm');
  const vals: Float64Array[] = [];
  return chainOp(
    [A],
    [n, n],
    (xs, out, c) => {
      checkSymmetric(fn, xs[0], n, 'm');
      const w = new Float64Array(n);
      L.symEigen(xs[0], n, w, out);
      vals[c] = w;
    },
    (_xs, V, g, gx, c) => {
      // Ā = V (F ∘ (V' V̄)) V', F_ij = 1/(λ_j - λ_i) off the diagonal
      const w = vals[c];
      const M = new Float64Array(n * n);
      L.gemmTN(V, g, n, n, n, M);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) M[i * n + j] = i === j ? 0 : M[i * n + j] / (w[j] - w[i]);
      const VM = new Float64Array(n * n);
      L.gemm(V, M, n, n, n, VM);
      const t = new Float64Array(n * n);
      L.gemmNT(VM, V, n, n, n, t);
      for (let i = 0; i < n * n; i++) gx[0]![i] += t[i];
    },
  );
};

interface Svd {
  s: Float64Array;
  U: Float64Array;
  V: Float64Array;
}

function svdOf(A: Float64Array, m: number, n: number): Svd {
  const k = Math.min(m, n);
  const s = new Float64Array(k);
  const U = new Float64Array(m * k);
  const V = new Float64Array(n * k);
  L.svd(A, m, n, s, U, V);
  return { s, U, V };
}

/**
 * Adjoint of A = U S V' (thin SVD, distinct nonzero singular values; Townsend 2016) given the
 * adjoints of U [m×k], s [k], V [n×k] (any may be null), added into Abar [m×n].
 */
function svdBackward(
  A: Svd,
  m: number,
  n: number,
  Ub: Float64Array | null,
  sb: Float64Array | null,
  Vb: Float64Array | null,
  Abar: Float64Array,
): void {
  const { s, U, V } = A;
  const k = s.length;
  const inner = new Float64Array(k * k); // the k×k middle factor
  if (sb) for (let i = 0; i < k; i++) inner[i * k + i] += sb[i];
  const F = (i: number, j: number) => (i === j ? 0 : 1 / (s[j] * s[j] - s[i] * s[i]));
  if (Ub) {
    const UtUb = new Float64Array(k * k);
    L.gemmTN(U, Ub, m, k, k, UtUb);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) inner[i * k + j] += F(i, j) * (UtUb[i * k + j] - UtUb[j * k + i]) * s[j];
    }
  }
  if (Vb) {
    const VtVb = new Float64Array(k * k);
    L.gemmTN(V, Vb, n, k, k, VtVb);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) inner[i * k + j] += s[i] * F(i, j) * (VtVb[i * k + j] - VtVb[j * k + i]);
    }
  }
  // U inner V'
  const Ui = new Float64Array(m * k);
  L.gemm(U, inner, m, k, k, Ui);
  const t = new Float64Array(m * n);
  L.gemmNT(Ui, V, m, k, n, t);
  for (let i = 0; i < m * n; i++) Abar[i] += t[i];
  if (Ub && m > k) {
    // (I - U U') Ū S⁻¹ V'
    const UtUb = new Float64Array(k * k);
    L.gemmTN(U, Ub, m, k, k, UtUb);
    const P = Float64Array.from(Ub);
    const UUtUb = new Float64Array(m * k);
    L.gemm(U, UtUb, m, k, k, UUtUb);
    for (let i = 0; i < m * k; i++) P[i] = (P[i] - UUtUb[i]) / s[i % k];
    const t2 = new Float64Array(m * n);
    L.gemmNT(P, V, m, k, n, t2);
    for (let i = 0; i < m * n; i++) Abar[i] += t2[i];
  }
  if (Vb && n > k) {
    // U S⁻¹ V̄' (I - V V')
    const VtVb = new Float64Array(k * k);
    L.gemmTN(V, Vb, n, k, k, VtVb);
    const P = Float64Array.from(Vb);
    const VVtVb = new Float64Array(n * k);
    L.gemm(V, VtVb, n, k, k, VVtVb);
    for (let i = 0; i < n * k; i++) P[i] = (P[i] - VVtVb[i]) / s[i % k];
    const t2 = new Float64Array(m * n);
    L.gemmNT(U, P, m, k, n, t2);
    for (let i = 0; i < m * n; i++) Abar[i] += t2[i];
  }
}

function svdFn(fn: string, part: 's' | 'U' | 'V'): Builtin {
  return (args) => {
    const A = ten(args[0], fn);
    const [m, n] = A.shape.length === 2 ? [A.shape[0], A.shape[1]] : [A.size, 1];
    const k = Math.min(m, n);
    const svds: Svd[] = [];
    const shape = part === 's' ? [k] : part === 'U' ? [m, k] : [n, k];
    return chainOp(
      [A],
      shape,
      (xs, out, c) => {
        const d = svdOf(xs[0], m, n);
        svds[c] = d;
        out.set(part === 's' ? d.s : part === 'U' ? d.U : d.V);
      },
      (_xs, _o, g, gx, c) => {
        svdBackward(svds[c], m, n, part === 'U' ? g : null, part === 's' ? g : null, part === 'V' ? g : null, gx[0]!);
      },
    );
  };
}

/** Data-only decompositions without a gradient here (QR, generalized inverse of non-full rank). */
function dataOnly(fn: string, x: Tensor): void {
  if (isBatched(x)) throw new RuntimeError(`${fn}: hstan supports this function on data only, not on parameters`);
}

function qrFn(fn: string, thin: boolean, part: 'Q' | 'R'): Builtin {
  return (args) => {
    const A = ten(args[0], fn);
    dataOnly(fn, A);
    const [m, n] = A.shape;
    const Q = new Float64Array(m * m);
    const R = new Float64Array(m * n);
    L.qr(A.val, m, n, Q, R);
    const k = Math.min(m, n);
    if (part === 'Q') {
      if (!thin) return new Tensor([m, m], Q, false);
      const out = new Float64Array(m * k);
      for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) out[i * k + j] = Q[i * m + j];
      return new Tensor([m, k], out, false);
    }
    if (!thin) return new Tensor([m, n], R, false);
    return new Tensor([k, n], R.slice(0, k * n), false);
  };
}

/** Moore–Penrose inverse via the SVD; gradients assume constant (full) rank. */
const generalizedInverse: Builtin = (args) => {
  const fn = 'generalized_inverse';
  const A = ten(args[0], fn);
  const [m, n] = A.shape;
  return chainOp(
    [A],
    [n, m],
    (xs, out) => {
      const { s, U, V } = svdOf(xs[0], m, n);
      const k = s.length;
      const tol = Math.max(m, n) * (s[0] ?? 0) * 2.220446049250313e-16;
      out.fill(0);
      for (let q = 0; q < k; q++) {
        if (s[q] <= tol) continue;
        for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[i * m + j] += (V[i * k + q] * U[j * k + q]) / s[q];
      }
    },
    (xs, P, g, gx) => {
      // Ā = -P' G P' + (I - A P)' ... with P = A⁺ (Golub & Pereyra):
      //   -P' G P' + (I - A P) G' P P' + P' P G' (I - P A)
      const A0 = xs[0];
      const Pt = new Float64Array(m * n);
      L.transposeInto(P, n, m, Pt);
      const Gt = new Float64Array(m * n);
      L.transposeInto(g, n, m, Gt);
      const t1 = new Float64Array(m * m);
      L.gemm(Pt, g, m, n, m, t1); // P' G  [m×m]
      const term1 = new Float64Array(m * n);
      L.gemm(t1, Pt, m, m, n, term1); // P' G P'
      const AP = new Float64Array(m * m);
      L.gemm(A0, P, m, n, m, AP);
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) AP[i * m + j] = (i === j ? 1 : 0) - AP[i * m + j];
      const PPt = new Float64Array(n * n);
      L.gemmNT(P, P, n, m, n, PPt);
      const GtPPt = new Float64Array(m * n);
      L.gemm(Gt, PPt, m, n, n, GtPPt);
      const term2 = new Float64Array(m * n);
      L.gemm(AP, GtPPt, m, m, n, term2);
      const PtP = new Float64Array(m * m);
      L.gemmTN(P, P, n, m, m, PtP);
      const PA = new Float64Array(n * n);
      L.gemm(P, A0, n, m, n, PA);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) PA[i * n + j] = (i === j ? 1 : 0) - PA[i * n + j];
      const PtPGt = new Float64Array(m * n);
      L.gemm(PtP, Gt, m, m, n, PtPGt);
      const term3 = new Float64Array(m * n);
      L.gemm(PtPGt, PA, m, n, n, term3);
      for (let i = 0; i < m * n; i++) gx[0]![i] += -term1[i] + term2[i] + term3[i];
    },
  );
};

// ---------------------------------------------------------------------------------------
// Matrix exponential and powers.

/** Adjoint of exp(A) at G: the upper-right block of exp([[A', G], [0, A']]). */
function expmBackward(A: Float64Array, G: Float64Array, n: number): Float64Array {
  const N = 2 * n;
  const Big = new Float64Array(N * N);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      Big[i * N + j] = A[j * n + i];
      Big[(n + i) * N + n + j] = A[j * n + i];
      Big[i * N + n + j] = G[i * n + j];
    }
  }
  const E = new Float64Array(N * N);
  L.expm(Big, N, E);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = E[i * N + n + j];
  return out;
}

const matrixExp: Builtin = (args) => {
  const A = ten(args[0], 'matrix_exp');
  const n = square('matrix_exp', A);
  return chainOp(
    [A],
    [n, n],
    (xs, out) => L.expm(xs[0], n, out),
    (xs, _o, g, gx) => {
      const Ab = expmBackward(xs[0], g, n);
      for (let i = 0; i < n * n; i++) gx[0]![i] += Ab[i];
    },
  );
};

/** exp(tA) B (t = 1 for matrix_exp_multiply). */
function expMultiply(fn: string, scaled: boolean): Builtin {
  return (args) => {
    const t = scaled ? val(args[0], fn) : 1;
    const A = ten(args[scaled ? 1 : 0], fn);
    const B = ten(args[scaled ? 2 : 1], fn);
    const n = square(fn, A);
    const [br, m] = B.shape.length === 2 ? [B.shape[0], B.shape[1]] : [B.size, 1];
    if (br !== n) sizeError(fn, `columns of A (${n}) and rows of B (${br}) must match in size`);
    const exps: Float64Array[] = [];
    return chainOp(
      [t, A, B],
      B.shape,
      (xs, out, c) => {
        const tv = xs[0][0];
        const tA = new Float64Array(n * n);
        for (let i = 0; i < n * n; i++) tA[i] = tv * xs[1][i];
        const E = new Float64Array(n * n);
        L.expm(tA, n, E);
        exps[c] = E;
        L.gemm(E, xs[2], n, n, m, out);
      },
      (xs, _o, g, gx, c) => {
        const tv = xs[0][0];
        const E = exps[c];
        if (gx[2]) {
          const Bb = new Float64Array(n * m);
          L.gemmTN(E, g, n, n, m, Bb);
          for (let i = 0; i < n * m; i++) gx[2][i] += Bb[i];
        }
        if (gx[0] || gx[1]) {
          // Ē = G B'; the adjoint of tA is expm's backward at Ē.
          const Eb = new Float64Array(n * n);
          L.gemmNT(g, xs[2], n, m, n, Eb);
          const tA = new Float64Array(n * n);
          for (let i = 0; i < n * n; i++) tA[i] = tv * xs[1][i];
          const tAb = expmBackward(tA, Eb, n);
          if (gx[1]) for (let i = 0; i < n * n; i++) gx[1][i] += tv * tAb[i];
          if (gx[0]) {
            let s = 0;
            for (let i = 0; i < n * n; i++) s += xs[1][i] * tAb[i];
            gx[0][0] += s;
          }
        }
      },
    );
  };
}

const matrixPower: Builtin = (args) => {
  const fn = 'matrix_power';
  const A = ten(args[0], fn);
  const p = num(args[1], fn);
  const n = square(fn, A, 'M');
  if (!(p >= 0) || !Number.isInteger(p)) throw new RuntimeError(`${fn}: n is ${p}, but must be nonnegative!`);
  const powers: Float64Array[][] = [];
  return chainOp(
    [A],
    [n, n],
    (xs, out, c) => {
      const P: Float64Array[] = [L.identity(n)];
      for (let k = 1; k <= p; k++) {
        const next = new Float64Array(n * n);
        L.gemm(P[k - 1], xs[0], n, n, n, next);
        P.push(next);
      }
      powers[c] = P;
      out.set(P[p]);
    },
    (_xs, _o, g, gx, c) => {
      // Ā = Σ_{k=0}^{p-1} (A^k)' G (A^{p-1-k})'
      const P = powers[c];
      const t1 = new Float64Array(n * n);
      const t2 = new Float64Array(n * n);
      for (let k = 0; k < p; k++) {
        L.gemmTN(P[k], g, n, n, n, t1);
        L.gemmNT(t1, P[p - 1 - k], n, n, n, t2);
        for (let i = 0; i < n * n; i++) gx[0]![i] += t2[i];
      }
    },
  );
};

// ---------------------------------------------------------------------------------------
// Gaussian-process covariance functions.

type GpKind = 'exp_quad' | 'matern32' | 'matern52' | 'exponential' | 'periodic' | 'dot_prod';

/** Points of an array of reals [N] or array of vectors [N, D] as (N, D). */
function points(x: Tensor): [number, number] {
  if (x.shape.length === 0) return [1, 1];
  if (x.shape.length === 1) return [x.shape[0], 1];
  return [x.shape[0], x.shape[1]];
}

function gpCov(kind: GpKind): Builtin {
  const fn = kind === 'dot_prod' ? 'gp_dot_prod_cov' : `gp_${kind}_cov`;
  const nHyper = kind === 'dot_prod' ? 1 : kind === 'periodic' ? 3 : 2;
  return (args, ctx) => {
    const cross = args.length === 2 + nHyper;
    const x1 = ten(args[0], fn);
    const x2 = cross ? ten(args[1], fn) : x1;
    const h0 = cross ? 2 : 1;
    const sigma = val(args[h0], fn);
    const ell = nHyper >= 2 ? val(args[h0 + 1], fn) : 0;
    const period = nHyper === 3 ? val(args[h0 + 2], fn) : 0;
    void ctx;
    const [N1, D] = points(x1);
    const [N2, D2] = points(x2);
    if (D !== D2) sizeError(fn, `x1 has points of dimension ${D} and x2 of dimension ${D2}; they must match`);
    const ard = typeof ell !== 'number' && ell.shape.length > 0;
    if (ard && (ell as Tensor).size !== D) {
      sizeError(fn, `number of length scales (${(ell as Tensor).size}) must match the dimension of the points (${D})`);
    }
    const inputs: Value[] = cross ? [x1, x2, sigma, ell, period] : [x1, sigma, ell, period];
    const ix2 = cross ? 1 : 0;
    const is = cross ? 2 : 1;
    const checkHyper = (s: number, ls: Float64Array, p: number) => {
      if (!(s > 0) || !Number.isFinite(s))
        throw new RuntimeError(`${fn}: magnitude is ${s}, but must be positive finite!`);
      if (nHyper >= 2) {
        for (let d = 0; d < (ard ? D : 1); d++) {
          if (!(ls[d] > 0) || !Number.isFinite(ls[d]))
            throw new RuntimeError(`${fn}: length scale is ${ls[d]}, but must be positive finite!`);
        }
      }
      if (nHyper === 3 && !(p > 0 && Number.isFinite(p)))
        throw new RuntimeError(`${fn}: period is ${p}, but must be positive finite!`);
    };
    const checkPoints = (v: Float64Array, name: string) => {
      for (let i = 0; i < v.length; i++)
        if (Number.isNaN(v[i])) throw new RuntimeError(`${fn}: ${name} is nan, but must not be nan!`);
    };
    const sq = (a: Float64Array, i: number, b: Float64Array, j: number, ls: Float64Array) => {
      let r2 = 0;
      for (let d = 0; d < D; d++) {
        const diff = (a[i * D + d] - b[j * D + d]) / (ard ? ls[d] : 1);
        r2 += diff * diff;
      }
      return r2;
    };
    // k(r) and, for the backward pass, ∂k/∂σ, ∂k/∂ℓ, ∂k/∂p and a factor w with ∂k/∂x1_d = w Δ_d.
    const evalK = (r2: number, s: number, l: number, p: number, dot: number, grad: Float64Array | null): number => {
      const s2 = s * s;
      let k: number;
      switch (kind) {
        case 'exp_quad': {
          const scaled = ard ? r2 : r2 / (l * l);
          k = s2 * Math.exp(-0.5 * scaled);
          if (grad) {
            grad[1] = ard ? 0 : (k * r2) / (l * l * l);
            grad[3] = ard ? -k : -k / (l * l);
          }
          break;
        }
        case 'matern32': {
          const r = Math.sqrt(r2);
          const e = Math.exp((-Math.sqrt(3) * r) / l);
          k = s2 * (1 + (Math.sqrt(3) * r) / l) * e;
          if (grad) {
            grad[1] = (s2 * 3 * r2 * e) / (l * l * l);
            grad[3] = (-s2 * 3 * e) / (l * l);
          }
          break;
        }
        case 'matern52': {
          const r = Math.sqrt(r2);
          const e = Math.exp((-Math.sqrt(5) * r) / l);
          k = s2 * (1 + (Math.sqrt(5) * r) / l + (5 * r2) / (3 * l * l)) * e;
          if (grad) {
            const f = s2 * e * (5 / (3 * l * l)) * (1 + (Math.sqrt(5) * r) / l);
            grad[1] = (f * r2) / l;
            grad[3] = -f;
          }
          break;
        }
        case 'exponential': {
          const r = Math.sqrt(r2);
          k = s2 * Math.exp(-r / l);
          if (grad) {
            grad[1] = (k * r) / (l * l);
            grad[3] = r === 0 ? 0 : -k / (l * r);
          }
          break;
        }
        case 'periodic': {
          const r = Math.sqrt(r2);
          const sn = Math.sin((Math.PI * r) / p);
          k = s2 * Math.exp((-2 * sn * sn) / (l * l));
          if (grad) {
            const s2pi = Math.sin((2 * Math.PI * r) / p);
            grad[1] = (4 * k * sn * sn) / (l * l * l);
            grad[2] = (k * 2 * Math.PI * r * s2pi) / (p * p * l * l);
            // ∂k/∂r · 1/r, with sin(2πr/p)/r → 2π/p at r = 0
            const ratio = r === 0 ? (2 * Math.PI) / p : s2pi / r;
            grad[3] = (-k * 2 * Math.PI * ratio) / (p * l * l);
          }
          break;
        }
        case 'dot_prod':
          k = s2 + dot;
          break;
      }
      if (grad) grad[0] = (2 * (k - (kind === 'dot_prod' ? dot : 0))) / s;
      return k;
    };
    return chainOp(
      inputs,
      [N1, N2],
      (xs, out) => {
        const a = xs[0];
        const b = xs[ix2];
        const s = xs[is][0];
        const ls = xs[is + 1];
        checkHyper(s, ls, xs[is + 2][0]);
        checkPoints(a, cross ? 'x1' : 'x');
        if (cross) checkPoints(b, 'x2');
        for (let i = 0; i < N1; i++) {
          // One point set: K is symmetric, so fill the upper triangle and mirror it.
          for (let j = cross ? 0 : i; j < N2; j++) {
            let dot = 0;
            if (kind === 'dot_prod') for (let d = 0; d < D; d++) dot += a[i * D + d] * b[j * D + d];
            const k = evalK(kind === 'dot_prod' ? 0 : sq(a, i, b, j, ls), s, ls[0], xs[is + 2][0], dot, null);
            out[i * N2 + j] = k;
            if (!cross) out[j * N2 + i] = k;
          }
        }
      },
      (xs, _o, g, gx) => {
        const a = xs[0];
        const b = xs[ix2];
        const s = xs[is][0];
        const ls = xs[is + 1];
        const p = xs[is + 2][0];
        const grad = new Float64Array(4);
        const ga = gx[0];
        const gb = gx[ix2];
        for (let i = 0; i < N1; i++) {
          // Symmetric case: pair (i, j) and (j, i) share k and its partials (Δ flips sign, and
          // so does the role of the two points), so one visit with g_ij + g_ji covers both.
          for (let j = cross ? 0 : i; j < N2; j++) {
            const gij = cross || i === j ? g[i * N2 + j] : g[i * N2 + j] + g[j * N2 + i];
            if (gij === 0) continue;
            let dot = 0;
            if (kind === 'dot_prod') for (let d = 0; d < D; d++) dot += a[i * D + d] * b[j * D + d];
            const k = evalK(kind === 'dot_prod' ? 0 : sq(a, i, b, j, ls), s, ls[0], p, dot, grad);
            const gs = gx[is];
            if (gs) gs[0] += gij * grad[0];
            if (kind === 'dot_prod') {
              for (let d = 0; d < D; d++) {
                if (ga) ga[i * D + d] += gij * b[j * D + d];
                if (gb) gb[j * D + d] += gij * a[i * D + d];
              }
              continue;
            }
            const gl = gx[is + 1];
            if (gl) {
              if (ard) {
                for (let d = 0; d < D; d++) {
                  const diff = a[i * D + d] - b[j * D + d];
                  gl[d] += (gij * k * diff * diff) / (ls[d] * ls[d] * ls[d]);
                }
              } else gl[0] += gij * grad[1];
            }
            const gp = gx[is + 2];
            if (gp) gp[0] += gij * grad[2];
            if (ga || gb) {
              for (let d = 0; d < D; d++) {
                const diff = a[i * D + d] - b[j * D + d];
                const dk = grad[3] * diff * (ard ? 1 / (ls[d] * ls[d]) : 1);
                if (ga) ga[i * D + d] += gij * dk;
                if (gb) gb[j * D + d] -= gij * dk;
              }
            }
          }
        }
      },
    );
  };
}

// ---------------------------------------------------------------------------------------

function sizesFn(fn: string, which: 'rows' | 'cols'): Builtin {
  return (args, ctx) => {
    const x = val(args[0], fn);
    const kind = kindOf(ctx, 0, x);
    const [r, c] = asMatrix(x, kind);
    return which === 'rows' ? r : c;
  };
}

export const table: BuiltinTable = {
  rows: sizesFn('rows', 'rows'),
  cols: sizesFn('cols', 'cols'),
  dot_product: dotProduct,
  dot_self: dotSelf,
  columns_dot_product: linesDot('columns_dot_product', false, false),
  rows_dot_product: linesDot('rows_dot_product', true, false),
  columns_dot_self: linesDot('columns_dot_self', false, true),
  rows_dot_self: linesDot('rows_dot_self', true, true),
  squared_distance: distanceFn('squared_distance', true),
  distance: distanceFn('distance', false),
  tcrossprod: crossprod('tcrossprod', true),
  crossprod: crossprod('crossprod', false),
  quad_form: quadForm('quad_form', false),
  quad_form_sym: quadForm('quad_form_sym', true),
  quad_form_diag: quadFormDiag,
  trace_quad_form: traceQuadForm,
  trace_gen_quad_form: traceGenQuadForm,
  multiply_lower_tri_self_transpose: multiplyLowerTriSelfTranspose,
  diag_pre_multiply: diagMultiply('diag_pre_multiply', true),
  diag_post_multiply: diagMultiply('diag_post_multiply', false),
  rep_vector: repVector,
  rep_row_vector: repRowVector,
  rep_matrix: repMatrix,
  add_diag: addDiag,
  diagonal,
  diag_matrix: diagMatrix,
  identity_matrix: identityMatrix,
  symmetrize_from_lower_tri: symmetrizeFromLowerTri,
  linspaced_vector: linspacedVec('linspaced_vector'),
  linspaced_row_vector: linspacedVec('linspaced_row_vector'),
  one_hot_vector: (args) =>
    new Tensor(
      [num(args[0], 'one_hot_vector')],
      oneHot('one_hot_vector', num(args[0], 'one_hot_vector'), num(args[1], 'one_hot_vector')),
      false,
    ),
  one_hot_row_vector: (args) =>
    new Tensor(
      [num(args[0], 'one_hot_row_vector')],
      oneHot('one_hot_row_vector', num(args[0], 'one_hot_row_vector'), num(args[1], 'one_hot_row_vector')),
      false,
    ),
  zeros_vector: filled('zeros_vector', 0),
  zeros_row_vector: filled('zeros_row_vector', 0),
  ones_vector: filled('ones_vector', 1),
  ones_row_vector: filled('ones_row_vector', 1),
  uniform_simplex: uniformSimplex,
  col,
  row,
  block,
  sub_col: subCol,
  sub_row: subRow,
  append_row: appendFn('append_row', true),
  append_col: appendFn('append_col', false),
  to_vector: toVectorFn('to_vector'),
  to_row_vector: toVectorFn('to_row_vector'),
  to_matrix: toMatrix,
  to_array_2d: toArray2d,
  cholesky_decompose: choleskyDecompose,
  determinant,
  log_determinant: logDeterminant,
  log_determinant_spd: logDeterminantSpd,
  trace,
  inverse,
  inverse_spd: inverseSpd,
  chol2inv,
  generalized_inverse: generalizedInverse,
  mdivide_left,
  mdivide_right,
  mdivide_left_tri_low: mdivideLeft('mdivide_left_tri_low', 'tri'),
  mdivide_right_tri_low: mdivideRight('mdivide_right_tri_low', 'tri'),
  mdivide_left_spd: mdivideLeft('mdivide_left_spd', 'spd'),
  mdivide_right_spd: mdivideRight('mdivide_right_spd', 'spd'),
  eigenvalues_sym: eigenvaluesSym,
  eigenvectors_sym: eigenvectorsSym,
  singular_values: svdFn('singular_values', 's'),
  svd_U: svdFn('svd_U', 'U'),
  svd_V: svdFn('svd_V', 'V'),
  qr_thin_Q: qrFn('qr_thin_Q', true, 'Q'),
  qr_thin_R: qrFn('qr_thin_R', true, 'R'),
  qr_Q: qrFn('qr_Q', false, 'Q'),
  qr_R: qrFn('qr_R', false, 'R'),
  matrix_exp: matrixExp,
  matrix_exp_multiply: expMultiply('matrix_exp_multiply', false),
  scale_matrix_exp_multiply: expMultiply('scale_matrix_exp_multiply', true),
  matrix_power: matrixPower,
  gp_exp_quad_cov: gpCov('exp_quad'),
  gp_matern32_cov: gpCov('matern32'),
  gp_matern52_cov: gpCov('matern52'),
  gp_exponential_cov: gpCov('exponential'),
  gp_periodic_cov: gpCov('periodic'),
  gp_dot_prod_cov: gpCov('dot_prod'),
};
// Deprecated name (the checker renames it to gp_exp_quad_cov; kept for direct calls).
table.cov_exp_quad = table.gp_exp_quad_cov;
