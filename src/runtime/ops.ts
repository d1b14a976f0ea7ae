// Core differentiable ops the generated code calls directly: arithmetic, matrix products,
// indexing (gather / scatter), packing scalars into containers, reductions.
import { Tensor, Value, adjoint, isBatched, Shape, sizeOf } from './tensor.js';
import { batchedOutput, chains, record, zeros } from './tape.js';
import { arithmetic, mapElementwise, Kernel } from './elementwise.js';
import { FatalRuntimeError, RuntimeError } from './errors.js';

const addK: Kernel = (x, d) => {
  if (d) { d[0] = 1; d[1] = 1; }
  return x[0] + x[1];
};
const subK: Kernel = (x, d) => {
  if (d) { d[0] = 1; d[1] = -1; }
  return x[0] - x[1];
};
const mulK: Kernel = (x, d) => {
  if (d) { d[0] = x[1]; d[1] = x[0]; }
  return x[0] * x[1];
};
const divK: Kernel = (x, d) => {
  const r = x[0] / x[1];
  if (d) { d[0] = 1 / x[1]; d[1] = -r / x[1]; }
  return r;
};
const negK: Kernel = (x, d) => {
  if (d) d[0] = -1;
  return -x[0];
};
const powK: Kernel = (x, d) => {
  const r = Math.pow(x[0], x[1]);
  if (d) {
    d[0] = x[1] === 0 ? 0 : x[1] * Math.pow(x[0], x[1] - 1);
    d[1] = x[0] === 0 ? 0 : r * Math.log(x[0]);
  }
  return r;
};

// Scalar fast paths matter: loops that cannot vectorize call these once per element, and the
// generic broadcast machinery costs more than the arithmetic.
const isScalarValue = (x: Value): boolean => typeof x === 'number' || x.shape.length === 0;

type ScalarFn = (x: number, y: number) => number;

/** out = f(a, b) per chain for scalar a, b, with d out/da = fa(a, b, out), d out/db = fb(a, b, out). */
function scalarBinary(a: Value, b: Value, f: ScalarFn, fa: (x: number, y: number, r: number) => number, fb: (x: number, y: number, r: number) => number): Value {
  const ab = typeof a !== 'number' && a.batched;
  const bb = typeof b !== 'number' && b.batched;
  const av = typeof a === 'number' ? a : a.val[0];
  const bv = typeof b === 'number' ? b : b.val[0];
  if (!ab && !bb) return f(av, bv);
  const C = chains();
  const A = ab ? (a as Tensor).val : null;
  const B = bb ? (b as Tensor).val : null;
  const out = new Tensor([], zeros(C), true);
  const O = out.val;
  for (let c = 0; c < C; c++) O[c] = f(A ? A[c] : av, B ? B[c] : bv);
  record(() => {
    const g = out.adj;
    if (g === null) return;
    const ga = A ? adjoint(a as Tensor) : null;
    const gb = B ? adjoint(b as Tensor) : null;
    for (let c = 0; c < C; c++) {
      const x = A ? A[c] : av, y = B ? B[c] : bv;
      if (ga) ga[c] += g[c] * fa(x, y, O[c]);
      if (gb) gb[c] += g[c] * fb(x, y, O[c]);
    }
  });
  return out;
}

const one = () => 1;
const minusOne = () => -1;

export function add(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (isScalarValue(a) && isScalarValue(b)) return scalarBinary(a, b, (x, y) => x + y, one, one);
  return arithmetic(a, b, 'add', addK, 'add');
}
export function sub(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (isScalarValue(a) && isScalarValue(b)) return scalarBinary(a, b, (x, y) => x - y, one, minusOne);
  return arithmetic(a, b, 'sub', subK, 'subtract');
}
/** Elementwise product, and scalar × container. */
export function elemMul(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  if (isScalarValue(a) && isScalarValue(b)) return scalarBinary(a, b, (x, y) => x * y, (_x, y) => y, (x) => x);
  return arithmetic(a, b, 'mul', mulK, 'elt_multiply');
}
/** Elementwise quotient, and container / scalar. */
export function elemDiv(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return a / b;
  if (isScalarValue(a) && isScalarValue(b)) return scalarBinary(a, b, (x, y) => x / y, (_x, y) => 1 / y, (_x, y, r) => -r / y);
  return arithmetic(a, b, 'div', divK, 'elt_divide');
}
export function neg(a: Value): Value {
  if (typeof a === 'number') return -a;
  if (isScalarValue(a)) return scalarBinary(a, 0, (x) => -x, minusOne, () => 0);
  return mapElementwise([a], negK, 'minus');
}
export function pow(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return Math.pow(a, b);
  return mapElementwise([a, b], powK, 'pow');
}

