// Ill-typed and ill-placed programs: each must produce the expected diagnostic (message
// substring, severity) at the expected line:column, and the checker must never crash.
import { parse } from '../src/frontend/parse.js';
import { check, checkSource } from '../src/check/index.js';
import { formatDiagnostic } from '../src/frontend/diagnostic.js';
import type { Program, ProgramBlock, TargetPlus } from '../src/frontend/ast.js';

/** A model block after a fixed data/parameters preamble: the first statement is on line 11, column 3. */
const M = (...stmts: string[]): string => `data {
  int N;
  vector[N] y;
  array[N] int c;
}
parameters {
  real mu;
  real<lower=0> sigma;
}
model {
${stmts.map((s) => `  ${s}`).join('\n')}
}
`;

/** A functions block; its first line is line 2, column 3. */
const F = (fn: string, rest = ''): string =>
  `functions {\n${fn
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n}\n${rest}`;

interface Case {
  src: string;
  message: string | RegExp;
  at: string;
  severity?: 'error' | 'warning';
}

const CASES: Record<string, Case> = {
  // --- names
  'undeclared variable with suggestion': { src: M('y ~ normal(mus, sigma);'), message: "'mus' is not declared. Did you mean 'mu'?", at: '11:14' },
  'undeclared with close name': { src: M('target += sigm;'), message: "'sigm' is not declared. Did you mean 'sigma'?", at: '11:13' },
  'undeclared variable': { src: M('target += m[1];'), message: "'m' is not declared", at: '11:13' },
  'unknown function': { src: M('target += foo(mu);'), message: "Unknown function 'foo'.", at: '11:13' },
  'misspelt density': { src: M('target += nromal_lpdf(y | mu, sigma);'), message: "Unknown function 'nromal_lpdf'. Did you mean 'normal_lpdf'?", at: '11:13' },
  'mass function called as density': { src: M('target += poisson_lpdf(c | mu);'), message: "use 'poisson_lpmf'", at: '11:13' },
  'function used as a variable': { src: M('print(exp);'), message: "'exp' is a function, not a variable", at: '11:9' },
  'variable called as a function': { src: M('target += mu(1);'), message: "'mu' is a variable (declared line 7), not a function", at: '11:13' },
  'redeclared local': { src: M('real mu;'), message: "'mu' is already declared (line 7)", at: '11:8' },
  'loop variable shadows': { src: M('for (mu in 1:N) { }'), message: "'mu' is already declared", at: '11:8' },
  'redeclared across blocks': {
    src: 'data {\n  real x;\n}\ntransformed data {\n  real x = 1;\n}\n',
    message: "'x' is already declared (line 2)",
    at: '5:8',
  },
  // --- assignment
  'assign to parameter': { src: M('mu = 1;'), message: "Cannot assign to 'mu': parameters are read-only.", at: '11:3' },
  'assign to data': { src: M('N = 3;'), message: "Cannot assign to 'N': data is read-only.", at: '11:3' },
  'assign to loop variable': { src: M('for (i in 1:N) { i = 2; }'), message: "Cannot assign to 'i': loop variables are read-only", at: '11:20' },
  'assign vector to real': { src: M('real x;', 'x = y;'), message: "Cannot assign vector to 'x' of type real", at: '12:7' },
  'initialize int with real': { src: M('int k = 2.5;'), message: "Cannot assign real to 'k' of type int", at: '11:11' },
  'compound assignment type': { src: M('vector[N] q;', 'q *= q;'), message: "Operator '*=' cannot update a vector with a vector", at: '12:3' },
  'assign scalar to slice': { src: M('vector[N] q;', 'q[1:2] = mu;'), message: "Cannot assign real to 'q' of type vector", at: '12:12' },
  'assign through multi-index': { src: M('vector[N] q;', 'q[1:2][1] = 1;'), message: 'multi-index followed by more indexing', at: '12:3' },
  'assign transformed parameter in model': {
    src: 'parameters {\n  real p;\n}\ntransformed parameters {\n  real q = p;\n}\nmodel {\n  q = 1;\n}\n',
    message: "Cannot assign to 'q': transformed parameters can only be assigned in the transformed parameters block",
    at: '8:3',
  },
  'assign transformed data later': {
    src: 'transformed data {\n  real d = 1;\n}\ngenerated quantities {\n  d = 2;\n}\n',
    message: "Cannot assign to 'd': transformed data can only be assigned in the transformed data block",
    at: '5:3',
  },
  'assign parameter in generated quantities': {
    src: 'parameters {\n  real p;\n}\ngenerated quantities {\n  p = 1;\n}\n',
    message: "Cannot assign to 'p': parameters are read-only",
    at: '5:3',
  },
  // --- distributions
  'real variate with mass function': {
    src: M('y ~ poisson(mu);'),
    message: "'y' is vector: '~' on it needs a distribution over reals, 'poisson' is over integers",
    at: '11:3',
  },
  'too many density arguments': {
    src: M('y ~ normal(mu, sigma, 1);'),
    message: "Ill-typed arguments to 'normal_lpdf': (vector, real, real, int). Available signatures: real normal_lpdf(reals y | reals mu, reals sigma)",
    at: '11:3',
  },
  'std_normal takes no parameters': { src: M('y ~ std_normal(1);'), message: "Ill-typed arguments to 'std_normal_lpdf': (vector, int)", at: '11:3' },
  'unknown distribution': { src: M('y ~ nromal(mu, sigma);'), message: "Unknown distribution 'nromal'", at: '11:7' },
  'unknown distribution suggestion': { src: M('y ~ nromal(mu, sigma);'), message: "Did you mean 'normal'?", at: '11:7' },
  'suffix after ~': { src: M('y ~ normal_lpdf(mu, sigma);'), message: "Write '~ normal(...)' without the suffix", at: '11:7' },
  'cdf after ~': { src: M('y ~ normal_cdf(mu, sigma);'), message: 'is a cumulative distribution function', at: '11:7' },
  'missing bar': { src: M('target += normal_lpdf(y, mu, sigma);'), message: "Probability functions need '|' after their first argument", at: '11:13' },
  'bar on non-density': { src: M('target += exp(y | mu);'), message: "Only probability functions (_lpdf, _lupdf, _lpmf, _lupmf, _cdf, _lcdf, _lccdf) take '|'", at: '11:13' },
  'truncation bound type': { src: M('mu ~ normal(0, 1) T[0, y];'), message: 'Truncation bounds must be int or real, found vector', at: '11:26' },
  'truncation without cdf': {
    src: F('real foo_lpdf(real y, real mu) {\n  return -square(y - mu);\n}', 'parameters {\n  real p;\n}\nmodel {\n  p ~ foo(0) T[0, ];\n}\n'),
    message: "Truncation T[...] needs 'foo_lcdf' and 'foo_lccdf'",
    at: '10:14',
  },
  // --- placement
  'rng in model': { src: M('real x = normal_rng(0, 1);'), message: "Random number generator 'normal_rng' is only allowed in transformed data, generated quantities", at: '11:12' },
  'rng in transformed parameters': {
    src: 'parameters {\n  real p;\n}\ntransformed parameters {\n  real z = normal_rng(0, 1);\n}\n',
    message: "Random number generator 'normal_rng'",
    at: '5:12',
  },
  'rng in declaration size': {
    src: 'generated quantities {\n  array[poisson_rng(3)] real g;\n}\n',
    message: "Random number generator 'poisson_rng' cannot be used in a declaration's sizes",
    at: '2:9',
  },
  'unnormalized outside model': {
    src: 'parameters {\n  real p;\n}\ntransformed parameters {\n  real z = normal_lupdf(p | 0, 1);\n}\n',
    message: "Unnormalized 'normal_lupdf' is only allowed in the model block",
    at: '5:12',
  },
  'target() in transformed data': { src: 'transformed data {\n  real t = target();\n}\n', message: 'target() can only be read in the model block', at: '2:12' },
  'tilde in generated quantities': {
    src: 'parameters {\n  real p;\n}\ngenerated quantities {\n  p ~ normal(0, 1);\n}\n',
    message: "'~' statements are only allowed in the model block",
    at: '5:3',
  },
  'target += in generated quantities': {
    src: 'parameters {\n  real p;\n}\ngenerated quantities {\n  target += p;\n}\n',
    message: "'target +=' is only allowed in the model block",
    at: '5:3',
  },
  'jacobian += in model': { src: M('jacobian += mu;'), message: "'jacobian +=' is only allowed in transformed parameters", at: '11:3' },
  'break outside loop': { src: M('break;'), message: "'break' is only allowed inside a loop.", at: '11:3' },
  'continue outside loop': { src: M('continue;'), message: "'continue' is only allowed inside a loop.", at: '11:3' },
  'return outside function': { src: M('return 1;'), message: "'return' is only allowed inside function definitions", at: '11:3' },
  // --- expressions
  'scalar indexed': { src: M('target += mu[1];'), message: "'mu' has type real, which cannot be indexed", at: '11:13' },
  'real index': { src: M('target += y[mu];'), message: 'Index must be int or array[] int (or a range a:b), found real', at: '11:15' },
  'too many indexes': { src: M('target += y[1, 2];'), message: "Too many indexes for 'y' of type vector: at most 1, found 2", at: '11:13' },
  'vector times vector': { src: M('target += y * y;'), message: "Operator '*' cannot be applied to vector and vector", at: '11:13' },
  'modulus of real': { src: M('target += 3 % 2.0;'), message: "Operator '%' cannot be applied to int and real", at: '11:13' },
  'left division of int': { src: M('target += 1 \\ y;'), message: "Operator '\\' cannot be applied to int and vector", at: '11:13' },
  'mixed array expression': { src: M('target += sum({1, y});'), message: 'Array expression elements must share a type: found int and vector', at: '11:21' },
  'vector inside [ ]': { src: M('target += sum([y, 1]);'), message: 'Elements of [...] must be all scalars', at: '11:18' },
  'real ternary condition': { src: M('target += mu ? 1 : 2;'), message: "The condition of '?:' must be int, found real", at: '11:13' },
  'ternary branches differ': { src: M('target += N ? y : 2;'), message: "The branches of '?:' have no common type: vector and int", at: '11:13' },
  'tuple index out of range': { src: M('tuple(real, int) tp;', 'target += tp.3;'), message: 'Tuple index .3 is out of range: the tuple has 2 elements', at: '12:13' },
  'projection of non-tuple': { src: M('target += mu.1;'), message: 'Only tuples have elements', at: '11:13' },
  'non-int index in slice': { src: M('target += sum(y[1:mu]);'), message: 'Range bounds in an index must be int, found real', at: '11:21' },
  'ill-typed built-in': { src: M('target += rep_array(1, mu);'), message: "Ill-typed arguments to 'rep_array': (int, real)", at: '11:13' },
  'data-only built-in argument': { src: M('target += to_int(mu);'), message: "Argument 'x' of 'to_int' must be data", at: '11:20' },
  // --- control flow
  'vector if condition': { src: M('if (y) target += 1;'), message: 'The condition of an if statement must be int or real, found vector', at: '11:7' },
  'vector while condition': { src: M('while (y) { }'), message: 'The condition of a while loop must be int or real, found vector', at: '11:10' },
  'real loop bound': { src: M('for (i in 1:mu) { }'), message: 'For loop bounds must be int, found real', at: '11:15' },
  'foreach over scalar': { src: M('for (x in mu) { }'), message: 'A foreach loop iterates over an array, vector, row_vector or matrix, found real', at: '11:13' },
  // --- declarations
  'bounds on a local': { src: M('real<lower=0> z;'), message: "'z' cannot have bounds", at: '11:7' },
  'constrained local': { src: M('simplex[3] s;'), message: "'s' cannot be declared simplex here", at: '11:3' },
  'initializer in data': { src: 'data {\n  real x = 1;\n}\n', message: "Variables in the data block cannot be given values ('x')", at: '2:12' },
  'real bound on int': { src: 'data {\n  int<lower=0.5> n;\n}\n', message: "Bounds of integer variable 'n' must be int", at: '2:13' },
  'bound of the wrong container': {
    src: 'data {\n  vector<lower=[1, 2]>[2] v;\n}\n',
    message: "The lower bound of 'v' must be int, real or vector, found row_vector",
    at: '2:16',
  },
  'real size': { src: 'data {\n  vector[2.5] v;\n}\n', message: "Sizes of 'v' must be int, found real", at: '2:10' },
  'integer parameter': { src: 'data {\n  int N;\n}\nparameters {\n  int k;\n}\n', message: "'k' is declared in parameters and cannot be an integer", at: '5:3' },
  'integer transformed parameter': { src: 'transformed parameters {\n  int k = 1;\n}\n', message: "'k' is declared in transformed parameters and cannot be an integer", at: '2:3' },
  'parameter-dependent size': { src: 'parameters {\n  real p;\n  vector[p > 0] v;\n}\n', message: "Sizes of 'v' (in the parameters block) must be data", at: '3:10' },
  'parameter-dependent size in generated quantities': {
    src: 'parameters {\n  real p;\n}\ngenerated quantities {\n  array[p > 0] real g;\n}\n',
    message: "Sizes of 'g' (in the generated quantities block) must be data",
    at: '5:9',
  },
  // --- functions
  'missing return': { src: F('real f(real x) {\n  if (x > 0) return 1;\n}'), message: "Function 'f' must return a value on every path", at: '2:8' },
  'missing return after loop': { src: F('real f(real x) {\n  for (i in 1:2) { }\n}'), message: "Function 'f' must return a value on every path", at: '2:8' },
  'declared never defined': { src: F('real f(real x);'), message: "Function 'f' is declared but never defined", at: '2:8' },
  'void returns value': { src: F('void f(real x) {\n  return x;\n}'), message: "Function 'f' is void and cannot return a value", at: '3:5' },
  'return without value': { src: F('real f(real x) {\n  return;\n}'), message: "Function 'f' must return a value of type real", at: '3:5' },
  'return type mismatch': { src: F('real f(real x) {\n  return [1, 2];\n}'), message: "Function 'f' returns real, but this returns row_vector", at: '3:12' },
  'assign to argument': { src: F('real f(real x) {\n  x = 1;\n  return x;\n}'), message: "Cannot assign to 'x': function arguments are read-only", at: '3:5' },
  'density with int variate': { src: F('real foo_lpdf(int y, real mu) {\n  return 0;\n}'), message: "Density 'foo_lpdf' must take a real-valued first argument", at: '2:8' },
  'mass function with real variate': { src: F('real foo_lpmf(real y, real mu) {\n  return 0;\n}'), message: "Mass function 'foo_lpmf' must take an int or array[] int first argument", at: '2:8' },
  'density returning vector': { src: F("vector foo_lpdf(real y) {\n  return [1]';\n}"), message: "Function 'foo_lpdf' must return real, found vector", at: '2:10' },
  'duplicate definition': {
    src: F('real f(real x) {\n  return 1;\n}\nreal f(real x) {\n  return 2;\n}'),
    message: "Function 'f' is already defined with these argument types (line 2)",
    at: '5:8',
  },
  'overload by return type only': {
    src: F('real f(real x) {\n  return 1;\n}\nint f(real x) {\n  return 2;\n}'),
    message: "Function 'f' is declared again with the same argument types but a different return type",
    at: '5:7',
  },
  'redefining a built-in': { src: F('real exp(real x) {\n  return x;\n}'), message: "Function 'exp' clashes with the built-in", at: '2:8' },
  'duplicate argument names': { src: F('real f(real x, real x) {\n  return x;\n}'), message: "Function 'f' has two arguments named 'x'", at: '2:18' },
  'defining an _lupdf': { src: F('real foo_lupdf(real y) {\n  return 0;\n}'), message: "Define 'foo_lpdf', not 'foo_lupdf'", at: '2:8' },
  '~ in a plain function': { src: F('real f(real x) {\n  x ~ normal(0, 1);\n  return x;\n}'), message: "'~' statements are only allowed in the model block", at: '3:5' },
  'target += in a plain function': { src: F('real f(real x) {\n  target += x;\n  return x;\n}'), message: "'target +=' is only allowed in the model block", at: '3:5' },
  'rng in a plain function': { src: F('real f(real x) {\n  return normal_rng(x, 1);\n}'), message: "Random number generator 'normal_rng'", at: '3:12' },
  'unnormalized in a plain function': { src: F('real f(real x) {\n  return normal_lupdf(x | 0, 1);\n}'), message: "Unnormalized 'normal_lupdf'", at: '3:12' },
  'parameter to data-only argument': {
    src: F('real f(data real x) {\n  return x;\n}', 'parameters {\n  real p;\n}\nmodel {\n  target += f(p);\n}\n'),
    message: "Argument 'x' of 'f' must be data",
    at: '10:15',
  },
  'value-returning call as statement': {
    src: F('real f(real x) {\n  return x;\n}', 'model {\n  f(1);\n}\n'),
    message: "'f' returns real; only void functions can be called as statements",
    at: '7:3',
  },
  'void call as value': {
    src: F('void g(real x) {\n  print(x);\n}', 'model {\n  target += g(1);\n}\n'),
    message: "'g' returns nothing (void) and cannot be used as a value",
    at: '7:13',
  },
  'ambiguous overloads': {
    src: F('real f(real x, int y) {\n  return x;\n}\nreal f(int x, real y) {\n  return y;\n}', 'model {\n  target += f(1, 1);\n}\n'),
    message: "Call to 'f' with (int, int) is ambiguous",
    at: '10:13',
  },
  '_lp function in generated quantities': {
    src: F('real f_lp(real x) {\n  target += x;\n  return x;\n}', 'generated quantities {\n  real g = f_lp(1);\n}\n'),
    message: "'f_lp' changes target and can only be called in the model block",
    at: '8:12',
  },
  'ill-typed user call': {
    src: F('real f(vector x) {\n  return sum(x);\n}', 'model {\n  target += f(1);\n}\n'),
    message: "Ill-typed arguments to 'f': (int). Available signatures: real f(vector x)",
    at: '7:13',
  },
  'user density called as mass function': {
    src: F('real foo_lpdf(real y, real mu) {\n  return -square(y - mu);\n}', 'parameters {\n  real p;\n}\nmodel {\n  target += foo_lpmf(1 | p);\n}\n'),
    message: "use 'foo_lpdf'",
    at: '10:13',
  },
  'variable hides user function': {
    src: F('real f(real x) {\n  return x;\n}', 'model {\n  real f = 1;\n  target += f(2);\n}\n'),
    message: "'f' is a variable (declared line 7), not a function",
    at: '8:13',
  },
  '_jacobian function outside transformed parameters': {
    src: F('real f_jacobian(real x) {\n  jacobian += x;\n  return x;\n}', 'parameters {\n  real p;\n}\nmodel {\n  target += f_jacobian(p);\n}\n'),
    message: "'f_jacobian' adds a Jacobian adjustment",
    at: '11:13',
  },
  // --- removed and unsupported functions
  'removed ODE solver': { src: M('target += integrate_ode_rk45(mu);'), message: "its replacement 'ode_rk45' is not supported by hstan", at: '11:13' },
  'higher-order function': { src: M('target += reduce_sum(mu);'), message: "'reduce_sum' is a higher-order Stan function", at: '11:13' },
  'increment_log_prob as a value': { src: M('target += increment_log_prob(mu);'), message: "write 'target += ...;' instead", at: '11:13' },
  // --- warnings
  'integer division': { src: M('int k = N / 2;'), message: "Integer division truncates: 'N / 2'", at: '11:11', severity: 'warning' },
  'fabs': { src: M('target += fabs(mu);'), message: "'fabs' was removed from Stan; use 'abs' instead", at: '11:13', severity: 'warning' },
  'increment_log_prob': { src: M('increment_log_prob(normal_lpdf(mu | 0, 1));'), message: "use 'target += e' instead", at: '11:3', severity: 'warning' },
  'get_lp': { src: M('target += get_lp();'), message: "'get_lp' was removed from Stan; use 'target()' instead", at: '11:13', severity: 'warning' },
  '_log density': { src: M('target += normal_log(y, mu, sigma);'), message: "'normal_log' was removed from Stan; use 'normal_lpdf' instead", at: '11:13', severity: 'warning' },
  '_cdf_log': { src: M('target += normal_cdf_log(mu, 0, 1);'), message: "use 'normal_lcdf' instead", at: '11:13', severity: 'warning' },
  'if_else': { src: M('target += if_else(N > 1, mu, 1.0);'), message: "'if_else' was removed from Stan; use 'c ? a : b' instead", at: '11:13', severity: 'warning' },
  'cov_exp_quad': {
    src: 'data {\n  array[3] real x;\n}\ntransformed data {\n  matrix[3, 3] K = cov_exp_quad(x, 1.0, 1.0);\n}\n',
    message: "use 'gp_exp_quad_cov' instead",
    at: '5:20',
    severity: 'warning',
  },
};

