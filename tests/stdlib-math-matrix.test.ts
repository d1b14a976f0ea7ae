// Matrix built-ins: values against numpy/scipy references (computed offline, independent of
// this code) or closed forms, finite-difference gradients on batched inputs (3 chains, each
// with its own values; symmetric arguments perturbed symmetrically), Stan's shape
// conventions (column-major to_vector/to_matrix), and errors.
import { Tensor } from '../src/runtime/tensor.js';
import { RuntimeError, FatalRuntimeError } from '../src/runtime/errors.js';
import type { StanType } from '../src/check/types.js';
import { table } from '../stdlib/impl/matrix.js';
import { gradCheck, call, values, GArg } from './helpers/stdlib-grad.js';

const fn = (name: string) => {
  const f = table[name];
  if (!f) throw new Error(`no builtin ${name}`);
  return f;
};

const ROW: StanType = { kind: 'row_vector' };
const VEC: StanType = { kind: 'vector' };
const REAL_ARRAY: StanType = { kind: 'array', element: { kind: 'real' }, dims: 1 };
const VEC_ARRAY: StanType = { kind: 'array', element: { kind: 'vector' }, dims: 1 };

const A = [2, -1, 0.5, 0.3, 3, -0.7, 1.1, 0.2, 1.5];
const S = [4, 1.2, -0.5, 1.2, 3, 0.4, -0.5, 0.4, 2];
const B = [1, -2, 0.5, 0.3, -1, 2];
const b = [1, -0.5, 2];
const Lchol = [2, 0, 0, 0.6, 1.624807680927192, 0, -0.25, 0.33850160019316505, 1.3501543121683042];
const D = [1, 0.5, -0.3, 2];
const X = [0.1, 0.7, 1.5, -0.4];

const mat = (v: number[], r: number, c: number, param = true, extra: Partial<GArg> = {}): GArg => ({
  value: v,
  shape: [r, c],
  param,
  ...extra,
});
const vec = (v: number[], param = true, type: StanType = VEC): GArg => ({ value: v, param, type });
const real = (v: number, param = true): GArg => ({ value: v, param });
const int = (v: number): GArg => ({ value: v, type: { kind: 'int' } });

