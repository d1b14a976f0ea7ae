// Array built-ins and the container functions arrays share with vectors: sizes,
// replication, slicing, concatenation, sorting, flattening and constant arrays. Values are
// checked against hand-computed results; gradients by finite differences on 3 chains.
import { Tensor } from '../src/runtime/tensor.js';
import { beginTape, endTape } from '../src/runtime/tape.js';
import { RuntimeError, FatalRuntimeError, ChainsDiverge } from '../src/runtime/errors.js';
import type { StanType } from '../src/check/types.js';
import { table } from '../stdlib/impl/array.js';
import { table as mathTable } from '../stdlib/impl/math.js';
import { table as matrixTable } from '../stdlib/impl/matrix.js';
import { builtin } from '../stdlib/impl/index.js';
import { gradCheck, call, values, GArg } from './helpers/stdlib-grad.js';

const fn = (name: string) => {
  const f = table[name];
  if (!f) throw new Error(`no builtin ${name}`);
  return f;
};

const REALS: StanType = { kind: 'array', element: { kind: 'real' }, dims: 1 };
const INTS: StanType = { kind: 'array', element: { kind: 'int' }, dims: 1 };
const REALS2: StanType = { kind: 'array', element: { kind: 'real' }, dims: 2 };
const VECS: StanType = { kind: 'array', element: { kind: 'vector' }, dims: 1 };
const arr = (v: number[], param = false, type: StanType = REALS, shape?: number[]): GArg => ({
  value: v,
  param,
  type,
  shape,
});
const int = (v: number): GArg => ({ value: v, type: { kind: 'int' } });

describe('sizes', () => {
  test('size, dims and num_elements by type', () => {
    const m: GArg = { value: [1, 2, 3, 4, 5, 6], shape: [2, 3], type: { kind: 'matrix' } };
    const av: GArg = { value: [1, 2, 3, 4, 5, 6], shape: [2, 3], type: VECS };
    expect(call(fn('size'), [m])).toBe(6);
    expect(call(fn('size'), [av])).toBe(2);
    expect(call(fn('size'), [arr([1, 2, 3])])).toBe(3);
    expect(call(fn('size'), [{ value: 2.5 }])).toBe(1);
    expect(values(call(fn('dims'), [av]))).toEqual([2, 3]);
    expect(values(call(fn('dims'), [m]))).toEqual([2, 3]);
    expect(values(call(fn('dims'), [{ value: 1.5 }]))).toEqual([]);
    expect(call(fn('num_elements'), [av])).toBe(6);
  });
});

describe('construction', () => {
  test('rep_array in one to three dimensions, of scalars and of vectors', () => {
    const r1 = call(fn('rep_array'), [{ value: 2.5 }, int(3)]) as Tensor;
    expect(r1.shape).toEqual([3]);
    expect(Array.from(r1.val)).toEqual([2.5, 2.5, 2.5]);
    const r3 = call(fn('rep_array'), [{ value: 1 }, int(2), int(3), int(4)]) as Tensor;
    expect(r3.shape).toEqual([2, 3, 4]);
    const rv = call(fn('rep_array'), [{ value: [1, 2] }, int(2), int(2)]) as Tensor;
    expect(rv.shape).toEqual([2, 2, 2]);
    expect(Array.from(rv.val)).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
    const tuples = fn('rep_array')([[1, 2.5], 2], { argTypes: [], rng: null });
    expect(tuples).toEqual([
      [1, 2.5],
      [1, 2.5],
    ]);
    const g = gradCheck(fn('rep_array'), [{ value: [0.3, -1], param: true }, int(2), int(3)]);
    expect(g.worst).toBeLessThan(1e-6);
    const gs = gradCheck(fn('rep_array'), [{ value: 0.7, param: true }, int(4)]);
    expect(gs.worst).toBeLessThan(1e-6);
  });

  test('linspaced and constant arrays', () => {
    expect(values(call(fn('linspaced_array'), [int(3), { value: -1 }, { value: 1 }]))).toEqual([-1, 0, 1]);
    expect(values(call(fn('linspaced_array'), [int(0), { value: -1 }, { value: 1 }]))).toEqual([]);
    // Eigen's integer LinSpaced (Stan's linspaced_int_array)
    expect(values(call(fn('linspaced_int_array'), [int(5), int(1), int(10)]))).toEqual([1, 3, 5, 7, 9]);
    expect(values(call(fn('linspaced_int_array'), [int(8), int(1), int(4)]))).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    expect(values(call(fn('linspaced_int_array'), [int(3), int(1), int(10)]))).toEqual([1, 5, 9]);
    expect(() => call(fn('linspaced_array'), [int(3), { value: 1 }, { value: 0 }])).toThrow(RuntimeError);
    expect(values(call(fn('one_hot_int_array'), [int(3), int(3)]))).toEqual([0, 0, 1]);
    expect(values(call(fn('one_hot_array'), [int(2), int(1)]))).toEqual([1, 0]);
    expect(() => call(fn('one_hot_array'), [int(2), int(3)])).toThrow('one_hot_array: k is 3, but must be in the interval [1, 2]');
    expect(values(call(fn('zeros_int_array'), [int(2)]))).toEqual([0, 0]);
    expect(values(call(fn('ones_array'), [int(3)]))).toEqual([1, 1, 1]);
  });
});

