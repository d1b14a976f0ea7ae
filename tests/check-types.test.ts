// Types (and origins) of well-typed expressions: operators, indexing, promotion, array and
// row-vector literals, built-in calls. Expected types are Stan's (reference manual, functions
// reference).
import { parse } from '../src/frontend/parse.js';
import { check } from '../src/check/index.js';
import type { Expr, Print } from '../src/frontend/ast.js';
import { showType } from '../src/check/types.js';

const DECLS = `
data {
  int n;
  real x;
  complex z;
  vector[3] v;
  row_vector[3] rv;
  matrix[3, 3] m;
  array[3] int ia;
  array[3] real ra;
  array[3] vector[3] av;
  array[2, 3] real ra2;
  array[2] matrix[3, 3] am;
  tuple(real, array[2] int) tp;
}
parameters {
  real p;
  vector[3] pv;
}
`;

/** Type and origin of `expr`, printed in generated quantities (where RNGs are allowed). */
function typeOf(expr: string): { type: string; origin: string; warnings: string[] } {
  const src = `${DECLS}generated quantities {\n  print(${expr});\n}\n`;
  const parsed = parse(src);
  const syntax = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (syntax.length) throw new Error(`syntax: ${syntax.map((d) => d.message).join('; ')}`);
  const r = check(parsed.ast!);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`type errors: ${errors.map((d) => d.message).join('; ')}`);
  const gq = r.program.blocks.find((b) => b.name === 'generated quantities')!;
  const e: Expr = (gq.items[0] as Print).args[0];
  return {
    type: e.type ? showType(e.type) : '(none)',
    origin: e.origin ?? '(none)',
    warnings: r.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.message),
  };
}

describe('operator result types', () => {
  test.each([
    ['n + n', 'int'],
    ['n + x', 'real'],
    ['x - n', 'real'],
    ['n * n', 'int'],
    ['n %/% n', 'int'],
    ['n % n', 'int'],
    ['n ^ n', 'real'],
    ['x ^ n', 'real'],
    ['x * v', 'vector'],
    ['v * x', 'vector'],
    ['v + x', 'vector'],
    ['n - rv', 'row_vector'],
    ['v + v', 'vector'],
    ['m + m', 'matrix'],
    ['rv * v', 'real'],
    ['v * rv', 'matrix'],
    ['m * v', 'vector'],
    ['rv * m', 'row_vector'],
    ['m * m', 'matrix'],
    ['v / x', 'vector'],
    ['m / n', 'matrix'],
    ['rv / m', 'row_vector'],
    ['m / m', 'matrix'],
    ['m \\ v', 'vector'],
    ['m \\ m', 'matrix'],
    ['v .* v', 'vector'],
    ['m ./ m', 'matrix'],
    ['v ./ x', 'vector'],
    ['x ./ v', 'vector'],
    ['v .^ 2', 'vector'],
    ['2 .^ rv', 'row_vector'],
    ["v'", 'row_vector'],
    ["rv'", 'vector'],
    ["m'", 'matrix'],
    ["v' * v", 'real'],
    ['-v', 'vector'],
    ['-m', 'matrix'],
    ['-n', 'int'],
    ['+x', 'real'],
    ['!n', 'int'],
    ['!x', 'int'],
    ['n < x', 'int'],
    ['x >= n', 'int'],
    ['x == x', 'int'],
    ['z == z', 'int'],
    ['n != 2', 'int'],
    ['n && x', 'int'],
    ['x || n', 'int'],
    ['z + x', 'complex'],
    ['z * n', 'complex'],
    ['z ^ 2', 'complex'],
    ['2i', 'complex'],
    ['(x + n)', 'real'],
  ])('%s : %s', (expr, type) => {
    expect(typeOf(expr).type).toBe(type);
  });

  test('matrix ^ scalar is element-wise, with a warning', () => {
    const r = typeOf('m ^ 2');
    expect(r.type).toBe('matrix');
    expect(r.warnings.join('\n')).toMatch(/element.*matrix_power/);
  });

  test('int / int is int with a warning suggesting %/%', () => {
    const r = typeOf('n / 2');
    expect(r.type).toBe('int');
    expect(r.warnings.join('\n')).toMatch(/Integer division truncates: 'n \/ 2'.*%\/%/);
  });
});

