// Constraint transforms: inverse round trips, log Jacobians against numerically computed
// log|det J|, gradients (to the unconstrained values and to parameter-dependent bounds)
// against finite differences over a batch of 3 chains, element orders, and error messages.
import { Tensor, Value, adjoint } from '../src/runtime/tensor.js';
import { beginTape, endTape, backpropagate } from '../src/runtime/tape.js';
import { add, elemMul, sum } from '../src/runtime/ops.js';
import { RuntimeError } from '../src/runtime/errors.js';
import {
  Bounds, ConstraintError, VariableSpec, constrainVariable, constrainedShape, prepareVariable, unconstrainVariable,
  unconstrainedSize,
} from '../src/runtime/transforms.js';
import { fdGradient, fdJacobian, maxRelError } from './helpers/fd.js';
import { mulberry32 } from './helpers/programs.js';

// ---------------------------------------------------------------------------------------
// Helpers

const rng = mulberry32;

/** Uniform(-r, r) draws. */
function draws(n: number, seed: number, r = 1.5): Float64Array {
  const u = rng(seed);
  return Float64Array.from({ length: n }, () => (2 * u() - 1) * r);
}

function spec(name: string, base: string, sizes: number[] = [], arrayDims: number[] = [], bounds?: Bounds): VariableSpec {
  return { name, base, sizes, arrayDims, bounds };
}

/** Constrain one point with no tape (data in, data out). */
function point(s: VariableSpec, u: ArrayLike<number>): { x: Float64Array; lj: number } {
  const t = new Tensor([u.length], Float64Array.from(u), false);
  const { value, logJacobian } = constrainVariable(s, t, 0);
  const x = typeof value === 'number' ? Float64Array.of(value) : Float64Array.from(value.val);
  return { x, lj: logJacobian as number };
}

