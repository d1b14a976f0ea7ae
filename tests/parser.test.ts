// The .hstan parser on valid programs: every fixture and example parses cleanly, and each
// construct of the Stan language produces the AST the reference manual's grammar and operator
// precedence table call for. Expected trees are written out by hand from the manual.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '../src/frontend/parse.js';
import type * as A from '../src/frontend/ast.js';

const here = dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------
// Helpers

function parseOk(source: string): A.Program {
  const r = parse(source);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !r.ast) {
    throw new Error(`unexpected errors:\n${errors.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.message}`).join('\n')}`);
  }
  return r.ast;
}

/** Statements of the model block of `model { ... }`. */
function modelStmts(body: string): A.Stmt[] {
  const program = parseOk(`model {\n${body}\n}\n`);
  return program.blocks[0].items as A.Stmt[];
}

/** The right-hand side of `x = <expr>;`. */
function exprOf(text: string): A.Expr {
  const [s] = modelStmts(`x = ${text};`);
  if (s.kind !== 'Assign') throw new Error(`not an assignment: ${s.kind}`);
  return s.value;
}

/** Fully parenthesised rendering, independent of the parser, to state expected trees compactly. */
function show(e: A.Expr): string {
  switch (e.kind) {
    case 'IntLiteral':
    case 'RealLiteral':
    case 'ImagLiteral':
    case 'StringLiteral':
      return e.text;
    case 'Variable':
      return e.name;
    case 'Unary':
      return `(${e.op}${show(e.operand)})`;
    case 'Binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'Conditional':
      return `(${show(e.condition)} ? ${show(e.then)} : ${show(e.otherwise)})`;
    case 'Transpose':
      return `${show(e.operand)}'`;
    case 'Indexed':
      return `${show(e.target)}[${e.indices.map(showIndex).join(', ')}]`;
    case 'Call':
      return e.conditional
        ? `${e.name}(${show(e.args[0])} | ${e.args.slice(1).map(show).join(', ')})`
        : `${e.name}(${e.args.map(show).join(', ')})`;
    case 'ArrayExpr':
      return `{${e.elements.map(show).join(', ')}}`;
    case 'RowVectorExpr':
      return `[${e.elements.map(show).join(', ')}]`;
    case 'TupleExpr':
      return `tuple(${e.elements.map(show).join(', ')})`;
    case 'TupleProjection':
      return `${show(e.target)}.${e.index}`;
    case 'Paren':
      return `paren(${show(e.expr)})`;
  }
}

function showIndex(i: A.Index): string {
  if (i.kind === 'Single') return show(i.expr);
  return `${i.lower ? show(i.lower) : ''}:${i.upper ? show(i.upper) : ''}`;
}

/** Drop spans and legacy markers so trees from different spellings can be compared. */
function strip(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(strip);
  if (x === null || typeof x !== 'object') return x;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) {
    if (k === 'span' || k.endsWith('Span') || k === 'legacyArray') continue;
    out[k] = strip(v);
  }
  return out;
}

function filesUnder(dir: string, exts: string[]): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, exts);
    return exts.some((e) => name.endsWith(e)) ? [path] : [];
  });
}

// ---------------------------------------------------------------------------
// Whole programs

describe('whole programs parse without errors', () => {
  const fixtureDir = join(here, 'fixtures', 'logprob');
  const fixtures = readdirSync(fixtureDir).filter((f) => f.endsWith('.json'));

  test('there are fixture models', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  test.each(fixtures)('fixture %s', (file) => {
    const { model } = JSON.parse(readFileSync(join(fixtureDir, file), 'utf8')) as { model: string };
    const r = parse(model, { filename: file });
    expect(r.diagnostics).toEqual([]);
    expect(r.ast?.blocks.length).toBeGreaterThan(0);
  });

  const examples = [
    ...filesUnder(join(here, '..', 'examples'), ['.stan', '.hstan']),
    ...filesUnder(join(here, 'fixtures'), ['.stan', '.hstan']),
  ];
  test.each(examples.length > 0 ? examples : ['(none)'])('example or fixture file %s', (path) => {
    if (path === '(none)') return; // no examples checked in yet; the glob above still ran
    const r = parse(readFileSync(path, 'utf8'), { filename: path });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.ast).toBeDefined();
  });

  test('an empty program parses to no blocks', () => {
    const p = parseOk('');
    expect(p.blocks).toEqual([]);
    expect(p.span.end.offset).toBe(0);
  });

  test('all seven blocks, in order, with the two-word names', () => {
    const p = parseOk(`functions { }
data { }
transformed data { }
parameters { }
transformed
  parameters { }
model { }
generated quantities { }`);
    expect(p.blocks.map((b) => b.name)).toEqual([
      'functions',
      'data',
      'transformed data',
      'parameters',
      'transformed parameters',
      'model',
      'generated quantities',
    ]);
    expect(p.blocks[4].span.start).toEqual({ offset: 59, line: 5, column: 1 });
  });
});

