// The batched driver for bounded / affine reals, vectors, row vectors and matrices: one tape
// node for the whole variable. Bounds may be numbers, data tensors or parameter-dependent
// (batched) tensors; gradients flow to the batched ones.
import { Tensor, Value, Shape, adjoint, sizeOf } from '../tensor.js';
import { record } from '../tape.js';
import { RuntimeError } from '../errors.js';
import { BoundKind, kernels, lubKernel, affineKernel } from './bounds.js';
import type { Constrained } from './structured.js';

/** A bound as (values, chain stride, size): element e of chain c is v[c*cs + (n === 1 ? 0 : e % n)]. */
interface Operand {
  v: Float64Array;
  cs: number;
  n: number;
  tensor: Tensor | null;
}

function operand(x: Value | undefined, dflt: number, elem: number, total: number, name: string, what: string): Operand {
  if (x === undefined) return { v: Float64Array.of(dflt), cs: 0, n: 1, tensor: null };
  if (typeof x === 'number') return { v: Float64Array.of(x), cs: 0, n: 1, tensor: null };
  const n = x.size;
  if (n !== 1 && n !== elem && n !== total) {
    throw new RuntimeError(
      `'${name}': its ${what} has ${n} elements, but must be a scalar or match the variable's ${elem === total ? total : `${elem} (or ${total})`} elements`,
    );
  }
  return { v: x.val, cs: x.batched ? n : 0, n, tensor: x.batched ? x : null };
}

/**
 * Where each constrained element (row-major, array-major) reads its unconstrained value: Stan
 * reads matrices column-major, so a matrix's element (i, j) comes from position j*rows + i.
 */
export function inputPositions(elemDims: readonly number[], count: number): Int32Array | null {
  if (elemDims.length !== 2) return null;
  const [rows, cols] = elemDims;
  const es = rows * cols;
  const map = new Int32Array(count * es);
  for (let a = 0; a < count; a++) {
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) map[a * es + i * cols + j] = a * es + j * rows + i;
  }
  return map;
}

/**
 * Constrain a real container of `shape` (array dims then element dims) read from u[offset..];
 * `pos` is inputPositions(...) for matrices, else null. `kind` null is the identity (an
 * unconstrained declaration). For 'affine', `a` is the offset and `b` the multiplier;
 * otherwise they are the lower and upper bounds.
 */
export function constrainBounded(
  name: string, kind: BoundKind | null, shape: Shape, elem: number, pos: Int32Array | null,
  u: Tensor, offset: number, a: Value | undefined, b: Value | undefined,
): Constrained {
  const total = sizeOf(shape);
  if (kind === null && !u.batched) {
    // Values only (generated quantities, once per draw): the unconstrained values themselves.
    if (shape.length === 0) return { value: u.val[offset], logJacobian: 0 };
    const xv = new Float64Array(total);
    for (let e = 0; e < total; e++) xv[e] = u.val[offset + (pos === null ? e : pos[e])];
    return { value: new Tensor(shape, xv, false), logJacobian: 0 };
  }
  const kernel = kernels[kind ?? 'affine'];
  const what = kind === 'affine' ? ['offset', 'multiplier'] : ['lower bound', 'upper bound'];
  const A = operand(a, kind === 'affine' || kind === null ? 0 : -Infinity, elem, total, name, what[0]);
  const B = operand(b, kind === 'affine' || kind === null ? 1 : Infinity, elem, total, name, what[1]);
  if (u.batched && A.tensor === null && B.tensor === null && A.n === 1 && B.n === 1) {
    return constrainScalarBounds(kind, A.v[0], B.v[0], shape, pos, u, offset);
  }
  const batched = u.batched || A.tensor !== null || B.tensor !== null;
  const C = Math.max(u.chains, A.tensor ? A.tensor.chains : 1, B.tensor ? B.tensor.chains : 1);
  const us = u.batched ? u.size : 0;
  const uv = u.val;
  const r = new Float64Array(8);

  const xv = new Float64Array((batched ? C : 1) * total);
  const lv = new Float64Array(batched ? C : 1);
  for (let c = 0; c < (batched ? C : 1); c++) {
    let s = 0;
    const uo = c * us + offset;
    for (let e = 0; e < total; e++) {
      kernel(
        uv[uo + (pos === null ? e : pos[e])],
        A.v[c * A.cs + (A.n === 1 ? 0 : e % A.n)],
        B.v[c * B.cs + (B.n === 1 ? 0 : e % B.n)],
        r,
      );
      xv[c * total + e] = r[0];
      s += r[1];
    }
    lv[c] = s;
  }
  if (!batched) {
    return { value: shape.length === 0 ? xv[0] : new Tensor(shape, xv, false), logJacobian: lv[0] };
  }
  const out = new Tensor(shape, xv, true);
  const lj = new Tensor([], lv, true);
  record(() => {
    const gx = out.adj;
    const gl = lj.adj;
    if (gx === null && gl === null) return;
    const gu = u.batched ? adjoint(u) : null;
    const ga = A.tensor ? adjoint(A.tensor) : null;
    const gb = B.tensor ? adjoint(B.tensor) : null;
    for (let c = 0; c < C; c++) {
      const uo = c * us + offset;
      const g1 = gl === null ? 0 : gl[c];
      for (let e = 0; e < total; e++) {
        const p = uo + (pos === null ? e : pos[e]);
        const ia = c * A.cs + (A.n === 1 ? 0 : e % A.n);
        const ib = c * B.cs + (B.n === 1 ? 0 : e % B.n);
        kernel(uv[p], A.v[ia], B.v[ib], r);
        const g0 = gx === null ? 0 : gx[c * total + e];
        if (gu) gu[p] += g0 * r[2] + g1 * r[5];
        if (ga) ga[ia] += g0 * r[3] + g1 * r[6];
        if (gb) gb[ib] += g0 * r[4] + g1 * r[7];
      }
    }
  });
  return { value: out, logJacobian: lj };
}

