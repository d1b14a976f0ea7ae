// Element-wise math built-ins and reductions: values against mpmath references or closed
// forms, finite-difference gradient checks on batched inputs (3 chains, each its own
// values), container shapes, and Stan's domain errors.
import { Tensor } from '../src/runtime/tensor.js';
import { beginTape, endTape } from '../src/runtime/tape.js';
import { RuntimeError, ChainsDiverge } from '../src/runtime/errors.js';
import { table } from '../stdlib/impl/math.js';
import { gradCheck, call, values, GArg } from './helpers/stdlib-grad.js';
import type { CallContext } from '../stdlib/impl/types.js';

const ctx: CallContext = { argTypes: [], rng: null };
const fn = (name: string) => {
  const f = table[name];
  if (!f) throw new Error(`no builtin ${name}`);
  return f;
};

// [name, scalar arguments, reference value (mpmath, 40 digits; fmod as C's std::fmod)]
const VALUES: Array<[string, number[], number]> = [
  ['log', [0.3], -1.2039728043259361],
  ['log', [7.5], 2.0149030205422647],
  ['exp', [-1.2], 0.30119421191220214],
  ['exp', [3.3], 27.112638920657883],
  ['log1p', [-0.5], -0.6931471805599453],
  ['log1p', [1e-10], 9.999999999500001e-11],
  ['expm1', [1e-9], 1.0000000005000001e-9],
  ['expm1', [-2.0], -0.8646647167633873],
  ['log2', [3.0], 1.584962500721156],
  ['log2', [0.1], -3.321928094887362],
  ['log10', [300.0], 2.4771212547196626],
  ['exp2', [0.5], 1.4142135623730951],
  ['exp2', [-3.3], 0.10153154954452945],
  ['sqrt', [2.0], 1.4142135623730951],
  ['cbrt', [-27.5], -3.018405368398843],
  ['cbrt', [0.1], 0.4641588833612779],
  ['square', [-1.5], 2.25],
  ['inv', [-4.0], -0.25],
  ['inv_sqrt', [2.5], 0.6324555320336759],
  ['inv_square', [0.7], 2.0408163265306123],
  ['abs', [-2.5], 2.5],
  ['sin', [0.7], 0.644217687237691],
  ['cos', [2.1], -0.5048461045998576],
  ['tan', [1.1], 1.9647596572486523],
  ['asin', [0.3], 0.3046926540153975],
  ['acos', [-0.6], 2.214297435588181],
  ['atan', [5.0], 1.373400766945016],
  ['sinh', [1.3], 1.698382437292616],
  ['cosh', [-0.4], 1.0810723718384547],
  ['tanh', [0.9], 0.7162978701990245],
  ['asinh', [-2.0], -1.4436354751788103],
  ['acosh', [1.7], 1.123230982587296],
  ['atanh', [0.45], 0.48470027859405174],
  ['erf', [0.45], 0.47548171978692366],
  ['erfc', [1.9], 0.0072095707647425325],
  ['Phi', [-1.3], 0.09680048458561033],
  ['inv_Phi', [0.8], 0.8416212335729144],
  ['inv_Phi', [0.025], -1.9599639845400543],
  ['inv_erfc', [0.3], 0.7328690779592169],
  ['inv_erfc', [1.7], -0.7328690779592167],
  ['inv_logit', [0.8], 0.6899744811276125],
  ['inv_logit', [-30.0], 9.357622968839299e-14],
  ['logit', [0.3], -0.8472978603872037],
  ['log_inv_logit', [-2.0], -2.1269280110429727],
  ['log1m_inv_logit', [1.5], -1.7014132779827524],
  ['inv_cloglog', [-0.5], 0.45476078810739495],
  ['inv_cloglog', [-40.0], 4.248354255291589e-18],
  ['log1m', [0.25], -0.2876820724517809],
  ['log1p_exp', [2.0], 2.1269280110429727],
  ['log1m_exp', [-0.3], -1.3502256128148467],
  ['lgamma', [4.5], 2.4537365708424423],
  ['tgamma', [4.5], 11.631728396567448],
  ['digamma', [4.5], 1.388870926359529],
  ['trigamma', [4.5], 0.24872510303901038],
  ['lambert_w0', [2.0], 0.8526055020137255],
  ['lambert_wm1', [-0.1], -3.577152063957297],
  ['std_normal_qf', [0.3], -0.5244005127080408],
  ['Phi_approx', [0.6], 0.7258764611203943],
  ['std_normal_log_qf', [-1.6094379124341003], -0.8416212335729142],
  ['pow', [2.5, 1.7], 4.747861205827337],
  ['pow', [0.3, -2.0], 11.111111111111112],
  ['fdim', [3.0, 1.0], 2.0],
  ['fdim', [1.0, 3.0], 0.0],
  ['fmin', [2.0, -1.0], -1.0],
  ['fmax', [2.0, -1.0], 2.0],
  ['fmod', [7.5, 2.0], 1.5],
  ['fmod', [-7.0, 3.0], -1.0],
  ['hypot', [3.0, 4.0], 5.0],
  ['atan2', [1.0, -2.0], 2.677945044588987],
  ['lbeta', [2.5, 0.7], -0.33985471015032315],
  ['beta', [2.5, 0.7], 0.711873743278602],
  ['lchoose', [7.5, 2.5], 3.5608019121718777],
  ['lmultiply', [2.0, 3.0], 2.1972245773362196],
  ['log_diff_exp', [2.0, 1.0], 1.5413248546129181],
  ['log_inv_logit_diff', [1.0, -0.5], -1.0398211306237835],
  ['owens_t', [0.7, 1.8], 0.11386676849545968],
  ['gamma_p', [2.5, 1.5], 0.3000141641213725],
  ['gamma_q', [2.5, 1.5], 0.6999858358786275],
  ['log_falling_factorial', [5.5, 2.2], 3.4815410134899727],
  ['log_rising_factorial', [5.5, 2.2], 3.9687273886502883],
  ['falling_factorial', [5.5, 3.0], 86.625],
  ['rising_factorial', [5.5, 3.0], 268.125],
  ['log_sum_exp', [1.0, 2.0], 2.313261687518223],
  ['binary_log_loss', [1.0, 0.3], 1.2039728043259361],
  ['binary_log_loss', [0.0, 0.3], 0.35667494393873234],
  ['log_modified_bessel_first_kind', [0.5, 2.5], 1.1161553514087612],
  ['log_modified_bessel_first_kind', [2.0, 40.0], 37.18915546147817],
  ['lmgamma', [3.0, 4.2], 6.0791276195549875],
  ['fma', [2.0, 3.0, -1.5], 4.5],
  ['inc_beta', [2.0, 3.5, 0.3], 0.4117025023425648],
  ['log_mix', [0.3, -1.0, -2.5], -1.7848434517769158],
];

