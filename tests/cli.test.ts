// The built command line (`npm test` builds first: the `pretest` script), run as a user would:
// version and help, log-density against the library, compiled modules, sampling to Stan CSV,
// reproducibility, a killed or interrupted run, and bad input reported without a stack trace.
import { spawn, ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compile } from '../src/model/compile.js';
import { loadCompiledModel } from '../src/model/module.js';
import { readStanCsvFile } from '../src/output/stan-csv.js';

const ROOT = resolve('.');
const CLI = join(ROOT, 'dist/src/cli/main.js');
const ES_MODEL = 'examples/eight_schools/noncentered.hstan';
const ES_DATA = 'examples/eight_schools/data.json';
const RADON_MODEL = 'examples/radon/varying_intercepts.hstan';
const RADON_DATA = 'examples/radon/data.json';

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(args: string[]): { child: ChildProcess; done: Promise<Result> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Result>((res) => child.on('close', (code, signal) => res({ code, signal, stdout, stderr })));
  return { child, done };
}

const hstan = (...args: string[]) => start(args).done;

/** Draw rows (the lines that are neither comments nor the header) of a Stan CSV file. */
function drawLines(file: string): string[] {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  return lines.slice(1);
}

async function waitFor(cond: () => boolean, what: string, timeoutMs = 40000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const countRows = (file: string) => (existsSync(file) ? drawLines(file).length : 0);

/** Every row has as many numbers as the header has columns, and the file ends at a line end. */
function expectCompleteRows(file: string): void {
  const text = readFileSync(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const width = lines[0].split(',').length;
  for (const line of lines.slice(1)) {
    const fields = line.split(',');
    expect(fields.length).toBe(width);
    for (const f of fields) expect(Number.isNaN(Number(f)) && !/^-?(nan|inf)$/i.test(f)).toBe(false);
  }
}

let tmp: string;
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does it first)`);
  tmp = mkdtempSync(join(tmpdir(), 'hstan-cli-'));
  // Compiled models are ES modules; an app that imports them is an ES module package.
  writeFileSync(join(tmp, 'package.json'), '{ "type": "module" }\n');
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('hstan --version and --help', () => {
  test('--version prints package.json\'s version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
    const r = await hstan('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  test('`npm run hstan` starts Node with one V8 helper thread; the bin runs through its plain shebang', async () => {
    const { scripts, version } = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(scripts.hstan).toBe('node --v8-pool-size=1 dist/src/cli/main.js');
    expect(readFileSync(CLI, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    // Run as an installed `hstan` is: the file itself, executed.
    const child = spawn(CLI, ['--version'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    const code = await new Promise((res) => child.on('close', res));
    expect(code).toBe(0);
    expect(out.trim()).toBe(version);
  });

  test('--help lists the commands', async () => {
    const r = await hstan('--help');
    expect(r.code).toBe(0);
    for (const cmd of ['sample', 'log-density', 'compile', 'summary', 'functions', 'check', 'format']) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
    }
  });
});

describe('hstan log-density and hstan compile', () => {
  const points = [
    [0.1, 0.2, 0, 0, 0, 0, 0, 0, 0, 0],
    [-1.5, 1.3, 0.4, -0.2, 1.1, -0.7, 0.05, 2.2, -1.9, 0.3],
  ];
  const data = () => JSON.parse(readFileSync(ES_DATA, 'utf8'));
  const library = () => compile(readFileSync(ES_MODEL, 'utf8'), { filename: ES_MODEL }).instantiate(data());

  const module = () => join(tmp, 'noncentered.js');
  let atPoints: Result[];
  let noJacobian: Result;
  let compiled: Result;
  let viaModule: Result;
  beforeAll(async () => {
    // All at once: each command is its own process, mostly start-up time.
    const ld = (model: string, u: number[], ...more: string[]) =>
      hstan('log-density', model, '--data', ES_DATA, '--unconstrained', JSON.stringify(u), ...more);
    const compileThenUse = hstan('compile', ES_MODEL, '-o', module()).then(async (r) => {
      compiled = r;
      viaModule = await ld(module(), points[1]);
    });
    [atPoints, noJacobian] = await Promise.all([Promise.all(points.map((u) => ld(ES_MODEL, u))), ld(ES_MODEL, points[1], '--no-jacobian'), compileThenUse]);
  });

  test.each(points.map((p, i) => [i, p] as const))('log-density at point %i equals the library\'s', (i, u) => {
    const r = atPoints[i];
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const { logDensity, gradient } = library().logDensityAndGradient(u);
    expect(out.log_density).toBe(logDensity);
    expect(out.gradient).toEqual(Array.from(gradient));
    // Constrained values: tau = exp(u[1]), theta = mu + tau * eta.
    expect(out.constrained.mu).toBe(u[0]);
    expect(out.constrained.tau).toBeCloseTo(Math.exp(u[1]), 14);
    out.constrained.theta.forEach((t: number, j: number) => expect(t).toBeCloseTo(u[0] + Math.exp(u[1]) * u[2 + j], 12));
  });

  test('--no-jacobian leaves out log tau', () => {
    expect(noJacobian.code).toBe(0);
    // tau = exp(u[1]) contributes log|d tau / d u| = u[1].
    expect(JSON.parse(atPoints[1].stdout).log_density - JSON.parse(noJacobian.stdout).log_density).toBeCloseTo(points[1][1], 12);
  });

  test('compile writes a module that loads into the same model; log-density accepts it', async () => {
    expect(compiled.code).toBe(0);
    expect(compiled.stdout.trim()).toBe(module());
    const model = loadCompiledModel(await import(pathToFileURL(module()).href));
    const fromModule = model.instantiate(data());
    const fromSource = library();
    for (const u of points) {
      const a = fromModule.logDensityAndGradient(u);
      const b = fromSource.logDensityAndGradient(u);
      expect(a.logDensity).toBe(b.logDensity);
      expect(Array.from(a.gradient)).toEqual(Array.from(b.gradient));
    }
    expect(model.hints).toEqual(compile(readFileSync(ES_MODEL, 'utf8')).hints);
    expect(viaModule.code).toBe(0);
    expect(JSON.parse(viaModule.stdout)).toEqual(JSON.parse(atPoints[1].stdout));
  });
});

describe('hstan sample', () => {
  const common = ['--data', ES_DATA, '--samples', '200', '--warmup', '200', '--seed', '5', '--quiet'];
  let runs: { dir: string; result: Result }[];

  beforeAll(async () => {
    // The same seed three times: twice from source, once from the compiled module.
    const module = join(tmp, 'es-module.js');
    const dirs = ['a', 'b', 'c'].map((d) => join(tmp, `sample-${d}`));
    const results = await Promise.all([
      hstan('sample', ES_MODEL, ...common, '--output-dir', dirs[0]),
      hstan('sample', ES_MODEL, ...common, '--output-dir', dirs[1]),
      hstan('compile', ES_MODEL, '-o', module).then((r) => {
        expect(r.code).toBe(0);
        return hstan('sample', module, ...common, '--output-dir', dirs[2]);
      }),
    ]);
    runs = dirs.map((dir, i) => ({ dir, result: results[i] }));
  });

  test('exits 0 and writes four CmdStan CSV files of 200 draws each', () => {
    const { dir, result } = runs[0];
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['noncentered-1.csv', 'noncentered-2.csv', 'noncentered-3.csv', 'noncentered-4.csv']);
    files.forEach((f, c) => {
      const csv = readStanCsvFile(join(dir, f));
      expect(csv.columns.slice(0, 7)).toEqual(['lp__', 'accept_stat__', 'stepsize__', 'treedepth__', 'n_leapfrog__', 'divergent__', 'energy__']);
      expect(csv.columns.slice(7)).toEqual([
        'mu', 'tau', ...Array.from({ length: 8 }, (_, j) => `eta.${j + 1}`), ...Array.from({ length: 8 }, (_, j) => `theta.${j + 1}`),
      ]);
      for (const col of csv.draws) expect(col.length).toBe(200);
      expect(csv.config.num_samples).toBe(200);
      expect(csv.config.num_warmup).toBe(200);
      expect(csv.config.seed).toBe(5);
      expect(csv.config.id).toBe(c + 1);
      expect(csv.config.model).toBe('noncentered_model');
      expect(csv.config.method).toBe('sample');
      expect(csv.adaptation!.stepSize).toBeGreaterThan(0);
      expect((csv.adaptation!.inverseMetric as Float64Array).length).toBe(10);
      // The step size column holds the adapted step size.
      expect(csv.draws[2].every((s) => Math.abs(s - csv.adaptation!.stepSize) <= 1e-5 * s)).toBe(true);
      expect(csv.timing!.warmup).toBeGreaterThan(0);
      expect(csv.timing!.total).toBeCloseTo(csv.timing!.warmup + csv.timing!.sampling, 4);
      // tau > 0 and theta = mu + tau * eta in every draw (to the 6 significant figures written).
      const col = (name: string) => csv.draws[csv.columns.indexOf(name)];
      const [mu, tau, eta1, theta1] = [col('mu'), col('tau'), col('eta.1'), col('theta.1')];
      for (let d = 0; d < 200; d++) {
        expect(tau[d]).toBeGreaterThan(0);
        expect(Math.abs(theta1[d] - (mu[d] + tau[d] * eta1[d]))).toBeLessThan(1e-4 * (1 + Math.abs(theta1[d])));
      }
    });
    // The summary is printed.
    expect(result.stdout).toMatch(/^mu\s/m);
  });

  test('the same seed gives identical draw rows, from source or from the compiled module', () => {
    for (const c of [1, 2, 3, 4]) {
      const name = `noncentered-${c}.csv`;
      const a = drawLines(join(runs[0].dir, name));
      expect(a).toHaveLength(200);
      expect(drawLines(join(runs[1].dir, name))).toEqual(a);
      expect(drawLines(join(runs[2].dir, name))).toEqual(a);
    }
    // Chains differ from one another.
    expect(drawLines(join(runs[0].dir, 'noncentered-1.csv'))).not.toEqual(drawLines(join(runs[0].dir, 'noncentered-2.csv')));
  });

  test('a run killed with SIGKILL leaves CSV files of complete rows', async () => {
    const dir = join(tmp, 'killed');
    const { child, done } = start(['sample', RADON_MODEL, '--data', RADON_DATA, '--warmup', '10', '--samples', '100000', '--max-treedepth', '4', '--seed', '3', '--quiet', '--output-dir', dir]);
    const files = [1, 2, 3, 4].map((c) => join(dir, `varying_intercepts-${c}.csv`));
    try {
      await waitFor(() => files.every((f) => countRows(f) >= 3), 'draws in every chain\'s file');
    } finally {
      child.kill('SIGKILL');
    }
    const r = await done;
    expect(r.signal).toBe('SIGKILL');
    for (const f of files) {
      const csv = readStanCsvFile(f);
      expect(csv.draws[0].length).toBeGreaterThanOrEqual(3);
      expect(csv.draws[0].length).toBe(drawLines(f).length);
      expect(csv.columns).toContain('a.85');
      expectCompleteRows(f);
    }
  });

  test('Ctrl-C (SIGINT) stops after the current iteration with valid files and a message', async () => {
    const dir = join(tmp, 'interrupted');
    const { child, done } = start(['sample', ES_MODEL, '--data', ES_DATA, '--warmup', '100', '--samples', '1000000', '--seed', '4', '--quiet', '--output-dir', dir]);
    const files = [1, 2, 3, 4].map((c) => join(dir, `noncentered-${c}.csv`));
    let seen = 0;
    try {
      await waitFor(() => files.every((f) => countRows(f) >= 20), 'draws in every chain\'s file');
      seen = countRows(files[0]);
      child.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      const r = await Promise.race([
        done,
        new Promise<never>((_, rej) => {
          timer = setTimeout(() => rej(new Error('did not stop after SIGINT')), 30000);
        }),
      ]).finally(() => clearTimeout(timer));
      expect(r.signal).toBeNull();
      expect(r.code).toBe(130);
      expect(r.stderr).toMatch(/stopping after this iteration/);
      expect(r.stderr).toMatch(/stopped early/);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stdout).toMatch(/^mu\s/m);
    } finally {
      child.kill('SIGKILL');
    }
    const lengths = files.map((f) => {
      const csv = readStanCsvFile(f);
      expect(csv.timing).toBeDefined();
      expect(csv.adaptation!.stepSize).toBeGreaterThan(0);
      expectCompleteRows(f);
      return csv.draws[0].length;
    });
    expect(lengths[0]).toBeGreaterThanOrEqual(seen);
    expect(lengths[0]).toBeLessThan(1000000);
    // All chains stop at the same iteration.
    expect(new Set(lengths).size).toBe(1);
  });
});

describe('bad input: exit 1, a clear message, no stack trace', () => {
  const noStack = (r: Result) => {
    expect(r.stderr).not.toContain('    at ');
    expect(r.stdout).not.toContain('    at ');
  };
  const usage: [string[], RegExp][] = [
    [['--chains', '0'], /--chains must be a whole number ≥ 1, got '0'/],
    [['--samples', 'many'], /--samples must be a whole number ≥ 1, got 'many'/],
    [['--adapt-delta', '1.5'], /--adapt-delta must be a number between 0 and 1, got '1.5'/],
    [['--metric', 'full'], /--metric must be diag or dense, got 'full'/],
  ];
  const runs = new Map<string, Result>();

  beforeAll(async () => {
    // Every command at once: each is a separate process, mostly start-up time.
    const syntax = join(tmp, 'syntax.hstan');
    writeFileSync(syntax, 'parameters {\n  real mu\n}\nmodel { mu ~ normal(0, 1); }\n');
    const partial = join(tmp, 'partial.json');
    writeFileSync(partial, JSON.stringify({ J: 8, y: [28, 8, -3, 7, -1, 1, 18, 12] }));
    const broken = join(tmp, 'broken.json');
    writeFileSync(broken, '{\n  "J": 8,\n  "y": [1, 2,, 3]\n}\n');
    const jobs: Record<string, string[]> = {
      syntaxSample: ['sample', syntax, '--quiet', '--output-dir', join(tmp, 'never')],
      syntaxLogDensity: ['log-density', syntax, '--unconstrained', '[0]'],
      missingSample: ['sample', ES_MODEL, '--data', partial, '--quiet', '--output-dir', join(tmp, 'never')],
      missingLogDensity: ['log-density', ES_MODEL, '--unconstrained', '[0]'],
      brokenJson: ['log-density', ES_MODEL, '--data', broken, '--unconstrained', '[0]'],
      wrongLength: ['log-density', ES_MODEL, '--data', ES_DATA, '--unconstrained', '[1, 2]'],
      noModel: ['sample', join(tmp, 'nope.hstan'), '--quiet', '--output-dir', join(tmp, 'never')],
      ...Object.fromEntries(usage.map(([flags]) => [flags.join(' '), ['sample', ES_MODEL, '--data', ES_DATA, '--quiet', '--output-dir', join(tmp, 'never'), ...flags]])),
    };
    const results = await Promise.all(Object.values(jobs).map((args) => hstan(...args)));
    Object.keys(jobs).forEach((k, i) => runs.set(k, results[i]));
  });

  /** The run's result, with its output shown if an expectation fails. */
  const run = (key: string): Result => {
    const r = runs.get(key)!;
    expect({ key, code: r.code, stderr: r.stderr }).toMatchObject({ key, code: 1 });
    noStack(r);
    return r;
  };

  test('a syntax error gives file:line:col and writes nothing', () => {
    const file = join(tmp, 'syntax.hstan');
    for (const key of ['syntaxSample', 'syntaxLogDensity']) {
      const r = run(key);
      // The missing ';' is reported just after `real mu` (line 2, column 10).
      expect(r.stderr).toContain(`${file}:2:10: error:`);
      expect(r.stderr).toContain("expected ';'");
    }
    expect(existsSync(join(tmp, 'never'))).toBe(false);
  });

  test('missing data names the variable and its line', () => {
    expect(run('missingSample').stderr).toMatch(/'sigma' \(declared at line 6\) is missing/);
    expect(run('missingLogDensity').stderr).toMatch(/'J' \(declared at line 4\) is missing/);
  });

  test('a data file that is not JSON names the file, line and column', () => {
    const r = run('brokenJson');
    expect(r.stderr.trim()).toBe(`hstan: ${join(tmp, 'broken.json')}:3:14: not valid JSON: expected a value, found ','`);
  });

  test.each(usage)('sample %j is a usage error', (flags, pattern) => {
    expect(run(flags.join(' ')).stderr).toMatch(pattern);
  });

  test('log-density with the wrong number of values says how many', () => {
    expect(run('wrongLength').stderr).toMatch(/10 unconstrained parameters.*gives 2/);
  });

  test('a missing model file is named', () => {
    expect(run('noModel').stderr).toContain(join(tmp, 'nope.hstan'));
  });
});
