// Lifting per-chain kernels into tape nodes, shared by the math, matrix and array built-ins.
// `chainOp` runs a forward kernel once per chain on views of each argument and records one
// backward step for the whole call; `gather` builds any output whose elements are copies of
// input elements (slices, concatenations, reshapes, replications) as one node.
import { Tensor, Value, adjoint, Shape, sizeOf, isBatched } from '../../src/runtime/tensor.js';
import { batchedOutput, chains, record } from '../../src/runtime/tape.js';
import { RuntimeError } from '../../src/runtime/errors.js';
import type { CallContext, RuntimeValue } from './types.js';
import type { StanType } from '../../src/check/types.js';

/** Forward kernel for one chain: reads the argument views, fills `out`. */
export type Forward = (x: readonly Float64Array[], out: Float64Array, c: number) => void;

/**
 * Backward kernel for one chain: `g` is the output's adjoint; adds into `gx[j]` (null for
 * arguments that are data).
 */
export type Backward = (
  x: readonly Float64Array[],
  out: Float64Array,
  g: Float64Array,
  gx: readonly (Float64Array | null)[],
  c: number,
) => void;

function viewOf(a: Value, c: number): Float64Array {
  if (typeof a === 'number') return Float64Array.of(a);
  if (!a.batched) return a.val;
  return a.val.subarray(c * a.size, (c + 1) * a.size);
}

/**
 * One op over all chains. Data-only arguments: a plain number (scalar shape) or a data tensor.
 * Otherwise a batched tensor of `outShape`, with `backward` recorded once.
 */
export function chainOp(args: readonly Value[], outShape: Shape, forward: Forward, backward: Backward | null): Value {
  const size = sizeOf(outShape);
  if (!args.some(isBatched)) {
    const xs = args.map((a) => viewOf(a, 0));
    const out = new Float64Array(size);
    forward(xs, out, 0);
    return outShape.length === 0 ? out[0] : new Tensor(outShape, out, false);
  }
  const C = chains();
  const out = batchedOutput(outShape, size);
  const views: Float64Array[][] = [];
  const shared = args.map((a) => (isBatched(a) ? null : viewOf(a, 0)));
  for (let c = 0; c < C; c++) {
    const xs = args.map((a, j) => shared[j] ?? viewOf(a, c));
    views.push(xs);
    forward(xs, out.val.subarray(c * size, (c + 1) * size), c);
  }
  if (backward !== null) {
    record(() => {
      const g = out.adj;
      if (g === null) return;
      const adjs = args.map((a) => (isBatched(a) ? adjoint(a) : null));
      for (let c = 0; c < C; c++) {
        const gx = args.map((a, j) => {
          const ad = adjs[j];
          return ad === null ? null : ad.subarray(c * (a as Tensor).size, (c + 1) * (a as Tensor).size);
        });
        backward(views[c], out.val.subarray(c * size, (c + 1) * size), g.subarray(c * size, (c + 1) * size), gx, c);
      }
    });
  }
  return out;
}

/**
 * out[k] = sources[src[k]] element off[k] (per chain), or 0 where src[k] < 0. Scalar number
 * sources are read at offset 0. The backward pass scatters adjoints back: one node.
 */
export function gather(sources: readonly Value[], shape: Shape, src: Int32Array, off: Int32Array): Value {
  const n = src.length;
  const vals = sources.map((s) => (typeof s === 'number' ? Float64Array.of(s) : s.val));
  const sizes = sources.map((s) => (typeof s === 'number' ? 1 : s.size));
  const batched = sources.map(isBatched);
  if (!batched.some((b) => b)) {
    const out = new Float64Array(n);
    for (let k = 0; k < n; k++) if (src[k] >= 0) out[k] = vals[src[k]][off[k]];
    return new Tensor(shape, out, false);
  }
  const C = chains();
  const out = batchedOutput(shape, n);
  for (let c = 0; c < C; c++) {
    const o = c * n;
    for (let k = 0; k < n; k++) {
      const s = src[k];
      if (s < 0) continue;
      out.val[o + k] = vals[s][(batched[s] ? c * sizes[s] : 0) + off[k]];
    }
  }
  record(() => {
    const g = out.adj;
    if (g === null) return;
    const adjs = sources.map((s) => (isBatched(s) ? adjoint(s) : null));
    for (let c = 0; c < C; c++) {
      const o = c * n;
      for (let k = 0; k < n; k++) {
        const s = src[k];
        if (s < 0) continue;
        const ad = adjs[s];
        if (ad !== null) ad[c * sizes[s] + off[k]] += g[o + k];
      }
    }
  });
  return out;
}

/** `gather` from one source by a flat index map (-1 for zeros). */
export function gatherOne(x: Value, shape: Shape, map: Int32Array): Value {
  const src = new Int32Array(map.length);
  const off = new Int32Array(map.length);
  for (let k = 0; k < map.length; k++) {
    if (map[k] < 0) src[k] = -1;
    else off[k] = map[k];
  }
  return gather([x], shape, src, off);
}

// ---------------------------------------------------------------------------------------
// Reading arguments.

/** A real/int argument as a value (rejects tuples). */
export function val(a: RuntimeValue, fn: string): Value {
  if (Array.isArray(a)) throw new RuntimeError(`${fn}: unexpected tuple argument`);
  return a;
}

/** An int (or data real) argument as a JS number. */
export function num(a: RuntimeValue, fn: string): number {
  if (typeof a === 'number') return a;
  if (!Array.isArray(a) && a.size === 1 && !a.batched) return a.val[0];
  if (!Array.isArray(a) && a.size === 1 && a.batched) {
    const v = a.val[0];
    for (let c = 1; c < a.val.length; c++) {
      if (a.val[c] !== v) throw new RuntimeError(`${fn}: expected the same value in every chain`);
    }
    return v;
  }
  throw new RuntimeError(`${fn}: expected a scalar argument`);
}

/** A container argument as a tensor (scalars become [] tensors). */
export function ten(a: RuntimeValue, fn: string): Tensor {
  const v = val(a, fn);
  return typeof v === 'number' ? new Tensor([], Float64Array.of(v), false) : v;
}

/** The checker's type of argument i ({kind:'real'} when unknown). */
export function typeOf(ctx: CallContext, i: number): StanType {
  return ctx.argTypes[i] ?? { kind: 'real' };
}

/** Matrix dimensions of a vector/row_vector/matrix value: vector [n] is n×1, row_vector 1×n. */
export function matDims(x: Value, t: StanType): [number, number] {
  if (typeof x === 'number') return [1, 1];
  if (t.kind === 'matrix' || x.shape.length === 2) return [x.shape[0], x.shape[1]];
  if (t.kind === 'row_vector') return [1, x.size];
  return [x.size, 1];
}

/** Data tensor of ints. */
export function intArray(values: ArrayLike<number>, shape: Shape = [values.length]): Tensor {
  return new Tensor(shape, Float64Array.from(values), false);
}

/** True when the checker says the argument's innermost element is an int. */
export function isIntTyped(t: StanType): boolean {
  return t.kind === 'int' || (t.kind === 'array' && t.element.kind === 'int');
}