describe('values', () => {
  test.each(VALUES)('%s(%p)', (name, args, want) => {
    const got = fn(name)(args, ctx) as number;
    expect(typeof got).toBe('number');
    const err = got === want ? 0 : Math.abs(got - want) / Math.max(Math.abs(want), 1e-300);
    expect(err).toBeLessThan(1e-13);
  });

  test('Stan conventions for rounding, steps and integer functions', () => {
    const v = (name: string, ...a: number[]) => fn(name)(a, ctx);
    expect(v('round', -2.5)).toBe(-3);
    expect(v('round', 2.5)).toBe(3);
    expect(v('trunc', -2.7)).toBe(-2);
    expect(v('floor', -2.5)).toBe(-3);
    expect(v('ceil', -2.5)).toBe(-2);
    expect(v('step', 0)).toBe(1);
    expect(v('step', -1e-300)).toBe(0);
    expect(v('int_step', 0)).toBe(0);
    expect(v('int_step', 2)).toBe(1);
    expect(v('is_inf', -Infinity)).toBe(1);
    expect(v('is_nan', NaN)).toBe(1);
    expect(v('is_nan', 1)).toBe(0);
    expect(v('signum', -0.5)).toBe(-1);
    expect(v('choose', 10, 3)).toBe(120);
    expect(v('choose', 3, 10)).toBe(0);
    expect(v('choose', 30, 15)).toBe(155117520);
    expect(() => v('choose', 50, 25)).toThrow('n choose k is 126410606437752');
    expect(v('to_int', -3.9)).toBe(-3);
    expect(v('min', 2, 7)).toBe(2);
    expect(v('max', 2, 7)).toBe(7);
    expect(Number.isNaN(v('max', NaN, 7) as number)).toBe(true);
    expect(values(fn('min')([new Tensor([2], Float64Array.of(NaN, 1), false), 2], ctx))).toEqual([NaN, 1]);
    expect(v('lmultiply', 0, 0)).toBe(0);
    expect(v('fmin', NaN, 3)).toBe(3);
    expect(v('fmax', 2, NaN)).toBe(2);
    expect(v('fdim', 1, 3)).toBe(0);
    expect(v('log1m_exp', 0)).toBe(-Infinity);
    expect(v('logical_negation', 0)).toBe(1);
    expect(v('logical_or', 0, 2)).toBe(1);
    expect(v('logical_and', 0, 2)).toBe(0);
    expect(v('logical_lt', 1, 2)).toBe(1);
    expect(v('logical_gte', 1, 2)).toBe(0);
    expect(v('logical_eq', 2, 2)).toBe(1);
    expect(v('logical_neq', 2, 2)).toBe(0);
  });

  test('constants, and log2/log10 with and without an argument', () => {
    const v = (name: string, ...a: number[]) => fn(name)(a, ctx);
    expect(v('pi')).toBe(Math.PI);
    expect(v('e')).toBe(Math.E);
    expect(v('sqrt2')).toBe(Math.SQRT2);
    expect(v('log2')).toBe(Math.LN2);
    expect(v('log10')).toBe(Math.LN10);
    expect(v('log2', 8)).toBe(3);
    expect(v('log10', 1000)).toBeCloseTo(3, 15);
    expect(Number.isNaN(v('not_a_number') as number)).toBe(true);
    expect(v('positive_infinity')).toBe(Infinity);
    expect(v('negative_infinity')).toBe(-Infinity);
    expect(v('machine_precision')).toBe(2 ** -52);
  });
});

