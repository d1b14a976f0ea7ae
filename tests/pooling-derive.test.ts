// Deriving no-pooling and complete-pooling variants from a hierarchical prior: the variants compile,
// have the expected parameters, and their log densities are the closed forms of the pooled and
// unpooled models; unsupported forms are refused with a message that says why and what works.
import { compile } from '../src/model/compile.js';
import { deriveCompletePooling, deriveNoPooling, analyzeGroupPrior, PoolingError } from '../src/pooling/derive.js';

const data = { J: 8, y: [28, 8, -3, 7, -1, 1, 18, 12], sigma: [15, 10, 16, 11, 9, 11, 10, 18] };

// The programs are written out here (not read from examples/) so their line numbers and layout
// are fixed.
const CENTERED = `// Eight schools, centered.
// Diverges for small tau.
data {
  int<lower=0> J;              // number of schools
  array[J] real y;             // estimated treatment effects
  array[J] real<lower=0> sigma; // standard errors of the estimates
}
parameters {
  real mu;                     // population mean effect
  real<lower=0> tau;           // between-school sd
  array[J] real theta;         // school effects
}
model {
  mu ~ normal(0, 5);
  tau ~ cauchy(0, 5);
  theta ~ normal(mu, tau);
  y ~ normal(theta, sigma);
}
`;
const NONCENTERED = `data {
  int<lower=0> J;
  array[J] real y;
  array[J] real<lower=0> sigma;
}

parameters {
  real mu;
  real<lower=0> tau;
  vector[J] eta;
}

transformed parameters {
  vector[J] theta = mu + tau * eta;
}

model {
  mu ~ normal(0, 5);
  tau ~ cauchy(0, 5);
  eta ~ std_normal();
  y ~ normal(theta, sigma);
}
`;
const BETA_PRIOR = `data {
  int<lower=1> N;
  int<lower=1> n;
  array[N] int<lower=0, upper=n> x;
}
parameters {
  real<lower=0> alpha;
  real<lower=0> beta;
  vector<lower=0, upper=1>[N] p;
}
model {
  alpha ~ gamma(2, 1);
  beta ~ gamma(2, 1);
  p ~ beta(alpha, beta);
  x ~ binomial(n, p);
}
`;
const LOOP_PRIOR = `data {
  int<lower=1> N;
  int<lower=1> J;
  array[N] int<lower=1, upper=J> county;
  vector[N] y;
}
parameters {
  vector[J] a;
  real mu_a;
  real<lower=0> sigma_a;
}
model {
  for (j in 1:J) {
    a[j] ~ normal(mu_a, sigma_a);
  }
  y ~ normal(a[county], 1);
}
`;
const OFFSET_MULTIPLIER = `data {
  int<lower=0> J;
  array[J] real y;
  array[J] real<lower=0> sigma;
}
parameters {
  real mu;
  real<lower=0> tau;
  vector<offset=mu, multiplier=tau>[J] theta;
}
model {
  mu ~ normal(0, 5);
  tau ~ cauchy(0, 5);
  theta ~ normal(mu, tau);
  y ~ normal(theta, sigma);
}
generated quantities {
  real theta_new = normal_rng(mu, tau);
  real theta_new_sq = square(theta_new);
}
`;

/** log N(x | m, s) without the constant −½ log 2π (it cancels in differences). */
const lnorm = (x: number, m: number, s: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s);

/** Log density difference between two constrained points, as the model computes it. */
function modelDifference(source: string, a: Record<string, unknown>, b: Record<string, unknown>): number {
  const inst = compile(source, { filename: 'variant.hstan' }).instantiate(data);
  return inst.logDensity(inst.unconstrain(a)) - inst.logDensity(inst.unconstrain(b));
}

function parameterNames(source: string): { parameters: string[]; transformed: string[]; generated: string[] } {
  const inst = compile(source, { filename: 'variant.hstan' }).instantiate(data);
  const names = (block: string) => inst.outputs.filter((o) => o.block === block).map((o) => o.name);
  return { parameters: names('parameters'), transformed: names('transformed parameters'), generated: names('generated quantities') };
}