function run(src: string) {
  const parsed = parse(src, { filename: 'case.hstan' });
  const syntax = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (syntax.length) throw new Error(`test program does not parse: ${syntax.map((d) => d.message).join('; ')}\n${src}`);
  return check(parsed.ast!, { filename: 'case.hstan' });
}

describe('ill-typed and ill-placed programs', () => {
  test('the table is large enough', () => {
    expect(Object.values(CASES).filter((c) => (c.severity ?? 'error') === 'error').length).toBeGreaterThanOrEqual(60);
  });

  test.each(Object.entries(CASES))('%s', (_name, c) => {
    const r = run(c.src);
    expect(r.diagnostics.filter((d) => d.code.startsWith('internal'))).toEqual([]);
    const want = c.severity ?? 'error';
    const found = r.diagnostics.filter(
      (d) =>
        d.severity === want &&
        (typeof c.message === 'string' ? d.message.includes(c.message) : c.message.test(d.message)) &&
        `${d.span.start.line}:${d.span.start.column}` === c.at,
    );
    if (found.length === 0) {
      const got = r.diagnostics.map((d) => `${d.severity} ${d.span.start.line}:${d.span.start.column} ${d.message}`);
      throw new Error(`expected ${want} at ${c.at} containing ${String(c.message)}; got:\n${got.join('\n') || '(nothing)'}`);
    }
    expect(found[0].file).toBe('case.hstan');
    // Every diagnostic renders with a code frame pointing into the source.
    expect(formatDiagnostic(found[0], c.src, 'case.hstan')).toContain(`case.hstan:${c.at}: ${want}:`);
    // Warnings alone do not make a program fail.
    if (want === 'warning') expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});

describe('error recovery', () => {
  test('all errors of a program are reported, without cascades from ill-typed subexpressions', () => {
    const r = run(M('target += foo(mu) * y;', 'mu = 1;', 'y ~ normal(mus, sigma);'));
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.span.start.line)).toEqual([11, 12, 13]);
    expect(errors[0].message).toContain("Unknown function 'foo'");
  });

  test('a declaration with an undeclared size still declares the variable', () => {
    const r = run(M('vector[K] v;', 'target += sum(v);'));
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.message)).toEqual(["'K' is not declared."]);
  });

  test('diagnostics come out sorted by position', () => {
    const r = run(M('target += b;', 'target += a;'));
    const lines = r.diagnostics.map((d) => d.span.start.line);
    expect(lines).toEqual([...lines].sort((x, y) => x - y));
  });
});

