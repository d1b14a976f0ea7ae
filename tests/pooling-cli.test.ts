// `hstan pooling` from the built command line (`npm test` builds first; alone, run `npm run build`):
// the table on stdout, the SVG, HTML and derived programs in --output-dir, and refusals as one clear
// message with exit status 1 (no stack trace). The built CLI runs in plain Node, where sampling is
// many times faster than inside jest's module sandbox.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve('.');
const CLI = join(ROOT, 'dist/src/cli/main.js');

function hstan(args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number | null }> {
  const child = spawn(process.execPath, [CLI, 'pooling', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((res) => child.on('close', (exitCode) => res({ stdout, stderr, exitCode })));
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hstan-pooling-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const FAST = ['--warmup', '300', '--samples', '300', '--seed', '7', '-q'];

test('eight schools: table, figure, report and derived programs', async () => {
  const r = await hstan(['examples/eight_schools/centered.hstan', '--data', 'examples/eight_schools/data.json', '--group', 'theta', '--output-dir', dir, '--adapt-delta', '0.95', ...FAST]);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  const rows = r.stdout.split('\n').filter((l) => /^theta\[\d\]/.test(l));
  expect(rows).toHaveLength(8);
  // School 1 (y = 28, sigma = 15): no pooling near 28 (prior sd 100 or more barely shrinks it).
  const first = rows[0].trim().split(/\s{2,}/);
  expect(Math.abs(Number(first[1]) - 28)).toBeLessThan(4);
  expect(r.stdout).toContain('between-group sd (tau)');
  for (const f of ['centered-pooling.svg', 'centered-pooling.html', 'centered-no-pooling.hstan', 'centered-complete-pooling.hstan']) {
    expect(existsSync(join(dir, f))).toBe(true);
  }
  expect(readFileSync(join(dir, 'centered-complete-pooling.hstan'), 'utf8')).toContain('array[J] real theta = rep_array(mu, J);');
  expect(readFileSync(join(dir, 'centered-pooling.html'), 'utf8')).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
});

test('variants given as files: hierarchical binomial', async () => {
  const r = await hstan([
    'examples/hier_binomial/partial.hstan', '--data', 'examples/hier_binomial/data.json', '--group', 'p',
    '--no-pooling', 'examples/hier_binomial/unpooled.hstan', '--complete-pooling', 'examples/hier_binomial/pooled.hstan',
    '--output-dir', dir, ...FAST,
  ]);
  expect(r.stderr).toBe('');
  const rows = r.stdout.split('\n').filter((l) => /^p\[\d+\]/.test(l)).map((l) => l.trim().split(/\s{2,}/));
  expect(rows).toHaveLength(12);
  const x = [3, 10, 5, 3, 4, 4, 4, 3, 13, 5, 4, 7];
  rows.forEach((cells, j) => {
    expect(cells[1]).toBe('20'); // trials per group
    // no pooling with beta(2, 2): posterior mean (x + 2) / (20 + 4).
    expect(Math.abs(Number(cells[2]) - (x[j] + 2) / 24)).toBeLessThan(0.02);
  });
  // complete pooling with beta(2, 2): (Σx + 2) / (240 + 4), the same for every group.
  const pooled = (x.reduce((a, b) => a + b) + 2) / 244;
  for (const cells of rows) expect(Math.abs(Number(cells[5]) - pooled)).toBeLessThan(0.01);
  expect(r.stdout).toContain('population mean (alpha / (alpha + beta))');
  expect(existsSync(join(dir, 'partial-pooling.svg'))).toBe(true);
  expect(existsSync(join(dir, 'partial-no-pooling.hstan'))).toBe(false);
});

test('an unsupported prior is refused before any sampling, naming the fix', async () => {
  const r = await hstan(['examples/hier_binomial/partial.hstan', '--data', 'examples/hier_binomial/data.json', '--group', 'p', '--output-dir', dir]);
  expect(r.exitCode).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^hstan: cannot derive pooling variants for 'p': its prior 'p ~ beta\(alpha, beta\);' \(line \d+\)/);
  expect(r.stderr).toContain('--no-pooling FILE --complete-pooling FILE');
  expect(r.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
});

test('usage mistakes', async () => {
  const bad = await hstan(['examples/eight_schools/centered.hstan', '--group', 'theta', '--wide-sd', '-2']);
  expect(bad).toMatchObject({ exitCode: 1, stderr: "hstan: --wide-sd must be a positive number or 'flat', got '-2'\n" });
  const missing = await hstan(['examples/eight_schools/nope.hstan', '--group', 'theta']);
  expect(missing.exitCode).toBe(1);
  expect(missing.stderr).toBe("hstan: program 'examples/eight_schools/nope.hstan' does not exist\n");
});