/** Complete pooling with mu ~ normal(0, 5): Σ log N(y | mu, σ) + log N(mu | 0, 5). */
const pooled = (mu: number) => data.y.reduce((s, y, j) => s + lnorm(y, mu, data.sigma[j]), 0) + lnorm(mu, 0, 5);
/** No pooling with θ_j ~ normal(0, W): Σ log N(y_j | θ_j, σ_j) + log N(θ_j | 0, W). */
const unpooled = (theta: number[], w: number) => data.y.reduce((s, y, j) => s + lnorm(y, theta[j], data.sigma[j]) + lnorm(theta[j], 0, w), 0);

const thetaA = [1, 2, 3, 4, 5, 6, 7, 8];
const thetaB = [-3, 0.5, 2, 9, -1, 4, 12, 6];

describe.each([
  ['centered', CENTERED],
  ['offset-multiplier', OFFSET_MULTIPLIER],
  ['transformed (non-centered)', NONCENTERED],
])('%s form', (form, source) => {
  test('the prior is recognized with its location, scale and size', () => {
    const g = analyzeGroupPrior(source, 'theta', 'model.hstan');
    expect({ location: g.location, scale: g.scale, sizeText: g.sizeText }).toEqual({ location: 'mu', scale: 'tau', sizeText: 'J' });
    expect(g.form).toBe(form.startsWith('transformed') ? 'transformed' : form);
  });

  test('complete pooling keeps mu, drops tau, and is the pooled model', () => {
    const v = deriveCompletePooling(source, 'theta', 'model.hstan');
    const names = parameterNames(v.source);
    expect(names.parameters).toEqual(['mu']);
    expect(names.transformed).toEqual(['theta']);
    expect(names.generated).toEqual([]); // theta_new read the dropped tau
    expect(modelDifference(v.source, { mu: 3.5 }, { mu: -1.25 })).toBeCloseTo(pooled(3.5) - pooled(-1.25), 9);
    const inst = compile(v.source).instantiate(data);
    expect(inst.constrain(inst.unconstrain({ mu: 2.5 })).theta).toEqual(new Array(8).fill(2.5));
  });

  test('no pooling drops mu and tau and gives each theta[j] a normal(0, 100) prior', () => {
    const v = deriveNoPooling(source, 'theta', 100, 'model.hstan');
    const names = parameterNames(v.source);
    if (form.startsWith('transformed')) {
      expect(names.parameters).toEqual(['eta']);
      expect(names.transformed).toEqual(['theta']);
      // theta = 100 * eta: the point is given through eta.
      const diff = modelDifference(v.source, { eta: thetaA.map((t) => t / 100) }, { eta: thetaB.map((t) => t / 100) });
      expect(diff).toBeCloseTo(unpooled(thetaA, 100) - unpooled(thetaB, 100), 9);
    } else {
      expect(names.parameters).toEqual(['theta']);
      expect(names.transformed).toEqual([]);
      expect(modelDifference(v.source, { theta: thetaA }, { theta: thetaB })).toBeCloseTo(unpooled(thetaA, 100) - unpooled(thetaB, 100), 9);
    }
    expect(v.source.replace(/\/\/.*$/gm, '')).not.toMatch(/\b(tau|mu)\b/);
  });

  test("no pooling with 'flat' leaves each theta[j] without a prior", () => {
    const v = deriveNoPooling(source, 'theta', 'flat', 'model.hstan');
    const flat = (t: number[]) => data.y.reduce((s, y, j) => s + lnorm(y, t[j], data.sigma[j]), 0);
    const key = form.startsWith('transformed') ? 'eta' : 'theta';
    expect(modelDifference(v.source, { [key]: thetaA }, { [key]: thetaB })).toBeCloseTo(flat(thetaA) - flat(thetaB), 9);
  });
});

