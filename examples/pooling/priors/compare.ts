// Prior comparison: one regression (few observations, many predictors) fitted with a flat prior, a
// fixed normal(0, 1) prior and a hierarchical normal(0, tau) prior on its coefficients; the
// estimates side by side against the coefficients the data were simulated from.
// Run from the repository root: npm run build && node dist/examples/pooling/priors/compare.js
import { readFileSync, writeFileSync } from 'node:fs';
import { compile } from '../../../src/model/compile.js';
import { Random } from '../../../src/runtime/random.js';

const here = 'examples/pooling/priors';
const N = 30;
const K = 12;

/** y = 1 + X beta + noise, beta_k ~ normal(0, 0.5), noise ~ normal(0, 1). */
function simulate(seed: number): { data: { N: number; K: number; X: number[][]; y: number[] }; beta: number[] } {
  const rng = new Random(seed);
  const beta = Array.from({ length: K }, () => rng.normal(0, 0.5));
  const X = Array.from({ length: N }, () => Array.from({ length: K }, () => rng.normal()));
  const y = X.map((row) => 1 + row.reduce((s, x, k) => s + x * beta[k], 0) + rng.normal());
  return { data: { N, K, X, y }, beta };
}

const { data, beta } = simulate(2026);
writeFileSync(`${here}/data.json`, JSON.stringify(data) + '\n');

const priors = ['flat', 'normal', 'hierarchical'] as const;
const fits = priors.map((p) => {
  const model = compile(readFileSync(`${here}/${p}.hstan`, 'utf8'), { filename: `${p}.hstan` });
  const fit = model.sample({ data, chains: 4, warmup: 1000, samples: 1000, seed: 11, adaptDelta: 0.9 });
  const d = fit.diagnostics();
  if (d.divergences > 0) console.error(`note: ${p}: ${d.divergences} divergent transitions`);
  return new Map(fit.summary().map((r) => [r.name, r]));
});

const cell = (m: number, s: number) => `${m.toFixed(2).padStart(6)} ± ${s.toFixed(2).padEnd(4)}`;
console.log(`Regression with N = ${N} observations and K = ${K} coefficients; posterior mean ± sd\n`);
console.log(`${'coefficient'.padEnd(12)}${'true'.padStart(6)}   ${priors.map((p) => p.padStart(6 + Math.ceil(p.length / 2)).padEnd(13)).join('  ')}`);
const sq = priors.map(() => 0);
for (let k = 1; k <= K; k++) {
  const rows = fits.map((f) => f.get(`beta[${k}]`)!);
  rows.forEach((r, i) => (sq[i] += (r.mean - beta[k - 1]) ** 2));
  console.log(`${`beta[${k}]`.padEnd(12)}${beta[k - 1].toFixed(2).padStart(6)}   ${rows.map((r) => cell(r.mean, r.sd)).join('  ')}`);
}
console.log(`\n${'RMSE vs true'.padEnd(21)}${sq.map((s) => Math.sqrt(s / K).toFixed(3).padStart(7).padEnd(13)).join('  ')}`);
const avgSd = fits.map((f) => Array.from({ length: K }, (_, k) => f.get(`beta[${k + 1}]`)!.sd).reduce((a, b) => a + b) / K);
console.log(`${'mean posterior sd'.padEnd(21)}${avgSd.map((s) => s.toFixed(3).padStart(7).padEnd(13)).join('  ')}`);
const tau = fits[2].get('tau')!;
console.log(`\nhierarchical: tau = ${tau.mean.toFixed(2)} ± ${tau.sd.toFixed(2)} (the coefficients were drawn with sd 0.5)`);
