// Array built-ins, and the container functions arrays share with vectors (one implementation
// each, dispatching on the argument's type): sizes, replication, slicing along the leading
// dimension (head/tail/segment/reverse), concatenation, sorting and ranking, flattening, and
// the constant arrays. Arrays of tuples are JS arrays of tuple values.
import { Tensor, Value, Shape, sizeOf, isBatched } from '../../src/runtime/tensor.js';
import { RuntimeError, FatalRuntimeError, ChainsDiverge } from '../../src/runtime/errors.js';
import type { Builtin, BuiltinTable, CallContext, RuntimeValue } from './types.js';
import { chainOp, gather, gatherOne, num, intArray } from './lift.js';
import { linspaced, oneHot } from './matrix.js';

const range = (n: number, f: (k: number) => number) => {
  const m = new Int32Array(n);
  for (let k = 0; k < n; k++) m[k] = f(k);
  return m;
};

function outOfRange(fn: string, what: string, i: number, lo: number, hi: number): never {
  throw new FatalRuntimeError(`${fn}: ${what} is ${i}, but must be in the interval [${lo}, ${hi}]`);
}

function isMatrixArg(ctx: CallContext, i: number, x: Tensor): boolean {
  const t = ctx.argTypes[i];
  if (t) return t.kind === 'matrix';
  return x.shape.length === 2;
}

/** Leading-dimension length of a container (1 for scalars). */
function leading(x: Value): number {
  return typeof x === 'number' || x.shape.length === 0 ? 1 : x.shape[0];
}

// ---------------------------------------------------------------------------------------
// Sizes.

const size: Builtin = (args, ctx) => {
  const x = args[0];
  if (Array.isArray(x)) return x.length;
  if (typeof x === 'number') return 1;
  if (isMatrixArg(ctx, 0, x)) return x.size;
  return leading(x);
};

const dims: Builtin = (args) => {
  const x = args[0];
  if (Array.isArray(x)) return intArray([x.length]);
  if (typeof x === 'number') return intArray([]);
  return intArray(x.shape);
};

const numElements: Builtin = (args) => {
  const x = args[0];
  if (Array.isArray(x)) return x.length;
  return typeof x === 'number' ? 1 : x.size;
};

// ---------------------------------------------------------------------------------------
// Construction.

const repArray: Builtin = (args) => {
  const x = args[0];
  const counts = args.slice(1).map((a) => num(a, 'rep_array'));
  for (const c of counts) {
    if (!(c >= 0) || !Number.isInteger(c)) throw new RuntimeError(`rep_array: n is ${c}, but must be nonnegative!`);
  }
  if (Array.isArray(x)) {
    // Tuples: nested JS arrays of the same tuple value.
    const build = (d: number): RuntimeValue =>
      d === counts.length ? x : Array.from({ length: counts[d] }, () => build(d + 1));
    return build(0);
  }
  const inner = typeof x === 'number' ? 1 : x.size;
  const shape: Shape = [...counts, ...(typeof x === 'number' ? [] : x.shape)];
  const n = sizeOf(shape);
  if (typeof x === 'number') return new Tensor(shape, new Float64Array(n).fill(x), false);
  return gatherOne(
    x,
    shape,
    range(n, (q) => q % inner),
  );
};

/** Eigen's integer LinSpaced, which Stan's linspaced_int_array uses. */
function linspacedInt(n: number, lo: number, hi: number): Float64Array {
  const fn = 'linspaced_int_array';
  if (!(n >= 0)) throw new RuntimeError(`${fn}: number of elements is ${n}, but must be nonnegative!`);
  if (hi < lo) throw new RuntimeError(`${fn}: high is ${hi}, but must be greater than or equal to ${lo}`);
  const out = new Float64Array(n);
  if (n === 0) return out;
  const span = hi - lo;
  const multiplier = Math.trunc(span / (n <= 1 ? 1 : n - 1));
  const divisor = Math.trunc((n + span) / (span + 1));
  const useDivisor = n > 1 && span + 1 < n;
  for (let i = 0; i < n; i++) out[i] = useDivisor ? lo + Math.trunc(i / divisor) : lo + i * multiplier;
  return out;
}

function filledArray(fn: string, v: number): Builtin {
  return (args) => {
    const n = num(args[0], fn);
    if (!(n >= 0) || !Number.isInteger(n)) throw new RuntimeError(`${fn}: size is ${n}, but must be nonnegative!`);
    return new Tensor([n], new Float64Array(n).fill(v), false);
  };
}