/** log|det A| by LU with partial pivoting. */
function logAbsDet(rows: Float64Array[]): number {
  const n = rows.length;
  const A = rows.map((r) => Float64Array.from(r));
  let s = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(A[i][k]) > Math.abs(A[p][k])) p = i;
    [A[k], A[p]] = [A[p], A[k]];
    const d = A[k][k];
    s += Math.log(Math.abs(d));
    for (let i = k + 1; i < n; i++) {
      const f = A[i][k] / d;
      for (let j = k; j < n; j++) A[i][j] -= f * A[k][j];
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------
// The cases: every transform, with arrays, matrices, infinite and container-shaped bounds.
// `coords` picks, from one element's constrained values (row-major), coordinates that
// parameterize its manifold: the log Jacobian is log|det ∂coords/∂u| in those coordinates.

interface Case {
  spec: VariableSpec;
  coords: ((K: number) => number[]) | null;
  elem: number;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const lowerTri = (K: number, cols: number, strict: boolean): number[] => {
  const out: number[] = [];
  for (let i = 0; i < K; i++) for (let j = 0; j < Math.min(cols, strict ? i : i + 1); j++) out.push(i * cols + j);
  return out;
};

const cases: Case[] = [
  { spec: spec('a', 'real'), coords: () => [0], elem: 1 },
  { spec: spec('sigma', 'real', [], [], { lower: 0.5 }), coords: () => [0], elem: 1 },
  { spec: spec('x', 'real', [], [], { upper: -2 }), coords: () => [0], elem: 1 },
  { spec: spec('p', 'vector', [3], [], { lower: -1, upper: 2 }), coords: () => range(3), elem: 3 },
  { spec: spec('h', 'vector', [4], [], { lower: new Tensor([4], Float64Array.of(-Infinity, 0, -Infinity, 1), false), upper: new Tensor([4], Float64Array.of(Infinity, Infinity, 3, 4), false) }), coords: () => range(4), elem: 4 },
  { spec: spec('om', 'row_vector', [3], [], { offset: 2, multiplier: 3 }), coords: () => range(3), elem: 3 },
  { spec: spec('ub', 'real', [], [2], { lower: -Infinity, upper: 2 }), coords: () => [0], elem: 1 },
  { spec: spec('lb', 'real', [], [2], { lower: 1, upper: Infinity }), coords: () => [0], elem: 1 },
  { spec: spec('id', 'real', [], [2], { lower: -Infinity, upper: Infinity }), coords: () => [0], elem: 1 },
  { spec: spec('mo', 'real', [], [2], { multiplier: new Tensor([2], Float64Array.of(0.5, 4), false) }), coords: () => [0], elem: 1 },
  { spec: spec('m', 'matrix', [2, 3], [], { lower: 0 }), coords: () => range(6), elem: 6 },
  { spec: spec('av', 'vector', [3], [2], { lower: new Tensor([3], Float64Array.of(0, 1, 2), false) }), coords: () => range(3), elem: 3 },
  { spec: spec('w', 'simplex', [4]), coords: (K) => range(K - 1), elem: 4 },
  { spec: spec('ws', 'simplex', [3], [2]), coords: (K) => range(K - 1), elem: 3 },
  { spec: spec('w1', 'simplex', [1]), coords: () => [], elem: 1 },
  { spec: spec('c', 'ordered', [4]), coords: () => range(4), elem: 4 },
  { spec: spec('po', 'positive_ordered', [3]), coords: () => range(3), elem: 3 },
  { spec: spec('L', 'cholesky_factor_corr', [4]), coords: () => lowerTri(4, 4, true), elem: 16 },
  { spec: spec('L2', 'cholesky_factor_corr', [2], [2]), coords: () => lowerTri(2, 2, true), elem: 4 },
  { spec: spec('Om', 'corr_matrix', [4]), coords: () => lowerTri(4, 4, true), elem: 16 },
  { spec: spec('S', 'cov_matrix', [3]), coords: () => lowerTri(3, 3, false), elem: 9 },
  { spec: spec('S4', 'cov_matrix', [4]), coords: () => lowerTri(4, 4, false), elem: 16 },
  { spec: spec('Lc', 'cholesky_factor_cov', [4, 2]), coords: () => [0, 2, 3, 4, 5, 6, 7], elem: 8 },
  { spec: spec('Lq', 'cholesky_factor_cov', [3]), coords: () => lowerTri(3, 3, false), elem: 9 },
  // Column stochastic [3, 2]: all rows but the last; row stochastic [2, 3]: all columns but the last.
  { spec: spec('P', 'column_stochastic_matrix', [3, 2]), coords: () => [0, 1, 2, 3], elem: 6 },
  { spec: spec('Q', 'row_stochastic_matrix', [2, 3]), coords: () => [0, 1, 3, 4], elem: 6 },
  { spec: spec('u', 'unit_vector', [3]), coords: null, elem: 3 },
  { spec: spec('z', 'sum_to_zero_vector', [4]), coords: null, elem: 4 },
  { spec: spec('Z', 'sum_to_zero_matrix', [3, 4]), coords: null, elem: 12 },
];

const label = (c: Case): string => `${c.spec.arrayDims.length ? `array[${c.spec.arrayDims}] ` : ''}${c.spec.base}[${c.spec.sizes}] ${c.spec.bounds ? 'bounded' : ''}`;

// ---------------------------------------------------------------------------------------

describe.each(cases.map((c, i) => [label(c), c, i] as const))('%s', (_l, c, seed) => {
  const n = unconstrainedSize(c.spec);
  const u = draws(n, 100 + seed);

  test('unconstrain(constrain(u)) = u', () => {
    const { x } = point(c.spec, u);
    const y = unconstrainVariable(c.spec, x);
    if (c.spec.base === 'unit_vector') {
      // Many-to-one: the inverse returns the unit vector itself, which constrains to itself.
      expect(maxRelError(y, x)).toBeLessThan(1e-14);
      expect(maxRelError(point(c.spec, y).x, x)).toBeLessThan(1e-14);
    } else {
      expect(maxRelError(y, u)).toBeLessThan(1e-10);
    }
  });

  test('log Jacobian = log|det ∂(manifold coordinates)/∂u| (finite differences)', () => {
    const { x, lj } = point(c.spec, u);
    if (c.coords === null) return;
    const per = c.elem;
    const count = x.length / per;
    const pick = c.coords(per);
    const coordsOf = (v: ArrayLike<number>) => {
      const out: number[] = [];
      for (let a = 0; a < count; a++) for (const k of pick) out.push(v[a * per + k]);
      return out;
    };
    const J = fdJacobian((v) => coordsOf(point(c.spec, v).x), u, 1e-6);
    expect(J.length).toBe(n);
    const want = n === 0 ? 0 : logAbsDet(J);
    expect(Math.abs(lj - want)).toBeLessThan(1e-6 * Math.max(1, Math.abs(want)));
  });

  test('gradient of Σ w·x + log|J| matches finite differences in each of 3 chains (read at an offset)', () => {
    const C = 3;
    const pad = 2; // values of other variables around this one
    const D = n + 2 * pad;
    const all = draws(C * D, 900 + seed);
    const shape = constrainedShape(c.spec);
    const size = shape.reduce((a, b) => a * b, 1);
    const w = draws(size, 500 + seed, 1);
    const objective = (v: ArrayLike<number>) => {
      const { x, lj } = point(c.spec, v);
      let s = lj;
      for (let k = 0; k < size; k++) s += w[k] * x[k];
      return s;
    };
    const tape = beginTape(C);
    try {
      const uT = new Tensor([D], all, true);
      const { value, logJacobian } = constrainVariable(c.spec, uT, pad);
      const W: Value = shape.length === 0 ? w[0] : new Tensor(shape, w, false);
      const obj = add(sum(elemMul(value, W)), logJacobian) as Tensor;
      for (let ch = 0; ch < C; ch++) {
        expect(Math.abs(obj.val[ch] - objective(all.subarray(ch * D + pad, ch * D + pad + n)))).toBeLessThan(1e-12 * Math.max(1, Math.abs(obj.val[ch])));
      }
      backpropagate(tape, obj);
      const g = adjoint(uT);
      for (let ch = 0; ch < C; ch++) {
        const got = g.subarray(ch * D, (ch + 1) * D);
        for (let k = 0; k < pad; k++) {
          expect(got[k]).toBe(0);
          expect(got[D - 1 - k]).toBe(0);
        }
        const fd = fdGradient(objective, all.subarray(ch * D + pad, ch * D + pad + n));
        expect(maxRelError(got.subarray(pad, pad + n), fd)).toBeLessThan(1e-6);
      }
    } finally {
      endTape();
    }
  });
});

// ---------------------------------------------------------------------------------------
// Element orders and closed forms.

describe('element order', () => {
  test('a bounded matrix reads its values column-major and stores them row-major', () => {
    const u = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    const { x, lj } = point(spec('m', 'matrix', [2, 3], [], { lower: 1 }), u);
    // m[i, j] = 1 + exp(u[j*2 + i])
    const want = [u[0], u[2], u[4], u[1], u[3], u[5]].map((v) => 1 + Math.exp(v));
    expect(maxRelError(x, want)).toBeLessThan(1e-15);
    expect(lj).toBeCloseTo(2.1, 14);
  });

  test('arrays are read element by element; element-shaped bounds broadcast, full-shaped bounds do not', () => {
    const u = [0.1, -0.2, 0.3, 0.4, 0.5, -0.6];
    const L = new Tensor([3], Float64Array.of(1, 2, 3), false);
    const a = point(spec('x', 'vector', [3], [2], { lower: L }), u).x;
    expect(maxRelError(a, u.map((v, k) => [1, 2, 3][k % 3] + Math.exp(v)))).toBeLessThan(1e-15);
    const full = new Tensor([2, 3], Float64Array.of(1, 2, 3, 4, 5, 6), false);
    const b = point(spec('x', 'vector', [3], [2], { lower: full }), u).x;
    expect(maxRelError(b, u.map((v, k) => k + 1 + Math.exp(v)))).toBeLessThan(1e-15);
    const w = point(spec('w', 'simplex', [3], [2]), u).x;
    expect(maxRelError(w.subarray(0, 3), point(spec('w', 'simplex', [3]), u.slice(0, 2)).x)).toBe(0);
    expect(maxRelError(w.subarray(3, 6), point(spec('w', 'simplex', [3]), u.slice(2, 4)).x)).toBe(0);
  });

  test('stochastic matrices: simplex columns from consecutive runs, simplex rows from a column-major (N, M-1) matrix', () => {
    const u = [0.3, -0.7, 1.1, 0.2, -0.4, 0.9];
    const P = point(spec('P', 'column_stochastic_matrix', [3, 3]), u).x;
    for (let j = 0; j < 3; j++) {
      const col = point(spec('s', 'simplex', [3]), u.slice(2 * j, 2 * j + 2)).x;
      expect(maxRelError([P[j], P[3 + j], P[6 + j]], col)).toBe(0);
    }
    const Q = point(spec('Q', 'row_stochastic_matrix', [3, 3]), u).x;
    for (let i = 0; i < 3; i++) {
      const row = point(spec('s', 'simplex', [3]), [u[i], u[3 + i]]).x;
      expect(maxRelError(Q.subarray(3 * i, 3 * i + 3), row)).toBe(0);
    }
  });

  test('simplex: Stan 2.21 stick-breaking in closed form (K = 3)', () => {
    const [y1, y2] = [0.4, -1.3];
    const inv = (a: number) => 1 / (1 + Math.exp(-a));
    const z1 = inv(y1 - Math.log(2));
    const z2 = inv(y2 - Math.log(1));
    const want = [z1, (1 - z1) * z2, (1 - z1) * (1 - z2)];
    const { x, lj } = point(spec('w', 'simplex', [3]), [y1, y2]);
    expect(maxRelError(x, want)).toBeLessThan(1e-15);
    const ljWant = Math.log(z1 * (1 - z1)) + Math.log(1 - z1) + Math.log(z2 * (1 - z2));
    expect(lj).toBeCloseTo(ljWant, 13);
  });

  test('sum_to_zero_vector: the isometric basis in closed form (K = 3), zero sum, orthonormal columns', () => {
    const [a, b] = [0.7, -1.9];
    const { x, lj } = point(spec('z', 'sum_to_zero_vector', [3]), [a, b]);
    const want = [a / Math.SQRT2 + b / Math.sqrt(6), -a / Math.SQRT2 + b / Math.sqrt(6), (-2 * b) / Math.sqrt(6)];
    expect(maxRelError(x, want)).toBeLessThan(1e-15);
    expect(lj).toBe(0);
    const K = 6;
    const J = fdJacobian((v) => point(spec('z', 'sum_to_zero_vector', [K]), v).x, draws(K - 1, 7));
    for (let p = 0; p < K - 1; p++) {
      let colSum = 0;
      for (let i = 0; i < K; i++) colSum += J[i][p];
      expect(Math.abs(colSum)).toBeLessThan(1e-9);
      for (let q = 0; q < K - 1; q++) {
        let dot = 0;
        for (let i = 0; i < K; i++) dot += J[i][p] * J[i][q];
        expect(Math.abs(dot - (p === q ? 1 : 0))).toBeLessThan(1e-9);
      }
    }
  });

  test('sum_to_zero_matrix = V_N X V_Mᵀ with V the sum_to_zero_vector basis; rows and columns sum to zero', () => {
    const N = 3;
    const M = 4;
    const X = draws((N - 1) * (M - 1), 11); // column-major (N-1)×(M-1)
    const Z = point(spec('Z', 'sum_to_zero_matrix', [N, M]), X).x;
    const basis = (K: number) => range(K - 1).map((p) => point(spec('z', 'sum_to_zero_vector', [K]), range(K - 1).map((q) => (q === p ? 1 : 0))).x);
    const VN = basis(N);
    const VM = basis(M);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < M; j++) {
        let s = 0;
        for (let p = 0; p < N - 1; p++) for (let q = 0; q < M - 1; q++) s += VN[p][i] * X[q * (N - 1) + p] * VM[q][j];
        expect(Math.abs(Z[i * M + j] - s)).toBeLessThan(1e-14);
      }
    }
    for (let i = 0; i < N; i++) expect(Math.abs(Z.subarray(i * M, i * M + M).reduce((a, b) => a + b, 0))).toBeLessThan(1e-14);
    for (let j = 0; j < M; j++) expect(Math.abs(Z[j] + Z[M + j] + Z[2 * M + j])).toBeLessThan(1e-14);
  });

  test('unit_vector: x = y/|y| and the log Jacobian is Stan’s -|y|²/2', () => {
    const y = [0.3, -1.2, 2.0];
    const { x, lj } = point(spec('u', 'unit_vector', [3]), y);
    const r = Math.hypot(...y);
    expect(maxRelError(x, y.map((v) => v / r))).toBeLessThan(1e-15);
    expect(lj).toBeCloseTo(-0.5 * r * r, 14);
  });

  test('lower+upper with an infinite bound is the one-sided transform', () => {
    expect(point(spec('a', 'real', [], [], { lower: -Infinity, upper: 2 }), [0.3]).x[0]).toBe(2 - Math.exp(0.3));
    expect(point(spec('a', 'real', [], [], { lower: 1, upper: Infinity }), [0.3]).x[0]).toBe(1 + Math.exp(0.3));
    const both = point(spec('a', 'real', [], [], { lower: -Infinity, upper: Infinity }), [0.3]);
    expect(both.x[0]).toBe(0.3);
    expect(both.lj).toBe(0);
  });

  test('lower+upper stays inside for large |u| and its log Jacobian does not overflow', () => {
    const hi = point(spec('p', 'real', [], [], { lower: 0, upper: 1 }), [40]);
    expect(hi.x[0]).toBeLessThan(1);
    expect(hi.lj).toBeCloseTo(-40 - 2 * Math.log1p(Math.exp(-40)), 12);
    const lo = point(spec('p', 'real', [], [], { lower: 0, upper: 1 }), [-800]);
    expect(lo.x[0]).toBeGreaterThan(0);
    expect(lo.lj).toBe(-800);
  });

  test('scalars: data in gives a number; batched in gives a batched scalar [C]', () => {
    const s = spec('sigma', 'real', [], [], { lower: 0 });
    const data = constrainVariable(s, new Tensor([1], Float64Array.of(0.5), false));
    expect(data.value).toBe(Math.exp(0.5));
    expect(data.logJacobian).toBe(0.5);
    beginTape(2);
    try {
      const b = constrainVariable(s, new Tensor([1], Float64Array.of(0.5, -1), true));
      const v = b.value as Tensor;
      expect(v.shape).toEqual([]);
      expect(Array.from(v.val)).toEqual([Math.exp(0.5), Math.exp(-1)]);
      expect(Array.from((b.logJacobian as Tensor).val)).toEqual([0.5, -1]);
    } finally {
      endTape();
    }
  });
});

