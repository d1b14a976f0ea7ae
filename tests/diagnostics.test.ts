// Convergence diagnostics against R posterior 1.4.0 (tests/fixtures/diagnostics), plus closed forms.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DiagnosticsError,
  essBasic,
  essBulk,
  essMean,
  essTail,
  mad,
  mcseMean,
  mcseSd,
  mean,
  median,
  normalQuantile,
  quantile,
  rhat,
  rhatBasic,
  sd,
  summarize,
  type SummaryRow,
} from '../src/diagnostics/index.js';
import { addAutocovariances } from '../src/diagnostics/autocovariance.js';
import { argsort, averageRanks } from '../src/diagnostics/ranks.js';

const here = dirname(fileURLToPath(import.meta.url));

interface FixtureCase {
  draws_by_chain: number[][];
  summary: Record<string, number | 'NA'>;
  rhat_basic: number;
  ess_basic: number;
}
const fixture = JSON.parse(readFileSync(join(here, 'fixtures/diagnostics/posterior-diagnostics.json'), 'utf8')) as {
  meta: { oracle: string };
  cases: Record<string, FixtureCase>;
};

/** The next double above / below x. */
function nextDouble(x: number, up: boolean): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x >= 0 === up ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

/**
 * The fixture stores draws to 15 significant digits. In R's full-precision `antithetic` draws the
 * two middle values were exactly equidistant from the median (folded R-hat ranks them as a tie);
 * after rounding they miss by one ulp, which moves that R-hat by 1.04e-6. Moving the upper middle
 * draw by a few ulps (far inside the rounding) restores input consistent with R's.
 */
function restoreMiddleTie(draws: number[][]): number[][] {
  const pooled = draws.flat().sort((a, b) => a - b);
  const n = pooled.length;
  const a = pooled[n / 2 - 1];
  const b = pooled[n / 2];
  for (let k = 1; k <= 16; k++) {
    for (const up of [true, false]) {
      let c = b;
      for (let s = 0; s < k; s++) c = nextDouble(c, up);
      const m = a / 2 + c / 2;
      if (Math.abs(a - m) === Math.abs(c - m)) {
        return draws.map((chain) => chain.map((v) => (v === b ? c : v)));
      }
    }
  }
  throw new Error('no nearby tie');
}

function drawsFor(name: string, c: FixtureCase): number[][] {
  return name === 'antithetic' ? restoreMiddleTie(c.draws_by_chain) : c.draws_by_chain;
}

type Quantity = { key: string; fn: (d: number[][]) => number; rel: number; fromSummary: boolean };
const QUANTITIES: Quantity[] = [
  { key: 'mean', fn: mean, rel: 1e-6, fromSummary: true },
  { key: 'sd', fn: sd, rel: 1e-6, fromSummary: true },
  { key: 'median', fn: median, rel: 1e-6, fromSummary: true },
  { key: 'mad', fn: mad, rel: 1e-6, fromSummary: true },
  { key: '5%', fn: (d) => quantile(d, 0.05), rel: 1e-6, fromSummary: true },
  { key: '95%', fn: (d) => quantile(d, 0.95), rel: 1e-6, fromSummary: true },
  { key: 'rhat', fn: rhat, rel: 1e-6, fromSummary: true },
  { key: 'ess_bulk', fn: essBulk, rel: 1e-3, fromSummary: true },
  { key: 'ess_tail', fn: essTail, rel: 1e-3, fromSummary: true },
  { key: 'mcse_mean', fn: mcseMean, rel: 1e-6, fromSummary: true },
  { key: 'mcse_sd', fn: mcseSd, rel: 1e-6, fromSummary: true },
  { key: 'rhat_basic', fn: rhatBasic, rel: 1e-6, fromSummary: false },
  { key: 'ess_basic', fn: essBasic, rel: 1e-3, fromSummary: false },
];

function expected(c: FixtureCase, q: Quantity): number {
  const v = q.fromSummary ? c.summary[q.key] : (c as unknown as Record<string, number>)[q.key];
  return v === 'NA' ? NaN : (v as number);
}

function expectClose(got: number, want: number, rel: number): void {
  if (Number.isNaN(want)) {
    expect(got).toBeNaN();
    return;
  }
  const scale = Math.max(Math.abs(want), 1e-12);
  expect(Math.abs(got - want) / scale).toBeLessThanOrEqual(rel);
}

const table = Object.entries(fixture.cases).flatMap(([name, c]) => QUANTITIES.map((q) => [name, q.key, c, q] as const));

