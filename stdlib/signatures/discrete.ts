// Discrete distributions: probability mass functions, their unnormalized forms and CDFs.
// (Their RNGs are in rng.ts.)
import { density, signatures, type DensitySuffix } from './dsl.js';

const ALL: DensitySuffix[] = ['lpmf', 'cdf', 'lcdf', 'lccdf'];
const MASS: DensitySuffix[] = ['lpmf'];

/** [family, variate, parameters, suffixes] */
const FAMILIES: Array<[string, string, string, DensitySuffix[]]> = [
  ['bernoulli', 'ints n', 'reals theta', ALL],
  ['bernoulli_logit', 'ints n', 'reals alpha', MASS],
  ['binomial', 'ints n', 'ints N, reals theta', ALL],
  ['binomial_logit', 'ints n', 'ints N, reals alpha', MASS],
  ['beta_binomial', 'ints n', 'ints N, reals alpha, reals beta', ALL],
  ['hypergeometric', 'int n', 'int N, int a, int b', MASS],
  ['categorical', 'ints y', 'vector theta', MASS],
  ['categorical_logit', 'ints y', 'vector beta', MASS],
  ['discrete_range', 'ints y', 'ints lower, ints upper', ALL],
  ['ordered_logistic', 'int k', 'real eta, vector c', MASS],
  ['ordered_logistic', 'array[] int k', 'vector eta, {vector, array[] vector} c', MASS],
  ['ordered_probit', 'int k', 'real eta, vector c', MASS],
  ['ordered_probit', 'array[] int k', '{real, vector} eta, {vector, array[] vector} c', MASS],
  ['neg_binomial', 'ints n', 'reals alpha, reals beta', ALL],
  ['neg_binomial_2', 'ints n', 'reals mu, reals phi', ALL],
  ['neg_binomial_2_log', 'ints n', 'reals eta, reals phi', MASS],
  ['poisson', 'ints n', 'reals lambda', ALL],
  ['poisson_log', 'ints n', 'reals alpha', MASS],
  ['multinomial', 'array[] int y', 'vector theta', MASS],
  ['multinomial_logit', 'array[] int y', 'vector gamma', MASS],
  // Generalized linear models: the likelihood of y given predictors x in one fused call.
  ['bernoulli_logit_glm', 'ints y', '{matrix, row_vector} x, {real, vector} alpha, vector beta', MASS],
  ['binomial_logit_glm', 'ints n', 'ints N, {matrix, row_vector} x, {real, vector} alpha, vector beta', MASS],
  ['poisson_log_glm', 'ints y', '{matrix, row_vector} x, {real, vector} alpha, vector beta', MASS],
  [
    'neg_binomial_2_log_glm',
    'ints y',
    '{matrix, row_vector} x, {real, vector} alpha, vector beta, {real, vector} phi',
    MASS,
  ],
  ['categorical_logit_glm', 'ints y', '{matrix, row_vector} x, vector alpha, matrix beta', MASS],
  ['ordered_logistic_glm', 'ints y', '{matrix, row_vector} x, vector beta, vector cuts', MASS],
];

export const DISCRETE = signatures(
  FAMILIES.map(([family, variate, params, suffixes]) => density(family, variate, params, suffixes)).join('\n'),
);
