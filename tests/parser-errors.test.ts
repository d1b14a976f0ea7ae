// Broken programs: each must produce the expected syntax error (a message substring) at the
// expected line:column, nothing is thrown, and no AST is returned. Where a program has several
// independent mistakes, error recovery must find each of them, once.
import { parse } from '../src/frontend/parse.js';
import { formatDiagnostic } from '../src/frontend/diagnostic.js';

interface Case {
  name: string;
  source: string;
  message: string;
  at: string;
}

const cases: Case[] = [
  // --- statements and punctuation
  { name: 'missing semicolon', source: 'model {\n  y ~ normal(0, 1)\n  x = 3;\n}', message: "expected ';' after the statement", at: '2:19' },
  { name: 'missing semicolon after a declaration', source: 'data {\n  int N\n  real y;\n}', message: "expected ';' after the declaration", at: '2:8' },
  { name: 'missing semicolon before }', source: 'model {\n  x = 1\n}', message: "expected ';' after the statement", at: '2:8' },
  { name: 'missing ] of an index', source: 'model {\n  x = y[i;\n}', message: "missing ']' to close the index started at 2:8", at: '2:10' },
  { name: 'two indices without a comma', source: 'model {\n  x = y[i 2];\n}', message: "expected ',' or ']' in the index started at 2:8, but found '2'", at: '2:11' },
  { name: 'missing ) of a call', source: 'model {\n  x = f(a, b;\n}', message: "missing ')' to close the call to 'f' started at 2:8", at: '2:13' },
  { name: 'arguments without a comma', source: 'model {\n  y ~ normal(0 1);\n}', message: "expected ',' or ')' in the call to 'normal' started at 2:13, but found '1'", at: '2:16' },
  { name: 'missing ) of an if condition', source: 'model {\n  if (x > 0 {\n    y = 1;\n  }\n}', message: "missing ')' to close the condition of 'if' started at 2:6", at: '2:12' },
  { name: 'missing ( after if', source: 'model {\n  if x > 0) y = 1;\n}', message: "expected '(' after 'if'", at: '2:5' },
  { name: 'missing ( after for', source: 'model {\n  for i in 1:N) y[i] = 0;\n}', message: "expected '(' after 'for'", at: '2:6' },
  { name: 'missing in', source: 'model {\n  for (i 1:N) y[i] = 0;\n}', message: "expected 'in' after the loop variable 'i', but found '1'", at: '2:10' },
  { name: 'missing : of a conditional', source: 'model {\n  x = a ? b;\n}', message: "expected ':' to complete the conditional expression", at: '2:12' },
  { name: 'an operator with nothing after it', source: 'model {\n  x = 3 + ;\n}', message: "expected an expression after '+' but found ';'", at: '2:11' },
  { name: 'nothing after =', source: 'model {\n  x = ;\n}', message: "expected an expression after '=' but found ';'", at: '2:7' },
  { name: 'a reserved word in an expression', source: 'model {\n  x = lower + 1;\n}', message: "expected an expression after '=' but found 'lower' ('lower' is a reserved word)", at: '2:7' },
  { name: 'a stray )', source: 'model {\n  x = 1;\n  )\n}', message: "expected a statement but found ')'", at: '3:3' },
  { name: 'else without if', source: 'model {\n  x = 1;\n  else x = 2;\n}', message: "'else' without a matching 'if'", at: '3:3' },
  { name: 'removed <- assignment', source: 'model {\n  x <- 3;\n}', message: "'<-' was removed from Stan: use '=' for assignment", at: '2:5' },
  { name: '<- inside an expression', source: 'model {\n  if (x<-1) y = 1;\n}', message: "'<-' was removed from Stan: use '=' for assignment", at: '2:8' },
  { name: 'an expression that is not a statement', source: 'model {\n  x + 1;\n}', message: 'this expression is not a statement', at: '2:3' },
  { name: 'assignment to a call', source: 'model {\n  f(x) = 2;\n}', message: "cannot assign to this expression: the left side of '=' must be a variable", at: '2:3' },
  { name: 'assignment to a literal', source: 'model {\n  3 += x;\n}', message: "the left side of '+=' must be a variable", at: '2:3' },
  { name: "'|' in a tilde statement", source: 'model {\n  y ~ normal(mu | sigma);\n}', message: "a '~' statement lists the distribution's parameters without '|'", at: '2:17' },
  { name: 'no distribution after ~', source: 'model {\n  y ~ ;\n}', message: "expected a distribution name after '~', but found ';'", at: '2:7' },
  { name: 'bad truncation', source: 'model {\n  y ~ normal(0, 1) T[0];\n}', message: "expected ',' in the truncation", at: '2:23' },
  { name: 'bare target', source: 'model {\n  target = 1;\n}', message: "'target' is read with 'target()' and added to with 'target += ...'", at: '2:3' },
  { name: 'string outside print', source: 'model {\n  x = "text";\n}', message: 'a string can only be an argument of print, reject or fatal_error', at: '2:7' },
  { name: 'unterminated string', source: 'model {\n  print("oops);\n}', message: 'unterminated string', at: '2:9' },
  { name: 'profile without a name', source: 'model {\n  profile(p) { }\n}', message: 'expected the profile\'s name in quotes, like profile("name")', at: '2:11' },
  { name: 'empty row vector', source: 'model {\n  x = [ ];\n}', message: "'[ ]' is not a valid expression", at: '2:7' },
  { name: 'empty tuple slot', source: 'model {\n  x = (1, , 2);\n}', message: 'a tuple needs one element between each pair of commas', at: '2:7' },
  // --- blocks
  { name: 'misspelled block', source: 'data {\n  int N;\n}\nmodle {\n}', message: "unknown block 'modle' — did you mean 'model'?", at: '4:1' },
  { name: 'misspelled second word', source: 'transformed paramters {\n}', message: "unknown block 'transformed paramters' — did you mean 'transformed parameters'?", at: '1:1' },
  { name: 'unknown block with no close name', source: 'likelihood {\n}', message: "unknown block 'likelihood': the blocks are functions, data", at: '1:1' },
  {
    name: 'blocks out of order',
    source: 'parameters {\n  real mu;\n}\ndata {\n  int N;\n}',
    message:
      "blocks must come in the order functions, data, transformed data, parameters, transformed parameters, model, generated quantities: 'data' cannot follow 'parameters'",
    at: '4:1',
  },
  { name: 'block twice', source: 'model {\n}\nmodel {\n}', message: "there can be only one 'model' block; the first one is at 1:1", at: '3:1' },
  { name: 'unclosed block at end of file', source: 'data {\n  int N;\n}\nparameters {\n  real mu;\n}\nmodel {\n  mu ~ normal(0, 1);\n', message: "unexpected end of file: the 'model' block opened at 7:1 is not closed", at: '8:21' },
  { name: 'unclosed nested block at end of file', source: 'model {\n  for (i in 1:N) {\n    x = 1;\n', message: "unexpected end of file: the '{' opened at 2:18 is not closed", at: '3:11' },
  { name: 'unclosed block before the next block', source: 'data {\n  int N;\nparameters {\n  real mu;\n}', message: "missing '}' to close the 'data' block opened at 1:1", at: '2:9' },
  { name: 'statement outside any block', source: 'x = 3;\nmodel {\n}', message: 'expected a program block (functions, data, transformed data, parameters, transformed parameters, model, generated quantities) but found \'x\'', at: '1:1' },
  { name: 'a stray } at the top level', source: 'model {\n}\n}', message: "this '}' has no matching '{'", at: '3:1' },
  { name: 'transformed alone', source: 'transformed {\n}', message: "expected 'data' or 'parameters' after 'transformed', but found '{'", at: '1:13' },
  // --- declarations
  { name: 'reserved word as a variable', source: 'data {\n  real real;\n}', message: "'real' is a reserved word and cannot name a variable", at: '2:8' },
  { name: 'reserved word as a function', source: 'functions {\n  real for(real x) { return x; }\n}', message: "'for' is a reserved word and cannot name a function", at: '2:8' },
  { name: 'reserved word as an argument', source: 'functions {\n  real f(real lower) { return 1; }\n}', message: "'lower' is a reserved word and cannot name an argument", at: '2:15' },
  { name: 'reserved word as a loop variable', source: 'model {\n  for (in in 1:3) { }\n}', message: "'in' is a reserved word and cannot name a loop variable", at: '2:8' },
  { name: 'name ending in __', source: 'data {\n  int n__;\n}', message: "'n__' ends in '__'", at: '2:7' },
  { name: 'name starting with _', source: 'data {\n  int _n;\n}', message: "'_n' is not a valid name: names must start with a letter", at: '2:7' },
  { name: 'missing name', source: 'data {\n  real ;\n}', message: "expected a variable name but found ';'", at: '2:8' },
  { name: 'missing > of bounds', source: 'data {\n  real<lower=0 x;\n}', message: "missing '>' to close the bounds started at 2:7", at: '2:15' },
  { name: 'unknown bound keyword', source: 'data {\n  real<min=0> x;\n}', message: "expected 'lower', 'upper', 'offset' or 'multiplier' in the bounds, but found 'min'", at: '2:8' },
  { name: 'comparison inside bounds needs parentheses', source: 'data {\n  real<lower=a > b> x;\n}', message: "expected ';' after the declaration", at: '2:19' },
  { name: 'vector without a size', source: 'data {\n  vector x;\n}', message: "'vector' needs one size, like 'vector[N]'", at: '2:3' },
  { name: 'matrix with one size', source: 'data {\n  matrix[3] m;\n}', message: "'matrix' needs two sizes, like 'matrix[N, M]'", at: '2:9' },
  { name: 'sized real', source: 'data {\n  real[3] r;\n}', message: "'real' takes no size; for an array write 'array[N] real'", at: '2:7' },
  { name: 'bounds on a constrained type', source: 'parameters {\n  simplex<lower=0>[3] s;\n}', message: "'simplex' cannot have bounds", at: '2:10' },
  { name: 'offset on an int', source: 'data {\n  int<offset=1> k;\n}', message: "'int' can only have 'lower' and 'upper' bounds", at: '2:6' },
  { name: 'bound given twice', source: 'data {\n  real<lower=0, lower=1> q;\n}', message: "'lower' is given twice", at: '2:17' },
  { name: 'mixed bound kinds', source: 'parameters {\n  real<lower=0, offset=1> q;\n}', message: "bounds cannot mix 'lower'/'upper' with 'offset'/'multiplier'", at: '2:7' },
  { name: 'one-element tuple type', source: 'data {\n  tuple(real) t;\n}', message: "a tuple needs at least two elements (write '(x, )' for a one-element tuple)", at: '2:3' },
  { name: 'array dims twice', source: 'data {\n  array[2] real y[3];\n}', message: "'y' has sizes both in 'array[...]' and after its name", at: '2:18' },
  { name: 'type missing after array dims', source: 'data {\n  array[2] x;\n}', message: "expected a type but found 'x'", at: '2:12' },
  { name: 'function body missing', source: 'functions {\n  real f(real x) return x;\n}', message: "expected '{' or ';' after the function's argument list, but found 'return'", at: '2:18' },
  { name: 'statement in the functions block', source: 'functions {\n  x = 1;\n}', message: "expected a function definition but found 'x'", at: '2:3' },
  { name: 'missing ) of a parameter list', source: 'functions {\n  real f(real x {\n    return x;\n  }\n}', message: "missing ')' to close the call to 'f' started at 2:9", at: '2:16' },
  // --- lexical
  { name: 'number with two points', source: 'model {\n  x = 1.2.3;\n}', message: "a number like '1.2.3' is not valid", at: '2:7' },
  { name: 'number glued to a name', source: 'model {\n  x = 2x;\n}', message: "a number like '2x' is not valid", at: '2:7' },
  { name: 'exponent without digits', source: 'model {\n  x = 1e;\n}', message: "a number like '1e' is not valid", at: '2:7' },
  { name: 'integer too large', source: 'model {\n  x = 3000000000;\n}', message: "the integer '3000000000' is too large", at: '2:7' },
  { name: 'bad character @', source: 'model {\n  x = a @ b;\n}', message: "unexpected character '@'", at: '2:9' },
  { name: 'bad character $', source: 'model {\n  $x = 1;\n}', message: "unexpected character '$'", at: '2:3' },
  { name: 'non-ASCII name', source: 'model {\n  σ = 1;\n}', message: "unexpected character 'σ'", at: '2:3' },
  { name: 'unterminated comment', source: 'model {\n  /* never closed\n  x = 1;\n}', message: 'unterminated comment started at 2:3', at: '2:3' },
  { name: 'include without a file', source: '#include\nmodel {\n}', message: "'#include' needs a file name", at: '1:1' },
];