// numpy / scipy reference values (row-major)
const REF = {
  det: [8.88],
  logdet: [2.1838015570040787],
  inverse: [
    0.5225225225225225, 0.18018018018018017, -0.09009009009009013, -0.13738738738738737, 0.27590090090090086,
    0.17454954954954952, -0.36486486486486497, -0.16891891891891894, 0.7094594594594595,
  ],
  left_b: [0.25225225225225223, 0.07376126126126124, 1.1385135135135136],
  left_B: [
    0.7027027027027029, -1.1711711711711714, -0.1739864864864865, 0.7066441441441441, -1.158783783783784,
    2.0979729729729732,
  ],
  right_b: [-0.1385135135135137, -0.2956081081081081, 1.2415540540540542],
  right_Bt: [
    0.8186936936936937, 0.4870495495495496, -0.7122747747747749, -1.8159909909909913, -0.615427927927928,
    1.651463963963964,
  ],
  chol: [2.0, 0.0, 0.0, 0.6, 1.624807680927192, 0.0, -0.25, 0.33850160019316505, 1.3501543121683042],
  eig: [1.4750795163232515, 2.710812421107831, 4.814108062568918],
  sv: [3.1626049310378335, 0.5813175123589379],
  // mpmath expm at 50 digits (scipy's expm is off by ~1e-13 here)
  expm: [
    8.693549646733631, -12.482288798397992, 6.241144399198996, 0.31218760324049644, 18.43911624053088,
    -6.743041908067881, 6.8655196056799905, -2.976986649521893, 6.441525749156061,
  ],
  pow3: [
    9.725000000000001, -18.460000000000004, 9.23, 0.7279999999999993, 24.349999999999994, -10.126999999999999,
    10.686000000000002, -3.9779999999999998, 6.085000000000001,
  ],
  quad_form: [8.55, -14.11, -14.11, 27.310000000000002],
  quad_form_vec: [8.75],
  quad_form_diag: [4.0, -0.6, -1.0, -0.6, 0.75, -0.4, -1.0, -0.4, 8.0],
  trace_quad_form: [35.86],
  trace_gen: [19.018],
  tcross: [
    5.0, -0.09999999999999998, -5.0, -0.09999999999999998, 0.33999999999999997, 0.09999999999999998, -5.0,
    0.09999999999999998, 5.0,
  ],
  cross: [2.25, -3.85, -3.85, 8.09],
  pinv: [
    0.11538461538461504, 1.5384615384615385, -0.11538461538461561, -0.19230769230769246, 0.769230769230769,
    0.1923076923076921,
  ],
  logdet_spd: [2.9575110607337933],
  inv_spd: [
    0.30337662337662336, -0.13506493506493508, 0.10285714285714287, -0.13506493506493508, 0.4025974025974026,
    -0.11428571428571431, 0.10285714285714287, -0.1142857142857143, 0.5485714285714286,
  ],
  tri_left: [0.5, -0.49236596391733095, 1.697336849583011],
  tri_right: [0.8700646481662649, -0.6163354273725157, 1.4813121596360823],
  spd_left: [0.5766233766233766, -0.564935064935065, 1.2571428571428571],
  spd_right: [0.5766233766233766, -0.5649350649350651, 1.2571428571428571],
  qr_R: [1.5, -2.5666666666666673, 0.0, 1.2256517540566825],
  qr_Q: [
    0.6666666666666667, -0.2357022603955161, 0.33333333333333337, 0.9428090415820634, -0.6666666666666667,
    0.23570226039551567,
  ],
  gp_exp_quad: [
    1.6900000000000002, 1.2756789273614226, 0.36548813194250973, 1.3901560804537434, 1.2756789273614226,
    1.6900000000000002, 1.0250368149143505, 0.6566632354958954, 0.36548813194250973, 1.0250368149143505,
    1.6900000000000002, 0.10070256870775654, 1.3901560804537434, 0.6566632354958954, 0.10070256870775654,
    1.6900000000000002,
  ],
  gp_matern32: [
    1.6900000000000002, 1.0599070798831594, 0.32879400693420036, 1.1921770834101248, 1.0599070798831594,
    1.6900000000000002, 0.8168745545680981, 0.528083283368688, 0.32879400693420036, 0.8168745545680981,
    1.6900000000000002, 0.1412838290214958, 1.1921770834101248, 0.528083283368688, 0.1412838290214958,
    1.6900000000000002,
  ],
  gp_matern52: [
    1.6900000000000002, 1.1418447820315352, 0.33821338429512704, 1.2736200943419063, 1.1418447820315352,
    1.6900000000000002, 0.8855500439257761, 0.5642658338397041, 0.33821338429512704, 0.8855500439257761,
    1.6900000000000002, 0.13113511675340098, 1.2736200943419063, 0.5642658338397041, 0.13113511675340098,
    1.6900000000000002,
  ],
  gp_exponential: [
    1.6900000000000002, 0.798299474132315, 0.2936779644312524, 0.9045918141970937, 0.798299474132315,
    1.6900000000000002, 0.6217162555797376, 0.4272989169100216, 0.2936779644312524, 0.6217162555797376,
    1.6900000000000002, 0.15719448676602138, 0.9045918141970937, 0.4272989169100216, 0.15719448676602138,
    1.6900000000000002,
  ],
  gp_periodic: [
    1.6900000000000002, 0.2502085696412642, 0.16218437541604744, 0.3981184520201035, 0.2502085696412642,
    1.6900000000000002, 0.11268431743661271, 0.07556064976643431, 0.16218437541604744, 0.11268431743661271,
    1.6900000000000002, 1.2881751620341044, 0.3981184520201035, 0.07556064976643431, 1.2881751620341044,
    1.6900000000000002,
  ],
  gp_exp_quad_cross: [
    1.6380041662650218, 0.6566632354958954, 1.4914197653679664, 0.1767385121784126, 0.5486626698356112,
    0.012802894880799304, 1.1524798695116887, 1.2756789273614226,
  ],
  gp_dot_prod: [
    1.7000000000000002, 1.7600000000000002, 1.8400000000000003, 1.6500000000000001, 1.7600000000000002, 2.18, 2.74,
    1.4100000000000001, 1.8400000000000003, 2.74, 3.9400000000000004, 1.09, 1.6500000000000001, 1.4100000000000001,
    1.09, 1.85,
  ],
  gp_ard: [
    1.6900000000000002, 1.1719903325341383, 0.35001682080146895, 1.1719903325341383, 1.6900000000000002,
    0.7989903433874679, 0.35001682080146895, 0.7989903433874679, 1.6900000000000002,
  ],
};