// Points inside each function's domain; the gradient check varies them per chain by 3%.
const UNARY_POINTS: Record<string, number[]> = {
  log: [0.3, 2, 7],
  exp: [-1, 0.5, 2],
  log1p: [-0.5, 0.1, 3],
  expm1: [-2, 1e-3, 1],
  log2: [0.5, 3],
  log10: [0.5, 30],
  exp2: [-1, 2.5],
  sqrt: [0.2, 4],
  cbrt: [-3, 0.5, 8],
  square: [-1.5, 2],
  inv: [-4, 0.5],
  inv_sqrt: [0.3, 5],
  inv_square: [-2, 0.7],
  abs: [-2.5, 1.5],
  fabs: [-2.5, 1.5],
  sin: [0.7, -2],
  cos: [2.1, -0.3],
  tan: [0.4, -1.1],
  asin: [0.3, -0.7],
  acos: [-0.6, 0.2],
  atan: [5, -0.5],
  sinh: [1.3, -0.2],
  cosh: [-0.4, 2],
  tanh: [0.9, -2],
  asinh: [-2, 0.3],
  acosh: [1.7, 3],
  atanh: [0.45, -0.8],
  erf: [0.45, -1.5],
  erfc: [1.9, -0.3],
  inv_erfc: [0.3, 1.7],
  Phi: [-1.3, 0.8],
  Phi_approx: [0.6, -2],
  inv_Phi: [0.8, 0.025],
  std_normal_qf: [0.3, 0.9],
  std_normal_log_qf: [-1.6, -0.05, -40],
  inv_logit: [0.8, -3],
  logit: [0.3, 0.9],
  log_inv_logit: [-2, 1],
  log1m_inv_logit: [1.5, -1],
  inv_cloglog: [-0.5, 1],
  log1m: [0.25, -3],
  log1p_exp: [2, -3],
  log1m_exp: [-0.3, -4],
  lgamma: [4.5, 0.3, -1.5],
  tgamma: [4.5, 0.3, -1.5],
  digamma: [4.5, 0.3, -1.5],
  trigamma: [4.5, 0.3, -1.5],
  lambert_w0: [2, -0.2, 0.1],
  lambert_wm1: [-0.1, -0.3],
};

describe('gradients of the unary functions (3 chains, finite differences)', () => {
  test.each(Object.entries(UNARY_POINTS))('%s', (name, pts) => {
    const r = gradCheck(fn(name), [{ value: pts, param: true }]);
    expect(r.where === '' || r.worst < 1e-6).toBe(true);
    expect(r.worst).toBeLessThan(1e-6);
    expect(r.dataMismatch).toBe(0);
  });
});