// ---------------------------------------------------------------------------------------
// Parameter-dependent bounds: gradients flow to the bounds too.

describe('parameter-dependent bounds', () => {
  const C = 3;
  interface BCase {
    name: string;
    make: (b: Tensor[]) => VariableSpec;
    boundShapes: number[][];
  }
  const bcases: BCase[] = [
    { name: 'real<lower=mu>', make: ([mu]) => spec('s', 'real', [], [], { lower: mu }), boundShapes: [[]] },
    { name: 'real<upper=mu>', make: ([mu]) => spec('s', 'real', [], [], { upper: mu }), boundShapes: [[]] },
    { name: 'vector<lower=L, upper=U>[3] (L vector, U scalar)', make: ([L, U]) => spec('v', 'vector', [3], [], { lower: L, upper: U }), boundShapes: [[3], []] },
    { name: 'array[2] real<offset=mu, multiplier=tau>', make: ([mu, tau]) => spec('a', 'real', [], [2], { offset: mu, multiplier: tau }), boundShapes: [[2], []] },
    { name: 'matrix<lower=L>[2, 2] (L matrix)', make: ([L]) => spec('m', 'matrix', [2, 2], [], { lower: L }), boundShapes: [[2, 2]] },
  ];

  test.each(bcases.map((b, i) => [b.name, b, i] as const))('%s', (_n, bc, seed) => {
    const sizes = bc.boundShapes.map((s) => s.reduce((a, b) => a * b, 1));
    // Bounds: lower bounds around -3, upper bounds around +3 (so lower < upper), multipliers positive.
    const boundVals = bc.boundShapes.map((_, j) => {
      const d = draws(C * sizes[j], 40 + seed * 7 + j, 0.5);
      const base = bc.name.includes('upper=mu') ? 1 : j === 1 ? 3 : -3;
      return d.map((v) => base + v);
    });
    if (bc.name.includes('multiplier')) boundVals[1] = boundVals[1].map((v) => Math.abs(v) + 0.5);
    const probe = bc.make(bc.boundShapes.map((s, j) => new Tensor(s, boundVals[j].slice(0, sizes[j]), false)));
    const n = unconstrainedSize(probe);
    const u = draws(C * n, 60 + seed);
    const shape = constrainedShape(probe);
    const size = shape.reduce((a, b) => a * b, 1);
    const w = draws(size, 70 + seed, 1);

    // Objective of chain c as a function of (u_c, bounds_c), evaluated on data tensors.
    const objective = (v: ArrayLike<number>) => {
      let o = n;
      const bounds = bc.boundShapes.map((s, j) => {
        const t = new Tensor(s, Float64Array.from(Array.prototype.slice.call(v, o, o + sizes[j])), false);
        o += sizes[j];
        return t;
      });
      const { x, lj } = point(bc.make(bounds), Array.prototype.slice.call(v, 0, n));
      let s = lj;
      for (let k = 0; k < size; k++) s += w[k] * x[k];
      return s;
    };

    const tape = beginTape(C);
    try {
      const uT = new Tensor([n], u, true);
      const bT = bc.boundShapes.map((s, j) => new Tensor(s, boundVals[j], true));
      const { value, logJacobian } = constrainVariable(bc.make(bT), uT, 0);
      const W: Value = shape.length === 0 ? w[0] : new Tensor(shape, w, false);
      const obj = add(sum(elemMul(value, W)), logJacobian) as Tensor;
      backpropagate(tape, obj);
      for (let c = 0; c < C; c++) {
        const at = [...u.subarray(c * n, (c + 1) * n)];
        bc.boundShapes.forEach((_, j) => at.push(...boundVals[j].subarray(c * sizes[j], (c + 1) * sizes[j])));
        expect(Math.abs(obj.val[c] - objective(at))).toBeLessThan(1e-12 * Math.max(1, Math.abs(obj.val[c])));
        const got = [...adjoint(uT).subarray(c * n, (c + 1) * n)];
        bT.forEach((t, j) => got.push(...adjoint(t).subarray(c * sizes[j], (c + 1) * sizes[j])));
        expect(maxRelError(got, fdGradient(objective, at))).toBeLessThan(1e-6);
      }
    } finally {
      endTape();
    }
  });

  test('unconstrain reads a batched bound for the requested chain', () => {
    const mu = new Tensor([], Float64Array.of(1, 5), true);
    const s = spec('s', 'real', [], [], { lower: mu });
    expect(unconstrainVariable(s, [3], 0)[0]).toBeCloseTo(Math.log(2), 15);
    expect(() => unconstrainVariable(s, [3], 1)).toThrow("'s' must be ≥ 5 (lower=5) but is 3");
  });
});