function close(got: number[], want: number[], tol = 1e-12): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i]));
    if (!(e < tol)) throw new Error(`element ${i}: got ${got[i]}, want ${want[i]}`);
  }
}

// [name, arguments, reference, tolerance]
const VALUE_CASES: Array<[string, GArg[], number[], number?]> = [
  ['determinant', [mat(A, 3, 3, false)], REF.det],
  ['log_determinant', [mat(A, 3, 3, false)], REF.logdet],
  ['inverse', [mat(A, 3, 3, false)], REF.inverse],
  ['mdivide_left', [mat(A, 3, 3, false), vec(b, false)], REF.left_b],
  ['mdivide_left', [mat(A, 3, 3, false), mat(B, 3, 2, false)], REF.left_B],
  ['mdivide_right', [vec(b, false, ROW), mat(A, 3, 3, false)], REF.right_b],
  ['mdivide_right', [mat([1, 0.5, -1, -2, 0.3, 2], 2, 3, false), mat(A, 3, 3, false)], REF.right_Bt],
  ['cholesky_decompose', [mat(S, 3, 3, false)], REF.chol],
  ['eigenvalues_sym', [mat(S, 3, 3, false)], REF.eig],
  ['singular_values', [mat(B, 3, 2, false)], REF.sv],
  ['matrix_exp', [mat(A, 3, 3, false)], REF.expm, 1e-13],
  ['matrix_power', [mat(A, 3, 3, false), int(3)], REF.pow3],
  ['quad_form', [mat(S, 3, 3, false), mat(B, 3, 2, false)], REF.quad_form],
  ['quad_form', [mat(S, 3, 3, false), vec(b, false)], REF.quad_form_vec],
  ['quad_form_sym', [mat(S, 3, 3, false), mat(B, 3, 2, false)], REF.quad_form],
  ['quad_form_diag', [mat(S, 3, 3, false), vec(b, false)], REF.quad_form_diag],
  ['trace_quad_form', [mat(S, 3, 3, false), mat(B, 3, 2, false)], REF.trace_quad_form],
  ['trace_gen_quad_form', [mat(D, 2, 2, false), mat(A, 3, 3, false), mat(B, 3, 2, false)], REF.trace_gen],
  ['tcrossprod', [mat(B, 3, 2, false)], REF.tcross],
  ['crossprod', [mat(B, 3, 2, false)], REF.cross],
  ['generalized_inverse', [mat(B, 3, 2, false)], REF.pinv],
  ['log_determinant_spd', [mat(S, 3, 3, false)], REF.logdet_spd],
  ['inverse_spd', [mat(S, 3, 3, false)], REF.inv_spd],
  ['chol2inv', [mat(Lchol, 3, 3, false)], REF.inv_spd],
  ['mdivide_left_tri_low', [mat(Lchol, 3, 3, false), vec(b, false)], REF.tri_left],
  ['mdivide_right_tri_low', [vec(b, false, ROW), mat(Lchol, 3, 3, false)], REF.tri_right],
  ['mdivide_left_spd', [mat(S, 3, 3, false), vec(b, false)], REF.spd_left],
  ['mdivide_right_spd', [vec(b, false, ROW), mat(S, 3, 3, false)], REF.spd_right],
  ['qr_thin_R', [mat(B, 3, 2, false)], REF.qr_R],
  ['qr_thin_Q', [mat(B, 3, 2, false)], REF.qr_Q],
  ['multiply_lower_tri_self_transpose', [mat(Lchol, 3, 3, false)], S],
  ['gp_exp_quad_cov', [vec(X, false, REAL_ARRAY), real(1.3, false), real(0.8, false)], REF.gp_exp_quad],
  ['gp_matern32_cov', [vec(X, false, REAL_ARRAY), real(1.3, false), real(0.8, false)], REF.gp_matern32],
  ['gp_matern52_cov', [vec(X, false, REAL_ARRAY), real(1.3, false), real(0.8, false)], REF.gp_matern52],
  ['gp_exponential_cov', [vec(X, false, REAL_ARRAY), real(1.3, false), real(0.8, false)], REF.gp_exponential],
  [
    'gp_periodic_cov',
    [vec(X, false, REAL_ARRAY), real(1.3, false), real(0.8, false), real(2.1, false)],
    REF.gp_periodic,
  ],
  [
    'gp_exp_quad_cov',
    [vec(X, false, REAL_ARRAY), vec([0.3, -1], false, REAL_ARRAY), real(1.3, false), real(0.8, false)],
    REF.gp_exp_quad_cross,
  ],
  ['gp_dot_prod_cov', [vec(X, false, REAL_ARRAY), real(1.3, false)], REF.gp_dot_prod],
  [
    'gp_exp_quad_cov',
    [
      mat([0.1, 0.5, 0.7, -0.2, 1.5, 1], 3, 2, false, { type: VEC_ARRAY }),
      real(1.3, false),
      vec([0.8, 1.7], false, REAL_ARRAY),
    ],
    REF.gp_ard,
  ],
];

