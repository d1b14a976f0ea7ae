// The built-in signature table, its reference-style DSL, overload resolution and the
// `hstan functions` listing. Expected values are Stan's functions reference.
import {
  BUILTIN_NAMES,
  builtinSignatures,
  findDeprecation,
  parseSignatureLine,
  showSignature,
} from '../stdlib/signatures/index.js';
import { matchSignature, resolve, type Candidate } from '../src/check/resolve.js';
import { Command } from 'commander';
import { jest } from '@jest/globals';
import { listFunctions, nameMatcher, register } from '../src/cli/commands/functions.js';
import { type StanType, arrayOf, showType, promotionCost, commonType } from '../src/check/types.js';

const T = (s: string): StanType => {
  const m = /^array\[(,*)\] (.*)$/.exec(s);
  if (m) return arrayOf(T(m[2]), m[1].length + 1);
  return { kind: s } as StanType;
};

function call(name: string, ...args: string[]): string | undefined {
  const cands: Candidate[] = builtinSignatures(name).map((sig, index) => ({ source: 'builtin', index, sig }));
  const r = resolve(cands, args.map(T));
  return r.kind === 'match' ? showType(r.match.returns) : undefined;
}

describe('signature DSL', () => {
  test('parses a density line with families and the conditional bar', () => {
    const [s] = parseSignatureLine('real normal_lpdf(reals y | reals mu, reals sigma)');
    expect(s.name).toBe('normal_lpdf');
    expect(s.conditional).toBe(true);
    expect(s.args.map((a) => a.kind)).toEqual(['family', 'family', 'family']);
    expect(showSignature(s)).toBe('real normal_lpdf(reals y | reals mu, reals sigma)');
  });

  test('expands {a, b} alternatives into one signature per combination', () => {
    const sigs = parseSignatureLine('real f({real, vector} x, {int, real} y)');
    expect(sigs.map(showSignature)).toEqual([
      'real f(real x, int y)',
      'real f(real x, real y)',
      'real f(vector x, int y)',
      'real f(vector x, real y)',
    ]);
  });

  test('records data-only arguments and array types', () => {
    const [s] = parseSignatureLine('array[,] int g(data array[] real x, int n)');
    expect(s.dataOnly).toEqual([true, false]);
    expect(showSignature(s)).toBe('array[,] int g(data array[] real x, int n)');
  });

  test('rejects malformed lines', () => {
    expect(() => parseSignatureLine('real f(real x')).toThrow();
    expect(() => parseSignatureLine('real f(blob x)')).toThrow(/unknown type/);
    expect(() => parseSignatureLine('real f(real x, real y | real z)')).toThrow(/first argument/);
  });
});