// ---------------------------------------------------------------------------------------
// Errors.

describe('unconstrain rejects values outside the declared constraint', () => {
  const M = (rows: number[][]) => rows.flat();
  const bad: Array<[string, VariableSpec, number[], string | RegExp]> = [
    ['lower', spec('sigma', 'real', [], [], { lower: 0 }), [-1], "'sigma' must be ≥ 0 (lower=0) but is -1"],
    ['on the lower bound', spec('sigma', 'real', [], [], { lower: 0 }), [0], "'sigma' is 0, on its bound (lower=0): a parameter value must lie strictly inside its support"],
    ['upper', spec('x', 'real', [], [], { upper: 2 }), [3], "'x' must be ≤ 2 (upper=2) but is 3"],
    ['lower+upper', spec('p', 'vector', [3], [], { lower: 0, upper: 1 }), [0.5, 1.5, 0.2], "'p[2]' must be in [0, 1] (lower=0, upper=1) but is 1.5"],
    ['matrix element', spec('m', 'matrix', [2, 2], [], { lower: 0 }), [1, 2, -1, 3], "'m[2, 1]' must be ≥ 0 (lower=0) but is -1"],
    ['array element', spec('t', 'real', [], [3], { lower: 0.5 }), [1, 0.25, 2], "'t[2]' must be ≥ 0.5 (lower=0.5) but is 0.25"],
    ['bad bounds', spec('q', 'real', [], [], { lower: 1, upper: 0 }), [0.5], "'q': lower bound 1 must be less than upper bound 0"],
    ['multiplier', spec('om', 'real', [], [], { offset: 1, multiplier: -1 }), [0.5], "'om': multiplier must be positive and finite but is -1"],
    ['not finite', spec('a', 'vector', [2]), [1, NaN], "'a[2]' must be finite but is NaN"],
    ['wrong count', spec('w', 'simplex', [3]), [0.5, 0.5], "'w' needs 3 value(s) for simplex[3], but 2 were given"],
    ['simplex sum', spec('w', 'simplex', [3]), [0.5, 0.5, 0.2], "'w' is not a simplex: elements sum to 1.2, but must sum to 1"],
    ['simplex sign', spec('w', 'simplex', [3]), [1.2, -0.2, 0], "'w' is not a simplex: element 2 is -0.2, but must be ≥ 0"],
    ['simplex zero', spec('w', 'simplex', [3]), [0.5, 0.5, 0], /'w' has element 3 equal to 0/],
    ['array of simplexes', spec('w', 'simplex', [2], [2]), [0.5, 0.5, 0.7, 0.7], "'w[2]' is not a simplex: elements sum to 1.4, but must sum to 1"],
    ['ordered', spec('c', 'ordered', [3]), [1, 3, 2], "'c' is not a valid ordered vector: element 3 is 2, but must be greater than element 2 (3)"],
    ['positive_ordered', spec('po', 'positive_ordered', [2]), [-1, 2], "'po' is not a valid positive_ordered vector: element 1 is -1, but must be > 0"],
    ['unit_vector', spec('u', 'unit_vector', [2]), [1, 1], "'u' is not a unit vector: the sum of squares of its elements is 2, but must be 1"],
    ['sum_to_zero_vector', spec('s', 'sum_to_zero_vector', [3]), [1, 1, -1.5], "'s' does not sum to zero: its elements sum to 0.5"],
    ['sum_to_zero_matrix', spec('Z', 'sum_to_zero_matrix', [2, 2]), [1, -1, -1, 1.5], "row 2 of 'Z' does not sum to zero: its elements sum to 0.5"],
    ['cov_matrix symmetry', spec('S', 'cov_matrix', [2]), M([[1, 0.5], [0.4, 1]]), "'S' (a cov_matrix) is not symmetric: element [2, 1] is 0.4 but [1, 2] is 0.5"],
    ['cov_matrix definiteness', spec('S', 'cov_matrix', [2]), M([[1, 2], [2, 1]]), "'S' (a cov_matrix) is not positive definite"],
    ['corr_matrix diagonal', spec('R', 'corr_matrix', [2]), M([[1, 0.5], [0.5, 2]]), "'R' (a corr_matrix) has diagonal element [2, 2] = 2, but it must be 1"],
    ['corr_matrix definiteness', spec('R', 'corr_matrix', [3]), M([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]), "'R' (a corr_matrix) is not positive definite"],
    ['cholesky_factor_corr upper', spec('L', 'cholesky_factor_corr', [2]), M([[1, 0.1], [0, 1]]), "'L' (a cholesky_factor_corr) is not lower triangular: element [1, 2] is 0.1, but must be 0"],
    ['cholesky_factor_corr rows', spec('L', 'cholesky_factor_corr', [2]), M([[1, 0], [0.6, 0.6]]), "'L' (a cholesky_factor_corr) row 2 has squared length 0.72, but every row must have length 1"],
    ['cholesky_factor_cov diagonal', spec('L', 'cholesky_factor_cov', [3, 2]), M([[1, 0], [0.3, -2], [1, 1]]), "'L' (a cholesky_factor_cov) has diagonal element [2, 2] = -2, but it must be positive"],
    ['column_stochastic_matrix', spec('P', 'column_stochastic_matrix', [2, 2]), M([[0.5, 0.5], [0.5, 0.6]]), "column 2 of 'P' is not a simplex: elements sum to 1.1, but must sum to 1"],
    ['row_stochastic_matrix', spec('P', 'row_stochastic_matrix', [2, 2]), M([[0.5, 0.5], [0.5, 0.6]]), "row 2 of 'P' is not a simplex: elements sum to 1.1, but must sum to 1"],
  ];

  test.each(bad)('%s', (_what, s, values, message) => {
    let err: unknown;
    try {
      unconstrainVariable(s, values);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConstraintError);
    if (typeof message === 'string') expect((err as Error).message).toBe(message);
    else expect((err as Error).message).toMatch(message);
  });
});