function errorsOf(source: string) {
  const r = parse(source, { filename: 'broken.stan' });
  return { ast: r.ast, errors: r.diagnostics.filter((d) => d.severity === 'error') };
}

describe('syntax errors name the problem and its place', () => {
  test('there are at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  test.each(cases)('$name', ({ source, message, at }) => {
    const { ast, errors } = errorsOf(source);
    expect(ast).toBeUndefined();
    expect(errors.length).toBeGreaterThanOrEqual(1);
    const first = errors[0];
    expect(first.message).toContain(message);
    expect(`${first.span.start.line}:${first.span.start.column}`).toBe(at);
    expect(first.file).toBe('broken.stan');
    expect(first.code).toMatch(/^syntax\//);
  });

  test('one mistake gives one error', () => {
    for (const c of cases) {
      if (c.name === 'blocks out of order') continue; // checked separately below
      const { errors } = errorsOf(c.source);
      expect([c.name, errors.length]).toEqual([c.name, 1]);
    }
  });
});

describe('recovery finds every independent mistake', () => {
  test.each([
    {
      name: 'three broken statements in one block',
      source: 'model {\n  x = ;\n  y ~ normal(0 1);\n  z = 3\n  w = 4;\n}',
      expected: ['2:7', '3:16', '4:8'],
    },
    {
      name: 'errors in different blocks',
      source: 'data {\n  real real;\n}\nparameters {\n  real<lower=0 sigma;\n}\nmodel {\n  sigma ~ normal(0, 1)\n}',
      expected: ['2:8', '5:15', '8:23'],
    },
    {
      name: 'a broken statement inside a loop body and one after the loop',
      source: 'model {\n  for (i in 1:N) {\n    y[i] = ;\n  }\n  x = 3 *;\n}',
      expected: ['3:12', '5:10'],
    },
    {
      name: 'an unknown block does not hide errors in the next one',
      source: 'modle {\n}\ngenerated quantities {\n  real x = ;\n}',
      expected: ['1:1', '4:12'],
    },
    {
      name: 'a lexical error and a syntax error in different statements',
      source: 'model {\n  x = 1.2.3;\n  y = (2;\n}',
      expected: ['2:7', '3:9'],
    },
    {
      name: 'missing semicolons on consecutive lines',
      source: 'model {\n  a = 1\n  b = 2\n  c = 3;\n}',
      expected: ['2:8', '3:8'],
    },
    {
      name: 'errors in two function definitions',
      source: 'functions {\n  real f(real x { return x; }\n  real g(real y) { return y + ; }\n}\nmodel {\n}',
      expected: ['2:16', '3:31'],
    },
    {
      name: 'blocks out of order and a bad statement',
      source: 'model {\n  x = 1;\n}\ndata {\n  int N\n}',
      expected: ['4:1', '5:8'],
    },
  ])('$name', ({ source, expected }) => {
    const { errors } = errorsOf(source);
    expect(errors.map((d) => `${d.span.start.line}:${d.span.start.column}`)).toEqual(expected);
  });

  test('a long run of garbage inside a statement is one error', () => {
    const { errors } = errorsOf('model {\n  x = 1 + + * / ) ( ] [ 2 3 4;\n  y = 2;\n}');
    expect(errors).toHaveLength(1);
  });
});

describe('formatted errors', () => {
  test('show file, line, column, the source line and a caret', () => {
    const source = 'model {\n  x = y[i;\n}';
    const r = parse(source, { filename: 'm.stan' });
    expect(formatDiagnostic(r.diagnostics[0], source, 'm.stan')).toBe(
      ["m.stan:2:10: error: missing ']' to close the index started at 2:8", '2 |   x = y[i;', '  |          ^'].join('\n'),
    );
  });

  test('an unexpected end of file points after the last token', () => {
    const source = 'model {\n  x = 1;';
    const r = parse(source);
    expect(formatDiagnostic(r.diagnostics[0], source, 'm.stan')).toBe(
      ["m.stan:2:9: error: unexpected end of file: the 'model' block opened at 1:1 is not closed", '2 |   x = 1;', '  |         ^'].join('\n'),
    );
  });

  test('a comparison inside bounds gets a hint about parentheses', () => {
    const r = parse('data {\n  real<lower=a > b> x;\n}');
    expect(r.diagnostics[0].notes).toEqual([
      "inside '<lower=..., upper=...>' the first '>' ends the bounds: put comparisons in parentheses, like <lower=(a > b)>",
    ]);
  });
});