describe(`matches ${fixture.meta.oracle}`, () => {
  test('the fixture has the 10 documented cases', () => {
    expect(Object.keys(fixture.cases)).toHaveLength(10);
  });

  test.each(table)('%s: %s', (name, _key, c, q) => {
    expectClose(q.fn(drawsFor(name, c)), expected(c, q), q.rel);
  });

  test('the restored tie is what moves antithetic R-hat (rounded input is 1.04e-6 off)', () => {
    const c = fixture.cases.antithetic;
    const want = c.summary.rhat as number;
    const rounded = Math.abs(rhat(c.draws_by_chain) - want) / want;
    expect(rounded).toBeGreaterThan(5e-7);
    expect(rounded).toBeLessThan(2e-6);
    expect(Math.abs(rhat(restoreMiddleTie(c.draws_by_chain)) - want) / want).toBeLessThan(1e-10);
  });

  test('summarize() rows carry the same R values for every case', () => {
    const field: Record<string, keyof SummaryRow> = {
      mean: 'mean',
      sd: 'sd',
      median: 'median',
      mad: 'mad',
      '5%': 'q5',
      '95%': 'q95',
      rhat: 'rhat',
      ess_bulk: 'essBulk',
      ess_tail: 'essTail',
      mcse_mean: 'mcseMean',
      mcse_sd: 'mcseSd',
    };
    for (const [name, c] of Object.entries(fixture.cases)) {
      const [row] = summarize([{ name, draws: drawsFor(name, c) }]);
      expect(row.name).toBe(name);
      for (const q of QUANTITIES.filter((q) => q.fromSummary)) {
        expectClose(row[field[q.key]] as number, expected(c, q), q.rel);
      }
    }
  });

  test('summarize() accepts a Map and Float64Array chains', () => {
    const c = fixture.cases.two_chains_short;
    const rows = summarize(new Map([['x', c.draws_by_chain.map((ch) => Float64Array.from(ch))]]), {
      quantiles: [0.05, 0.5],
    });
    expect(rows[0].name).toBe('x');
    expectClose(rows[0].essBulk, c.summary.ess_bulk as number, 1e-3);
    expectClose(rows[0].rhat, c.summary.rhat as number, 1e-6);
    expectClose(rows[0].quantiles[0], c.summary['5%'] as number, 1e-12);
    expectClose(rows[0].quantiles[1], c.summary.median as number, 1e-12);
  });
});

describe('edge cases handled as posterior does', () => {
  test('unequal chain lengths throw a DiagnosticsError naming the chains', () => {
    expect(() =>
      rhat([
        [1, 2, 3, 4],
        [1, 2, 3],
      ]),
    ).toThrow(DiagnosticsError);
    expect(() =>
      essBulk([
        [1, 2, 3, 4],
        [1, 2, 3],
      ]),
    ).toThrow('chains have unequal lengths (chain 1 has 4 draws, chain 2 has 3)');
    expect(() => summarize([{ name: 'sigma', draws: [[1, 2], [3]] }])).toThrow(/^sigma: chains have unequal lengths/);
  });

  test('no chains, or empty chains, throw', () => {
    expect(() => mean([])).toThrow('draws: no chains');
    expect(() => rhat([[], []])).toThrow('draws: chains have no draws');
  });

  test('summarize() rejects quantities with different numbers of draws', () => {
    expect(() =>
      summarize([
        { name: 'a', draws: [[1, 2, 3, 4]] },
        { name: 'b', draws: [[1, 2, 3]] },
      ]),
    ).toThrow('b has 1 chains of 3 draws but a has 1 of 4');
  });

  test('constant draws: R-hat and ESS are NA (NaN), moments exact', () => {
    const d = [Array(100).fill(2.5), Array(100).fill(2.5)];
    expect(rhat(d)).toBeNaN();
    expect(rhatBasic(d)).toBeNaN();
    expect(essBulk(d)).toBeNaN();
    expect(essTail(d)).toBeNaN();
    expect(essBasic(d)).toBeNaN();
    expect(mean(d)).toBe(2.5);
    expect(sd(d)).toBe(0);
    expect(median(d)).toBe(2.5);
    expect(mad(d)).toBe(0);
  });

  test('non-finite draws make R-hat and ESS NaN', () => {
    const d = [
      [1, 2, 3, 4, 5, 6],
      [1, 2, Infinity, 4, 5, 6],
    ];
    expect(rhat(d)).toBeNaN();
    expect(essBulk(d)).toBeNaN();
    expect(essMean([[1, 2, NaN, 4, 5, 6]])).toBeNaN();
  });

  test('fewer than 3 draws per split chain: ESS is NaN', () => {
    expect(essBasic([[1, 2, 3, 4, 5]])).toBeNaN(); // split halves of 2
  });

  test('odd chain length: the split drops the middle draw', () => {
    const chain = [0.3, -1.2, 2.2, 0.1, 0.9, -0.4, 1.7, 0.0, -0.8];
    const withoutMiddle = [...chain.slice(0, 4), ...chain.slice(5)];
    expect(rhatBasic([chain])).toBe(rhatBasic([withoutMiddle]));
  });
});