describe('constrain rejects invalid declarations and domain errors', () => {
  const u1 = new Tensor([1], Float64Array.of(0.2), false);
  test.each([
    ['lower ≥ upper (Stan: a domain error rejecting the point)', spec('q', 'real', [], [], { lower: 1, upper: 0 }), u1, 'lub_constrain: lb is 1, but must be less than 0'],
    ['non-positive multiplier', spec('om', 'real', [], [], { multiplier: 0 }), u1, 'offset_multiplier_constrain: multiplier is 0, but must be positive finite'],
    ['infinite offset', spec('om', 'real', [], [], { offset: Infinity }), u1, 'offset_multiplier_constrain: offset is Infinity, but must be finite'],
    ['zero unit vector', spec('u', 'unit_vector', [2]), new Tensor([2], Float64Array.of(0, 0), false), 'unit_vector_constrain: norm is 0, but must be positive finite!'],
    ['bounds mixed with offset', spec('a', 'real', [], [], { lower: 0, offset: 1 }), u1, "'a': lower/upper bounds cannot be combined with offset/multiplier"],
    ['bounds on a simplex', spec('w', 'simplex', [2], [], { lower: 0 }), u1, "'w': a simplex cannot have bounds or offset/multiplier"],
    ['not a parameter type', spec('n', 'int'), u1, "'n': 'int' is not a parameter type"],
    ['wide Cholesky factor', spec('L', 'cholesky_factor_cov', [2, 3]), u1, "'L': cholesky_factor_cov[2, 3] needs at least as many rows as columns"],
    ['empty simplex', spec('w', 'simplex', [0]), u1, "'w': a simplex needs sizes of at least 1, but got 0"],
    ['bound of the wrong size', spec('v', 'vector', [3], [], { lower: new Tensor([2], Float64Array.of(0, 1), false) }), new Tensor([3], Float64Array.of(0, 0, 0), false), "'v': its lower bound has 2 elements, but must be a scalar or match the variable's 3 elements"],
  ] as const)('%s', (_what, s, u, message) => {
    let err: unknown;
    try {
      constrainVariable(s, u, 0);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RuntimeError);
    expect((err as Error).message).toBe(message);
  });
});

