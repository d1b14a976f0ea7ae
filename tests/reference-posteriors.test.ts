// End to end: each reference posterior (posteriordb, 10,000 Stan draws) sampled by hstan from a
// model written from its description must agree: |mean − ref| ≤ 0.15 sd_ref, sd within 15%.
import { readFileSync, readdirSync } from 'node:fs';
import { compile } from '../src/model/compile.js';

interface Reference {
  data: Record<string, unknown>;
  summary: Record<string, { mean: number; sd: number }>;
}

const names = readdirSync('tests/fixtures/reference-posteriors')
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));

// Regressions on uncentered predictors have posteriors correlated near ±1: with a diagonal
// metric NUTS needs ~1000 leapfrog steps per draw (in Stan too). A dense metric is what a Stan
// user would pick there, and keeps this test quick.
const settings: Record<string, { metric?: 'dense' }> = {
  'earnings-logearn_height': { metric: 'dense' },
  'kidiq-kidscore_momiq': { metric: 'dense' },
};

test.each(names)('%s matches the reference posterior', (name) => {
  const ref: Reference = JSON.parse(readFileSync(`tests/fixtures/reference-posteriors/${name}.json`, 'utf8'));
  const source = readFileSync(`tests/fixtures/reference-models/${name}.hstan`, 'utf8');
  const fit = compile(source, { filename: `${name}.hstan` }).sample({ data: ref.data, seed: 20261121, chains: 4, warmup: 1000, samples: 1000, ...settings[name] });
  const rows = new Map(fit.summary().map((r) => [r.name, r]));
  const problems: string[] = [];
  for (const [param, want] of Object.entries(ref.summary)) {
    const got = rows.get(param.replace(/\s/g, ''));
    if (!got) {
      problems.push(`${param}: not in the fit`);
      continue;
    }
    if (Math.abs(got.mean - want.mean) > 0.15 * want.sd) problems.push(`${param}: mean ${got.mean} vs ${want.mean} (sd ${want.sd})`);
    if (Math.abs(got.sd / want.sd - 1) > 0.15) problems.push(`${param}: sd ${got.sd} vs ${want.sd}`);
  }
  expect(problems).toEqual([]);
});
