// Continuous univariate distributions: densities, unnormalized densities and CDFs.
// (Their RNGs are in rng.ts.)
import { density, signatures, type DensitySuffix } from './dsl.js';

const ALL: DensitySuffix[] = ['lpdf', 'cdf', 'lcdf', 'lccdf'];

/** [family, parameters, suffixes] — the variate is always `reals y`. */
const FAMILIES: Array<[string, string, DensitySuffix[]]> = [
  ['normal', 'reals mu, reals sigma', ALL],
  ['std_normal', '', ALL],
  ['student_t', 'reals nu, reals mu, reals sigma', ALL],
  ['cauchy', 'reals mu, reals sigma', ALL],
  ['double_exponential', 'reals mu, reals sigma', ALL],
  ['logistic', 'reals mu, reals sigma', ALL],
  ['gumbel', 'reals mu, reals beta', ALL],
  ['skew_normal', 'reals xi, reals omega, reals alpha', ALL],
  ['skew_double_exponential', 'reals mu, reals sigma, reals tau', ALL],
  ['exp_mod_normal', 'reals mu, reals sigma, reals lambda', ALL],
  ['lognormal', 'reals mu, reals sigma', ALL],
  ['chi_square', 'reals nu', ALL],
  ['inv_chi_square', 'reals nu', ALL],
  ['scaled_inv_chi_square', 'reals nu, reals sigma', ALL],
  ['exponential', 'reals beta', ALL],
  ['gamma', 'reals alpha, reals beta', ALL],
  ['inv_gamma', 'reals alpha, reals beta', ALL],
  ['weibull', 'reals alpha, reals sigma', ALL],
  ['frechet', 'reals alpha, reals sigma', ALL],
  ['rayleigh', 'reals sigma', ALL],
  ['loglogistic', 'reals alpha, reals beta', ['lpdf', 'cdf']],
  ['pareto', 'reals y_min, reals alpha', ALL],
  ['pareto_type_2', 'reals mu, reals lambda, reals alpha', ALL],
  ['beta', 'reals alpha, reals beta', ALL],
  ['beta_proportion', 'reals mu, reals kappa', ['lpdf', 'lcdf', 'lccdf']],
  ['von_mises', 'reals mu, reals kappa', ALL],
  ['uniform', 'reals alpha, reals beta', ALL],
];

export const CONTINUOUS = signatures(
  [
    ...FAMILIES.map(([family, params, suffixes]) => density(family, 'reals y', params, suffixes)),
    // Normal linear regression: y ~ normal(alpha + x * beta, sigma) in one fused call.
    density(
      'normal_id_glm',
      '{real, vector} y',
      '{matrix, row_vector} x, {real, vector} alpha, vector beta, {real, vector} sigma',
      ['lpdf'],
    ),
  ].join('\n'),
);