describe('values against numpy/scipy', () => {
  test.each(VALUE_CASES.map((c, i) => [`${c[0]} #${i}`, c] as const))('%s', (_label, [name, args, want, tol]) => {
    close(values(call(fn(name), args)), want, tol ?? 1e-12);
  });

  test('eigenvectors_sym: orthonormal columns with A v = λ v', () => {
    const V = values(call(fn('eigenvectors_sym'), [mat(S, 3, 3, false)]));
    for (let k = 0; k < 3; k++) {
      for (let i = 0; i < 3; i++) {
        let Av = 0;
        for (let j = 0; j < 3; j++) Av += S[i * 3 + j] * V[j * 3 + k];
        expect(Av).toBeCloseTo(REF.eig[k] * V[i * 3 + k], 12);
      }
    }
  });

  test('svd_U and svd_V reconstruct the matrix', () => {
    const U = values(call(fn('svd_U'), [mat(B, 3, 2, false)]));
    const V = values(call(fn('svd_V'), [mat(B, 3, 2, false)]));
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 2; j++) {
        let s = 0;
        for (let k = 0; k < 2; k++) s += U[i * 2 + k] * REF.sv[k] * V[j * 2 + k];
        expect(s).toBeCloseTo(B[i * 2 + j], 12);
      }
    }
  });
});

