// Student-t as a normal scale mixture: direct.hstan (y ~ student_t(nu, mu, sigma)) and mixture.hstan
// (V[n] ~ scaled_inv_chi_square(nu, sigma), y[n] ~ normal(mu, sqrt(V[n]))) give the same posterior
// for mu and sigma. Prints both summaries next to the exact posterior (grid quadrature of the t
// likelihood) and each run's distance from it in Monte Carlo standard errors.
// Run from the repository root: npm run build && node dist/examples/pooling/student_t/compare.js
import { readFileSync, writeFileSync } from 'node:fs';
import { compile } from '../../../src/model/compile.js';
import { Random } from '../../../src/runtime/random.js';
import type { SummaryRow } from '../../../src/diagnostics/index.js';

const here = 'examples/pooling/student_t';
const rng = new Random(7);
// 40 draws from student_t(4, 3, 2): a few far-out values the t likelihood discounts.
const data = { N: 40, nu: 4, y: Array.from({ length: 40 }, () => Number(rng.studentT(4, 3, 2).toFixed(3))) };
writeFileSync(`${here}/data.json`, JSON.stringify(data) + '\n');

function fit(name: string): Map<string, SummaryRow> {
  const model = compile(readFileSync(`${here}/${name}.hstan`, 'utf8'), { filename: `${name}.hstan` });
  const f = model.sample({ data, chains: 4, warmup: 1000, samples: 4000, seed: 3, adaptDelta: 0.9 });
  const d = f.diagnostics();
  if (d.divergences > 0) console.error(`note: ${name}: ${d.divergences} divergent transitions`);
  return new Map(f.summary().map((r) => [r.name, r]));
}

/**
 * The exact posterior of (mu, sigma) by quadrature on a fine grid: the Student-t likelihood times the
 * priors, normalized numerically. An independent check on both samplers' answers.
 */
function grid(): Record<'mu' | 'sigma', { mean: number; sd: number }> {
  const nu = data.nu;
  const M = 600;
  const [muLo, muHi, sLo, sHi] = [-2, 9, 0.2, 6];
  const logp = new Float64Array(M * M);
  let max = -Infinity;
  for (let i = 0; i < M; i++) {
    const mu = muLo + ((i + 0.5) * (muHi - muLo)) / M;
    for (let j = 0; j < M; j++) {
      const sigma = sLo + ((j + 0.5) * (sHi - sLo)) / M;
      let lp = -0.5 * (mu / 10) ** 2 - 0.5 * sigma; // normal(0, 10) and exponential(0.5) priors
      for (const y of data.y) lp += -((nu + 1) / 2) * Math.log1p(((y - mu) / sigma) ** 2 / nu) - Math.log(sigma);
      logp[i * M + j] = lp;
      if (lp > max) max = lp;
    }
  }
  let z = 0, m1 = 0, m2 = 0, s1 = 0, s2 = 0;
  for (let i = 0; i < M; i++) {
    const mu = muLo + ((i + 0.5) * (muHi - muLo)) / M;
    for (let j = 0; j < M; j++) {
      const sigma = sLo + ((j + 0.5) * (sHi - sLo)) / M;
      const w = Math.exp(logp[i * M + j] - max);
      z += w; m1 += w * mu; m2 += w * mu * mu; s1 += w * sigma; s2 += w * sigma * sigma;
    }
  }
  const sd = (a: number, b: number) => Math.sqrt(b / z - (a / z) ** 2);
  return { mu: { mean: m1 / z, sd: sd(m1, m2) }, sigma: { mean: s1 / z, sd: sd(s1, s2) } };
}

const exact = grid();
const direct = fit('direct');
const mixture = fit('mixture');
const f = (x: number) => x.toFixed(3).padStart(7);
console.log('               mean      sd      5%     95%   | (run − exact) / MCSE for mean, sd');
for (const name of ['mu', 'sigma'] as const) {
  console.log(`${`${name} exact`.padEnd(14)}${f(exact[name].mean)} ${f(exact[name].sd)}                   (grid quadrature)`);
  for (const [label, s] of [['direct', direct], ['mixture', mixture]] as const) {
    const r = s.get(name)!;
    const line = `${`${name} ${label}`.padEnd(14)}${f(r.mean)} ${f(r.sd)} ${f(r.q5)} ${f(r.q95)}`;
    // Against the exact posterior, in units of the run's own Monte Carlo standard error.
    const zMean = (r.mean - exact[name].mean) / r.mcseMean;
    const zSd = (r.sd - exact[name].sd) / r.mcseSd;
    console.log(`${line}   | ${zMean.toFixed(2).padStart(5)}, ${zSd.toFixed(2).padStart(5)}`);
  }
}
console.log('\n|(run − exact) / MCSE| below ~2: the run agrees with the exact posterior to within its Monte Carlo error.');