describe('built-in table', () => {
  const required = [
    'normal_lpdf', 'normal_lupdf', 'normal_cdf', 'normal_lcdf', 'normal_lccdf', 'normal_rng', 'std_normal_lpdf',
    'normal_id_glm_lpdf', 'student_t_lpdf', 'cauchy_lpdf', 'double_exponential_lpdf', 'logistic_lpdf', 'gumbel_lpdf',
    'skew_normal_lpdf', 'exp_mod_normal_lpdf', 'lognormal_lpdf', 'chi_square_lpdf', 'inv_chi_square_lpdf',
    'scaled_inv_chi_square_lpdf', 'exponential_lpdf', 'gamma_lpdf', 'inv_gamma_lpdf', 'weibull_lpdf', 'frechet_lpdf',
    'rayleigh_lpdf', 'pareto_lpdf', 'pareto_type_2_lpdf', 'beta_lpdf', 'beta_proportion_lpdf', 'von_mises_lpdf',
    'uniform_lpdf', 'bernoulli_lpmf', 'bernoulli_logit_lpmf', 'bernoulli_logit_glm_lpmf', 'binomial_lpmf',
    'binomial_logit_lpmf', 'beta_binomial_lpmf', 'poisson_lpmf', 'poisson_log_lpmf', 'poisson_log_glm_lpmf',
    'neg_binomial_lpmf', 'neg_binomial_2_lpmf', 'neg_binomial_2_log_lpmf', 'categorical_lpmf', 'categorical_logit_lpmf',
    'ordered_logistic_lpmf', 'ordered_probit_lpmf', 'multinomial_lpmf', 'dirichlet_lpdf', 'multi_normal_lpdf',
    'multi_normal_cholesky_lpdf', 'multi_student_t_lpdf', 'lkj_corr_lpdf', 'lkj_corr_cholesky_lpdf', 'wishart_lpdf',
    'inv_wishart_lpdf', 'binomial_rng', 'bernoulli_rng', 'bernoulli_logit_rng', 'poisson_rng', 'poisson_log_rng',
    'beta_rng', 'gamma_rng', 'categorical_rng', 'categorical_logit_rng', 'multi_normal_rng',
    'multi_normal_cholesky_rng', 'uniform_rng', 'exponential_rng', 'student_t_rng', 'cauchy_rng', 'lognormal_rng',
    'neg_binomial_2_rng', 'neg_binomial_2_log_rng', 'dirichlet_rng', 'inv_gamma_rng', 'beta_binomial_rng',
    'ordered_logistic_rng', 'lkj_corr_rng', 'lkj_corr_cholesky_rng', 'wishart_rng', 'inv_wishart_rng',
    'log', 'exp', 'log1p', 'expm1', 'log_sum_exp', 'log_mix', 'log1p_exp', 'log1m_exp', 'log1m', 'inv_logit',
    'logit', 'log_inv_logit', 'log1m_inv_logit', 'Phi', 'Phi_approx', 'inv_Phi', 'lgamma', 'tgamma', 'digamma',
    'lbeta', 'lchoose', 'choose', 'fma', 'square', 'sqrt', 'cbrt', 'pow', 'abs', 'fmin', 'fmax', 'fdim', 'floor',
    'ceil', 'round', 'trunc', 'sin', 'cos', 'tan', 'atan2', 'tanh', 'erf', 'erfc', 'inv', 'inv_sqrt', 'inv_square',
    'min', 'max', 'sum', 'prod', 'mean', 'sd', 'variance', 'dot_product', 'dot_self', 'columns_dot_product',
    'rows_dot_product', 'squared_distance', 'distance', 'rep_vector', 'rep_row_vector', 'rep_array', 'rep_matrix',
    'diag_matrix', 'diagonal', 'identity_matrix', 'diag_pre_multiply', 'diag_post_multiply', 'quad_form',
    'quad_form_diag', 'quad_form_sym', 'trace', 'determinant', 'log_determinant', 'inverse', 'inverse_spd',
    'mdivide_left_tri_low', 'mdivide_right_tri_low', 'multiply_lower_tri_self_transpose', 'tcrossprod', 'crossprod',
    'cholesky_decompose', 'eigenvalues_sym', 'softmax', 'log_softmax', 'cumulative_sum', 'segment', 'head', 'tail',
    'reverse', 'sort_asc', 'sort_desc', 'sort_indices_asc', 'rank', 'to_vector', 'to_row_vector', 'to_matrix',
    'to_array_1d', 'to_array_2d', 'to_int', 'to_complex', 'get_real', 'get_imag', 'size', 'num_elements', 'rows',
    'cols', 'dims', 'append_row', 'append_col', 'append_array', 'block', 'col', 'row', 'sub_col', 'sub_row',
    'linspaced_vector', 'linspaced_array', 'one_hot_vector', 'zeros_vector', 'ones_vector', 'gp_exp_quad_cov',
    'add_diag', 'log_diff_exp', 'logical_or', 'int_step', 'step', 'is_inf', 'is_nan', 'machine_precision', 'pi',
    'e', 'sqrt2', 'log2', 'log10', 'not_a_number', 'positive_infinity', 'negative_infinity', 'binary_log_loss',
    'owens_t', 'hypot', 'target',
  ];
  test.each(required)('%s is a built-in', (name) => {
    expect(BUILTIN_NAMES).toContain(name);
  });

  test('every density has its unnormalized twin and a real return', () => {
    for (const name of BUILTIN_NAMES.filter((n) => /_lp[dm]f$/.test(n))) {
      expect(BUILTIN_NAMES).toContain(name.replace(/_lp([dm])f$/, '_lup$1f'));
      for (const s of builtinSignatures(name)) expect(s.returns).toEqual({ kind: 'type', type: { kind: 'real' } });
    }
  });

  test('removed names are not built-ins but map to their replacements', () => {
    const exists = (n: string) => BUILTIN_NAMES.includes(n);
    for (const [old, now] of [
      ['fabs', 'abs'],
      ['cov_exp_quad', 'gp_exp_quad_cov'],
      ['multiply_log', 'lmultiply'],
      ['binomial_coefficient_log', 'lchoose'],
      ['normal_log', 'normal_lpdf'],
      ['poisson_log_log', 'poisson_log_lpmf'],
      ['normal_cdf_log', 'normal_lcdf'],
      ['normal_ccdf_log', 'normal_lccdf'],
      ['get_lp', 'target'],
    ]) {
      expect(BUILTIN_NAMES).not.toContain(old);
      expect(findDeprecation(old, exists)).toEqual({ kind: 'rename', old, replacement: now });
    }
    expect(findDeprecation('if_else', exists)?.kind).toBe('conditional');
    expect(findDeprecation('increment_log_prob', exists)?.kind).toBe('target-increment');
    expect(findDeprecation('integrate_ode_rk45', exists)?.kind).toBe('unsupported');
    // `_log` only maps when the modern density exists.
    expect(findDeprecation('blah_log', exists)).toBeUndefined();
  });
});

