// Scalar mathematics: constants, element-wise (vectorized) real functions, integer and
// complex functions, and the logical operators' named forms.
import { signatures } from './dsl.js';

/** Functions applied element by element to any real-valued shape: `R f(T x)`. */
const UNARY_ELEMENTWISE = [
  'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'cbrt', 'ceil', 'cos', 'cosh', 'digamma',
  'erf', 'erfc', 'exp', 'exp2', 'expm1', 'floor', 'inv', 'inv_cloglog', 'inv_erfc', 'inv_logit',
  'inv_Phi', 'inv_sqrt', 'inv_square', 'lambert_w0', 'lambert_wm1', 'lgamma', 'log', 'log10',
  'log1m', 'log1m_exp', 'log1m_inv_logit', 'log1p', 'log1p_exp', 'log2', 'log_inv_logit', 'logit',
  'Phi', 'Phi_approx', 'round', 'sin', 'sinh', 'sqrt', 'square', 'std_normal_log_qf', 'std_normal_qf',
  'step', 'tan', 'tanh', 'tgamma', 'trigamma', 'trunc', 'abs',
];

/** Two-argument functions, vectorized: both scalars, a container and a scalar, or two containers of one shape. */
const BINARY_ELEMENTWISE = [
  'atan2', 'fdim', 'fmin', 'fmax', 'fmod', 'hypot', 'pow', 'lbeta', 'lchoose', 'lmultiply',
  'log_diff_exp', 'log_inv_logit_diff', 'owens_t',
  'beta', 'gamma_p', 'gamma_q', 'log_falling_factorial', 'log_rising_factorial',
  'log_modified_bessel_first_kind',
];

/** Functions of complex numbers that share a name with a real function. */
const COMPLEX_UNARY = [
  'exp', 'log', 'log10', 'sqrt', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh',
  'tanh', 'asinh', 'acosh', 'atanh',
];

export const MATH = signatures(`
  # constants
  real pi()
  real e()
  real sqrt2()
  real log2()
  real log10()
  real not_a_number()
  real positive_infinity()
  real negative_infinity()
  real machine_precision()
  # the log density accumulated so far (model block, transformed parameters, _lp functions)
  real target()

  # integer-valued
  int abs(int x)
  int int_step(int x)
  int int_step(real x)
  int min(int x, int y)
  int max(int x, int y)
  int choose(int x, int y)
  int to_int(data real x)
  array[] int to_int(data array[] real x)
  array[,] int to_int(data array[,] real x)
  int is_inf(real x)
  int is_nan(real x)
  int signum(real x)

  # real-valued scalar functions
  real min(real x, real y)
  real max(real x, real y)
  real fma(real x, real y, real z)
  real log_sum_exp(real x, real y)
  real log_mix(real theta, real lp1, real lp2)
  real binary_log_loss(int y, real y_hat)
  real inc_beta(real alpha, real beta, real x)
  real falling_factorial(real x, int n)
  real rising_factorial(real x, int n)
  real bessel_first_kind(int v, real x)
  real bessel_second_kind(int v, real x)
  real modified_bessel_first_kind(int v, real z)
  real modified_bessel_second_kind(int v, real z)
  int logical_negation(real x)
  int logical_or(real x, real y)
  int logical_and(real x, real y)
  int logical_eq(complex x, complex y)
  int logical_neq(complex x, complex y)
  int logical_lt(real x, real y)
  int logical_lte(real x, real y)
  int logical_gt(real x, real y)
  int logical_gte(real x, real y)

  # complex numbers
  complex to_complex()
  complex to_complex(real re)
  complex to_complex(real re, real im)
  real get_real(complex z)
  real get_imag(complex z)
  vector get_real(complex_vector z)
  vector get_imag(complex_vector z)
  row_vector get_real(complex_row_vector z)
  row_vector get_imag(complex_row_vector z)
  matrix get_real(complex_matrix z)
  matrix get_imag(complex_matrix z)
  real abs(complex z)
  real arg(complex z)
  real norm(complex z)
  complex conj(complex z)
  complex proj(complex z)
  complex polar(real r, real theta)
  complex pow(complex x, complex y)
  ${COMPLEX_UNARY.map((f) => `complex ${f}(complex z)`).join('\n')}

  # element-wise
  ${UNARY_ELEMENTWISE.map((f) => `R ${f}(T x)`).join('\n')}
  ${BINARY_ELEMENTWISE.map((f) => `R ${f}(T1 x, T2 y)`).join('\n')}
  R fma(T1 x, T2 y, T3 z)
`);
