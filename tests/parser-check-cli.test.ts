// `hstan check`: diagnostics on stderr with file, line, column and a caret, `FILE: ok` for
// clean files, exit status 0 / 1 / 2, and never a stack trace.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { jest } from '@jest/globals';
import { checkSource, register, runCheck } from '../src/cli/commands/check.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hstan-check-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function run(files: string[], options = {}, checker = checkSource) {
  const out: string[] = [];
  const err: string[] = [];
  const status = runCheck(files, options, { out: (t) => out.push(t), err: (t) => err.push(t) }, checker);
  return { status, out: out.join(''), err: err.join('') };
}

const CLEAN = 'data {\n  int<lower=0> N;\n  vector[N] y;\n}\nparameters {\n  real mu;\n}\nmodel {\n  y ~ normal(mu, 1);\n}\n';

describe('hstan check', () => {
  test('a clean file prints FILE: ok and exits 0', () => {
    const f = write('clean.stan', CLEAN);
    expect(run([f])).toEqual({ status: 0, out: `${f}: ok\n`, err: '' });
  });

  test('a syntax error is printed with a code frame and exits 1', () => {
    const f = write('bad.stan', 'model {\n  y ~ normal(0, 1)\n  x = 3;\n}\n');
    const r = run([f]);
    expect(r.status).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe([`${f}:2:19: error: expected ';' after the statement`, '2 |   y ~ normal(0, 1)', '  |                   ^', ''].join('\n'));
  });

  test('several files: each reported, the worst status wins', () => {
    const good = write('good.stan', CLEAN);
    const bad = write('bad.stan', 'modle {\n}\n');
    const r = run([good, bad]);
    expect(r.status).toBe(1);
    expect(r.out).toBe(`${good}: ok\n`);
    expect(r.err).toContain(`${bad}:1:1: error: unknown block 'modle' — did you mean 'model'?`);
  });

  test('a type error found by the checker fails the file', () => {
    const f = write('undeclared.stan', 'parameters {\n  real mu;\n}\nmodel {\n  mu ~ normal(nu, 1);\n}\n');
    const r = run([f]);
    expect(r.status).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain(`${f}:5:`);
    expect(checkSource('parameters { real mu; } model { mu ~ normal(nu, 1); }', 'x.stan').diagnostics.some((d) => !d.code.startsWith('syntax/'))).toBe(true);
  });

  test('warnings are shown but the file is still ok', () => {
    const f = write('legacy.stan', 'data {\n  int N;\n  real y[N];\n}\nmodel {\n}\n');
    const r = run([f]);
    expect(r.status).toBe(0);
    expect(r.out).toBe(`${f}: ok\n`);
    expect(r.err).toContain(`${f}:3:3: warning: \`real y[N]\` is the removed array syntax; write \`array[N] real y\``);
  });

  test('errors in an included file show that file and its line', () => {
    write('part.stan', 'x = ;\n');
    const f = write('main.stan', 'model {\n  real x;\n  #include "part.stan"\n}\n');
    const r = run([f]);
    expect(r.status).toBe(1);
    expect(r.err).toBe(
      [`${join(dir, 'part.stan')}:1:5: error: expected an expression after '=' but found ';'`, '1 | x = ;', '  |     ^', ''].join('\n'),
    );
  });

  test('a missing file is reported without a stack trace', () => {
    const r = run([join(dir, 'nope.stan')]);
    expect(r).toEqual({ status: 1, out: '', err: `hstan: cannot read '${join(dir, 'nope.stan')}': no such file\n` });
  });

  test('an unexpected exception is an internal error with status 2', () => {
    const f = write('clean.stan', CLEAN);
    const r = run([f], {}, () => {
      throw new Error('boom');
    });
    expect(r).toEqual({ status: 2, out: '', err: 'hstan: internal error: boom\n' });
  });

  test('register adds the command with its options to a commander program', async () => {
    const f = write('clean.stan', CLEAN);
    const program = new Command();
    program.exitOverride();
    register(program);
    const writes: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    const previous = process.exitCode;
    try {
      await program.parseAsync(['node', 'hstan', 'check', '-I', dir, f]);
      expect(writes.join('')).toBe(`${f}: ok\n`);
      expect(process.exitCode ?? 0).toBe(0);
    } finally {
      spy.mockRestore();
      process.exitCode = previous;
    }
    const help = program.commands.find((c) => c.name() === 'check')!.helpInformation();
    expect(help).toContain('check [options] <files...>');
    expect(help).toContain('--include-path <dir>');
  });
});