/**
 * The common case, fast: batched u with fixed scalar bounds (numbers). Each kind has its own
 * loops so the per-element math inlines (the generic path calls a kernel per element).
 */
function constrainScalarBounds(
  kind: BoundKind | null, a: number, b: number, shape: Shape, pos: Int32Array | null, u: Tensor, offset: number,
): Constrained {
  // Resolve infinite bounds to the transform they mean, and check the bounds once.
  const r = new Float64Array(8);
  if (kind === 'lub') {
    lubKernel(0, a, b, r);
    kind = a === -Infinity ? (b === Infinity ? null : 'upper') : b === Infinity ? 'lower' : 'lub';
  } else if (kind === 'affine') {
    affineKernel(0, a, b, r);
  } else if ((kind === 'lower' && a === -Infinity) || (kind === 'upper' && b === Infinity)) {
    kind = null;
  }
  const total = sizeOf(shape);
  const C = u.chains;
  const U = u.size;
  const uv = u.val;
  const out = new Tensor(shape, new Float64Array(C * total), true);
  const lj = new Tensor([], new Float64Array(C), true);
  const xv = out.val;
  const w = b - a;
  const logW = Math.log(w);
  for (let c = 0; c < C; c++) {
    const uo = c * U + offset;
    const xo = c * total;
    let s = 0;
    switch (kind) {
      case null:
        for (let e = 0; e < total; e++) xv[xo + e] = uv[uo + (pos === null ? e : pos[e])];
        break;
      case 'lower':
        for (let e = 0; e < total; e++) {
          const v = uv[uo + (pos === null ? e : pos[e])];
          xv[xo + e] = Math.exp(v) + a;
          s += v;
        }
        break;
      case 'upper':
        for (let e = 0; e < total; e++) {
          const v = uv[uo + (pos === null ? e : pos[e])];
          xv[xo + e] = b - Math.exp(v);
          s += v;
        }
        break;
      case 'lub':
        for (let e = 0; e < total; e++) {
          const v = uv[uo + (pos === null ? e : pos[e])];
          const t = Math.exp(-Math.abs(v));
          let z = v > 0 ? 1 / (1 + t) : t / (1 + t);
          if (v > 0 && z === 1 && v < Infinity) z = 1 - 1e-15;
          if (v <= 0 && z === 0 && v > -Infinity) z = 1e-15;
          xv[xo + e] = w * z + a;
          s += logW - Math.abs(v) - 2 * Math.log1p(t);
        }
        break;
      case 'affine':
        for (let e = 0; e < total; e++) xv[xo + e] = a + b * uv[uo + (pos === null ? e : pos[e])];
        s = total * Math.log(b);
        break;
    }
    lj.val[c] = s;
  }
  record(() => {
    const gl = lj.adj;
    if (out.adj === null && gl === null) return;
    const gx = out.adj ?? new Float64Array(C * total);
    const gu = adjoint(u);
    for (let c = 0; c < C; c++) {
      const uo = c * U + offset;
      const xo = c * total;
      const g1 = gl === null ? 0 : gl[c];
      switch (kind) {
        case null:
          for (let e = 0; e < total; e++) gu[uo + (pos === null ? e : pos[e])] += gx[xo + e];
          break;
        case 'lower':
          for (let e = 0; e < total; e++) {
            const p = uo + (pos === null ? e : pos[e]);
            gu[p] += gx[xo + e] * Math.exp(uv[p]) + g1;
          }
          break;
        case 'upper':
          for (let e = 0; e < total; e++) {
            const p = uo + (pos === null ? e : pos[e]);
            gu[p] += g1 - gx[xo + e] * Math.exp(uv[p]);
          }
          break;
        case 'affine':
          for (let e = 0; e < total; e++) gu[uo + (pos === null ? e : pos[e])] += gx[xo + e] * b;
          break;
        case 'lub':
          for (let e = 0; e < total; e++) {
            const p = uo + (pos === null ? e : pos[e]);
            const v = uv[p];
            const t = Math.exp(-Math.abs(v));
            const inv = 1 / (1 + t);
            const z = v > 0 ? inv : t * inv;
            // ∂x/∂u = w σ(1-σ);  ∂log|J|/∂u = 1 - 2σ
            gu[p] += gx[xo + e] * w * t * inv * inv + g1 * (1 - 2 * z);
          }
          break;
      }
    }
  });
  return { value: out, logJacobian: lj };
}