/** Stan's `int / int` (truncating) and `%/%`. */
export function intDiv(a: number, b: number): number {
  if (b === 0) throw new RuntimeError('integer division by zero');
  return Math.trunc(a / b);
}
export function intMod(a: number, b: number): number {
  if (b === 0) throw new RuntimeError('modulus by zero');
  return a % b;
}

// ---------------------------------------------------------------------------
// Matrix products. Shapes: vector/row_vector [n], matrix [r, c] (row-major).

/** `a * b` for (matrix|row_vector) × (matrix|vector) with the Stan kinds given by the caller. */
export function matmul(
  a: Value, aKind: 'matrix' | 'row_vector' | 'vector',
  b: Value, bKind: 'matrix' | 'row_vector' | 'vector',
): Value {
  if (typeof a === 'number' || typeof b === 'number') return elemMul(a, b);
  // Normalize to [m, k] × [k, n].
  const [m, k] = aKind === 'matrix' ? [a.shape[0], a.shape[1]] : aKind === 'row_vector' ? [1, a.size] : [a.size, 1];
  const [k2, n] = bKind === 'matrix' ? [b.shape[0], b.shape[1]] : bKind === 'vector' ? [b.size, 1] : [1, b.size];
  if (k !== k2) throw new RuntimeError(`multiply: columns of the left (${k}) must match rows of the right (${k2})`);
  const outShape: Shape =
    aKind !== 'matrix' && aKind !== 'vector' && bKind === 'vector' ? [] // row_vector × vector → real
      : aKind === 'row_vector' ? [n]
        : bKind === 'vector' ? [m]
          : aKind === 'vector' && bKind === 'row_vector' ? [m, n]
            : [m, n];
  const size = m * n;
  const batched = a.batched || b.batched;
  const C = batched ? chains() : 1;
  const out = batched ? batchedOutput(outShape, size) : new Tensor(outShape, new Float64Array(size), false);
  const aS = a.batched ? m * k : 0;
  const bS = b.batched ? k * n : 0;
  const A = a.val, B = b.val, O = out.val;
  for (let c = 0; c < C; c++) {
    const ao = c * aS, bo = c * bS, oo = c * size;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let t = 0; t < k; t++) s += A[ao + i * k + t] * B[bo + t * n + j];
        O[oo + i * n + j] = s;
      }
    }
  }
  if (batched) {
    record(() => {
      const G = out.adj;
      if (G === null) return;
      const GA = a.batched ? adjoint(a) : null;
      const GB = b.batched ? adjoint(b) : null;
      for (let c = 0; c < C; c++) {
        const ao = c * aS, bo = c * bS, oo = c * size;
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            const g = G[oo + i * n + j];
            if (g === 0) continue;
            for (let t = 0; t < k; t++) {
              if (GA) GA[ao + i * k + t] += g * B[bo + t * n + j];
              if (GB) GB[bo + t * n + j] += g * A[ao + i * k + t];
            }
          }
        }
      }
    });
  }
  return out;
}

/** Matrix transpose; vectors and row vectors keep their data (the kind changes, not the layout). */
export function transpose(a: Value): Value {
  if (typeof a === 'number' || a.shape.length !== 2) return a;
  const [r, c] = a.shape;
  return gatherFlat(a, [c, r], transposeMap(r, c));
}

function transposeMap(r: number, c: number): Int32Array {
  const map = new Int32Array(r * c);
  for (let i = 0; i < c; i++) for (let j = 0; j < r; j++) map[i * r + j] = j * c + i;
  return map;
}

// ---------------------------------------------------------------------------
// Indexing. Stan indices are 1-based; errors name the size so users can find the bug.

/**
 * A resolved index position: a single int (drops the dimension), a list of ints (keeps it),
 * `null` for `:`, or a slice with open ends (`a:`, `:b`) resolved against the dimension's size.
 */
export type IndexSpec = number | ArrayLike<number> | null | { from?: number; to?: number };

function isSlice(s: IndexSpec): s is { from?: number; to?: number } {
  return s !== null && typeof s === 'object' && !('length' in s);
}

function checkIndex(i: number, n: number, what: string): number {
  if (!(i >= 1 && i <= n) || !Number.isInteger(i)) {
    throw new FatalRuntimeError(`index ${i} out of range for ${what} of size ${n}`);
  }
  return i - 1;
}