// ---------------------------------------------------------------------------------------
// Slicing along the leading dimension (arrays, vectors, row vectors).

/** Elements [from, from + n) of the leading dimension (0-based). */
function slice(x: RuntimeValue, from: number, n: number): RuntimeValue {
  if (Array.isArray(x)) return x.slice(from, from + n);
  const t = x as Tensor;
  const inner = t.shape.length === 0 ? 1 : t.size / Math.max(1, t.shape[0]);
  const shape = [n, ...t.shape.slice(1)];
  return gatherOne(
    t,
    shape,
    range(n * inner, (q) => from * inner + q),
  );
}

function lengthOf(x: RuntimeValue): number {
  if (Array.isArray(x)) return x.length;
  return leading(x as Value);
}

const head: Builtin = (args) => {
  const n = num(args[1], 'head');
  const size = lengthOf(args[0]);
  if (n !== 0) {
    if (!(n >= 1 && n <= size) || !Number.isInteger(n)) outOfRange('head', 'n', n, 1, size);
  }
  return slice(args[0], 0, n);
};

const tail: Builtin = (args) => {
  const n = num(args[1], 'tail');
  const size = lengthOf(args[0]);
  if (n !== 0) {
    if (!(n >= 1 && n <= size) || !Number.isInteger(n)) outOfRange('tail', 'n', n, 1, size);
  }
  return slice(args[0], size - n, n);
};

const segment: Builtin = (args) => {
  const i = num(args[1], 'segment');
  const n = num(args[2], 'segment');
  const size = lengthOf(args[0]);
  if (!(i >= 1 && i <= size) || !Number.isInteger(i)) outOfRange('segment', 'i', i, 1, size);
  if (n < 0 || !Number.isInteger(n)) outOfRange('segment', 'n', n, 0, size - i + 1);
  if (n !== 0 && i + n - 1 > size) outOfRange('segment', 'i + n - 1', i + n - 1, 1, size);
  return slice(args[0], i - 1, n);
};

const reverse: Builtin = (args) => {
  const x = args[0];
  if (Array.isArray(x)) return [...x].reverse();
  const t = x as Value;
  if (typeof t === 'number') return t;
  const n = leading(t);
  const inner = t.shape.length === 0 ? 1 : t.size / Math.max(1, n);
  return gatherOne(
    t,
    t.shape,
    range(t.size, (q) => (n - 1 - Math.floor(q / inner)) * inner + (q % inner)),
  );
};

const appendArray: Builtin = (args) => {
  const x = args[0];
  const y = args[1];
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y))
      throw new RuntimeError('append_array: arguments must have the same type');
    return [...x, ...y];
  }
  const a = x as Tensor;
  const b = y as Tensor;
  const ra = a.shape.slice(1);
  const rb = b.shape.slice(1);
  // An empty array carries no element shape worth checking.
  if (a.size > 0 && b.size > 0) {
    for (let d = 0; d < Math.max(ra.length, rb.length); d++) {
      if (ra[d] !== rb[d]) {
        throw new RuntimeError(
          `append_array: dimension ${d + 2} of x (${ra[d]}) and of y (${rb[d]}) must match in size`,
        );
      }
    }
  }
  const rest = a.size > 0 ? ra : rb;
  const na = a.shape[0];
  const nb = b.shape[0];
  const inner = sizeOf(rest);
  const n = (na + nb) * inner;
  const src = new Int32Array(n);
  const off = new Int32Array(n);
  for (let q = 0; q < n; q++) {
    if (q < na * inner) off[q] = q;
    else {
      src[q] = 1;
      off[q] = q - na * inner;
    }
  }
  return gather([a, b], [na + nb, ...rest], src, off);
};

// ---------------------------------------------------------------------------------------
// Sorting and ranking (1-D containers).

function checkNotNan(fn: string, v: Float64Array): void {
  for (let i = 0; i < v.length; i++) {
    if (Number.isNaN(v[i])) throw new RuntimeError(`${fn}: container argument[${i + 1}] is nan, but must not be nan!`);
  }
}

/** Stable ascending/descending permutation of v. */
function order(v: Float64Array, desc: boolean): number[] {
  const idx = Array.from({ length: v.length }, (_, i) => i);
  idx.sort((i, j) => (desc ? v[j] - v[i] : v[i] - v[j]) || i - j);
  return idx;
}