// ---------------------------------------------------------------------------
// Expressions

describe('operator precedence and associativity (reference manual table)', () => {
  test.each([
    ["a + b * c ^ d'", "(a + (b * (c ^ d')))"],
    ['-a^2', '(-(a ^ 2))'],
    ['a ? b : c ? d : e', '(a ? b : (c ? d : e))'],
    ['a || b && c == d < e + f * g \\ h', '(a || (b && (c == (d < (e + (f * (g \\ h)))))))'],
    ['a \\ b * c', '((a \\ b) * c)'],
    ['a * b \\ c', '(a * (b \\ c))'],
    ['a %/% b * c', '((a %/% b) * c)'],
    ['a * b %/% c', '(a * (b %/% c))'],
    ['a % b / c', '((a % b) / c)'],
    ['a .* b ./ c * d', '(((a .* b) ./ c) * d)'],
    ['a - b - c', '((a - b) - c)'],
    ['a / b * c', '((a / b) * c)'],
    ['a ^ b ^ c', '(a ^ (b ^ c))'],
    ['a .^ b ^ c', '(a .^ (b ^ c))'],
    ['a ^ -b', '(a ^ (-b))'],
    ['-a ^ -b ^ c', '(-(a ^ (-(b ^ c))))'],
    ["-a'", "(-a')"],
    ["a'^b", "(a' ^ b)"],
    ['!a == b', '((!a) == b)'],
    ['!!a', '(!(!a))'],
    ['- -1', '(-(-1))'],
    ['+a - b', '((+a) - b)'],
    ['a < b == c > d', '((a < b) == (c > d))'],
    ['a <= b && c >= d || e != f', '(((a <= b) && (c >= d)) || (e != f))'],
    ['a || b || c', '((a || b) || c)'],
    ['a && b ? c + d : e - f', '((a && b) ? (c + d) : (e - f))'],
    ['a ? b ? c : d : e', '(a ? (b ? c : d) : e)'],
    ['2 * x + 3 * - y', '((2 * x) + (3 * (-y)))'],
    ["(y - mu)' * Sigma * (y - mu)", "((paren((y - mu))' * Sigma) * paren((y - mu)))"],
    ["u * v'", "(u * v')"],
    ['-x[1]', '(-x[1])'],
    ['a * x[1] ^ 2', '(a * (x[1] ^ 2))'],
    ['f(a)[1]\'', "f(a)[1]'"],
  ])('%s', (source, expected) => {
    expect(show(exprOf(source))).toBe(expected);
  });
});

describe('literals', () => {
  test.each([
    ['10', 'IntLiteral', 10],
    ['0', 'IntLiteral', 0],
    ['1_000_000', 'IntLiteral', 1000000],
    ['1e-3', 'RealLiteral', 0.001],
    ['.5', 'RealLiteral', 0.5],
    ['2.', 'RealLiteral', 2],
    ['1E+5', 'RealLiteral', 100000],
    ['3.25e2', 'RealLiteral', 325],
    ['.5e1', 'RealLiteral', 5],
    ['2i', 'ImagLiteral', 2],
    ['1.5i', 'ImagLiteral', 1.5],
    ['1e10i', 'ImagLiteral', 1e10],
  ])('%s is %s %d', (text, kind, value) => {
    const e = exprOf(text);
    expect(e.kind).toBe(kind);
    expect((e as A.IntLiteral).value).toBe(value);
    expect((e as A.IntLiteral).text).toBe(text);
  });

  test('2.*x is the real 2. times x, as in stanc', () => {
    expect(show(exprOf('2.*x'))).toBe('(2. * x)');
  });

  test('a complex number written as a sum', () => {
    expect(show(exprOf('1 + 2i'))).toBe('(1 + 2i)');
  });

  test('strings in print keep their text and contents', () => {
    const [s] = modelStmts('print("mu = ", mu, "!");');
    expect(s.kind).toBe('Print');
    const args = (s as A.Print).args;
    expect(args.map((a) => a.kind)).toEqual(['StringLiteral', 'Variable', 'StringLiteral']);
    expect((args[0] as A.StringLiteral).value).toBe('mu = ');
    expect((args[0] as A.StringLiteral).text).toBe('"mu = "');
  });
});

