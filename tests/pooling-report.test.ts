// The pieces of `hstan pooling` that need no sampling: the shrinkage formula and the printed table
// on a hand-made comparison, the default no-pooling prior sd, group sizes read from the data, the
// population of a beta prior, and the figure's content.
import { readFileSync } from 'node:fs';
import { parse } from '../src/frontend/parse.js';
import type { Program } from '../src/frontend/ast.js';
import {
  defaultWideSd, formatPoolingTable, formatShrinkage, groupSizes, niceCeil, niceTicks, populationQuantities, shrinkage, shrinkagePlotSvg,
  poolingReportHtml, variantName, type PoolingComparison, type VariantRun, type Estimate,
} from '../src/pooling/index.js';

const est = (mean: number, sd = 1, q5 = mean - 1.645 * sd, q95 = mean + 1.645 * sd): Estimate => ({ mean, sd, q5, q95 });
const run = (kind: VariantRun['kind'], origin: VariantRun['origin'], extra: Partial<VariantRun> = {}): VariantRun => ({
  kind, origin, filename: `m-${kind}.hstan`, source: `// ${kind} <program>\n`, summary: `${kind} summary`, notes: [], seconds: 1.25,
  divergences: 0, maxRhat: 1.001, ...extra,
});

/** Three groups: ordinary shrinkage, a group that overshoots the population, and none = complete. */
function handMade(): PoolingComparison {
  const groups = [
    { name: 'theta[1]', size: 5, none: est(10, 4), partial: est(4, 2), complete: est(2, 0.5) },
    { name: 'theta[2]', size: 50, none: est(-6, 1), partial: est(-5, 0.9), complete: est(2, 0.5) },
    { name: 'theta[3]', size: 500, none: est(2, 0.2), partial: est(2.1, 0.2), complete: est(2, 0.5) },
  ];
  return {
    model: 'hand', param: 'theta',
    groups: groups.map((g) => ({ ...g, shrinkage: shrinkage(g.none.mean, g.partial.mean, g.complete.mean) })),
    sizeLabel: 'observations per group (g)',
    population: [
      { role: 'mean', label: 'population mean', expression: 'mu', ...est(2.2, 0.6) },
      { role: 'sd', label: 'between-group sd', expression: 'tau', ...est(3, 1) },
    ],
    variants: { none: run('none', 'derived'), partial: run('partial', 'as written'), complete: run('complete', 'given', { divergences: 3 }) },
    wideSd: 50, chains: 4, drawsPerChain: 1000,
  };
}

describe('shrinkage', () => {
  test('1 − (partial − complete)/(none − complete)', () => {
    expect(shrinkage(10, 4, 2)).toBe(0.75); // 1 − 2/8
    expect(shrinkage(-6, -5, 2)).toBe(0.125); // 1 − (−7)/(−8)
    expect(shrinkage(10, 10, 2)).toBe(0); // not pooled at all
    expect(shrinkage(10, 2, 2)).toBe(1); // pooled completely
    expect(shrinkage(2, 2.1, 2)).toBeNaN(); // no-pooling estimate already at the pooled one
  });

  test('the printed table shows each group, its size, the interval and the shrinkage', () => {
    const text = formatPoolingTable(handMade());
    const lines = text.split('\n');
    const row = (name: string) => lines.find((l) => l.startsWith(name))!.trim().split(/\s{2,}/);
    expect(row('theta[1]')).toEqual(['theta[1]', '5', '10.0', '4.00', '[0.710, 7.29]', '2.00', '0.75']);
    expect(row('theta[2]')).toEqual(['theta[2]', '50', '-6.00', '-5.00', '[-6.48, -3.52]', '2.00', '0.13']);
    expect(row('theta[3]')).toEqual(['theta[3]', '500', '2.00', '2.10', '[1.77, 2.43]', '2.00', '—']);
    expect(text).toContain('n = observations per group (g).');
    expect(text).toMatch(/population mean \(mu\)\s+2\.20\s+0\.600\s+1\.21\s+3\.19/);
    expect(text).toContain('no pooling        derived, none summary; 1.3 s, 0 divergent, max R-hat 1.00');
    expect(text).toContain('warning: the complete pooling fit had 3 divergent transitions');
  });
});

describe('the default no-pooling prior sd', () => {
  test('1, 2 or 5 × 10^k, at least the value', () => {
    expect([0.03, 1, 1.2, 3, 7, 79.4, 100, 101].map(niceCeil)).toEqual([0.05, 1, 2, 5, 10, 100, 100, 200]);
  });
  test('ten times |population mean| + between-group sd', () => {
    expect(defaultWideSd(4.42, 3.52)).toBe(100); // 79.4 → 100
    expect(defaultWideSd(-3, 2)).toBe(50);
  });
  test('derived program file names', () => {
    expect(variantName('examples/eight_schools/centered.hstan', 'no-pooling')).toBe('examples/eight_schools/centered-no-pooling.hstan');
  });
});

function program(path: string): Program {
  return parse(readFileSync(path, 'utf8')).ast!;
}

