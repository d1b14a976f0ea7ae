// Values of the scalar backend. Data are what the batched runtime uses for data (numbers and
// unbatched tensors), so data-only code and the built-ins run on them unchanged. An active
// real is a tape node (an integer); an active container is an `Act`: the node of each element,
// in the runtime's layout (row-major, arrays outermost). Generated code knows statically which
// is which; the generic helpers take active scalars boxed as shape-[] Acts (`box`).
import { Tensor, Value, sizeOf } from '../tensor.js';
import * as ops from '../ops.js';
import { RuntimeError } from '../errors.js';
import { T } from './tape.js';

export class Act {
  readonly size: number;
  constructor(
    readonly shape: readonly number[],
    readonly idx: Int32Array,
  ) {
    this.size = idx.length;
  }
}

/** A value a generic helper accepts: data scalar, data container, or active (boxed scalar or container). */
export type AV = number | Tensor | Act;

/** An active scalar as a generic value. */
export function box(node: number): Act {
  return new Act([], Int32Array.of(node));
}

/**
 * The node of a scalar result: a boxed active scalar, or a constant node when the value came
 * back as data (a bridged function may return a constant whatever its arguments).
 */
export function unbox(x: AV): number {
  if (x instanceof Act) return x.idx[0];
  return T.c(typeof x === 'number' ? x : x.val[0]);
}

/** The current values of any value, as the batched runtime's data (a snapshot). */
export function values(x: AV): Value {
  if (!(x instanceof Act)) return x;
  const val = T.val;
  if (x.shape.length === 0) return val[x.idx[0]];
  const out = new Float64Array(x.size);
  for (let k = 0; k < out.length; k++) out[k] = val[x.idx[k]];
  return new Tensor(x.shape, out, false);
}

/** The value of an active scalar node (for conditions, comparisons, sizes). */
export function v(node: number): number {
  return T.val[node];
}

/** Node indices as a data tensor of their numbers, so the runtime's index code can move them. */
function indexTensor(a: Act): Tensor {
  return new Tensor(a.shape, Float64Array.from(a.idx), false);
}

function fromIndexTensor(x: Value): Act | number {
  if (typeof x === 'number') return x;
  return new Act(x.shape, Int32Array.from(x.val.subarray(0, x.size)));
}

/** An active container of `shape` whose elements are all NaN (Stan's initial value). */
export function declare(shape: readonly number[]): Act {
  return new Act(shape, T.ints(sizeOf(shape)).fill(T.nan));
}

/** `x` as a fresh active value shaped `shape` (data promoted to constant nodes). */
export function toAct(x: AV, shape: readonly number[], name: string): Act {
  const n = sizeOf(shape);
  if (x instanceof Act) {
    if (x.size !== n) sizeMismatch(name, shape, x.size);
    const idx = T.ints(n);
    idx.set(x.idx);
    return new Act(shape, idx);
  }
  if (typeof x === 'number') {
    if (n !== 1) sizeMismatch(name, shape, 1);
    return new Act(shape, Int32Array.of(T.c(x)));
  }
  if (x.size !== n) sizeMismatch(name, shape, x.size);
  const idx = T.ints(n);
  for (let k = 0; k < n; k++) idx[k] = T.c(x.val[k]);
  return new Act(shape, idx);
}

/** Like toAct, but a fresh active value is taken over instead of copied. */
export function own(x: AV, shape: readonly number[], name: string): Act {
  if (!(x instanceof Act)) return toAct(x, shape, name);
  if (x.size !== sizeOf(shape)) sizeMismatch(name, shape, x.size);
  return x.shape === shape ? x : new Act(shape, x.idx);
}

/** Data as a fresh active value of its own shape (a data branch of `?:` beside an active one). */
export function promote(x: AV): Act {
  return toAct(x, typeof x === 'number' ? [] : x.shape, '?:');
}

function sizeMismatch(name: string, shape: readonly number[], size: number): never {
  throw new RuntimeError(`size mismatch in '${name}': declared [${shape.join(', ')}] but the value has ${size} elements`);
}

// The element accessors below are called only where the checker typed the container as
// one-dimensional (two for el2) and the index as int, so only the range is checked here.

