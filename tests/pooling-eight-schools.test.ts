// `hstan pooling` on eight schools, against independent numbers: partial pooling against the
// posteriordb reference posterior; with flat priors, complete pooling against its closed form
// (the precision-weighted mean of y) and no pooling against y[j] ± sigma[j].
import { readFileSync } from 'node:fs';
import { runPooling, type PoolingComparison } from '../src/pooling/index.js';

interface Reference {
  data: { J: number; y: number[]; sigma: number[] };
  summary: Record<string, { mean: number; sd: number }>;
}

const ref: Reference = JSON.parse(readFileSync('tests/fixtures/reference-posteriors/eight_schools-eight_schools_noncentered.json', 'utf8'));
const MODEL = readFileSync('tests/fixtures/reference-models/eight_schools-eight_schools_noncentered.hstan', 'utf8');
const SAMPLE = { chains: 4, warmup: 1000, samples: 1000, seed: 20261121, adaptDelta: 0.9 };

describe('partial pooling matches the reference posterior', () => {
  let c: PoolingComparison;
  beforeAll(() => {
    c = runPooling({ partial: { source: MODEL, filename: 'eight_schools.hstan' }, data: ref.data, group: 'theta', sample: SAMPLE });
  });

  test('each school: mean within 0.15 sd, sd within 15%', () => {
    const problems: string[] = [];
    for (const g of c.groups) {
      const want = ref.summary[g.name];
      if (Math.abs(g.partial.mean - want.mean) > 0.15 * want.sd) problems.push(`${g.name}: mean ${g.partial.mean} vs ${want.mean}`);
      if (Math.abs(g.partial.sd / want.sd - 1) > 0.15) problems.push(`${g.name}: sd ${g.partial.sd} vs ${want.sd}`);
    }
    expect(problems).toEqual([]);
  });

  test('population mean and between-school sd', () => {
    const byName = new Map(c.population.map((p) => [p.expression, p]));
    expect([...byName.keys()]).toEqual(['mu', 'tau']);
    for (const name of ['mu', 'tau']) {
      const got = byName.get(name)!;
      const want = ref.summary[name];
      expect(Math.abs(got.mean - want.mean)).toBeLessThan(0.15 * want.sd);
      expect(Math.abs(got.sd / want.sd - 1)).toBeLessThan(0.15);
    }
  });

  test('every school shrinks toward the population, and the table agrees with the estimates', () => {
    for (const g of c.groups) {
      expect(g.shrinkage).toBeCloseTo(1 - (g.partial.mean - g.complete.mean) / (g.none.mean - g.complete.mean), 12);
      expect(g.shrinkage).toBeGreaterThan(0.5);
      expect(g.shrinkage).toBeLessThan(1.05);
    }
    expect(c.variants.none.origin).toBe('derived');
    expect(c.variants.complete.origin).toBe('derived');
  });
});

describe('with flat priors, the pooled and unpooled estimates have closed forms', () => {
  let c: PoolingComparison;
  beforeAll(() => {
    // No prior on mu (flat): complete pooling is then y_j ~ normal(mu, sigma_j) with a flat prior.
    const flat = MODEL.replace('  mu ~ normal(0, 5);\n', '');
    expect(flat).not.toContain('mu ~');
    c = runPooling({ partial: { source: flat, filename: 'eight_schools_flat.hstan' }, data: ref.data, group: 'theta', wideSd: 'flat', sample: SAMPLE });
  });

  test('complete pooling: the precision-weighted mean of y, 7.69 ± 4.07', () => {
    const w = ref.data.sigma.map((s) => 1 / (s * s));
    const W = w.reduce((a, b) => a + b, 0);
    const mean = ref.data.y.reduce((s, y, j) => s + w[j] * y, 0) / W;
    const sd = 1 / Math.sqrt(W);
    expect(mean).toBeCloseTo(7.69, 2);
    expect(sd).toBeCloseTo(4.07, 2);
    for (const g of c.groups) {
      // Monte Carlo error of the mean with ~4000 draws is ~0.07, well inside 0.1 sd.
      expect(Math.abs(g.complete.mean - mean)).toBeLessThan(0.1 * sd);
      expect(Math.abs(g.complete.sd / sd - 1)).toBeLessThan(0.08);
    }
  });

  test('no pooling: each school is its own estimate, y[j] with sd sigma[j]', () => {
    c.groups.forEach((g, j) => {
      const sigma = ref.data.sigma[j];
      expect(Math.abs(g.none.mean - ref.data.y[j])).toBeLessThan(0.1 * sigma);
      expect(Math.abs(g.none.sd / sigma - 1)).toBeLessThan(0.08);
    });
  });
});
