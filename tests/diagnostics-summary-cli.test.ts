// `hstan summary`: CSV files in, R posterior's numbers and the sampler's advice out.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { jest } from '@jest/globals';
import { register, summarizeCsvFiles } from '../src/cli/commands/summary.js';
import { SAMPLER_COLUMNS, StanCsvWriter } from '../src/output/stan-csv.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(readFileSync(join(here, 'fixtures/diagnostics/posterior-diagnostics.json'), 'utf8'));
const mu: number[][] = fixture.cases.iid_normal.draws_by_chain; // 4 × 1000
const theta: number[][] = fixture.cases['ar1_0.9'].draws_by_chain; // 4 × 1000

let dir: string;
let files: string[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hstan-summary-'));
  // Full precision (sig_figs 17) so the summary sees R's exact draws.
  files = mu.map((muChain, c) => {
    const path = join(dir, `fit-${c + 1}.csv`);
    const w = new StanCsvWriter(path);
    w.writeHeader(
      {
        model: 'test_model',
        numSamples: 1000,
        numWarmup: 1000,
        adaptDelta: 0.8,
        maxDepth: 10,
        metric: 'diag_e',
        chainId: c + 1,
        seed: 1,
        sigFigs: 17,
        hints: { hierarchical: [{ effect: 'theta', location: 'mu', scale: 'tau', centered: true, size: 'J' }] },
      },
      [...SAMPLER_COLUMNS, 'mu', 'theta.1'],
    );
    w.writeAdaptation(0.7, Float64Array.of(1, 1));
    for (let i = 0; i < 1000; i++) {
      const divergent = c === 1 && i < 3 ? 1 : 0; // 3 divergences, all in chain 2
      const treedepth = c === 3 && i === 0 ? 10 : 3; // 1 saturation in chain 4
      const energy = 10 + (i % 2); // E-BFMI 4·999/1000
      w.writeDraw([-5 - muChain[i] ** 2, 0.9, 0.7, treedepth, 7, divergent, energy, muChain[i], theta[c][i]]);
    }
    w.close({ warmupSeconds: 1 + c, samplingSeconds: 2 });
    return path;
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function close(got: number, want: number, rel: number): void {
  expect(Math.abs(got - want) / Math.abs(want)).toBeLessThanOrEqual(rel);
}

test('JSON: every summary column equals R posterior for each variable', () => {
  const out = JSON.parse(summarizeCsvFiles(files, { json: true }));
  expect(out.variables.map((v: { variable: string }) => v.variable)).toEqual(['lp__', 'mu', 'theta[1]']);
  for (const [k, name] of [
    [1, 'iid_normal'],
    [2, 'ar1_0.9'],
  ] as const) {
    const want = fixture.cases[name].summary;
    const got = out.variables[k];
    for (const [key, rel] of [
      ['mean', 1e-6],
      ['sd', 1e-6],
      ['median', 1e-6],
      ['mad', 1e-6],
      ['rhat', 1e-6],
      ['ess_bulk', 1e-3],
      ['ess_tail', 1e-3],
      ['mcse_mean', 1e-6],
      ['mcse_sd', 1e-6],
    ] as const) {
      close(got[key], want[key], rel);
    }
    close(got.q5, want['5%'], 1e-6);
    close(got.q95, want['95%'], 1e-6);
  }
  expect(out.run).toEqual({ chains: 4, drawsPerChain: 1000, wallTimeSeconds: 6, divergences: 3 });
  expect(out.sampler.chains.map((c: { divergences: number }) => c.divergences)).toEqual([0, 3, 0, 0]);
  expect(out.sampler.treedepthSaturations).toBe(1);
  close(out.sampler.chains[0].ebfmi, (4 * 999) / 1000, 1e-12);
  // ar1_0.9 has R-hat 1.0128 and bulk ESS 172 < 400: both flagged, by name.
  expect(out.advice.map((a: { kind: string }) => a.kind)).toEqual(['divergences', 'treedepth', 'rhat', 'ess']);
  expect(out.advice[0].parameters).toEqual(['theta']); // from the hints hstan keeps in the CSV
  expect(out.advice[2].parameters).toEqual(['theta[1]']);
  expect(out.advice[3].parameters).toEqual(['theta[1]']);
});

test('text: the table, the run line and the advice', () => {
  const text = summarizeCsvFiles(files, { sigFigs: '2' });
  const lines = text.split('\n');
  expect(lines[0].trim().split(/\s+/)).toEqual(['mean', 'sd', 'median', '5%', '95%', 'ess_bulk', 'ess_tail', 'r_hat']);
  // R: mean -0.01403, sd 1.0018, median -0.01465, 5% -1.6832, 95% 1.6184, ess 3992 / 3386, rhat 0.99995
  // R-hat keeps three significant figures whatever --sig-figs says: 1.0128 must not read as 1.0.
  expect(lines[2].split(/\s+/)).toEqual(['mu', '-0.014', '1.0', '-0.015', '-1.7', '1.6', '3992', '3386', '1.00']);
  expect(lines[3].split(/\s+/)).toEqual(['theta[1]', '-0.16', '2.4', '-0.17', '-4.0', '3.7', '172', '376', '1.01']);
  expect(text).toContain('4 chains × 1000 draws (4000 total); wall time 6.00 s; 3 divergences');
  expect(text).toContain('Warning: 3 of 4000 transitions (0.075%) ended with a divergence');
  expect(text).toContain('non-center the group effects: declare `vector<offset=mu, multiplier=tau>[J] theta`');
  expect(text).toContain('R-hat is above 1.01 for theta[1] (1.013)');
});

describe('errors', () => {
  test('bad files and options throw messages naming the problem', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'lp__,x\n1,2\n3\n');
    expect(() => summarizeCsvFiles([bad])).toThrow(`${bad}:3: expected 2 values, found 1`);
    expect(() => summarizeCsvFiles([join(dir, 'missing.csv')])).toThrow('missing.csv: cannot read: no such file');
    expect(() => summarizeCsvFiles(files, { sigFigs: 'x' })).toThrow(
      "--sig-figs must be a whole number from 1 to 17, got 'x'",
    );
    expect(() => summarizeCsvFiles([files[0], bad])).toThrow(/bad\.csv:3/);
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, 'lp__,x\n');
    expect(() => summarizeCsvFiles([empty])).toThrow(`${empty}: no post-warmup draws to summarize`);
  });

  test('the command prints `hstan: <message>` and exits 1, with no stack trace', async () => {
    const program = new Command().name('hstan').exitOverride();
    register(program);
    const err: string[] = [];
    const out: string[] = [];
    const errSpy = jest
      .spyOn(process.stderr, 'write')
      .mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
    const outSpy = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
    try {
      await program.parseAsync(['node', 'hstan', 'summary', join(dir, 'missing.csv')]);
      expect(process.exitCode).toBe(1);
      expect(err.join('')).toBe(`hstan: ${join(dir, 'missing.csv')}: cannot read: no such file\n`);
      process.exitCode = undefined;
      await program.parseAsync(['node', 'hstan', 'summary', '--json', ...files]);
      expect(process.exitCode).toBeUndefined();
      expect(JSON.parse(out.join('')).variables).toHaveLength(3);
    } finally {
      errSpy.mockRestore();
      outSpy.mockRestore();
      process.exitCode = undefined;
    }
  });
});