describe('rewrites of removed forms', () => {
  test('increment_log_prob(e); becomes target += e;', () => {
    const r = run(M('increment_log_prob(normal_lpdf(mu | 0, 1));'));
    const model = r.program.blocks.find((b: ProgramBlock) => b.name === 'model')!;
    const s = model.items[0] as TargetPlus;
    expect(s.kind).toBe('TargetPlus');
    expect(s.expr.type).toEqual({ kind: 'real' });
  });

  test('if_else(c, a, b) becomes c ? a : b, and deprecated names resolve to the modern ones', () => {
    const r = run(M('target += if_else(N > 1, mu, 1.0) + fabs(mu) + normal_log(mu, 0, 1);'));
    const json = JSON.stringify(r.program);
    expect(json).toContain('"kind":"Conditional"');
    expect(json).toContain('"resolved":{"source":"builtin","name":"abs"');
    expect(json).toContain('"resolved":{"source":"builtin","name":"normal_lpdf"');
    expect(r.diagnostics.filter((d) => d.severity === 'warning').length).toBe(3);
  });

  test('foo_lupdf resolves to foo_lpdf', () => {
    const r = run(M('target += normal_lupdf(y | mu, sigma);'));
    expect(JSON.stringify(r.program)).toContain('"resolved":{"source":"builtin","name":"normal_lpdf"');
    expect(r.diagnostics).toEqual([]);
  });
});

describe('robustness', () => {
  test('every case is checked without throwing, also without a filename', () => {
    for (const c of Object.values(CASES)) {
      const parsed = parse(c.src);
      expect(() => check(parsed.ast as Program)).not.toThrow();
    }
  });

  test('checkSource reports syntax errors without type checking', () => {
    const r = checkSource('model { target += ; }', 'bad.hstan');
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(r.diagnostics.every((d) => d.code.startsWith('syntax') || d.severity !== 'error' || !d.code.startsWith('type'))).toBe(true);
    expect(r.symbols).toBeUndefined();
  });

  test('checkSource type-checks a program that parses', () => {
    const r = checkSource(M('mu = 1;'), 'ok.hstan');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['type/read-only']);
    expect(r.symbols?.byName.get('mu')?.block).toBe('parameters');
  });
});