/** `x[i]` along the first dimension, fast path for scalar loops. */
export function index1(x: Value, i: number): Value {
  if (typeof x === 'number') throw new RuntimeError('cannot index a scalar');
  const n = x.shape[0];
  const k = checkIndex(i, n, 'dimension 1');
  const rest = x.shape.slice(1);
  const inner = sizeOf(rest);
  if (!x.batched) {
    if (rest.length === 0) return x.val[k];
    return new Tensor(rest, x.val.subarray(k * inner, (k + 1) * inner), false);
  }
  const C = chains();
  const out = batchedOutput(rest, inner);
  const S = x.size;
  for (let c = 0; c < C; c++) {
    for (let t = 0; t < inner; t++) out.val[c * inner + t] = x.val[c * S + k * inner + t];
  }
  record(() => {
    const g = out.adj;
    if (g === null) return;
    const gx = adjoint(x);
    for (let c = 0; c < C; c++) {
      for (let t = 0; t < inner; t++) gx[c * S + k * inner + t] += g[c * inner + t];
    }
  });
  return out;
}

/** Flat source offsets and result shape for an index list over `shape`. */
export function indexMap(shape: Shape, specs: readonly IndexSpec[]): { map: Int32Array; shape: number[] } {
  const outShape: number[] = [];
  const lists: number[][] = [];
  for (let d = 0; d < shape.length; d++) {
    let spec = d < specs.length ? specs[d] : null;
    if (spec !== null && isSlice(spec)) {
      const from = spec.from ?? 1;
      const to = spec.to ?? shape[d];
      const l: number[] = [];
      for (let i = from; i <= to; i++) l.push(i);
      spec = l;
    }
    if (spec === null) {
      lists.push(Array.from({ length: shape[d] }, (_, i) => i));
      outShape.push(shape[d]);
    } else if (typeof spec === 'number') {
      lists.push([checkIndex(spec, shape[d], 'dimension ' + (d + 1))]);
    } else {
      const l: number[] = new Array(spec.length);
      for (let i = 0; i < spec.length; i++) l[i] = checkIndex(spec[i], shape[d], 'dimension ' + (d + 1));
      lists.push(l);
      outShape.push(spec.length);
    }
  }
  if (specs.length > shape.length) throw new FatalRuntimeError('too many indexes');
  const strides = new Array(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  let offsets = [0];
  for (let d = 0; d < shape.length; d++) {
    const next: number[] = [];
    for (const o of offsets) for (const i of lists[d]) next.push(o + i * strides[d]);
    offsets = next;
  }
  return { map: Int32Array.from(offsets), shape: outShape };
}

/** General indexing: any mix of single and multiple indices. */
export function index(x: Value, specs: readonly IndexSpec[]): Value {
  if (typeof x === 'number') throw new RuntimeError('cannot index a scalar');
  if (specs.length === 1 && typeof specs[0] === 'number') return index1(x, specs[0]);
  if (specs.length === 2 && typeof specs[0] === 'number' && typeof specs[1] === 'number' && !x.batched) {
    // m[i, j] on data: no allocation.
    const [r, c] = x.shape;
    return x.val[checkIndex(specs[0], r, 'rows') * c + checkIndex(specs[1], c, 'columns')];
  }
  if (specs.length === 1 && specs[0] !== null && typeof specs[0] === 'object') {
    const spec = specs[0];
    if (isSlice(spec)) return sliceFirst(x, spec.from ?? 1, spec.to ?? x.shape[0]);
    return gatherFirst(x, spec);
  }
  const { map, shape } = indexMap(x.shape, specs);
  const r = gatherFlat(x, shape, map);
  return shape.length === 0 && typeof r !== 'number' && !r.batched ? r.val[0] : r;
}

/** `x[from:to]` along the first dimension: data is a view, parameters a contiguous copy per chain. */
function sliceFirst(x: Tensor, from: number, to: number): Value {
  const n = x.shape[0];
  const count = Math.max(0, to - from + 1);
  if (count > 0) {
    checkIndex(from, n, 'dimension 1');
    checkIndex(to, n, 'dimension 1');
  }
  const inner = n === 0 ? 0 : x.size / n;
  const shape = [count, ...x.shape.slice(1)];
  const start = (from - 1) * inner;
  const len = count * inner;
  // Data is never written after its block, so a view is safe (locals written in place are copied by the caller).
  if (!x.batched) return new Tensor(shape, x.val.subarray(start, start + len), false);
  const C = chains();
  const S = x.size;
  const out = batchedOutput(shape, len);
  for (let c = 0; c < C; c++) out.val.set(x.val.subarray(c * S + start, c * S + start + len), c * len);
  record(() => {
    const g = out.adj;
    if (g === null) return;
    const gx = adjoint(x);
    for (let c = 0; c < C; c++) {
      const o = c * S + start;
      for (let k = 0; k < len; k++) gx[o + k] += g[c * len + k];
    }
  });
  return out;
}

/** `x[idx]` with an int array along the first dimension (group lookups `a[g]`). */
function gatherFirst(x: Tensor, idx: ArrayLike<number>): Value {
  const n = x.shape[0];
  const inner = n === 0 ? 0 : x.size / n;
  const m = idx.length;
  const map = new Int32Array(m * inner);
  for (let i = 0; i < m; i++) {
    const base = checkIndex(idx[i], n, 'dimension 1') * inner;
    for (let t = 0; t < inner; t++) map[i * inner + t] = base + t;
  }
  return gatherFlat(x, [m, ...x.shape.slice(1)], map);
}

/** out[k] = x[map[k]] per chain; the backward is a scatter-add, O(size), never O(N × groups). */
export function gatherFlat(x: Tensor, shape: Shape, map: Int32Array): Value {
  const n = map.length;
  if (!x.batched) {
    const out = new Float64Array(n);
    for (let k = 0; k < n; k++) out[k] = x.val[map[k]];
    return new Tensor(shape, out, false);
  }
  const C = chains();
  const S = x.size;
  const out = batchedOutput(shape, n);
  for (let c = 0; c < C; c++) for (let k = 0; k < n; k++) out.val[c * n + k] = x.val[c * S + map[k]];
  record(() => {
    const g = out.adj;
    if (g === null) return;
    const gx = adjoint(x);
    for (let c = 0; c < C; c++) for (let k = 0; k < n; k++) gx[c * S + map[k]] += g[c * n + k];
  });
  return out;
}

/**
 * `x[specs] = v` in place, for locals and parameters-block-free variables built element by
 * element. The overwritten slots' adjoints go to `v` and are cleared, so reads made before the
 * write pass their adjoints to whatever produced the old value.
 */
export function assignIndexed(x: Tensor, specs: readonly IndexSpec[], v: Value): void {
  const map = flatOffsets(x.shape, specs);
  const n = map.length;
  const X = x.val;
  if (!x.batched) {
    if (typeof v !== 'number' && v.batched) throw new RuntimeError('internal: assigning a parameter-dependent value into data');
    for (let k = 0; k < n; k++) X[map[k]] = typeof v === 'number' ? v : v.val[v.size === 1 ? 0 : k];
    return;
  }
  if (typeof v !== 'number' && v.size !== n && v.size !== 1) {
    throw new RuntimeError(`assignment: size mismatch (${n} slots, ${v.size} values)`);
  }
  const C = chains();
  const S = x.size;
  if (typeof v === 'number') {
    for (let c = 0; c < C; c++) for (let k = 0; k < n; k++) X[c * S + map[k]] = v;
  } else {
    const V = v.val;
    const ve = v.size === 1 ? 0 : 1;
    const vc = v.batched ? v.size : 0;
    for (let c = 0; c < C; c++) {
      const xo = c * S;
      for (let k = 0, iv = c * vc; k < n; k++, iv += ve) X[xo + map[k]] = V[iv];
    }
  }
  record(() => {
    if (x.adj === null) return;
    const gx = x.adj;
    if (isBatched(v)) {
      const gv = adjoint(v);
      const ve = v.size === 1 ? 0 : 1;
      for (let c = 0; c < C; c++) {
        const xo = c * S;
        for (let k = 0, iv = c * v.size; k < n; k++, iv += ve) {
          const slot = xo + map[k];
          gv[iv] += gx[slot];
          gx[slot] = 0;
        }
      }
    } else {
      for (let c = 0; c < C; c++) for (let k = 0; k < n; k++) gx[c * S + map[k]] = 0;
    }
  });
}

/** Flat offsets of `specs` over `shape`; a single slice of the first dimension skips the general `indexMap`. */
function flatOffsets(shape: Shape, specs: readonly IndexSpec[]): Int32Array {
  const spec = specs.length === 1 && shape.length > 0 ? specs[0] : null;
  if (spec === null || !isSlice(spec)) return indexMap(shape, specs).map;
  const n = shape[0];
  const from = spec.from ?? 1;
  const to = spec.to ?? n;
  if (to >= from) {
    // The first index out of range, as checking from..to one by one would find it.
    if (from < 1 || from > n || !Number.isInteger(from)) checkIndex(from, n, 'dimension 1');
    if (to > n) checkIndex(n + 1, n, 'dimension 1');
  }
  const inner = n === 0 ? 0 : sizeOf(shape) / n;
  const len = Math.max(0, to - from + 1) * inner;
  const start = (from - 1) * inner;
  const map = new Int32Array(len);
  for (let k = 0; k < len; k++) map[k] = start + k;
  return map;
}

/** A fresh copy (new tape node) — for whole reads of variables that are later written in place. */
export function copy(x: Value): Value {
  if (typeof x === 'number') return x;
  if (!x.batched) return new Tensor(x.shape, x.val.slice(), false);
  const val = zeros(x.val.length);
  val.set(x.val);
  const out = new Tensor(x.shape, val, true);
  record(() => {
    if (out.adj === null) return;
    const gx = adjoint(x);
    for (let i = 0; i < gx.length; i++) gx[i] += out.adj[i];
  });
  return out;
}

/** A local container of `shape` filled with NaN (Stan's initial value), batched when it will hold parameter values. */
export function declare(shape: Shape, batched: boolean): Tensor {
  const size = sizeOf(shape);
  const val = (batched ? zeros(chains() * size) : new Float64Array(size)).fill(NaN);
  return new Tensor(shape, val, batched);
}

/** A batched copy of any value (so it can be written in place with batched values). */
export function toBatched(x: Value, shape: Shape): Tensor {
  const size = sizeOf(shape);
  const C = chains();
  if (typeof x !== 'number' && x.batched) return copy(x) as Tensor;
  const out = new Tensor(shape, zeros(C * size), true);
  for (let c = 0; c < C; c++) {
    for (let k = 0; k < size; k++) out.val[c * size + k] = typeof x === 'number' ? x : x.val[x.size === 1 ? 0 : k];
  }
  return out;
}

/**
 * Stack values of equal shape into a container with a new leading dimension: `[a, b, c]`,
 * `{a, b}`, matrices from row vectors.
 */
export function stack(items: readonly Value[], itemShape: Shape): Value {
  const n = items.length;
  const inner = sizeOf(itemShape);
  const shape = [n, ...itemShape];
  const batched = items.some(isBatched);
  if (!batched) {
    const out = new Float64Array(n * inner);
    for (let i = 0; i < n; i++) {
      const it = items[i];
      if (typeof it === 'number') out[i * inner] = it;
      else out.set(it.val.subarray(0, inner), i * inner);
    }
    return new Tensor(shape, out, false);
  }
  const C = chains();
  const size = n * inner;
  const out = batchedOutput(shape, size);
  for (let i = 0; i < n; i++) {
    const it = items[i];
    for (let c = 0; c < C; c++) {
      for (let t = 0; t < inner; t++) {
        out.val[c * size + i * inner + t] =
          typeof it === 'number' ? it : it.batched ? it.val[c * inner + t] : it.val[t];
      }
    }
  }
  record(() => {
    const g = out.adj;
    if (g === null) return;
    for (let i = 0; i < n; i++) {
      const it = items[i];
      if (!isBatched(it)) continue;
      const gi = adjoint(it);
      for (let c = 0; c < C; c++) for (let t = 0; t < inner; t++) gi[c * inner + t] += g[c * size + i * inner + t];
    }
  });
  return out;
}

/** Sum of all elements, per chain. */
export function sum(x: Value): Value {
  if (typeof x === 'number') return x;
  const S = x.size;
  if (!x.batched) {
    let s = 0;
    for (let k = 0; k < S; k++) s += x.val[k];
    return s;
  }
  const C = chains();
  const out = batchedOutput([], 1);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let k = 0; k < S; k++) s += x.val[c * S + k];
    out.val[c] = s;
  }
  record(() => {
    const g = out.adj;
    if (g === null) return;
    const gx = adjoint(x);
    for (let c = 0; c < C; c++) for (let k = 0; k < S; k++) gx[c * S + k] += g[c];
  });
  return out;
}

/** Same values, new shape (to_vector of a matrix is a reshape of the column-major order: callers pass the map). */
export function reshape(x: Value, shape: Shape): Value {
  if (typeof x === 'number') return new Tensor(shape, Float64Array.of(x), false);
  if (sizeOf(shape) !== x.size) throw new RuntimeError(`cannot reshape ${x.size} elements to [${shape.join(', ')}]`);
  if (!x.batched) return new Tensor(shape, x.val, false);
  const out = new Tensor(shape, x.val, true);
  // Shares values (never written in place: only locals are, and they are copied on read).
  record(() => {
    if (out.adj === null) return;
    const gx = adjoint(x);
    for (let i = 0; i < gx.length; i++) gx[i] += out.adj[i];
  });
  return out;
}