describe('indexing, calls, containers, tuples', () => {
  test('x[1:, :3, i] has a lower slice, an upper slice and a single index', () => {
    const e = exprOf('x[1:, :3, i]') as A.Indexed;
    expect(e.kind).toBe('Indexed');
    expect(e.indices.map((i) => i.kind)).toEqual(['Slice', 'Slice', 'Single']);
    const [a, b, c] = e.indices as [A.Index & { kind: 'Slice' }, A.Index & { kind: 'Slice' }, A.Index & { kind: 'Single' }];
    expect(a.lower && show(a.lower)).toBe('1');
    expect(a.upper).toBeUndefined();
    expect(b.lower).toBeUndefined();
    expect(b.upper && show(b.upper)).toBe('3');
    expect(show(c.expr)).toBe('i');
  });

  test.each([
    ['x[a:b]', 'x[a:b]'],
    ['x[:]', 'x[:]'],
    ['x[]', 'x[:]'],
    ['x[, 1]', 'x[:, 1]'],
    ['x[i][j]', 'x[i][j]'],
    ['x[i, j][k]', 'x[i, j][k]'],
    ['x[idx]', 'x[idx]'],
    ['x[c ? 1 : 2]', 'x[(c ? 1 : 2)]'],
    ['x[n - 1:n + 1]', 'x[(n - 1):(n + 1)]'],
  ])('%s', (source, expected) => {
    expect(show(exprOf(source))).toBe(expected);
  });

  test('chained indexing nests Indexed nodes', () => {
    const e = exprOf('x[i][j]') as A.Indexed;
    expect(e.kind).toBe('Indexed');
    expect(e.target.kind).toBe('Indexed');
    expect(((e.target as A.Indexed).target as A.Variable).name).toBe('x');
  });

  test.each([
    ['normal_lpdf(y | mu, sigma)', 'normal_lpdf(y | mu, sigma)', true],
    ['normal_lupdf(y | mu, sigma)', 'normal_lupdf(y | mu, sigma)', true],
    ['poisson_lpmf(n | 3)', 'poisson_lpmf(n | 3)', true],
    ['poisson_lupmf(n | 3)', 'poisson_lupmf(n | 3)', true],
    ['normal_lcdf(y | 0, 1)', 'normal_lcdf(y | 0, 1)', true],
    ['normal_lccdf(y | 0, 1)', 'normal_lccdf(y | 0, 1)', true],
    ['normal_cdf(y | 0, 1)', 'normal_cdf(y | 0, 1)', true],
    ['std_normal_lpdf(y|)', 'std_normal_lpdf(y | )', true],
    ['f()', 'f()', false],
    ['f(a, b + c)', 'f(a, (b + c))', false],
    ['get_lp()', 'get_lp()', false],
    ['target()', 'target()', false],
  ])('call %s', (source, expected, conditional) => {
    const e = exprOf(source) as A.Call;
    expect(e.kind).toBe('Call');
    expect(show(e)).toBe(expected);
    expect(e.conditional).toBe(conditional);
  });

  test('call nameSpan points at the name', () => {
    const e = exprOf('foo(1)') as A.Call;
    expect(e.nameSpan.start).toEqual({ offset: 12, line: 2, column: 5 });
    expect(e.nameSpan.end.column).toBe(8);
    expect(e.span.end.column).toBe(11);
  });

  test.each([
    ['{1, 2, 3}', '{1, 2, 3}'],
    ['{{1, 2}, {3, 4}}', '{{1, 2}, {3, 4}}'],
    ['[1, 2.5, x]', '[1, 2.5, x]'],
    ['[[1, 2], [3, 4]]', '[[1, 2], [3, 4]]'],
    ["[1, 2]'", "[1, 2]'"],
    ['(a, b)', 'tuple(a, b)'],
    ['(1, (2, 3))', 'tuple(1, tuple(2, 3))'],
    ['(3.14, )', 'tuple(3.14)'],
    ['(a)', 'paren(a)'],
    ['x.1', 'x.1'],
    ['x.1.2', 'x.1.2'],
    ['x[1].2', 'x[1].2'],
    ['(1, 2).2', 'tuple(1, 2).2'],
  ])('%s', (source, expected) => {
    expect(show(exprOf(source))).toBe(expected);
  });
});