/** `a[i]` of a one-dimensional active container: its node. */
export function el1(a: Act, i: number): number {
  if (i >= 1 && i <= a.size) return a.idx[i - 1];
  return index(a, [i]) as number;
}

/** `a[i, j]` of a two-dimensional active container. */
export function el2(a: Act, i: number, j: number): number {
  const s = a.shape;
  if (i >= 1 && i <= s[0] && j >= 1 && j <= s[1]) {
    return a.idx[(i - 1) * s[1] + j - 1];
  }
  return index(a, [i, j]) as number;
}

/** `a[i] = node` into a one-dimensional active container. */
export function set1(a: Act, i: number, node: number): void {
  if (i >= 1 && i <= a.size) a.idx[i - 1] = node;
  else assign(a, [i], box(node));
}

/** General indexing of an active container (an element comes back as its node). */
export function index(a: Act, specs: readonly ops.IndexSpec[]): Act | number {
  return fromIndexTensor(ops.index(indexTensor(a), specs));
}

/** `a[specs] = x`, in place. */
export function assign(a: Act, specs: readonly ops.IndexSpec[], x: AV): void {
  const t = indexTensor(a);
  let src: Value;
  if (x instanceof Act) src = x.shape.length === 0 ? x.idx[0] : indexTensor(x);
  else if (typeof x === 'number') src = T.c(x);
  else src = indexTensor(toAct(x, x.shape, 'assignment'));
  ops.assignIndexed(t, specs, src);
  for (let k = 0; k < a.size; k++) a.idx[k] = t.val[k];
}

/** `[a, b, ...]` / `{a, b}` with at least one active item. */
export function stack(items: readonly AV[]): Act {
  const first = items.find((x) => typeof x !== 'number') as Tensor | Act | undefined;
  const itemShape = first ? first.shape : [];
  const asIdx = items.map((x): Value => {
    if (x instanceof Act) return x.shape.length === 0 ? x.idx[0] : indexTensor(x);
    const a = toAct(x, typeof x === 'number' ? [] : x.shape, 'array expression');
    return a.shape.length === 0 ? a.idx[0] : indexTensor(a);
  });
  return fromIndexTensor(ops.stack(asIdx, itemShape)) as Act;
}

/** Elements for `for (x in container)` over an active container. */
export function elements(a: Act, kind: string): AV[] {
  const out: AV[] = [];
  if (kind === 'array') {
    for (let i = 1; i <= a.shape[0]; i++) {
      const r = index(a, [i]);
      out.push(typeof r === 'number' ? box(r) : r);
    }
  } else if (a.shape.length === 2) {
    for (let j = 1; j <= a.shape[1]; j++) for (let i = 1; i <= a.shape[0]; i++) out.push(box(el2(a, i, j)));
  } else {
    for (let k = 0; k < a.size; k++) out.push(box(a.idx[k]));
  }
  return out;
}

/** `x[i]` of one-dimensional data (the hot read of lowered loops). */
export function d1(x: Tensor, i: number): number {
  if (i >= 1 && i <= x.size) return x.val[i - 1];
  return ops.index1(x, i) as number;
}

/** `x[i, j]` of two-dimensional data. */
export function d2(x: Tensor, i: number, j: number): number {
  const s = x.shape;
  if (i >= 1 && i <= s[0] && j >= 1 && j <= s[1]) return x.val[(i - 1) * s[1] + j - 1];
  return ops.index(x, [i, j]) as number;
}

/** `x[lo:hi]` of a one-dimensional value (x itself for its whole range): for lifted loops. */
export function range<V extends Tensor | Act>(x: V, lo: number, hi: number): V {
  if (lo === 1 && hi === x.size && x.shape.length === 1) return x;
  // A view, not a copy: a lifted loop's arguments are only read.
  if (x.shape.length === 1 && lo >= 1 && hi <= x.size && lo <= hi && Number.isInteger(lo) && Number.isInteger(hi)) {
    if (x instanceof Act) return new Act([hi - lo + 1], x.idx.subarray(lo - 1, hi)) as V;
    if (!x.batched) return new Tensor([hi - lo + 1], x.val.subarray(lo - 1, hi), false) as V;
  }
  if (x instanceof Act) return index(x, [{ from: lo, to: hi }]) as V;
  return ops.index(x, [{ from: lo, to: hi }]) as V;
}
