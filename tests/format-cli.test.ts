// `hstan format`: stdout by default, --write rewrites in place, --check lists unformatted files and
// exits 1 (so it can gate CI), syntax errors are reported with their location and no stack trace.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { jest } from '@jest/globals';
import { register, runFormat } from '../src/cli/commands/format.js';

const UNTIDY = 'parameters { real mu; }\nmodel { mu~normal(0,1); }\n';
const TIDY_FROM_UNTIDY = 'parameters {\n  real mu;\n}\n\nmodel {\n  mu ~ normal(0, 1);\n}\n';
const LEGACY = 'data {\n  int N;\n  real y[N];\n}\n';
const BROKEN = 'model {\n  mu ~ normal(0, 1)\n  x = ;\n}\n';

let dir: string;
let untidy: string;
let tidy: string;
let legacy: string;
let broken: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hstan-format-'));
  untidy = join(dir, 'untidy.hstan');
  tidy = join(dir, 'tidy.stan');
  legacy = join(dir, 'legacy.hstan');
  broken = join(dir, 'broken.hstan');
  writeFileSync(untidy, UNTIDY);
  writeFileSync(tidy, TIDY_FROM_UNTIDY);
  writeFileSync(legacy, LEGACY);
  writeFileSync(broken, BROKEN);
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('hstan format', () => {
  test('prints the formatted program to stdout and leaves the file alone', async () => {
    const r = await runFormat([untidy]);
    expect(r).toEqual({ exitCode: 0, stdout: TIDY_FROM_UNTIDY, stderr: '', changed: [untidy] });
    expect(readFileSync(untidy, 'utf8')).toBe(UNTIDY);
  });

  test('--check lists only the files that would change and exits 1', async () => {
    const r = await runFormat([tidy, untidy, legacy], { check: true });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe(`${untidy}\n`);
    expect(r.stderr).toBe("1 file would be reformatted; run 'hstan format --write' to fix\n");
    expect(readFileSync(untidy, 'utf8')).toBe(UNTIDY);
  });

  test('--check exits 0 and prints nothing when every file is formatted', async () => {
    expect(await runFormat([tidy, legacy], { check: true })).toEqual({ exitCode: 0, stdout: '', stderr: '', changed: [] });
  });

  test('--check --canonicalize flags legacy syntax that plain formatting keeps', async () => {
    const r = await runFormat([tidy, legacy], { check: true, canonicalize: true });
    expect(r.exitCode).toBe(1);
    expect(r.changed).toEqual([legacy]);
  });

  test('--write rewrites changed files in place, after which --check passes', async () => {
    const r = await runFormat([tidy, untidy], { write: true });
    expect(r).toEqual({ exitCode: 0, stdout: `${untidy}\n`, stderr: '', changed: [untidy] });
    expect(readFileSync(untidy, 'utf8')).toBe(TIDY_FROM_UNTIDY);
    expect(readFileSync(tidy, 'utf8')).toBe(TIDY_FROM_UNTIDY);
    expect((await runFormat([tidy, untidy], { check: true })).exitCode).toBe(0);
  });

  test('--write --canonicalize modernizes legacy arrays', async () => {
    await runFormat([legacy], { write: true, canonicalize: true });
    expect(readFileSync(legacy, 'utf8')).toBe('data {\n  int N;\n  array[N] real y;\n}\n');
  });

  test('--print-width changes where lines break', async () => {
    // `  mu ~ normal(0, 1);` is 20 columns: it fits at 20 and breaks at 19.
    expect((await runFormat([tidy], { printWidth: 20 })).stdout).toBe(TIDY_FROM_UNTIDY);
    const r = await runFormat([tidy], { printWidth: 19 });
    expect(r.stdout).toBe('parameters {\n  real mu;\n}\n\nmodel {\n  mu ~ normal(\n    0,\n    1\n  );\n}\n');
  });

  test('a syntax error is reported with file, line and column, exit 1, file untouched', async () => {
    const r = await runFormat([broken, untidy], { write: true });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:20: error: `));
    expect(r.stderr).toContain('  x = ;');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(broken, 'utf8')).toBe(BROKEN);
    // The other file is still formatted.
    expect(readFileSync(untidy, 'utf8')).toBe(TIDY_FROM_UNTIDY);
  });

  test('a missing file and conflicting flags are usage errors', async () => {
    const missing = join(dir, 'missing.hstan');
    expect(await runFormat([missing])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `hstan: cannot read '${missing}': no such file\n`,
      changed: [],
    });
    const both = await runFormat([tidy], { check: true, write: true });
    expect(both.exitCode).toBe(1);
    expect(both.stderr).toMatch(/either --check .* or --write/);
  });

  test('the registered command sets the exit status from --check', async () => {
    const program = new Command().name('hstan').exitOverride();
    register(program);
    const out: string[] = [];
    const err: string[] = [];
    const outSpy = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
    const errSpy = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
    try {
      await program.parseAsync(['node', 'hstan', 'format', '--check', tidy]);
      expect(process.exitCode).toBeUndefined();
      await program.parseAsync(['node', 'hstan', 'format', '--check', '--print-width', '100', tidy, untidy]);
      expect(process.exitCode).toBe(1);
      expect(out.join('')).toBe(`${untidy}\n`);
      expect(err.join('')).toContain('1 file would be reformatted');
    } finally {
      outSpy.mockRestore();
      errSpy.mockRestore();
      process.exitCode = undefined;
    }
  });
});