// [name, arguments] — every argument marked param is differentiated.
const GRAD_CASES: Array<[string, GArg[]]> = [
  ['dot_product', [vec(b), vec([0.3, 2, -1])]],
  ['dot_product', [vec(b, true, ROW), vec([0.3, 2, -1], false)]],
  ['dot_self', [vec(b)]],
  ['columns_dot_product', [mat(B, 3, 2), mat([0.3, 1, 2, -1, 0.5, 0.7], 3, 2)]],
  ['rows_dot_product', [mat(B, 3, 2), mat([0.3, 1, 2, -1, 0.5, 0.7], 3, 2)]],
  ['columns_dot_self', [mat(B, 3, 2)]],
  ['rows_dot_self', [mat(B, 3, 2)]],
  ['squared_distance', [vec(b), vec([0.3, 2, -1])]],
  ['distance', [vec(b), vec([0.3, 2, -1])]],
  ['tcrossprod', [mat(B, 3, 2)]],
  ['crossprod', [mat(B, 3, 2)]],
  ['quad_form', [mat(A, 3, 3), mat(B, 3, 2)]],
  ['quad_form', [mat(A, 3, 3), vec(b)]],
  ['quad_form_sym', [mat(S, 3, 3, true, { symmetric: true }), mat(B, 3, 2)]],
  ['quad_form_diag', [mat(A, 3, 3), vec(b)]],
  ['trace_quad_form', [mat(A, 3, 3), mat(B, 3, 2)]],
  ['trace_gen_quad_form', [mat(D, 2, 2), mat(A, 3, 3), mat(B, 3, 2)]],
  ['multiply_lower_tri_self_transpose', [mat(A, 3, 3)]],
  ['multiply_lower_tri_self_transpose', [mat(B, 3, 2)]],
  ['diag_pre_multiply', [vec(b), mat(A, 3, 3)]],
  ['diag_post_multiply', [mat(B, 3, 2), vec([0.5, -2])]],
  ['add_diag', [mat(A, 3, 3), real(0.7)]],
  ['add_diag', [mat(A, 3, 3), vec(b)]],
  ['diagonal', [mat(A, 3, 3)]],
  ['diag_matrix', [vec(b)]],
  ['rep_vector', [real(0.7), int(3)]],
  ['rep_matrix', [real(0.7), int(2), int(3)]],
  ['rep_matrix', [vec(b), int(2)]],
  ['rep_matrix', [vec(b, true, ROW), int(2)]],
  ['symmetrize_from_lower_tri', [mat(A, 3, 3)]],
  ['block', [mat(A, 3, 3), int(2), int(1), int(2), int(2)]],
  ['col', [mat(A, 3, 3), int(2)]],
  ['row', [mat(A, 3, 3), int(3)]],
  ['sub_col', [mat(A, 3, 3), int(2), int(3), int(2)]],
  ['sub_row', [mat(A, 3, 3), int(1), int(2), int(2)]],
  ['append_row', [mat(B, 3, 2), mat([5, 6], 1, 2)]],
  ['append_row', [vec(b), real(0.3)]],
  ['append_row', [vec([1, 2], true, ROW), vec([3, 4], true, ROW)]],
  ['append_col', [mat(B, 3, 2), vec(b)]],
  ['append_col', [real(0.3), vec(b, true, ROW)]],
  ['to_vector', [mat(B, 3, 2)]],
  ['to_row_vector', [mat(B, 3, 2)]],
  ['to_matrix', [vec(b.concat([4, 5, 6])), int(2), int(3)]],
  ['to_matrix', [mat(B, 3, 2), int(2), int(3), int(0)]],
  ['cholesky_decompose', [mat(S, 3, 3, true, { symmetric: true })]],
  ['determinant', [mat(A, 3, 3)]],
  ['log_determinant', [mat(A, 3, 3)]],
  ['log_determinant_spd', [mat(S, 3, 3, true, { symmetric: true })]],
  ['trace', [mat(A, 3, 3)]],
  ['inverse', [mat(A, 3, 3)]],
  ['inverse_spd', [mat(S, 3, 3, true, { symmetric: true })]],
  ['chol2inv', [mat(Lchol, 3, 3, true, { lower: true })]],
  ['generalized_inverse', [mat(B, 3, 2)]],
  ['generalized_inverse', [mat([1, 0.5, -1, -2, 0.3, 2], 2, 3)]],
  ['mdivide_left', [mat(A, 3, 3), vec(b)]],
  ['mdivide_left', [mat(A, 3, 3), mat(B, 3, 2)]],
  ['mdivide_right', [vec(b, true, ROW), mat(A, 3, 3)]],
  ['mdivide_right', [mat([1, 0.5, -1, -2, 0.3, 2], 2, 3), mat(A, 3, 3)]],
  ['mdivide_left_tri_low', [mat(Lchol, 3, 3), mat(B, 3, 2)]],
  ['mdivide_right_tri_low', [mat([1, 0.5, -1, -2, 0.3, 2], 2, 3), mat(Lchol, 3, 3)]],
  ['mdivide_left_spd', [mat(S, 3, 3, true, { symmetric: true }), vec(b)]],
  ['mdivide_right_spd', [vec(b, true, ROW), mat(S, 3, 3, true, { symmetric: true })]],
  ['eigenvalues_sym', [mat(S, 3, 3, true, { symmetric: true })]],
  ['eigenvectors_sym', [mat(S, 3, 3, true, { symmetric: true })]],
  ['singular_values', [mat(B, 3, 2)]],
  ['singular_values', [mat([1, 0.5, -1, -2, 0.3, 2], 2, 3)]],
  ['svd_U', [mat(B, 3, 2)]],
  ['svd_V', [mat(B, 3, 2)]],
  ['svd_U', [mat([1, 0.5, -1, -2, 0.3, 2], 2, 3)]],
  ['svd_V', [mat([1, 0.5, -1, -2, 0.3, 2], 2, 3)]],
  [
    'matrix_exp',
    [
      mat(
        A.map((v) => 0.5 * v),
        3,
        3,
      ),
    ],
  ],
  [
    'matrix_exp_multiply',
    [
      mat(
        A.map((v) => 0.5 * v),
        3,
        3,
      ),
      mat(B, 3, 2),
    ],
  ],
  [
    'scale_matrix_exp_multiply',
    [
      real(0.7),
      mat(
        A.map((v) => 0.5 * v),
        3,
        3,
      ),
      mat(B, 3, 2),
    ],
  ],
  ['matrix_power', [mat(A, 3, 3), int(3)]],
  ['gp_exp_quad_cov', [vec(X, true, REAL_ARRAY), real(1.3), real(0.8)]],
  ['gp_exp_quad_cov', [vec(X, true, REAL_ARRAY), vec([0.3, -1], true, REAL_ARRAY), real(1.3), real(0.8)]],
  [
    'gp_exp_quad_cov',
    [mat([0.1, 0.5, 0.7, -0.2, 1.5, 1], 3, 2, true, { type: VEC_ARRAY }), real(1.3), vec([0.8, 1.7], true, REAL_ARRAY)],
  ],
  ['gp_matern32_cov', [vec(X, true, REAL_ARRAY), real(1.3), real(0.8)]],
  ['gp_matern52_cov', [mat([0.1, 0.5, 0.7, -0.2, 1.5, 1], 3, 2, true, { type: VEC_ARRAY }), real(1.3), real(0.8)]],
  ['gp_exponential_cov', [vec(X, true, REAL_ARRAY), vec([0.3, -1], true, REAL_ARRAY), real(1.3), real(0.8)]],
  ['gp_periodic_cov', [vec(X, true, REAL_ARRAY), real(1.3), real(0.8), real(2.1)]],
  ['gp_dot_prod_cov', [vec(X, true, REAL_ARRAY), real(1.3)]],
  ['gp_dot_prod_cov', [vec(X, true, REAL_ARRAY), vec([0.3, -1], true, REAL_ARRAY), real(1.3)]],
];