// ---------------------------------------------------------------------------
// Statements

describe('statements', () => {
  test.each(['=', '+=', '-=', '*=', '/=', '.*=', './='])('assignment %s', (op) => {
    const [s] = modelStmts(`x[1] ${op} y;`);
    expect(s.kind).toBe('Assign');
    expect((s as A.Assign).op).toBe(op);
    expect(show((s as A.Assign).target)).toBe('x[1]');
  });

  test('assignment to a tuple element and tuple unpacking', () => {
    const [a, b] = modelStmts('x.1 = 2;\n(u, v) = f();');
    expect(show((a as A.Assign).target)).toBe('x.1');
    expect(show((b as A.Assign).target)).toBe('tuple(u, v)');
  });

  test('tilde with each truncation form', () => {
    const stmts = modelStmts(`y ~ normal(mu, sigma);
y ~ normal(mu, sigma) T[a, b];
y ~ normal(mu, sigma) T[a, ];
y ~ normal(mu, sigma) T[, b];
y ~ normal(mu, sigma) T[ , ];`) as A.Tilde[];
    expect(stmts.map((s) => s.kind)).toEqual(['Tilde', 'Tilde', 'Tilde', 'Tilde', 'Tilde']);
    expect(stmts[0].truncation).toBeUndefined();
    expect(stmts.slice(1).map((s) => [s.truncation?.lower && show(s.truncation.lower), s.truncation?.upper && show(s.truncation.upper)])).toEqual([
      ['a', 'b'],
      ['a', undefined],
      [undefined, 'b'],
      [undefined, undefined],
    ]);
    expect(stmts[0].distribution).toBe('normal');
    expect(stmts[0].args.map(show)).toEqual(['mu', 'sigma']);
    expect(stmts[0].distributionSpan.start).toEqual({ offset: 12, line: 2, column: 5 });
  });

  test('the left of ~ may be any expression', () => {
    const [s] = modelStmts('log(y) - mu ~ std_normal();') as A.Tilde[];
    expect(show(s.lhs)).toBe('(log(y) - mu)');
    expect(s.args).toEqual([]);
  });

  test('T as an ordinary variable is not a truncation', () => {
    const [a, b] = modelStmts('T = 3;\ny ~ normal(T, 1);');
    expect(show((a as A.Assign).target)).toBe('T');
    expect((b as A.Tilde).truncation).toBeUndefined();
  });

  test('target += and jacobian +=', () => {
    const [t, j] = modelStmts('target += normal_lpdf(y | 0, 1);\njacobian += log(sigma);');
    expect(t.kind).toBe('TargetPlus');
    expect(show((t as A.TargetPlus).expr)).toBe('normal_lpdf(y | 0, 1)');
    expect(j.kind).toBe('JacobianPlus');
    expect(show((j as A.JacobianPlus).expr)).toBe('log(sigma)');
  });

  test('for loops over a range and over a container', () => {
    const [f, e] = modelStmts('for (i in 1:N) y[i] ~ normal(0, 1);\nfor (x in xs) { s += x; }');
    expect(f.kind).toBe('For');
    const loop = f as A.For;
    expect([loop.variable, show(loop.lower), show(loop.upper), loop.body.kind]).toEqual(['i', '1', 'N', 'Tilde']);
    expect(e.kind).toBe('ForEach');
    const each = e as A.ForEach;
    expect([each.variable, show(each.collection), each.body.kind]).toEqual(['x', 'xs', 'Block']);
  });

  test('if / else if / else chains, and else binds to the nearest if', () => {
    const [s] = modelStmts('if (a) x = 1; else if (b) x = 2; else x = 3;');
    const outer = s as A.If;
    expect(show(outer.condition)).toBe('a');
    expect(outer.otherwise?.kind).toBe('If');
    const inner = outer.otherwise as A.If;
    expect(show(inner.condition)).toBe('b');
    expect(inner.otherwise?.kind).toBe('Assign');
    const [d] = modelStmts('if (a) if (b) x = 1; else x = 2;');
    expect((d as A.If).otherwise).toBeUndefined();
    expect(((d as A.If).then as A.If).otherwise?.kind).toBe('Assign');
  });

  test('while, break, continue, return, print, reject, fatal_error, blocks, profile, calls, empty', () => {
    const stmts = modelStmts(`while (k < 10) { k += 1; if (k > 5) break; continue; }
print("k = ", k);
reject("bad value ", k);
fatal_error("stop");
{ real z = 1; z = 2; }
profile("likelihood") { y ~ normal(0, 1); }
foo(1, 2);
increment_log_prob(-1);
;`);
    expect(stmts.map((s) => s.kind)).toEqual([
      'While', 'Print', 'Reject', 'FatalError', 'Block', 'Profile', 'CallStmt', 'CallStmt', 'Empty',
    ]);
    const body = (stmts[0] as A.While).body as A.Block;
    expect(body.statements.map((s) => s.kind)).toEqual(['Assign', 'If', 'Continue']);
    expect(((body.statements[1] as A.If).then).kind).toBe('Break');
    expect((stmts[5] as A.Profile).name).toBe('likelihood');
    expect((stmts[6] as A.CallStmt).call.name).toBe('foo');
    expect((stmts[7] as A.CallStmt).call.name).toBe('increment_log_prob');
    const fn = parseOk('functions { void f() { return; } real g() { return 1; } }').blocks[0].items as A.FunctionDef[];
    expect(fn[0].body?.statements[0]).toMatchObject({ kind: 'Return' });
    expect((fn[0].body?.statements[0] as A.Return).value).toBeUndefined();
    expect(show((fn[1].body?.statements[0] as A.Return).value!)).toBe('1');
  });

  test('declarations may follow statements, also in nested blocks', () => {
    const stmts = modelStmts('x = 1;\nreal y = x;\n{ y = 2; vector[2] v; }');
    expect(stmts.map((s) => s.kind)).toEqual(['Assign', 'VarDecl', 'Block']);
    expect((stmts[2] as A.Block).statements.map((s) => s.kind)).toEqual(['Assign', 'VarDecl']);
  });

  test('statement spans run from the first token to the semicolon', () => {
    const [s] = modelStmts('  y ~ normal(0, 1);');
    expect(s.span.start).toEqual({ offset: 10, line: 2, column: 3 });
    expect(s.span.end).toEqual({ offset: 27, line: 2, column: 20 });
  });
});