describe('slicing and concatenation along the leading dimension', () => {
  const x = [10, 20, 30, 40, 50];
  test('head, tail, segment, reverse on arrays and vectors', () => {
    expect(values(call(fn('head'), [arr(x), int(2)]))).toEqual([10, 20]);
    expect(values(call(fn('tail'), [arr(x), int(2)]))).toEqual([40, 50]);
    expect(values(call(fn('segment'), [arr(x), int(2), int(3)]))).toEqual([20, 30, 40]);
    expect(values(call(fn('reverse'), [arr(x)]))).toEqual([50, 40, 30, 20, 10]);
    expect(values(call(fn('head'), [arr(x), int(0)]))).toEqual([]);
    expect(values(call(fn('head'), [{ value: x, type: { kind: 'vector' } }, int(3)]))).toEqual([10, 20, 30]);
  });

  test('on arrays of vectors the slices are whole vectors', () => {
    const av: GArg = { value: [1, 2, 3, 4, 5, 6], shape: [3, 2], type: VECS };
    const t = call(fn('tail'), [av, int(2)]) as Tensor;
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(t.val)).toEqual([3, 4, 5, 6]);
    expect(values(call(fn('reverse'), [av]))).toEqual([5, 6, 3, 4, 1, 2]);
  });

  test('out-of-range slices stop the run', () => {
    expect(() => call(fn('head'), [arr(x), int(6)])).toThrow(FatalRuntimeError);
    expect(() => call(fn('segment'), [arr(x), int(4), int(3)])).toThrow(FatalRuntimeError);
    expect(() => call(fn('segment'), [arr(x), int(0), int(1)])).toThrow(FatalRuntimeError);
  });

  test('append_array checks element shapes', () => {
    const a: GArg = { value: [1, 2, 3, 4], shape: [2, 2], type: VECS };
    const b: GArg = { value: [5, 6], shape: [1, 2], type: VECS };
    const r = call(fn('append_array'), [a, b]) as Tensor;
    expect(r.shape).toEqual([3, 2]);
    expect(Array.from(r.val)).toEqual([1, 2, 3, 4, 5, 6]);
    const c: GArg = { value: [5, 6, 7], shape: [1, 3], type: VECS };
    expect(() => call(fn('append_array'), [a, c])).toThrow(RuntimeError);
    expect(values(call(fn('append_array'), [arr([]), arr([1, 2])]))).toEqual([1, 2]);
  });

  test.each([
    ['head', [arr([0.3, -1, 2, 5], true), int(3)]],
    ['tail', [arr([0.3, -1, 2, 5], true), int(2)]],
    ['segment', [{ value: [1, 2, 3, 4, 5, 6], shape: [3, 2], type: VECS, param: true }, int(2), int(2)]],
    ['reverse', [arr([0.3, -1, 2, 5], true, { kind: 'row_vector' })]],
    ['append_array', [arr([0.3, -1], true), arr([2, 5, 7], true)]],
    ['to_array_1d', [{ value: [1, 2, 3, 4, 5, 6], shape: [2, 3], type: { kind: 'matrix' }, param: true }]],
  ] as Array<[string, GArg[]]>)('gradient of %s', (name, args) => {
    const r = gradCheck(fn(name), args);
    if (!(r.worst < 1e-6)) throw new Error(r.where);
    expect(r.dataMismatch).toBe(0);
  });
});