const MULTI_POINTS: Record<string, number[][]> = {
  min: [[2, -1], [-1, 3]],
  max: [[2, -1], [-1, 3]],
  pow: [
    [2.5, 0.3],
    [1.7, -2],
  ],
  fdim: [
    [3, 1],
    [1, 2],
  ],
  fmin: [
    [2, -1],
    [-1, 3],
  ],
  fmax: [
    [2, -1],
    [-1, 3],
  ],
  fmod: [
    [7.5, -7],
    [2, 3],
  ],
  hypot: [
    [3, 1],
    [4, 2],
  ],
  atan2: [
    [1, -1],
    [-2, 0.5],
  ],
  lbeta: [
    [2.5, 0.3],
    [0.7, 12],
  ],
  beta: [
    [2.5, 0.3],
    [0.7, 1.2],
  ],
  lchoose: [
    [7.5, 20],
    [2.5, 3.3],
  ],
  lmultiply: [
    [2, -1],
    [3, 0.5],
  ],
  multiply_log: [
    [2, -1],
    [3, 0.5],
  ],
  log_diff_exp: [
    [2, 0.1],
    [1, -3],
  ],
  log_inv_logit_diff: [
    [1, 0.3],
    [-0.5, -2],
  ],
  owens_t: [
    [0.7, -1.2],
    [1.8, 0.4],
  ],
  gamma_p: [
    [2.5, 0.7],
    [1.5, 3],
  ],
  gamma_q: [
    [2.5, 0.7],
    [1.5, 3],
  ],
  log_falling_factorial: [
    [5.5, 7],
    [2.2, 1.5],
  ],
  log_rising_factorial: [
    [5.5, 0.7],
    [2.2, 1.5],
  ],
  log_sum_exp: [
    [1, -3],
    [2, 0.5],
  ],
  fma: [
    [2, -1],
    [3, 0.5],
    [-1.5, 2],
  ],
  inc_beta: [
    [2, 0.7],
    [3.5, 1.4],
    [0.3, 0.8],
  ],
  log_mix: [
    [0.3, 0.8],
    [-1, 0.5],
    [-2.5, -0.1],
  ],
  log_modified_bessel_first_kind: [
    [0.5, 2],
    [2.5, 40],
  ],
};

describe('gradients of the multi-argument functions', () => {
  test.each(Object.entries(MULTI_POINTS))('%s', (name, argVals) => {
    // Bessel orders are data (integers; no derivative in the order).
    const args: GArg[] = argVals.map((v, i) => ({
      value: v,
      param: !(name === 'log_modified_bessel_first_kind' && i === 0),
    }));
    const r = gradCheck(fn(name), args);
    if (r.worst >= 1e-6) throw new Error(r.where);
    expect(r.dataMismatch).toBe(0);
  });

  test('scalars broadcast against containers; int second argument of falling_factorial', () => {
    const r = gradCheck(fn('pow'), [
      { value: [1.5, 2, 3], param: true },
      { value: 2.5, param: true },
    ]);
    expect(r.worst).toBeLessThan(1e-6);
    const f = gradCheck(fn('falling_factorial'), [{ value: [5.5, 2.5, 3.0], param: true }, { value: 3 }]);
    expect(f.worst).toBeLessThan(1e-6);
    // 3.0 * 2.0 * 1.0 = 6 at the zero factor for x = 3 (chain 0)
    expect(f.perChain[0][2]).toBe(6);
    const b = gradCheck(fn('binary_log_loss'), [{ value: [1, 0, 1] }, { value: [0.3, 0.6, 0.9], param: true }]);
    expect(b.worst).toBeLessThan(1e-6);
    const l = gradCheck(fn('lmgamma'), [{ value: 3 }, { value: [4.2, 2.5], param: true }]);
    expect(l.worst).toBeLessThan(1e-6);
  });
});

