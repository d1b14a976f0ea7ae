// Simulation with the library API: when does partial pooling beat no pooling?
//
// For each between-group sd tau, simulate datasets of J = 12 groups (four each of sizes 5, 50 and
// 500) with group means theta_j ~ normal(0, tau) and observations y ~ normal(theta_j, 1); fit the
// no-pooling model (theta_j ~ normal(0, 10)) and the partial-pooling model (theta_j ~ normal(mu,
// tau), tau estimated) and compare the mean squared error of the posterior means against the true
// theta_j, by group size. With known sigma = 1 each group's data reduce to its mean, ybar_j ~
// normal(theta_j, 1 / sqrt(n_j)) (BDA3 §5.4), which is what the models are given.
//
// The fits are batched: the models hold D independent datasets side by side (each with its own mu
// and tau), so one NUTS run (4 chains) fits every dataset of a tau at once: the posterior of the
// batch is the product of the datasets' posteriors.
//
// Run from the repository root: npm run build && node dist/examples/pooling/simulate.js
import { compile } from '../../src/model/compile.js';
import { Random } from '../../src/runtime/random.js';

const TAUS = [0.05, 0.1, 0.25, 0.5, 1];
const SIZES = [5, 50, 500];
const PER_SIZE = 4;
const DATASETS = 10; // per tau
const n = SIZES.flatMap((s) => new Array<number>(PER_SIZE).fill(s));
const J = n.length;
const se = n.map((k) => 1 / Math.sqrt(k));

const DATA_BLOCK = `
data {
  int<lower=1> D;                 // datasets, fitted side by side
  int<lower=1> J;                 // groups per dataset
  matrix[D, J] ybar;              // group means
  vector<lower=0>[J] se;          // their standard errors, 1 / sqrt(n_j)
}
transformed data {
  vector[D * J] y = to_vector(ybar);
  vector[D * J] s = to_vector(rep_matrix(se', D));  // column-major, as to_vector(ybar)
}`;

const PARTIAL = `${DATA_BLOCK}
parameters {
  vector[D] mu;
  vector<lower=0>[D] tau;
  matrix[D, J] z;
}
transformed parameters {
  matrix[D, J] theta = rep_matrix(mu, J) + diag_pre_multiply(tau, z);
}
model {
  mu ~ normal(0, 5);
  tau ~ normal(0, 1);
  to_vector(z) ~ std_normal();
  y ~ normal(to_vector(theta), s);
}`;

const NONE = `${DATA_BLOCK}
parameters {
  matrix[D, J] theta;
}
model {
  to_vector(theta) ~ normal(0, 10);
  y ~ normal(to_vector(theta), s);
}`;

const partialModel = compile(PARTIAL, { filename: 'partial.hstan' });
const noneModel = compile(NONE, { filename: 'none.hstan' });
const rng = new Random(20261121);
const sample = { chains: 4, warmup: 500, samples: 500, adaptDelta: 0.9 };

/** Posterior means of theta[d, j] as a D × J table. */
function thetaMeans(fit: ReturnType<typeof partialModel.sample>, D: number): number[][] {
  const rows = new Map(fit.summary().map((r) => [r.name, r.mean]));
  return Array.from({ length: D }, (_, d) => Array.from({ length: J }, (_, j) => rows.get(`theta[${d + 1},${j + 1}]`)!));
}

interface Row { tau: number; size: number; none: number; partial: number; shrinkage: number }
const results: Row[] = [];
const started = performance.now();
for (const tau of TAUS) {
  const truth = Array.from({ length: DATASETS }, () => Array.from({ length: J }, () => rng.normal(0, tau)));
  const ybar = truth.map((row) => row.map((t, j) => rng.normal(t, se[j])));
  const data = { D: DATASETS, J, ybar, se };
  const t0 = performance.now();
  const partialFit = partialModel.sample({ data, ...sample, seed: rng.uniform() * 2 ** 31 | 0 });
  const noneFit = noneModel.sample({ data, ...sample, seed: rng.uniform() * 2 ** 31 | 0 });
  const divergences = partialFit.diagnostics().divergences;
  const partial = thetaMeans(partialFit, DATASETS);
  const none = thetaMeans(noneFit, DATASETS);
  const mus = new Map(partialFit.summary().map((r) => [r.name, r.mean]));
  for (const size of SIZES) {
    let seNone = 0, sePartial = 0, count = 0;
    const shrink: number[] = [];
    for (let d = 0; d < DATASETS; d++) {
      const mu = mus.get(`mu[${d + 1}]`)!;
      for (let j = 0; j < J; j++) {
        if (n[j] !== size) continue;
        seNone += (none[d][j] - truth[d][j]) ** 2;
        sePartial += (partial[d][j] - truth[d][j]) ** 2;
        // How far partial pooling moved the estimate toward the dataset's population mean.
        shrink.push(1 - (partial[d][j] - mu) / (none[d][j] - mu));
        count++;
      }
    }
    // The median: a ratio of differences is wild for the odd group whose estimate sits near mu.
    shrink.sort((a, b) => a - b);
    results.push({ tau, size, none: seNone / count, partial: sePartial / count, shrinkage: (shrink[(count - 1) >> 1] + shrink[count >> 1]) / 2 });
  }
  console.error(`tau = ${tau}: ${DATASETS} datasets fitted in ${((performance.now() - t0) / 1000).toFixed(1)} s` +
    (divergences ? ` (${divergences} divergent transitions in the partial-pooling fit)` : ''));
}

console.log(`Mean squared error of the group estimates, ${DATASETS} datasets per tau, ${J} groups each (${PER_SIZE} of each size)\n`);
console.log('  tau   group size   MSE no pooling   MSE partial pooling   ratio   median shrinkage');
for (const r of results) {
  console.log(
    `${r.tau.toFixed(2).padStart(5)}   ${String(r.size).padStart(10)}   ${r.none.toExponential(2).padStart(14)}   ` +
      `${r.partial.toExponential(2).padStart(19)}   ${(r.partial / r.none).toFixed(2).padStart(5)}   ${r.shrinkage.toFixed(2).padStart(16)}`,
  );
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`\nAveraged over every tau and group: MSE no pooling ${mean(results.map((r) => r.none)).toExponential(2)}, partial pooling ${mean(results.map((r) => r.partial)).toExponential(2)}.`);
console.log(`Partial pooling has the lower MSE in ${results.filter((r) => r.partial < r.none).length} of ${results.length} (tau, size) cells.`);
console.log(`Total time ${((performance.now() - started) / 1000).toFixed(0)} s.`);
