// The summary table and JSON form.
import { formatSig, formatSummaryTable, summaryToJson, type SummaryRow } from '../src/diagnostics/index.js';

function row(name: string, over: Partial<SummaryRow> = {}): SummaryRow {
  return {
    name,
    mean: -0.0140340574321376,
    sd: 1.00177301099291,
    median: -0.0146470792288545,
    mad: 0.98,
    q5: -1.68319960723039,
    q95: 1.61843467630705,
    essBulk: 3992.46835701108,
    essTail: 3385.52206094845,
    rhat: 0.999950389518952,
    mcseMean: 0.0158624546290917,
    mcseSd: 0.0115325638979198,
    quantiles: [],
    ...over,
  };
}

test('significant figures', () => {
  expect(formatSig(-0.0140340574321376, 3)).toBe('-0.0140');
  expect(formatSig(1.00177301099291, 3)).toBe('1.00');
  expect(formatSig(0.999950389518952, 3)).toBe('1.00');
  expect(formatSig(1.01284804813777, 3)).toBe('1.01');
  expect(formatSig(12345.6, 3)).toBe('12300');
  expect(formatSig(999.6, 3)).toBe('1000');
  expect(formatSig(0.0000123456, 3)).toBe('1.23e-05');
  expect(formatSig(-1.68319960723039, 5)).toBe('-1.6832');
  expect(formatSig(0, 3)).toBe('0');
  expect(formatSig(NaN, 3)).toBe('NA');
});

test('table: CmdStan-like columns, Stan element names, ESS as counts', () => {
  const text = formatSummaryTable([row('mu'), row('Sigma[2,1]', { rhat: NaN, essTail: NaN })], {
    run: { chains: 4, drawsPerChain: 1000, wallTimeSeconds: 1.234, divergences: 3 },
  });
  const lines = text.trimEnd().split('\n');
  expect(lines[0].trim().split(/\s+/)).toEqual(['mean', 'sd', 'median', '5%', '95%', 'ess_bulk', 'ess_tail', 'r_hat']);
  expect(lines[1].split(/\s+/)).toEqual(['mu', '-0.0140', '1.00', '-0.0146', '-1.68', '1.62', '3992', '3386', '1.00']);
  expect(lines[2].split(/\s+/)).toEqual([
    'Sigma[2,1]',
    '-0.0140',
    '1.00',
    '-0.0146',
    '-1.68',
    '1.62',
    '3992',
    'NA',
    'NA',
  ]);
  // Right-aligned numbers: every line of the table has the same width.
  expect(new Set(lines.slice(0, 3).map((l) => l.length)).size).toBe(1);
  expect(lines[4]).toBe('4 chains × 1000 draws (4000 total); wall time 1.23 s; 3 divergences');
});

test('sig figs option', () => {
  const text = formatSummaryTable([row('mu')], { sigFigs: 5 });
  expect(text.split('\n')[1].split(/\s+/).slice(1, 4)).toEqual(['-0.014034', '1.0018', '-0.014647']);
  expect(() => formatSummaryTable([row('mu')], { sigFigs: 0 })).toThrow('sig figs must be an integer from 1 to 17');
});

test('large containers fold after 20 elements unless all', () => {
  const rows = [row('mu'), ...Array.from({ length: 25 }, (_, i) => row(`theta[${i + 1}]`)), row('tau')];
  const folded = formatSummaryTable(rows).trimEnd().split('\n');
  expect(folded).toHaveLength(1 + 1 + 20 + 1 + 1);
  expect(folded[21].startsWith('theta[20]')).toBe(true);
  expect(folded[22]).toBe('... 5 more theta elements (use --all)');
  expect(folded[23].startsWith('tau')).toBe(true);
  const all = formatSummaryTable(rows, { all: true }).trimEnd().split('\n');
  expect(all).toHaveLength(1 + 27);
  expect(all.some((l) => l.includes('more'))).toBe(false);
});

test('JSON: posterior column names, NaN as null', () => {
  const json = summaryToJson([row('theta[1]', { essTail: NaN })], { run: { chains: 2, drawsPerChain: 10 } });
  const back = JSON.parse(JSON.stringify(json));
  expect(back.variables[0]).toMatchObject({
    variable: 'theta[1]',
    ess_tail: null,
    rhat: 0.999950389518952,
    q5: -1.68319960723039,
  });
  expect(back.run).toEqual({ chains: 2, drawsPerChain: 10 });
});