describe('container shapes', () => {
  test('element-wise functions keep the shape of matrices and arrays of vectors', () => {
    const m = new Tensor([2, 3], Float64Array.of(0, 1, 2, 3, 4, 5), false);
    const r = fn('exp')([m], ctx) as Tensor;
    expect(r.shape).toEqual([2, 3]);
    expect(r.val[4]).toBe(Math.exp(4));
    const s = fn('pow')([m, 2], ctx) as Tensor;
    expect(Array.from(s.val)).toEqual([0, 1, 4, 9, 16, 25]);
  });

  test('mismatched sizes are an error', () => {
    const a = new Tensor([2], Float64Array.of(1, 2), false);
    const b = new Tensor([3], Float64Array.of(1, 2, 3), false);
    expect(() => fn('pow')([a, b], ctx)).toThrow(RuntimeError);
  });

  test('int-valued functions of parameters: equal across chains, else the chains diverge', () => {
    beginTape(2);
    try {
      const same = new Tensor([2], Float64Array.of(1, -1, 2, -3), true);
      expect(values(fn('int_step')([same], ctx))).toEqual([1, 0]);
      const differ = new Tensor([], Float64Array.of(1, -1), true);
      expect(() => fn('int_step')([differ], ctx)).toThrow(ChainsDiverge);
    } finally {
      endTape();
    }
  });
});

describe('domain errors use Stan’s wording', () => {
  const err =
    (name: string, ...a: number[]) =>
    () =>
      fn(name)(a, ctx);
  test.each([
    ['log1p', [-2], 'log1p: x is -2, but must be greater than or equal to -1'],
    ['log1m', [2], 'log1m: x is 2, but must be less than or equal to 1'],
    ['inv_Phi', [1.5], 'inv_Phi: Probability variable is 1.5, but must be in the interval [0, 1]'],
    ['acosh', [0.5], 'acosh: x is 0.5, but must be greater than or equal to 1'],
    ['lchoose', [3, -2], 'lchoose: second argument is -2'],
    ['binary_log_loss', [2, 0.5], 'binary_log_loss: y is 2'],
    ['gamma_p', [-1, 2], 'gamma_p: first argument is -1, but must be positive'],
    ['tgamma', [-2], 'tgamma: x is -2'],
    ['log_mix', [1.5, 0, 0], 'log_mix: theta is 1.5'],
    ['choose', [-1, 2], 'choose: first argument is -1'],
    ['to_int', [1e10], 'to_int: x is 10000000000'],
  ])('%s(%p)', (name, args, message) => {
    expect(err(name, ...(args as number[]))).toThrow(RuntimeError);
    expect(err(name, ...(args as number[]))).toThrow(message as string);
  });
});