describe('indexing', () => {
  test.each([
    ['v[1]', 'real'],
    ['v[ia]', 'vector'],
    ['v[2:]', 'vector'],
    ['v[:2]', 'vector'],
    ['v[:]', 'vector'],
    ['rv[n]', 'real'],
    ['m[1]', 'row_vector'],
    ['m[1, 2]', 'real'],
    ['m[:, 2]', 'vector'],
    ['m[2, :]', 'row_vector'],
    ['m[ia, 1]', 'vector'],
    ['m[1, ia]', 'row_vector'],
    ['m[ia]', 'matrix'],
    ['m[ia, ia]', 'matrix'],
    ['ia[1]', 'int'],
    ['ia[ia]', 'array[] int'],
    ['ra[2:3]', 'array[] real'],
    ['av[1]', 'vector'],
    ['av[1, 2]', 'real'],
    ['av[:, 2]', 'array[] real'],
    ['av[ia]', 'array[] vector'],
    ['av[ia, 1]', 'array[] real'],
    ['av[1, 2:3]', 'vector'],
    ['ra2[1]', 'array[] real'],
    ['ra2[1, 2]', 'real'],
    ['ra2[:, 1]', 'array[] real'],
    ['ra2[:, :]', 'array[,] real'],
    ['am[1]', 'matrix'],
    ['am[1, 2]', 'row_vector'],
    ['am[1, 2, 3]', 'real'],
    ['am[:, 1, 1]', 'array[] real'],
    ['am[:, :, 1]', 'array[] vector'],
    ['m[ia[1], ia[2]]', 'real'],
  ])('%s : %s', (expr, type) => {
    expect(typeOf(expr).type).toBe(type);
  });
});

describe('literals, conditionals, tuples and promotion', () => {
  test.each([
    ['{1, 2}', 'array[] int'],
    ['{1, 2.5}', 'array[] real'],
    ['{v, v}', 'array[] vector'],
    ['{{1}, {2}}', 'array[,] int'],
    ['{{1}, {2.0}}', 'array[,] real'],
    ['{z, 1}', 'array[] complex'],
    ['[1, 2]', 'row_vector'],
    ['[x, n]', 'row_vector'],
    ['[rv, rv]', 'matrix'],
    ["[v', rv]", 'matrix'],
    ['[1, z]', 'complex_row_vector'],
    ['n ? x : n', 'real'],
    ['n ? v : v', 'vector'],
    ['n ? ia : ra', 'array[] real'],
    ['(x, n)', 'tuple(real, int)'],
    ['(x, n).2', 'int'],
    ['tp.2', 'array[] int'],
    ['tp.2[1]', 'int'],
  ])('%s : %s', (expr, type) => {
    expect(typeOf(expr).type).toBe(type);
  });
});