test('a prepared variable takes each evaluation’s bounds', () => {
  const p = prepareVariable(spec('s', 'real', [], [3]));
  expect(p.unconstrainedSize).toBe(3);
  expect(p.shape).toEqual([3]);
  const y = [0, 1, -1];
  const u = new Tensor([3], Float64Array.from(y), false);
  const lower = p.constrain(u, 0, { lower: 1 });
  expect(maxRelError((lower.value as Tensor).val, y.map((v) => 1 + Math.exp(v)))).toBe(0);
  expect(lower.logJacobian).toBe(0);
  const upper = p.constrain(u, 0, { upper: 0 });
  expect(maxRelError((upper.value as Tensor).val, y.map((v) => -Math.exp(v)))).toBe(0);
  const free = p.constrain(u, 0);
  expect(Array.from((free.value as Tensor).val)).toEqual(y);
  expect(maxRelError(p.unconstrain([2, 3, 4], { lower: 1 }), [0, Math.log(2), Math.log(3)])).toBeLessThan(1e-15);
});

test('unconstrained sizes', () => {
  const n = (base: string, sizes: number[], arrayDims: number[] = []) => unconstrainedSize(spec('x', base, sizes, arrayDims));
  expect(n('real', [], [2, 3])).toBe(6);
  expect(n('matrix', [2, 3], [2])).toBe(12);
  expect(n('simplex', [5])).toBe(4);
  expect(n('sum_to_zero_vector', [5])).toBe(4);
  expect(n('unit_vector', [5])).toBe(5);
  expect(n('ordered', [5])).toBe(5);
  expect(n('cholesky_factor_corr', [5])).toBe(10);
  expect(n('corr_matrix', [5])).toBe(10);
  expect(n('cov_matrix', [5])).toBe(15);
  expect(n('cholesky_factor_cov', [5])).toBe(15);
  expect(n('cholesky_factor_cov', [5, 3])).toBe(6 + 2 * 3);
  expect(n('column_stochastic_matrix', [4, 3])).toBe(9);
  expect(n('row_stochastic_matrix', [4, 3])).toBe(8);
  expect(n('sum_to_zero_matrix', [4, 3])).toBe(6);
  expect(constrainedShape(spec('S', 'cov_matrix', [3], [2]))).toEqual([2, 3, 3]);
  expect(constrainedShape(spec('L', 'cholesky_factor_cov', [4]))).toEqual([4, 4]);
});
