// The formatter's safety properties on every example and fixture model, and on deliberately messy
// programs: formatting is idempotent, never changes what the program means (the parser sees the
// same AST, parentheses included), and never drops, reorders or alters a comment.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatSource } from '../src/format/format.js';
import { parse } from '../src/frontend/parse.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function hstanFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return hstanFiles(path);
    return path.endsWith('.hstan') ? [path] : [];
  });
}

const exampleModels: Array<[string, string]> = hstanFiles(join(root, 'examples')).map((p) => [
  relative(root, p),
  readFileSync(p, 'utf8'),
]);

const fixtureDir = join(root, 'tests/fixtures/logprob');
const fixtureModels: Array<[string, string]> = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [`fixture ${f}`, JSON.parse(readFileSync(join(fixtureDir, f), 'utf8')).model as string]);

/** Programs written to stress layout and comment placement; all valid Stan syntax. */
const messyModels: Array<[string, string]> = [
  [
    'crammed blocks and statements',
    `functions { real foo(real x, data real[] y) { // opening note
    return x+y[1]; }
  // between functions

  real bar_lpdf(real y, real mu);
}
data { int N; real y[N]; vector<lower=0,upper=1>[N] p; # hash comment
  int<lower=0> K ; real a, /* mid */ b, c[N]; }
transformed data{ real s=0; for(i in 1:N) s+=y[i]; for (i in 1:N) { s += y[i]^2; }
  if (s>0) s=1; else if (s<0) s=-1; else s=0; while(s<10) s=s+1; }
parameters { real mu; real<lower=0> sigma; }
model { mu ~ normal( 0 , 1 ); sigma ~ normal(0,1) T[0,]; y ~ normal(mu, sigma);   // likelihood
  target += normal_lpdf(y| mu, sigma) + normal_lpdf(y | mu, sigma) + normal_lpdf(y | mu, sigma) + 1;
  target += log_mix(0.5, normal_lpdf(y[1] | mu, sigma), normal_lpdf(y[1] | mu, sigma), normal_lpdf(y[1] | mu, sigma)); }
generated quantities { real z = fabs(mu) > 1 ? mu : -mu; real w = if_else(mu > 0, 1, 2) + 1; }
`,
  ],
  [
    'comments everywhere',
    `/* header
   block comment */

// second paragraph
data {
  int N; /* trailing block */
  /* leading block */ int M;
  vector[N] y; // y


  // own line before end
}
// between data and parameters
parameters
// after keyword
{
  real mu;
} // after parameters
model
{ // brace comment
  for (i in 1:N) // header comment
    y[i] ~ normal(mu, 1);
  for (i in 1:N)
  // before block
  {
    y[i] ~ normal(mu, 1);
  }
  if (mu > 0) // after condition
  {
    mu ~ normal(0, 1);
  } // end then
  else // after else
  {
    mu ~ normal(0, 2);
  }
  if (mu > 0) {
    mu ~ normal(0, 1);
  }
  // before else
  /* block too */
  else if (mu < -1) {
    mu ~ normal(0, 3);
  } else // after else before if
  if (mu < -2) mu ~ normal(0, 4); else // after else plain
    mu ~ normal(0, 5);
  if (mu > 0) mu ~ normal(0, 1); /* same line */ else mu ~ normal(0, 2); // c2
  target += normal_lpdf(mu | 0, 1) // first
    + normal_lpdf(mu | 0, 2) // second
    + normal_lpdf(mu | 0, 3);
  target += normal_lpdf(mu | 0, 1)
    // own line before plus
    + normal_lpdf(mu | 0, 2);
  y ~ normal(
    // location
    mu,
    1 // scale
  );
  mu ~ normal(0, /* inline */ 1);
  target += sum(/* nothing */ y);
  {
    /* a */ /* b */
  }
  { /* x */ // y
  }
  {

    // only a comment

    // and another
  }
}
generated quantities { // gq
}
/* end block */
// end line
`,
  ],
  [
    'expressions, types and statements',
    `functions {
  void f_lp(real x) { increment_log_prob(normal_log(x, 0, 1)); }
  real g(real x) { return get_lp() + normal_cdf_log(x, 0, 1) + multiply_log(x, x) + binomial_coefficient_log(5, 2); }
  matrix k(real[] x) { return cov_exp_quad(x, 1.0, 1.0); }
  tuple(real, array[] int) tf(tuple(real, int) t) { return (t.1, {t.2}); }
  real very_long_function_name_here(real first_argument, real second_argument, vector third_argument, data matrix fourth) { return 0; }
  void nothing();
}
data {
  int N, M;
  real a[N, M], b;
  tuple(real, array[2] int) tp;
  array[N] vector<offset=0, multiplier=2>[M] v;
  cholesky_factor_cov[M, N] L;
  array[N] int<lower=0, upper=(N > 1 ? N : 1)> idx;
}
transformed data {
  matrix[N, M] X = rep_matrix(0, N, M);
  row_vector[3] r = [1, 2, 3];
  vector[3] c = [1, 2, 3]';
  array[2] int ii = {1, 2};
  real q = X[1:2, 3][1] + X[:, 1][2] + X[2:, 1][1] + X[:3, 1][1] + X[, 1][1];
  real zz = -(-1) + !0 + - -1 + ((1 + 2) * 3) ^ 2 ^ 3 % 2 %/% 1 .* 1 ./ 1 \\ 1;
  complex zc = 2.5i + 3;
  tuple(real, int) one = (1.5, 2);
  print("N = ", N, ", M = ", M);
  if (N < 0 || M < 0 && !(N == M) || N != 3 || N >= 1 || N <= 2) reject("N must be positive: ", N);
  profile("stuff") { real t = 1; }
  for (x in ii) { print(x); }
  ;
  {}
  while (0) { break; continue; }
}
parameters {
}
model {
  target += 0;
  target += normal_lpdf(1.0 | 0, 1) + normal_lpdf(1.0 | 0, 1) + normal_lpdf(1.0 | 0, 1) + normal_lpdf(1.0 | 0, 1) + normal_lpdf(1.0 | 0, 1);
}
`,
  ],
];