describe('reductions', () => {
  const vec = (v: number[], param = true): GArg => ({ value: v, param });

  test('values against closed forms', () => {
    const x = [1, 2, 4, 7];
    const d = (name: string, v: number[] = x) => call(fn(name), [vec(v, false)]) as number;
    expect(d('sum')).toBe(14);
    expect(d('prod')).toBe(56);
    expect(d('mean')).toBe(3.5);
    // sample variance: Σ(x-3.5)² / 3 = (6.25 + 2.25 + 0.25 + 12.25) / 3 = 7
    expect(d('variance')).toBeCloseTo(7, 14);
    expect(d('sd')).toBeCloseTo(Math.sqrt(7), 14);
    expect(d('log_sum_exp')).toBeCloseTo(7 + Math.log(1 + Math.exp(-3) + Math.exp(-5) + Math.exp(-6)), 14);
    expect(d('min')).toBe(1);
    expect(d('max')).toBe(7);
    expect(d('norm1', [-1, 2, -3])).toBe(6);
    expect(d('norm2', [3, -4])).toBe(5);
    expect(d('variance', [5])).toBe(0);
    expect(d('sd', [5])).toBe(0);
    expect(values(call(fn('cumulative_sum'), [vec(x, false)]))).toEqual([1, 3, 7, 14]);
    const sm = values(call(fn('softmax'), [vec([0, Math.log(3)], false)]));
    expect(sm[0]).toBeCloseTo(0.25, 15);
    expect(sm[1]).toBeCloseTo(0.75, 15);
    const lsm = values(call(fn('log_softmax'), [vec([0, Math.log(3)], false)]));
    expect(lsm[0]).toBeCloseTo(Math.log(0.25), 15);
  });

  test('empty and edge cases', () => {
    const empty = new Tensor([0], new Float64Array(0), false);
    expect(fn('sum')([empty], ctx)).toBe(0);
    expect(fn('prod')([empty], ctx)).toBe(1);
    expect(fn('log_sum_exp')([empty], ctx)).toBe(-Infinity);
    expect(fn('min')([empty], { argTypes: [{ kind: 'vector' }], rng: null })).toBe(Infinity);
    expect(fn('max')([empty], { argTypes: [{ kind: 'vector' }], rng: null })).toBe(-Infinity);
    expect(() =>
      fn('max')([empty], { argTypes: [{ kind: 'array', element: { kind: 'int' }, dims: 1 }], rng: null }),
    ).toThrow(RuntimeError);
    expect(() => fn('mean')([empty], ctx)).toThrow('mean: x has size 0');
  });

  test.each([
    ['sum', [0.3, -1.2, 2.5]],
    ['prod', [0.3, -1.2, 2.5, 1.7]],
    ['prod', [0.3, 0, 2.5]],
    ['mean', [0.3, -1.2, 2.5]],
    ['variance', [0.3, -1.2, 2.5, 0.9]],
    ['sd', [0.3, -1.2, 2.5, 0.9]],
    ['log_sum_exp', [0.3, -1.2, 2.5]],
    ['min', [0.3, -1.2, 2.5]],
    ['max', [0.3, -1.2, 2.5]],
    ['norm1', [0.3, -1.2, 2.5]],
    ['norm2', [0.3, -1.2, 2.5]],
    ['softmax', [0.3, -1.2, 2.5]],
    ['log_softmax', [0.3, -1.2, 2.5]],
    ['cumulative_sum', [0.3, -1.2, 2.5]],
  ])('gradient of %s(%p)', (name, v) => {
    const r = gradCheck(fn(name), [vec(v as number[])]);
    if (r.worst >= 1e-6) throw new Error(r.where);
    expect(r.dataMismatch).toBeLessThan(1e-15);
  });

  test('reductions over a matrix use every element', () => {
    const r = gradCheck(fn('log_sum_exp'), [{ value: [0.1, 0.2, -0.3, 1, 2, 3], shape: [2, 3], param: true }]);
    expect(r.worst).toBeLessThan(1e-6);
    const s = gradCheck(fn('sd'), [{ value: [0.1, 0.2, -0.3, 1, 2, 3], shape: [2, 3], param: true }]);
    expect(s.worst).toBeLessThan(1e-6);
  });

  test('log_mix: vector form, array-of-vectors form, and the three-argument form agree', () => {
    const theta = [0.2, 0.5, 0.3];
    const lp = [-1, -2.5, -0.3];
    const want = Math.log(0.2 * Math.exp(-1) + 0.5 * Math.exp(-2.5) + 0.3 * Math.exp(-0.3));
    expect(call(fn('log_mix'), [vec(theta, false), vec(lp, false)]) as number).toBeCloseTo(want, 14);
    // array[2] vector[3]: the sum of two mixtures
    const lps = [-1, -2.5, -0.3, 0.5, -4, -1];
    const want2 = want + Math.log(0.2 * Math.exp(0.5) + 0.5 * Math.exp(-4) + 0.3 * Math.exp(-1));
    const arr: GArg = {
      value: lps,
      shape: [2, 3],
      param: false,
      type: { kind: 'array', element: { kind: 'vector' }, dims: 1 },
    };
    expect(call(fn('log_mix'), [vec(theta, false), arr]) as number).toBeCloseTo(want2, 13);
    const three = call(fn('log_mix'), [{ value: 0.3 }, { value: -1 }, { value: -2.5 }]) as number;
    const two = call(fn('log_mix'), [vec([0.3, 0.7], false), vec([-1, -2.5], false)]) as number;
    expect(three).toBeCloseTo(two, 15);
    const g1 = gradCheck(fn('log_mix'), [vec(theta), vec(lp)]);
    expect(g1.worst).toBeLessThan(1e-6);
    const g2 = gradCheck(fn('log_mix'), [vec(theta), { ...arr, param: true }]);
    expect(g2.worst).toBeLessThan(1e-6);
    expect(() => call(fn('log_mix'), [vec([0.5, 0.5], false), vec(lp, false)])).toThrow(RuntimeError);
  });

  test('int arrays reduce to ints', () => {
    const ints = new Tensor([3], Float64Array.of(4, -2, 9), false);
    const ictx: CallContext = { argTypes: [{ kind: 'array', element: { kind: 'int' }, dims: 1 }], rng: null };
    expect(fn('sum')([ints], ictx)).toBe(11);
    expect(fn('max')([ints], ictx)).toBe(9);
    expect(values(fn('cumulative_sum')([ints], ictx))).toEqual([4, 2, 11]);
  });
});