function sortFn(fn: string, desc: boolean): Builtin {
  return (args) => {
    const x = args[0] as Value;
    if (typeof x === 'number') return x;
    const n = x.size;
    const perms: number[][] = [];
    return chainOp(
      [x],
      x.shape,
      (xs, out, c) => {
        checkNotNan(fn, xs[0]);
        const p = order(xs[0], desc);
        perms[c] = p;
        for (let i = 0; i < n; i++) out[i] = xs[0][p[i]];
      },
      (_xs, _o, g, gx, c) => {
        const p = perms[c];
        for (let i = 0; i < n; i++) gx[0]![p[i]] += g[i];
      },
    );
  };
}

/** Per-chain ints must agree across chains (they steer control flow and indexing). */
function agreeingInts(fn: string, x: Tensor, f: (v: Float64Array) => number[]): number[] {
  const n = x.size;
  if (!x.batched) return f(x.val);
  const C = x.val.length / Math.max(1, n);
  const first = f(x.val.subarray(0, n));
  for (let c = 1; c < C; c++) {
    const other = f(x.val.subarray(c * n, (c + 1) * n));
    for (let i = 0; i < first.length; i++) if (other[i] !== first[i]) throw new ChainsDiverge();
  }
  return first;
}

function sortIndicesFn(fn: string, desc: boolean): Builtin {
  return (args) => {
    const x = args[0] as Value;
    if (typeof x === 'number') return intArray([1]);
    const p = agreeingInts(fn, x, (v) => {
      checkNotNan(fn, v);
      return order(v, desc).map((i) => i + 1);
    });
    return intArray(p);
  };
}

const rank: Builtin = (args) => {
  const x = args[0] as Value;
  const s = num(args[1], 'rank');
  const n = typeof x === 'number' ? 1 : x.size;
  if (!(s >= 1 && s <= n) || !Number.isInteger(s)) outOfRange('rank', 's', s, 1, n);
  if (typeof x === 'number') return 0;
  return agreeingInts('rank', x, (v) => {
    let count = 0;
    for (let i = 0; i < n; i++) if (v[i] < v[s - 1]) count++;
    return [count];
  })[0];
};

// ---------------------------------------------------------------------------------------
// Flattening: matrices column-major (as Stan), arrays in their row-major order.

const toArray1d: Builtin = (args, ctx) => {
  const x = args[0] as Value;
  if (typeof x === 'number') return new Tensor([1], Float64Array.of(x), false);
  if (isMatrixArg(ctx, 0, x) && x.shape.length === 2) {
    const [r, c] = x.shape;
    return gatherOne(
      x,
      [r * c],
      range(r * c, (q) => (q % r) * c + Math.floor(q / r)),
    );
  }
  if (!x.batched) return new Tensor([x.size], x.val.slice(), false);
  return gatherOne(
    x,
    [x.size],
    range(x.size, (k) => k),
  );
};

export const table: BuiltinTable = {
  size,
  dims,
  num_elements: numElements,
  rep_array: repArray,
  append_array: appendArray,
  head,
  tail,
  segment,
  reverse,
  sort_asc: sortFn('sort_asc', false),
  sort_desc: sortFn('sort_desc', true),
  sort_indices_asc: sortIndicesFn('sort_indices_asc', false),
  sort_indices_desc: sortIndicesFn('sort_indices_desc', true),
  rank,
  to_array_1d: toArray1d,
  linspaced_array: (args) => {
    const n = num(args[0], 'linspaced_array');
    return new Tensor(
      [n],
      linspaced('linspaced_array', n, num(args[1], 'linspaced_array'), num(args[2], 'linspaced_array')),
      false,
    );
  },
  linspaced_int_array: (args) => {
    const n = num(args[0], 'linspaced_int_array');
    return intArray(linspacedInt(n, num(args[1], 'linspaced_int_array'), num(args[2], 'linspaced_int_array')));
  },
  one_hot_array: (args) => {
    const n = num(args[0], 'one_hot_array');
    return new Tensor([n], oneHot('one_hot_array', n, num(args[1], 'one_hot_array')), false);
  },
  one_hot_int_array: (args) => {
    const n = num(args[0], 'one_hot_int_array');
    return intArray(oneHot('one_hot_int_array', n, num(args[1], 'one_hot_int_array')));
  },
  zeros_array: filledArray('zeros_array', 0),
  zeros_int_array: filledArray('zeros_int_array', 0),
  ones_array: filledArray('ones_array', 1),
  ones_int_array: filledArray('ones_int_array', 1),
};