// ---------------------------------------------------------------------------
// Declarations

function declsOf(block: string, body: string): A.VarDecl[] {
  return parseOk(`${block} {\n${body}\n}\n`).blocks[0].items as A.VarDecl[];
}

describe('declarations', () => {
  test('every base type with its sizes', () => {
    const decls = declsOf(
      'data',
      `int n;
real r;
complex z;
vector[N] v;
row_vector[N] rv;
matrix[N, M] m;
complex_vector[N] cv;
complex_row_vector[N] crv;
complex_matrix[N, M] cm;`,
    );
    expect(decls.map((d) => [d.type.base, d.type.sizes.map(show), d.name])).toEqual([
      ['int', [], 'n'],
      ['real', [], 'r'],
      ['complex', [], 'z'],
      ['vector', ['N'], 'v'],
      ['row_vector', ['N'], 'rv'],
      ['matrix', ['N', 'M'], 'm'],
      ['complex_vector', ['N'], 'cv'],
      ['complex_row_vector', ['N'], 'crv'],
      ['complex_matrix', ['N', 'M'], 'cm'],
    ]);
  });

  test('every constrained type', () => {
    const decls = declsOf(
      'parameters',
      `simplex[K] a;
sum_to_zero_vector[K] b;
sum_to_zero_matrix[K, J] c;
ordered[K] d;
positive_ordered[K] e;
unit_vector[K] f;
cholesky_factor_corr[K] g;
cholesky_factor_cov[K] h;
cholesky_factor_cov[K, J] i;
corr_matrix[K] j;
cov_matrix[K] k;
column_stochastic_matrix[K, J] l;
row_stochastic_matrix[K, J] m;`,
    );
    expect(decls.map((d) => `${d.type.base}[${d.type.sizes.map(show).join(',')}]`)).toEqual([
      'simplex[K]',
      'sum_to_zero_vector[K]',
      'sum_to_zero_matrix[K,J]',
      'ordered[K]',
      'positive_ordered[K]',
      'unit_vector[K]',
      'cholesky_factor_corr[K]',
      'cholesky_factor_cov[K]',
      'cholesky_factor_cov[K,J]',
      'corr_matrix[K]',
      'cov_matrix[K]',
      'column_stochastic_matrix[K,J]',
      'row_stochastic_matrix[K,J]',
    ]);
  });

  test('bounds: lower, upper, either order, offset and multiplier', () => {
    const decls = declsOf(
      'parameters',
      `real<lower=0> a;
real<upper=1> b;
real<lower=-1, upper=1> c;
real<upper=u, lower=l> d;
vector<lower=0>[N] e;
real<offset=mu, multiplier=sigma> f;
real<multiplier=2> g;
matrix<lower=0, upper=1>[2, 3] h;
int<lower=0, upper=N> i;`,
    );
    const b = (d: A.VarDecl) => {
      const x = d.type.bounds!;
      return [x.lower, x.upper, x.offset, x.multiplier].map((v) => (v ? show(v) : '-')).join(' ');
    };
    expect(decls.map(b)).toEqual([
      '0 - - -',
      '- 1 - -',
      '(-1) 1 - -',
      'l u - -',
      '0 - - -',
      '- - mu sigma',
      '- - - 2',
      '0 1 - -',
      '0 N - -',
    ]);
    expect(decls[4].type.sizes.map(show)).toEqual(['N']);
  });

  test('a bound is arithmetic: > closes it, parentheses allow comparisons', () => {
    const [a, b] = declsOf('parameters', 'real<lower=a * 2 + b[1] ^ 2, upper=max(x)> a;\nreal<lower=(c > 1 ? 0 : 1)> b;');
    expect(show(a.type.bounds!.lower!)).toBe('((a * 2) + (b[1] ^ 2))');
    expect(show(a.type.bounds!.upper!)).toBe('max(x)');
    expect(show(b.type.bounds!.lower!)).toBe('paren(((c > 1) ? 0 : 1))');
  });

  test('arrays, initial values, several names in one declaration', () => {
    const decls = declsOf(
      'transformed data',
      `array[N] real y;
array[N, M] int<lower=0> z = rep_array(0, N, M);
real a = 1, b, c = a + 1;
array[2] vector[3] vs;`,
    );
    expect(decls.map((d) => [d.name, d.arrayDims.map(show), d.type.base, d.init ? show(d.init) : null])).toEqual([
      ['y', ['N'], 'real', null],
      ['z', ['N', 'M'], 'int', 'rep_array(0, N, M)'],
      ['a', [], 'real', '1'],
      ['b', [], 'real', null],
      ['c', [], 'real', '(a + 1)'],
      ['vs', ['2'], 'vector', null],
    ]);
    // Each declared name gets its own type object.
    expect(decls[2].type).not.toBe(decls[3].type);
  });

  test('tuples, nested and with array elements', () => {
    const [t, u, v] = declsOf(
      'data',
      'tuple(real, array[2] int) x;\narray[3] tuple(real<lower=0>, tuple(int, vector[2])) y;\ntuple(real, ) z;',
    );
    expect(t.type.base).toBe('tuple');
    expect(t.type.elements!.map((e) => [e.type.base, e.arrayDims.map(show)])).toEqual([
      ['real', []],
      ['int', ['2']],
    ]);
    expect(u.arrayDims.map(show)).toEqual(['3']);
    expect(u.type.elements![0].type.bounds!.lower).toBeDefined();
    expect(u.type.elements![1].type.elements!.map((e) => e.type.base)).toEqual(['int', 'vector']);
    expect(v.type.elements!.length).toBe(1);
  });

  test('legacy array declarations give the same AST as the modern form, with a warning', () => {
    const legacy = parse(`data {
  real y[N];
  real<lower=0> sigma[J];
  vector[K] beta[J];
  int y2[N, M];
}`);
    const modern = parse(`data {
  array[N] real y;
  array[J] real<lower=0> sigma;
  array[J] vector[K] beta;
  array[N, M] int y2;
}`);
    expect(legacy.ast).toBeDefined();
    expect(strip(legacy.ast!.blocks)).toEqual(strip(modern.ast!.blocks));
    expect((legacy.ast!.blocks[0].items as A.VarDecl[]).every((d) => d.legacyArray === true)).toBe(true);
    expect((modern.ast!.blocks[0].items as A.VarDecl[]).some((d) => d.legacyArray)).toBe(false);
    expect(legacy.diagnostics.map((d) => [d.severity, d.span.start.line, d.message])).toEqual([
      ['warning', 2, '`real y[N]` is the removed array syntax; write `array[N] real y`'],
      ['warning', 3, '`real<lower=0> sigma[J]` is the removed array syntax; write `array[J] real<lower=0> sigma`'],
      ['warning', 4, '`vector[K] beta[J]` is the removed array syntax; write `array[J] vector[K] beta`'],
      ['warning', 5, '`int y2[N, M]` is the removed array syntax; write `array[N, M] int y2`'],
    ]);
    expect(modern.diagnostics).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Functions

describe('function definitions', () => {
  test('forward declarations, data qualifiers, void, unsized and tuple argument types', () => {
    const fns = parseOk(`functions {
  real f(data real x, array[,] real y, vector v, tuple(real, array[] int) t);
  void g(matrix m) { }
  array[] vector h(data array[] int n, complex_matrix c);
  tuple(real, vector) k(row_vector r) { return (1, r'); }
}`).blocks[0].items as A.FunctionDef[];
    expect(fns.map((f) => [f.name, f.body === undefined])).toEqual([
      ['f', true],
      ['g', false],
      ['h', true],
      ['k', false],
    ]);
    const f = fns[0];
    expect(f.returnType).toMatchObject({ base: 'real', arrayDims: 0 });
    expect(f.params.map((p) => [p.dataOnly, p.type.base, p.type.arrayDims, p.name])).toEqual([
      [true, 'real', 0, 'x'],
      [false, 'real', 2, 'y'],
      [false, 'vector', 0, 'v'],
      [false, 'tuple', 0, 't'],
    ]);
    expect(f.params[3].type.elements!.map((e) => [e.base, e.arrayDims])).toEqual([
      ['real', 0],
      ['int', 1],
    ]);
    expect(fns[1].returnType).toBeNull();
    expect(fns[2].returnType).toMatchObject({ base: 'vector', arrayDims: 1 });
    expect(fns[3].returnType).toMatchObject({ base: 'tuple' });
  });

  test('legacy real[] argument types mean array[] real, with a warning', () => {
    const legacy = parse('functions { real[] f(real[,] x, int[] n) { return x[1]; } }');
    const modern = parse('functions { array[] real f(array[,] real x, array[] int n) { return x[1]; } }');
    expect(strip(legacy.ast!.blocks)).toEqual(strip(modern.ast!.blocks));
    const fn = legacy.ast!.blocks[0].items[0] as A.FunctionDef;
    expect(fn.params.map((p) => p.type.legacyArray)).toEqual([true, true]);
    expect(legacy.diagnostics.map((d) => d.message)).toEqual([
      '`real[]` is the removed array syntax; write `array[] real`',
      '`real[,] x` is the removed array syntax; write `array[,] real x`',
      '`int[] n` is the removed array syntax; write `array[] int n`',
    ]);
  });
});

// ---------------------------------------------------------------------------
// Comments and includes

describe('comments and includes', () => {
  test('every comment is collected in order with its kind and span', () => {
    const p = parseOk(`// head
data {
  int N; /* size */
  /* multi
     line */
}
// tail`);
    expect(p.comments.map((c) => [c.kind, c.text, c.span.start.line, c.span.start.column])).toEqual([
      ['line', '// head', 1, 1],
      ['block', '/* size */', 3, 10],
      ['block', '/* multi\n     line */', 4, 3],
      ['line', '// tail', 7, 1],
    ]);
    expect(p.comments[2].span.end).toEqual({ offset: 58, line: 5, column: 13 });
  });

  test('a # comment is kept but warned about', () => {
    const r = parse('# old comment\nmodel { }');
    expect(r.ast?.comments.map((c) => c.text)).toEqual(['# old comment']);
    expect(r.diagnostics).toMatchObject([{ severity: 'warning', message: "'#' comments were removed in Stan 2.33: use '//' instead" }]);
  });

  test('#include lines stay in the AST when parsing text', () => {
    const p = parseOk(`#include "blocks.stan"
functions {
  #include <fns.stanfunctions>
}
model {
  #include likelihood.stan
  y ~ normal(0, 1);
}`);
    expect(p.includes.map((i) => i.path)).toEqual(['blocks.stan']);
    expect(p.blocks[0].items).toMatchObject([{ kind: 'Include', path: 'fns.stanfunctions' }]);
    expect(p.blocks[1].items.map((s) => s.kind)).toEqual(['Include', 'Tilde']);
    expect((p.blocks[1].items[0] as A.Include).path).toBe('likelihood.stan');
  });
});