describe('group sizes from the data', () => {
  test('observations per group from the index array', () => {
    const data = JSON.parse(readFileSync('examples/group_means/data.json', 'utf8')) as { group: number[] };
    const sizes = groupSizes(program('examples/group_means/partial.hstan'), data, 'mu', 5)!;
    const expected = [1, 2, 3, 4, 5].map((k) => data.group.filter((g) => g === k).length);
    expect(sizes).toEqual({ sizes: expected, label: 'observations per group (group)' });
    expect(expected.reduce((a, b) => a + b)).toBe(40);
  });

  test('an index inside a loop (a[county[i]])', () => {
    const data = { N: 4, J: 3, county: [3, 1, 3, 3], x: [0, 0, 0, 0], y: [0, 0, 0, 0] };
    expect(groupSizes(program('examples/radon/varying_intercepts.hstan'), data, 'a', 3)!.sizes).toEqual([1, 0, 3]);
  });

  test('binomial trials', () => {
    const sizes = groupSizes(program('examples/hier_binomial/partial.hstan'), { N: 3, n: 20, x: [1, 2, 3] }, 'p', 3);
    expect(sizes).toEqual({ sizes: [20, 20, 20], label: 'trials per group (n)' });
  });

  test('none when the data do not show them', () => {
    expect(groupSizes(program('examples/eight_schools/centered.hstan'), { J: 8 }, 'theta', 8)).toBeUndefined();
  });
});

describe('population of the group prior', () => {
  test('beta(alpha, beta): mean alpha/(alpha+beta), sd sqrt(ab/((a+b)^2 (a+b+1)))', () => {
    const draws: Record<string, number[][]> = { alpha: [[2, 1]], beta: [[6, 1]] };
    const q = populationQuantities(program('examples/hier_binomial/partial.hstan'), 'p', (n) => draws[n]);
    expect(q.map((x) => x.role)).toEqual(['mean', 'sd']);
    expect(q[0].draws[0]).toEqual([0.25, 0.5]);
    expect(q[1].draws[0][0]).toBeCloseTo(Math.sqrt(0.25 * 0.75 / 9), 14); // beta(2, 6) sd
    expect(q[1].draws[0][1]).toBeCloseTo(Math.sqrt(1 / 12), 14); // uniform(0, 1) sd
  });

  test('normal(mu, tau): the location and scale parameters themselves', () => {
    const draws: Record<string, number[][]> = { mu: [[1]], tau: [[2]] };
    const q = populationQuantities(program('examples/eight_schools/noncentered.hstan'), 'theta', (n) => draws[n]);
    expect(q.map((x) => [x.label, x.expression, x.draws[0][0]])).toEqual([['population mean', 'mu', 1], ['between-group sd', 'tau', 2]]);
  });
});

describe('the figure', () => {
  test('round ticks', () => {
    expect(niceTicks(-28.5, 51.3)).toEqual([-20, 0, 20, 40]);
    expect(niceTicks(0.02, 0.61)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
  });

  test('one no-pooling and one partial point per group joined by a line, sizes by group size, three intervals each', () => {
    const svg = shrinkagePlotSvg(handMade());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const circles = [...svg.matchAll(/<circle cx="[\d.]+" cy="[\d.]+" r="([\d.]+)" fill="#d95f02" fill-opacity/g)].map((m) => Number(m[1]));
    expect(circles).toHaveLength(3);
    // Drawn biggest first; area ∝ size, so radius − 2.5 ∝ sqrt(size).
    expect(circles).toEqual([10, 2.5 + 7.5 * Math.sqrt(50 / 500), 2.5 + 7.5 * Math.sqrt(5 / 500)].map((r) => Number(r.toFixed(1))));
    expect(svg.match(/stroke="#999"/g)).toHaveLength(3);
    // 3 groups × 3 variants = 9 interval bars.
    expect(svg.match(/<line [^>]*stroke-width="[\d.]+"\/>\n<circle [^>]*><title>theta\[\d\] (none|partial|complete):/g)).toHaveLength(9);
    expect(svg).toContain('population mean (mu), partial pooling');
    expect(svg).toContain('point area ∝ observations per group (g)');
  });

  test('the HTML report embeds the figure and escapes program text', () => {
    const c = handMade();
    const html = poolingReportHtml(c, '<svg id="fig"></svg>');
    expect(html).toContain('<div class="figure">\n<svg id="fig"></svg></div>');
    expect(html).toContain('// none &lt;program&gt;');
    expect(html).not.toContain('<program>');
  });
});

describe('noisy shrinkage', () => {
  test('shown in parentheses when none − complete is within 3 Monte Carlo standard errors', () => {
    // MCSEs 0.1 and 0.05: 3 × hypot = 0.335.
    const g = (none: number) => ({ none: { ...est(none), mcse: 0.1 }, complete: { ...est(2), mcse: 0.05 }, shrinkage: shrinkage(none, 2.5, 2) });
    expect(formatShrinkage(g(2.3))).toBe('(-0.67)'); // 1 − 0.5/0.3, gap 0.3 < 0.335
    expect(formatShrinkage(g(2.4))).toBe('-0.25'); // gap 0.4 ≥ 0.335
    expect(formatShrinkage(g(2))).toBe('—');
  });
});
