// Hand-written untidy programs and the exact text the formatter must print for them: stanc's
// canonical layout (two-space indents, one statement per line, spaces around binary operators,
// `{` on the header's line, `} else {`), line breaking at the print width, comments kept in
// place, and the --canonicalize rewrites of removed syntax.
import { formatSource, type FormatOptions } from '../src/format/format.js';

interface Case {
  name: string;
  input: string;
  expected: string;
  options?: FormatOptions;
}

const cases: Case[] = [
  {
    name: 'long argument lists break at width 80, one argument per line',
    input: String.raw`model {
  y ~ normal(alpha + beta * x + gamma * z + delta * w, sigma_y_with_a_long_name_here);
  target += log_mix(theta, normal_lpdf(y[n] | mu[1], sigma[1]), normal_lpdf(y[n] | mu[2], sigma[2]));
  target += normal_lpdf(y | mu, sigma);
}
`,
    expected: String.raw`model {
  y ~ normal(
    alpha + beta * x + gamma * z + delta * w,
    sigma_y_with_a_long_name_here
  );
  target += log_mix(
    theta,
    normal_lpdf(y[n] | mu[1], sigma[1]),
    normal_lpdf(y[n] | mu[2], sigma[2])
  );
  target += normal_lpdf(y | mu, sigma);
}
`,
  },
  {
    name: 'long sums break before each operator',
    input: String.raw`model {
  target += -abs(z) ^ 3 / 10 + fmin(z, 0) + fmax(z, 0) * 0.5 + atan(z) + expm1(-square(z)) + log1p(square(z));
  real s = a * b + c * d;
}
`,
    expected: String.raw`model {
  target += -abs(z) ^ 3 / 10
    + fmin(z, 0)
    + fmax(z, 0) * 0.5
    + atan(z)
    + expm1(-square(z))
    + log1p(square(z));
  real s = a * b + c * d;
}
`,
  },
  {
    name: 'nested blocks and loops with messy whitespace',
    input: String.raw`model{for(i in 1:N){for(j in 1:M){if(x[i,j]>0){y[i,j]~normal(mu[i],sigma);}}}
{real t=0;while(t<1)t+=0.5;}}
`,
    expected: String.raw`model {
  for (i in 1 : N) {
    for (j in 1 : M) {
      if (x[i, j] > 0) {
        y[i, j] ~ normal(mu[i], sigma);
      }
    }
  }
  {
    real t = 0;
    while (t < 1) t += 0.5;
  }
}
`,
  },
  {
    name: 'if / else if / else chains',
    input: String.raw`transformed data {
  real s = 0;
  if (s > 0) s = 1; else if (s < 0) s = -1; else s = 0;
  if (s > 0) { s = 1; } else if (s < 0) { s = -1; } else { s = 0; }
  if (s > 0) {
    s = 1;
  }
  else
    s = 2;
}
`,
    expected: String.raw`transformed data {
  real s = 0;
  if (s > 0) s = 1;
  else if (s < 0) s = -1;
  else s = 0;
  if (s > 0) {
    s = 1;
  } else if (s < 0) {
    s = -1;
  } else {
    s = 0;
  }
  if (s > 0) {
    s = 1;
  } else s = 2;
}
`,
  },
  {
    name: 'comments at ends of lines, between statements and between blocks',
    input: String.raw`// Model header.
data {
  int<lower=0> N;   // observations
  vector[N] y;
}
// Parameters come next.

parameters {
  real mu; /* location */
  real<lower=0> sigma;
} // end of parameters
model { // likelihood only
  // vectorized
  y ~ normal(mu, sigma);
}
// trailing note
`,
    expected: String.raw`// Model header.
data {
  int<lower=0> N; // observations
  vector[N] y;
}

// Parameters come next.

parameters {
  real mu; /* location */
  real<lower=0> sigma;
} // end of parameters

model { // likelihood only
  // vectorized
  y ~ normal(mu, sigma);
}
// trailing note
`,
  },
  {
    name: 'truncation',
    input: String.raw`model {
  y ~ normal(mu,sigma)T[0,];
  z ~ normal(mu, sigma) T[,10];
  w ~ normal(mu, sigma) T[L, U];
}
`,
    expected: String.raw`model {
  y ~ normal(mu, sigma) T[0, ];
  z ~ normal(mu, sigma) T[ , 10];
  w ~ normal(mu, sigma) T[L, U];
}
`,
  },
  {
    name: 'legacy arrays are printed as written without --canonicalize',
    input: String.raw`functions {
  real[] f(real[,] x, data int[] n) { return x[1]; }
}
data {
  int N;
  real y[N];
  vector[3] z[N, 2];
  int<lower=0> counts[N] ;
}
`,
    expected: String.raw`functions {
  real[] f(real[,] x, data int[] n) {
    return x[1];
  }
}

data {
  int N;
  real y[N];
  vector[3] z[N, 2];
  int<lower=0> counts[N];
}
`,
  },
  {
    name: 'legacy arrays are modernized with --canonicalize',
    options: { canonicalize: true },
    input: String.raw`functions {
  real[] f(real[,] x, data int[] n) { return x[1]; }
}
data {
  int N;
  real y[N];
  vector[3] z[N, 2];
  int<lower=0> counts[N] ;
}
`,
    expected: String.raw`functions {
  array[] real f(array[,] real x, data array[] int n) {
    return x[1];
  }
}

data {
  int N;
  array[N] real y;
  array[N, 2] vector[3] z;
  array[N] int<lower=0> counts;
}
`,
  },
  {
    name: 'removed functions are renamed with --canonicalize',
    options: { canonicalize: true },
    input: String.raw`functions {
  void add_prior_lp(real x) {
    increment_log_prob(normal_log(x, 0, 1));
  }
}
parameters {
  real x;
}
model {
  real a = fabs(x) + multiply_log(x, x) + binomial_coefficient_log(5, 2);
  real b = normal_cdf_log(x, 0, 1) + normal_ccdf_log(x, 0, 1) + get_lp();
  real c = if_else(x > 0, 1, 2) * 3;
  real d = if_else(x > 0, x, -x);
  matrix[2, 2] K = cov_exp_quad({1.0, 2.0}, 1.0, 1.0);
  increment_log_prob(-0.5 * x ^ 2); # old comment
}
`,
    expected: String.raw`functions {
  void add_prior_lp(real x) {
    target += normal_lpdf(x | 0, 1);
  }
}

parameters {
  real x;
}

model {
  real a = abs(x) + lmultiply(x, x) + lchoose(5, 2);
  real b = normal_lcdf(x | 0, 1) + normal_lccdf(x | 0, 1) + target();
  real c = (x > 0 ? 1 : 2) * 3;
  real d = x > 0 ? x : -x;
  matrix[2, 2] K = gp_exp_quad_cov({1.0, 2.0}, 1.0, 1.0);
  target += -0.5 * x ^ 2; // old comment
}
`,
  },
  {
    name: 'removed syntax is kept without --canonicalize',
    input: String.raw`model {
  increment_log_prob(normal_log(x, 0, 1)); # old comment
  real c = if_else(x > 0, 1, 2) * 3;
}
`,
    expected: String.raw`model {
  increment_log_prob(normal_log(x, 0, 1)); # old comment
  real c = if_else(x > 0, 1, 2) * 3;
}
`,
  },
  {
    name: 'blank lines: runs collapse to one, none at block edges',
    input: String.raw`data {

  int N;



  int M;
  int K;

}
`,
    expected: String.raw`data {
  int N;

  int M;
  int K;
}
`,
  },
  {
    name: 'declarations: bounds, sizes, several names, tuples, initial values',
    input: String.raw`data {
  int<lower = 0,upper=N> a, b;
  vector<offset=mu,multiplier=tau>[ K ] theta;
  matrix< lower = 0 > [N,M] X;
  cholesky_factor_cov[ M , N ] L;
  array[ N , M ] real<lower=-1> z;
  tuple( real , array[2] int ) t;
  real x = 1.5 , y = 2;
}
`,
    expected: String.raw`data {
  int<lower=0, upper=N> a;
  int<lower=0, upper=N> b;
  vector<offset=mu, multiplier=tau>[K] theta;
  matrix<lower=0>[N, M] X;
  cholesky_factor_cov[M, N] L;
  array[N, M] real<lower=-1> z;
  tuple(real, array[2] int) t;
  real x = 1.5;
  real y = 2;
}
`,
  },
  {
    name: 'function definitions and forward declarations',
    input: String.raw`functions {
  real foo(real x);
  real foo(real x){return x;}
  void hello( ) { print("hello, ", "world"); }
  vector very_long_function_name_here(real first_argument, real second_argument, vector third_argument, data matrix fourth) { return third_argument; }
  tuple(real, int) pair(tuple(real, int) p) { return (p.1 * 2, p.2); }
}
`,
    expected: String.raw`functions {
  real foo(real x);
  real foo(real x) {
    return x;
  }
  void hello() {
    print("hello, ", "world");
  }
  vector very_long_function_name_here(
    real first_argument,
    real second_argument,
    vector third_argument,
    data matrix fourth
  ) {
    return third_argument;
  }
  tuple(real, int) pair(tuple(real, int) p) {
    return (p.1 * 2, p.2);
  }
}
`,
  },
  {
    name: 'expression spacing, parentheses kept as written',
    input: String.raw`transformed data {
  real a=-(x+1)*2^-3;
  real b=(a)+((b));
  vector[3] v=[1,2,3]';
  array[2] int i={1,2};
  real c=x[1:2,3]+x[:,1][2]+x[2:][1]+x[:3][1];
  int d=!(a==b)||a!=b&&a<=b;
  real e=a>0?a:-a;
  real f=a%2+a%/%2+m\v+m.*m+m./m+m.^2;
}
`,
    expected: String.raw`transformed data {
  real a = -(x + 1) * 2 ^ -3;
  real b = (a) + ((b));
  vector[3] v = [1, 2, 3]';
  array[2] int i = {1, 2};
  real c = x[1 : 2, 3] + x[:, 1][2] + x[2 :][1] + x[: 3][1];
  int d = !(a == b) || a != b && a <= b;
  real e = a > 0 ? a : -a;
  real f = a % 2 + a %/% 2 + m \ v + m .* m + m ./ m + m .^ 2;
}
`,
  },
  {
    name: 'a narrower print width',
    options: { printWidth: 30 },
    input: String.raw`model {
  y ~ normal(alpha + beta * x, sigma);
}
`,
    expected: String.raw`model {
  y ~ normal(
    alpha + beta * x,
    sigma
  );
}
`,
  },
  {
    name: 'comments inside empty blocks and after opening braces',
    input: String.raw`parameters {
}
model {
  {
    // nothing yet
  }
  for (i in 1:N) { // per observation
    y[i] ~ normal(0, 1);
  }
}
generated quantities { /* later */ }
`,
    expected: String.raw`parameters {
}

model {
  {
    // nothing yet
  }
  for (i in 1 : N) { // per observation
    y[i] ~ normal(0, 1);
  }
}

generated quantities { /* later */
}
`,
  },
  {
    name: 'comments in statement headers go with the body; between } and else they stay',
    input: String.raw`functions {
  real half(real x) // divides by two
  {
    return x / 2;
  }
}
model {
  for (i in 1:N) // each observation
    y[i] ~ normal(mu, sigma);
  if (mu > 0) {
    mu ~ normal(0, 1);
  } // positive
  else {
    mu ~ normal(0, 2);
  }
  x = a + b // sum
      [1];
}
`,
    expected: String.raw`functions {
  real half(real x) { // divides by two
    return x / 2;
  }
}

model {
  for (i in 1 : N)
    // each observation
    y[i] ~ normal(mu, sigma);
  if (mu > 0) {
    mu ~ normal(0, 1);
  } // positive
  else {
    mu ~ normal(0, 2);
  }
  x = a + b[1]; // sum
}
`,
  },
  {
    name: '#include lines are kept as written, top-level ones together',
    input: String.raw`#include "common.stan"
#include <priors.stan>
functions {
#include   helpers.stan
}
model {
  #include "likelihood.stan"
}
`,
    expected: String.raw`#include "common.stan"
#include <priors.stan>

functions {
  #include helpers.stan
}

model {
  #include "likelihood.stan"
}
`,
  },
];

describe('formatSource prints the canonical layout', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const out = await formatSource(c.input, c.options);
    expect(out).toBe(c.expected);
    // Formatted text is a fixed point.
    expect(await formatSource(out, c.options)).toBe(c.expected);
  });
});