/** The AST without positions and comments; `Paren` nodes stay, so parentheses must survive. */
function shape(source: string, name: string): unknown {
  const { ast, diagnostics } = parse(source);
  if (!ast) throw new Error(`${name} does not parse: ${diagnostics.map((d) => d.message).join('; ')}`);
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'span' || k.endsWith('Span') || k === 'comments') continue;
      out[k] = strip(x);
    }
    return out;
  };
  return strip(ast);
}

/** Comment texts in source order, as the parser reads them (line comments without trailing blanks). */
function commentsOf(source: string): string[] {
  const { ast } = parse(source);
  return (ast?.comments ?? []).map((c) => (c.kind === 'line' ? c.text.trimEnd() : c.text));
}

const all = [...exampleModels, ...fixtureModels, ...messyModels];

describe('formatting every model', () => {
  test('there are examples and fixtures to format', () => {
    expect(exampleModels.length).toBeGreaterThanOrEqual(10);
    expect(fixtureModels.length).toBeGreaterThanOrEqual(10);
  });

  test.each(all)('%s: idempotent, same AST, comments kept', async (name, source) => {
    const once = await formatSource(source, { filename: name });
    const twice = await formatSource(once, { filename: name });
    expect(twice).toBe(once);
    expect(shape(once, `${name} (formatted)`)).toEqual(shape(source, name));
    expect(commentsOf(once)).toEqual(commentsOf(source));
    expect(once.endsWith('\n')).toBe(true);
  });

  test.each(all)('%s: no line longer than 80 columns unless it cannot break', async (name, source) => {
    const out = await formatSource(source, { filename: name });
    for (const lineText of out.split('\n')) {
      // Only comments and unbreakable atoms may overflow; none of these models has such lines.
      if (lineText.length > 80) expect(lineText).toMatch(/\/\/|\/\*/);
    }
  });

  test.each(all)('%s: canonicalized output is idempotent and free of removed syntax', async (name, source) => {
    const once = await formatSource(source, { filename: name, canonicalize: true });
    expect(await formatSource(once, { filename: name, canonicalize: true })).toBe(once);
    const { ast, diagnostics } = parse(once);
    expect(ast).toBeDefined();
    expect(diagnostics.filter((d) => d.code === 'syntax/legacy-array' || d.code === 'syntax/hash-comment')).toEqual([]);
    expect(once).not.toMatch(/\b(fabs|cov_exp_quad|multiply_log|binomial_coefficient_log|get_lp|if_else|increment_log_prob|\w+_cdf_log|normal_log)\b/);
    // Comments survive too (`#` ones become `//`).
    expect(commentsOf(once)).toEqual(commentsOf(source).map((c) => (c.startsWith('#') ? '//' + c.slice(1) : c)));
  });
});