describe('resolution against the reference signatures', () => {
  test.each([
    // densities accept any mix of the `reals` family
    ['normal_lpdf', ['vector', 'real', 'array[] real'], 'real'],
    ['normal_lpdf', ['array[] int', 'int', 'row_vector'], 'real'],
    ['normal_lpdf', ['matrix', 'real', 'real'], undefined],
    ['poisson_lpmf', ['array[] int', 'vector'], 'real'],
    ['poisson_lpmf', ['vector', 'vector'], undefined],
    ['binomial_lpmf', ['array[] int', 'int', 'vector'], 'real'],
    ['multi_normal_cholesky_lpdf', ['array[] vector', 'vector', 'matrix'], 'real'],
    ['multi_normal_lpdf', ['array[] real', 'vector', 'matrix'], undefined],
    ['ordered_logistic_lpmf', ['int', 'real', 'vector'], 'real'],
    ['std_normal_lpdf', ['vector'], 'real'],
    // vectorized RNGs: scalar for scalar arguments, else an array
    ['normal_rng', ['real', 'int'], 'real'],
    ['normal_rng', ['vector', 'real'], 'array[] real'],
    ['poisson_rng', ['real'], 'int'],
    ['poisson_rng', ['array[] real'], 'array[] int'],
    ['binomial_rng', ['array[] int', 'real'], 'array[] int'],
    ['multi_normal_rng', ['array[] vector', 'matrix'], 'array[] vector'],
    // element-wise functions keep the shape, ints become reals
    ['exp', ['vector'], 'vector'],
    ['exp', ['array[,] int'], 'array[,] real'],
    ['exp', ['int'], 'real'],
    ['exp', ['complex'], 'complex'],
    ['log1p', ['matrix'], 'matrix'],
    ['pow', ['vector', 'real'], 'vector'],
    ['pow', ['int', 'array[] real'], 'array[] real'],
    ['pow', ['vector', 'row_vector'], undefined],
    ['fmin', ['array[] real', 'array[] int'], 'array[] real'],
    ['abs', ['int'], 'int'],
    ['abs', ['real'], 'real'],
    ['abs', ['vector'], 'vector'],
    // integer overloads win over promotion
    ['min', ['int', 'int'], 'int'],
    ['min', ['int', 'real'], 'real'],
    ['sum', ['array[] int'], 'int'],
    ['sum', ['vector'], 'real'],
    ['log_sum_exp', ['real', 'real'], 'real'],
    ['log_sum_exp', ['array[] real'], 'real'],
    ['log_mix', ['real', 'real', 'real'], 'real'],
    // generic U
    ['rep_array', ['vector', 'int'], 'array[] vector'],
    ['rep_array', ['array[] real', 'int'], 'array[,] real'],
    ['rep_array', ['int', 'int', 'int'], 'array[,] int'],
    ['append_array', ['array[] int', 'array[] real'], 'array[] real'],
    ['head', ['array[,] real', 'int'], 'array[,] real'],
    ['head', ['vector', 'int'], 'vector'],
    ['size', ['array[] vector'], 'int'],
    ['dims', ['matrix'], 'array[] int'],
    // matrices
    ['rep_matrix', ['vector', 'int'], 'matrix'],
    ['to_matrix', ['array[] real', 'int', 'int'], 'matrix'],
    ['to_vector', ['array[] int'], 'vector'],
    ['to_array_1d', ['array[,] int'], 'array[] int'],
    ['diag_pre_multiply', ['vector', 'matrix'], 'matrix'],
    ['quad_form', ['matrix', 'vector'], 'real'],
    ['gp_exp_quad_cov', ['array[] real', 'real', 'real'], 'matrix'],
    ['append_row', ['real', 'vector'], 'vector'],
    ['append_col', ['vector', 'vector'], 'matrix'],
    ['target', [], 'real'],
  ] as Array<[string, string[], string | undefined]>)('%s(%j) → %s', (name, args, expected) => {
    expect(call(name, ...args)).toBe(expected);
  });

  test('data-only arguments are recorded for to_int and linspaced_vector', () => {
    expect(builtinSignatures('to_int')[0].dataOnly).toEqual([true]);
    expect(builtinSignatures('linspaced_vector')[0].dataOnly).toEqual([false, true, true]);
  });

  test('promotion costs count int→real→complex steps and go element-wise through arrays', () => {
    expect(promotionCost(T('int'), T('real'))).toBe(1);
    expect(promotionCost(T('int'), T('complex'))).toBe(2);
    expect(promotionCost(T('real'), T('int'))).toBe(-1);
    expect(promotionCost(T('array[] int'), T('array[] real'))).toBe(1);
    expect(promotionCost(T('array[] int'), T('array[,] real'))).toBe(-1);
    expect(promotionCost(T('vector'), T('complex_vector'))).toBe(1);
    expect(promotionCost(T('vector'), T('row_vector'))).toBe(-1);
    expect(commonType(T('int'), T('real'))).toEqual(T('real'));
    expect(commonType(T('vector'), T('real'))).toBeUndefined();
  });

  test('a family argument given an int costs one promotion (so exact overloads win)', () => {
    const [sig] = parseSignatureLine('real f(reals x)');
    expect(matchSignature(sig, [T('int')])?.cost).toBe(1);
    expect(matchSignature(sig, [T('vector')])?.cost).toBe(0);
    expect(matchSignature(sig, [T('array[] int')])?.argTypes).toEqual([T('array[] real')]);
  });
});