describe('closed forms', () => {
  test('type 7 quantiles', () => {
    expect(quantile([[1, 2, 3, 4]], 0.05)).toBeCloseTo(1.15, 14);
    const x = [
      [3, 1, 4, 1],
      [5, 9, 2, 6],
    ];
    expect(quantile(x, 0.05)).toBeCloseTo(1, 14);
    expect(quantile(x, 0.5)).toBeCloseTo(3.5, 14);
    expect(quantile(x, 0.95)).toBeCloseTo(7.95, 14);
    expect(quantile(x, 0)).toBe(1);
    expect(quantile(x, 1)).toBe(9);
    expect(() => quantile(x, 1.5)).toThrow(RangeError);
  });

  test('median and mad', () => {
    expect(median([[5], [1], [3]])).toBe(3);
    expect(
      median([
        [4, 1],
        [3, 2],
      ]),
    ).toBe(2.5);
    expect(mad([[1, 2, 3, 4, 100]])).toBeCloseTo(1.4826, 14);
  });

  test('normal quantile (AS 241) to 1e-15', () => {
    const cases: Array<[number, number]> = [
      [0.975, 1.959963984540054],
      [0.025, -1.9599639845400545],
      [0.3, -0.5244005127080409],
      [0.9, 1.2815515655446004],
      [1e-10, -6.361340902404056],
      [1 - 1e-12, 7.0344869100478356],
      [0.0001, -3.7190164854556804],
      [0.42, -0.20189347914185088],
    ];
    for (const [p, z] of cases)
      expect(Math.abs(normalQuantile(p) - z)).toBeLessThan(1e-15 * Math.max(1, Math.abs(z)) * 4);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
  });

  test('independent draws: ESS near the number of draws, R-hat near 1', () => {
    // A fixed-seed LCG + Box–Muller: iid normal draws have ESS ≈ S and R-hat ≈ 1.
    let state = 12345;
    const unif = () => ((state = (state * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
    const draws = [0, 1, 2, 3].map(() =>
      Array.from({ length: 2000 }, () => Math.sqrt(-2 * Math.log(unif())) * Math.cos(2 * Math.PI * unif())),
    );
    expect(essBulk(draws) / 8000).toBeGreaterThan(0.85);
    expect(essBulk(draws) / 8000).toBeLessThan(1.15);
    expect(Math.abs(rhat(draws) - 1)).toBeLessThan(0.01);
  });
});

describe('building blocks against direct formulas', () => {
  test('FFT autocovariances (two chains per transform) equal the direct O(n²) sums', () => {
    const n = 37;
    const chains = [0, 1, 2].map((c) =>
      Float64Array.from({ length: n }, (_, i) => Math.sin(i * (c + 1.3)) + 0.1 * c * i),
    );
    chains.push(new Float64Array(n).fill(4)); // constant: contributes zeros
    for (const k of [1, 3, 4]) {
      const values = new Float64Array(k * n);
      chains.slice(0, k).forEach((ch, c) => values.set(ch, c * n));
      const acc = new Float64Array(n);
      addAutocovariances(values, k, n, acc);
      for (let t = 0; t < n; t++) {
        let want = 0;
        for (const ch of chains.slice(0, k)) {
          const m = ch.reduce((a, b) => a + b, 0) / n;
          for (let i = 0; i + t < n; i++) want += ((ch[i] - m) * (ch[i + t] - m)) / n;
        }
        expect(Math.abs(acc[t] - want)).toBeLessThan(1e-12);
      }
    }
  });

  test('average ranks, ties included, as R rank()', () => {
    const x = Float64Array.of(3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5);
    // R: rank(c(3,1,4,1,5,9,2,6,5,3,5)) = 4.5 1.5 6 1.5 8 11 3 10 8 4.5 8
    expect(Array.from(averageRanks(x))).toEqual([4.5, 1.5, 6, 1.5, 8, 11, 3, 10, 8, 4.5, 8]);
    const big = Float64Array.from({ length: 1000 }, (_, i) => Math.cos(i * 7.1));
    const order = argsort(big);
    for (let i = 1; i < big.length; i++) expect(big[order[i - 1]]).toBeLessThanOrEqual(big[order[i]]);
  });
});