describe('what the derivation keeps and says', () => {
  test('offset/multiplier is removed from the no-pooling declaration', () => {
    const v = deriveNoPooling(OFFSET_MULTIPLIER, 'theta', 50);
    expect(v.source).toMatch(/^ {2}vector\[J\] theta;$/m);
    expect(v.notes).toContain('removed <offset=mu, multiplier=tau> from the declaration of theta');
    expect(v.notes.some((n) => n.includes('theta_new, theta_new_sq'))).toBe(true);
  });

  test('a scale parameter the model still uses is kept, with a note', () => {
    const src = CENTERED.replace('y ~ normal(theta, sigma);', 'y ~ normal(theta, sigma);\n  target += -0.1 * tau;');
    const v = deriveCompletePooling(src, 'theta');
    expect(v.notes).toContain('kept tau: the model block still uses it (line 18)');
    expect(parameterNames(v.source).parameters).toEqual(['mu', 'tau']);
  });

  test('the z * tau order is read from the declarations', () => {
    const src = NONCENTERED.replace('mu + tau * eta', 'eta * tau + mu');
    const g = analyzeGroupPrior(src, 'theta');
    expect([g.scale, g.z]).toEqual(['tau', 'eta']);
    expect(parameterNames(deriveCompletePooling(src, 'theta').source).parameters).toEqual(['mu']);
  });

  test('a new block follows the program\'s spacing between blocks', () => {
    const v = deriveCompletePooling(OFFSET_MULTIPLIER.replace(/\n}\n/g, '\n}\n\n'), 'theta');
    expect(v.source).toContain('}\n\ntransformed parameters {\n  vector[J] theta = rep_vector(mu, J); // complete pooling: every group shares mu\n}\n\nmodel {');
  });

  test('the variant is a program a person can read: header, untouched lines kept', () => {
    const v = deriveCompletePooling(CENTERED, 'theta', 'centered.hstan');
    expect(v.source.split('\n').slice(0, 2)).toEqual([
      '// Complete-pooling variant of centered.hstan, derived by `hstan pooling --group theta`:',
      '// every theta[j] equals mu (complete pooling).',
    ]);
    expect(v.source).toContain('}\ntransformed parameters {\n  array[J] real theta = rep_array(mu, J); // complete pooling: every group shares mu\n}\nmodel {');
    expect(v.source).toContain('  real mu;                     // population mean effect\n');
    expect(v.source).not.toContain('between-school sd');
  });
});

describe('refusals name the problem and list the supported forms', () => {
  const refusal = (source: string, param: string) => {
    try {
      deriveCompletePooling(source, param, 'model.hstan');
    } catch (e) {
      expect(e).toBeInstanceOf(PoolingError);
      return (e as Error).message;
    }
    throw new Error('expected a refusal');
  };
  const supported = 'hstan derives them from these forms of the group prior:';

  test('a beta prior is not location-scale', () => {
    const m = refusal(BETA_PRIOR, 'p');
    expect(m).toContain("its prior 'p ~ beta(alpha, beta);' (line 14) is not a location-scale prior");
    expect(m).toContain(supported);
    expect(m).toContain('--no-pooling FILE --complete-pooling FILE');
  });

  test('a prior written element by element in a loop', () => {
    const m = refusal(LOOP_PRIOR, 'a');
    expect(m).toContain("its prior 'a[j] ~ normal(mu_a, sigma_a);' (line 14) is stated element by element");
  });

  test('a location that is not a parameter', () => {
    const m = refusal(CENTERED.replace('theta ~ normal(mu, tau)', 'theta ~ normal(0, tau)'), 'theta');
    expect(m).toContain('the location of its prior is not a single variable');
  });

  test('a non-centered parameter without a standard normal prior', () => {
    const m = refusal(NONCENTERED.replace('eta ~ std_normal();', 'eta ~ normal(0, 2);'), 'theta');
    expect(m).toContain("'eta' needs exactly one prior, 'eta ~ std_normal();'");
  });

  test('a name that is not a parameter', () => {
    const m = refusal(CENTERED, 'school');
    expect(m).toBe("'school' is not a parameter or transformed parameter of model.hstan; it has mu, tau, theta");
  });

  test('a matrix of group effects', () => {
    const src = `data { int J; }
parameters { real mu; real<lower=0> tau; matrix[J, 2] theta; }
model { to_vector(theta) ~ normal(mu, tau); }`;
    const m = refusal(src, 'theta');
    expect(m).toContain('states no prior on it');
  });
});