describe('hstan functions listing', () => {
  test('prints the reference line for a name, once', () => {
    const out = listFunctions(nameMatcher('normal'));
    expect(out).toContain('real normal_lpdf(reals y | reals mu, reals sigma)');
    expect(out).toContain(
      'real normal_id_glm_lpdf({real, vector} y | {matrix, row_vector} x, {real, vector} alpha, vector beta, {real, vector} sigma)',
    );
    expect(out.split('\n').filter((l) => l.startsWith('real normal_lpdf(')).length).toBe(1);
    expect(out).toContain('reals: int, real');
  });

  test('globs match whole names; substrings match anywhere', () => {
    const m = nameMatcher('*_rng');
    expect(m('normal_rng')).toBe(true);
    expect(m('normal_rng_x')).toBe(false);
    expect(nameMatcher('poisson?log_lpmf')('poisson_log_lpmf')).toBe(true);
    expect(nameMatcher('dirich')('dirichlet_lpdf')).toBe(true);
    expect(listFunctions(nameMatcher('no_such_function_zz'))).toBe('');
  });

  test('deprecated names are listed with their replacement', () => {
    expect(listFunctions(nameMatcher('fabs'))).toContain('fabs  (removed from Stan; use abs)');
  });
});

describe('hstan functions command', () => {
  async function run(...args: string[]): Promise<{ out: string; err: string; code: number | string | undefined }> {
    const program = new Command().name('hstan').exitOverride();
    register(program);
    const out: string[] = [];
    const err: string[] = [];
    const outSpy = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
    const errSpy = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
    try {
      await program.parseAsync(['node', 'hstan', 'functions', ...args]);
      return { out: out.join(''), err: err.join(''), code: process.exitCode };
    } finally {
      outSpy.mockRestore();
      errSpy.mockRestore();
      process.exitCode = undefined;
    }
  }

  test('PATTERN as a glob', async () => {
    const r = await run('poisson_*');
    expect(r.code).toBeUndefined();
    expect(r.out).toContain('real poisson_lpmf(ints n | reals lambda)');
    expect(r.out).toContain('I poisson_rng(reals lambda)');
    expect(r.out).not.toContain('normal');
  });

  test('--all lists every built-in', async () => {
    const r = await run('--all');
    for (const name of ['normal_lpdf', 'rep_array', 'gp_exp_quad_cov', 'wishart_rng']) expect(r.out).toContain(` ${name}(`);
  });

  test('no match and no pattern are usage errors', async () => {
    expect((await run('zzz_nothing')).code).toBe(1);
    const none = await run();
    expect(none.code).toBe(1);
    expect(none.err).toContain('--all');
  });
});