describe('gradients (one tape node per call, finite differences, 3 chains)', () => {
  test.each(GRAD_CASES.map((c, i) => [`${c[0]} #${i}`, c] as const))('%s', (_label, [name, args]) => {
    const r = gradCheck(fn(name), args);
    if (!(r.worst < 1e-6)) throw new Error(`${name}: ${r.where} (worst ${r.worst})`);
    expect(r.dataMismatch).toBeLessThan(1e-12);
  });
});

describe('Stan shape conventions', () => {
  const M = mat([1, 2, 3, 4, 5, 6], 2, 3, false); // [[1,2,3],[4,5,6]]

  test('to_vector and to_row_vector of a matrix are column-major', () => {
    expect(values(call(fn('to_vector'), [M]))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(values(call(fn('to_row_vector'), [M]))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(values(call(fn('to_vector'), [vec([3, 1, 2], false, REAL_ARRAY)]))).toEqual([3, 1, 2]);
  });

  test('to_matrix fills column-major by default, row-major with the flag 0', () => {
    const v = vec([1, 2, 3, 4, 5, 6], false);
    const cm = call(fn('to_matrix'), [v, int(2), int(3)]) as Tensor;
    expect(cm.shape).toEqual([2, 3]);
    expect(Array.from(cm.val)).toEqual([1, 3, 5, 2, 4, 6]);
    const rm = call(fn('to_matrix'), [v, int(2), int(3), int(0)]) as Tensor;
    expect(Array.from(rm.val)).toEqual([1, 2, 3, 4, 5, 6]);
    // a 2×3 matrix reshaped to 3×2 keeps the column-major element order
    const re = call(fn('to_matrix'), [M, int(3), int(2)]) as Tensor;
    expect(Array.from(re.val)).toEqual([1, 5, 4, 3, 2, 6]);
    // an array of reals fills column-major from its own order
    const arr = call(fn('to_matrix'), [vec([1, 2, 3, 4, 5, 6], false, REAL_ARRAY), int(3), int(2)]) as Tensor;
    expect(Array.from(arr.val)).toEqual([1, 4, 2, 5, 3, 6]);
    // array[,] real: row i is a[i]
    const a2 = call(fn('to_matrix'), [
      mat([1, 2, 3, 4], 2, 2, false, { type: { kind: 'array', element: { kind: 'real' }, dims: 2 } }),
    ]) as Tensor;
    expect(Array.from(a2.val)).toEqual([1, 2, 3, 4]);
    expect((call(fn('to_matrix'), [vec([1, 2], false)]) as Tensor).shape).toEqual([2, 1]);
    expect((call(fn('to_matrix'), [vec([1, 2], false, ROW)]) as Tensor).shape).toEqual([1, 2]);
    expect(() => call(fn('to_matrix'), [v, int(4), int(2)])).toThrow(RuntimeError);
  });

  test('rows, cols, rep_matrix and append shapes follow the argument kinds', () => {
    expect(call(fn('rows'), [vec([1, 2, 3], false)])).toBe(3);
    expect(call(fn('cols'), [vec([1, 2, 3], false)])).toBe(1);
    expect(call(fn('rows'), [vec([1, 2, 3], false, ROW)])).toBe(1);
    expect(call(fn('cols'), [vec([1, 2, 3], false, ROW)])).toBe(3);
    expect(call(fn('rows'), [M])).toBe(2);
    expect(call(fn('cols'), [M])).toBe(3);
    const rv = call(fn('rep_matrix'), [vec([1, 2, 3], false, ROW), int(2)]) as Tensor;
    expect(rv.shape).toEqual([2, 3]);
    expect(Array.from(rv.val)).toEqual([1, 2, 3, 1, 2, 3]);
    const cv = call(fn('rep_matrix'), [vec([1, 2, 3], false), int(2)]) as Tensor;
    expect(cv.shape).toEqual([3, 2]);
    expect(Array.from(cv.val)).toEqual([1, 1, 2, 2, 3, 3]);
    const ar = call(fn('append_row'), [vec([1, 2], false, ROW), vec([3, 4], false, ROW)]) as Tensor;
    expect(ar.shape).toEqual([2, 2]);
    const av = call(fn('append_row'), [vec([1, 2], false), real(3, false)]) as Tensor;
    expect(av.shape).toEqual([3]);
    expect(Array.from(av.val)).toEqual([1, 2, 3]);
    const ac = call(fn('append_col'), [M, vec([7, 8], false)]) as Tensor;
    expect(ac.shape).toEqual([2, 4]);
    expect(Array.from(ac.val)).toEqual([1, 2, 3, 7, 4, 5, 6, 8]);
    const acr = call(fn('append_col'), [vec([1, 2], false, ROW), vec([3], false, ROW)]) as Tensor;
    expect(acr.shape).toEqual([3]);
    expect(() => call(fn('append_row'), [M, vec([1, 2], false, ROW)])).toThrow(RuntimeError);
    const blk = call(fn('block'), [M, int(1), int(2), int(2), int(2)]) as Tensor;
    expect(Array.from(blk.val)).toEqual([2, 3, 5, 6]);
    expect(values(call(fn('diagonal'), [M]))).toEqual([1, 5]);
    expect(values(call(fn('col'), [M, int(3)]))).toEqual([3, 6]);
    expect(values(call(fn('sub_row'), [M, int(2), int(2), int(2)]))).toEqual([5, 6]);
  });

  test('constructors', () => {
    expect(values(call(fn('identity_matrix'), [int(2)]))).toEqual([1, 0, 0, 1]);
    expect(values(call(fn('linspaced_vector'), [int(5), real(0, false), real(1, false)]))).toEqual([
      0, 0.25, 0.5, 0.75, 1,
    ]);
    expect(values(call(fn('linspaced_row_vector'), [int(1), real(0, false), real(3, false)]))).toEqual([3]);
    expect(values(call(fn('one_hot_vector'), [int(4), int(2)]))).toEqual([0, 1, 0, 0]);
    expect(values(call(fn('zeros_row_vector'), [int(2)]))).toEqual([0, 0]);
    expect(values(call(fn('ones_vector'), [int(2)]))).toEqual([1, 1]);
    expect(values(call(fn('uniform_simplex'), [int(4)]))).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(values(call(fn('rep_vector'), [real(2.5, false), int(2)]))).toEqual([2.5, 2.5]);
    expect(values(call(fn('diag_matrix'), [vec([1, 2], false)]))).toEqual([1, 0, 0, 2]);
  });
});

describe('errors', () => {
  test('cholesky_decompose rejects asymmetric and indefinite matrices with Stan’s messages', () => {
    expect(() => call(fn('cholesky_decompose'), [mat([1, 2, 0, 1], 2, 2, false)])).toThrow(
      'cholesky_decompose: m is not symmetric. m[1,2] = 2, but m[2,1] = 0',
    );
    expect(() => call(fn('cholesky_decompose'), [mat([1, 2, 2, 1], 2, 2, false)])).toThrow(
      'cholesky_decompose: Matrix m is not positive definite',
    );
    expect(() => call(fn('cholesky_decompose'), [mat(B, 3, 2, false)])).toThrow('Expecting a square matrix');
  });

  test('size mismatches and singular systems', () => {
    expect(() => call(fn('dot_product'), [vec([1, 2], false), vec([1, 2, 3], false)])).toThrow(RuntimeError);
    expect(() => call(fn('mdivide_left'), [mat(A, 3, 3, false), vec([1, 2], false)])).toThrow(RuntimeError);
    expect(() => call(fn('inverse'), [mat([1, 2, 2, 4], 2, 2, false)])).toThrow('inverse: matrix is singular');
    expect(call(fn('log_determinant'), [mat([1, 2, 2, 4], 2, 2, false)])).toBe(-Infinity);
    expect(() => call(fn('gp_exp_quad_cov'), [vec(X, false, REAL_ARRAY), real(-1, false), real(0.8, false)])).toThrow(
      'gp_exp_quad_cov: magnitude is -1',
    );
  });

  test('out-of-range slices stop the run (Stan: std::out_of_range)', () => {
    expect(() => call(fn('col'), [mat(A, 3, 3, false), int(4)])).toThrow(FatalRuntimeError);
    expect(() => call(fn('block'), [mat(A, 3, 3, false), int(2), int(2), int(3), int(1)])).toThrow(FatalRuntimeError);
  });

  test('QR is data-only here and says so', () => {
    const r = () => gradCheck(fn('qr_thin_R'), [mat(B, 3, 2)]);
    expect(r).toThrow('data only');
  });
});