describe('sorting and ranking', () => {
  test('values, NaN check and int arrays', () => {
    const v = arr([3, -1, 2.5, 0]);
    expect(values(call(fn('sort_asc'), [v]))).toEqual([-1, 0, 2.5, 3]);
    expect(values(call(fn('sort_desc'), [v]))).toEqual([3, 2.5, 0, -1]);
    expect(values(call(fn('sort_indices_asc'), [v]))).toEqual([2, 4, 3, 1]);
    expect(values(call(fn('sort_indices_desc'), [v]))).toEqual([1, 3, 4, 2]);
    expect(call(fn('rank'), [v, int(3)])).toBe(2);
    expect(call(fn('rank'), [v, int(2)])).toBe(0);
    expect(values(call(fn('sort_asc'), [arr([3, 1, 2], false, INTS)]))).toEqual([1, 2, 3]);
    expect(() => call(fn('sort_asc'), [arr([1, NaN])])).toThrow('sort_asc: container argument[2] is nan');
    expect(() => call(fn('rank'), [v, int(5)])).toThrow(FatalRuntimeError);
    // ties keep their original order
    expect(values(call(fn('sort_indices_asc'), [arr([2, 1, 2, 1])]))).toEqual([2, 4, 1, 3]);
  });

  test('sorting parameters: each chain sorts its own values, gradients follow the permutation', () => {
    const chains = [
      [3, -1, 2.5, 0],
      [0.5, 4, -2, 1],
      [1, 2, 3, 4],
    ];
    for (const name of ['sort_asc', 'sort_desc']) {
      const r = gradCheck(fn(name), [{ value: chains[0], param: true, chain: (c) => chains[c] }]);
      expect(r.worst).toBeLessThan(1e-6);
      expect(Array.from(r.perChain[1])).toEqual(name === 'sort_asc' ? [-2, 0.5, 1, 4] : [4, 1, 0.5, -2]);
    }
  });

  test('int results of parameters must agree across chains', () => {
    const ctx = { argTypes: [{ kind: 'vector' } as StanType, { kind: 'int' } as StanType], rng: null };
    beginTape(2);
    try {
      const same = new Tensor([3], Float64Array.of(1, 3, 2, 10, 30, 20), true);
      expect(values(fn('sort_indices_asc')([same], ctx))).toEqual([1, 3, 2]);
      expect(fn('rank')([same, 2], ctx)).toBe(2);
      const differ = new Tensor([2], Float64Array.of(1, 2, 2, 1), true);
      expect(() => fn('sort_indices_asc')([differ], ctx)).toThrow(ChainsDiverge);
    } finally {
      endTape();
    }
  });
});

describe('flattening', () => {
  test('to_array_1d: matrices column-major, arrays row-major', () => {
    const m: GArg = { value: [1, 2, 3, 4, 5, 6], shape: [2, 3], type: { kind: 'matrix' } };
    expect(values(call(fn('to_array_1d'), [m]))).toEqual([1, 4, 2, 5, 3, 6]);
    const a2: GArg = { value: [1, 2, 3, 4, 5, 6], shape: [2, 3], type: REALS2 };
    expect(values(call(fn('to_array_1d'), [a2]))).toEqual([1, 2, 3, 4, 5, 6]);
    const a3: GArg = {
      value: [1, 2, 3, 4, 5, 6, 7, 8],
      shape: [2, 2, 2],
      type: { kind: 'array', element: { kind: 'int' }, dims: 3 },
    };
    expect(values(call(fn('to_array_1d'), [a3]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('registry', () => {
  test('each name is implemented by exactly one of the math, matrix and array tables', () => {
    const seen = new Map<string, string>();
    for (const [family, t] of [
      ['math', mathTable],
      ['matrix', matrixTable],
      ['array', table],
    ] as const) {
      for (const name of Object.keys(t)) {
        expect(seen.get(name)).toBeUndefined();
        seen.set(name, family);
      }
    }
    for (const name of ['log_sum_exp', 'to_vector', 'sort_asc', 'size', 'cholesky_decompose'])
      expect(builtin(name)).toBeDefined();
  });
});