describe('built-in calls', () => {
  test.each([
    ['exp(v)', 'vector'],
    ['exp(ia)', 'array[] real'],
    ['exp(n)', 'real'],
    ['log(ra2)', 'array[,] real'],
    ['exp(z)', 'complex'],
    ['pow(v, 2)', 'vector'],
    ['pow(ra, ra)', 'array[] real'],
    ['abs(n)', 'int'],
    ['abs(x)', 'real'],
    ['abs(z)', 'real'],
    ['log_sum_exp(v)', 'real'],
    ['log_sum_exp(x, n)', 'real'],
    ['rep_array(v, 3)', 'array[] vector'],
    ['rep_array(1, 2, 3)', 'array[,] int'],
    ['rep_vector(0, n)', 'vector'],
    ['size(ra2)', 'int'],
    ['num_elements(ra2)', 'int'],
    ['dims(m)', 'array[] int'],
    ['normal_rng(0, 1)', 'real'],
    ['normal_rng(v, 1)', 'array[] real'],
    ['poisson_rng(ra)', 'array[] int'],
    ['poisson_rng(x)', 'int'],
    ['bernoulli_logit_rng(v)', 'array[] int'],
    ['multi_normal_rng(v, m)', 'vector'],
    ['multi_normal_rng(av, m)', 'array[] vector'],
    ['categorical_rng(softmax(v))', 'int'],
    ['to_vector(ia)', 'vector'],
    ['to_matrix(ra2)', 'matrix'],
    ['to_matrix(v, 3, 1)', 'matrix'],
    ['to_array_1d(m)', 'array[] real'],
    ['head(ia, 2)', 'array[] int'],
    ['head(v, 2)', 'vector'],
    ['append_array(ia, ra)', 'array[] real'],
    ['append_row(v, v)', 'vector'],
    ['append_col(v, v)', 'matrix'],
    ['get_real(z)', 'real'],
    ['to_complex(x, x)', 'complex'],
    ['min(n, n)', 'int'],
    ['min(n, x)', 'real'],
    ['max(ia)', 'int'],
    ['fmin(v, x)', 'vector'],
    ['sum(ia)', 'int'],
    ['sum(m)', 'real'],
    ['mean(ia)', 'real'],
    ['cumulative_sum(ia)', 'array[] int'],
    ['diag_pre_multiply(v, m)', 'matrix'],
    ['quad_form(m, v)', 'real'],
    ['segment(ra, 1, 2)', 'array[] real'],
    ['cholesky_decompose(m)', 'matrix'],
    ['rows(m)', 'int'],
    ['to_int(x)', 'int'],
    // generated quantities compute without gradients: data-only arguments accept anything
    ['to_int(p)', 'int'],
    ['dot_product(v, rv)', 'real'],
    ['gp_exp_quad_cov(ra, 1.0, 2.0)', 'matrix'],
    ['log_mix(0.3, x, n)', 'real'],
    ['pi()', 'real'],
    ['choose(n, 2)', 'int'],
    ['lchoose(x, 2)', 'real'],
    ['normal_lpdf(v | 0, 1)', 'real'],
    ['poisson_lpmf(ia | ra)', 'real'],
    ['normal_lcdf(x | 0, 1)', 'real'],
    ['std_normal_lpdf(v)', 'real'],
  ])('%s : %s', (expr, type) => {
    expect(typeOf(expr).type).toBe(type);
  });
});

describe('origins', () => {
  test.each([
    ['x + n', 'data'],
    ['p + x', 'parameter'],
    ['v[n]', 'data'],
    ['pv[n]', 'parameter'],
    ['v[ia]', 'data'],
    ['{x, p}', 'parameter'],
    ['exp(v)', 'data'],
    ['exp(pv)', 'parameter'],
    ['p > 0', 'parameter'],
    ['n ? x : p', 'parameter'],
    ['normal_rng(0, 1)', 'parameter'],
    // sizes are fixed once data is read, even of parameters
    ['size(pv)', 'data'],
    ['rows(m)', 'data'],
    ['3', 'data'],
  ])('%s is %s', (expr, origin) => {
    expect(typeOf(expr).origin).toBe(origin);
  });

  test('RNG draws in transformed data are data; loop indices over parameter bounds are parameters', () => {
    const src = `data { int N; }
transformed data { real d = normal_rng(0, 1); }
parameters { real p; }
model {
  real acc = d;
  for (i in 1:N) acc += i;
  int k = 0;
  if (p > 0) k = 1;
  target += acc + k;
}
`;
    const r = check(parse(src).ast!);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const td = r.symbols.byName.get('d')!;
    expect(td.decl.init?.origin).toBe('data');
    const origins = new Map([...r.symbols.localOrigins.entries()].map(([d, o]) => [d.name, o]));
    expect(origins.get('acc')).toBe('data');
    // k is assigned under a parameter-dependent condition, so its value depends on parameters.
    expect(origins.get('k')).toBe('parameter');
  });
});
