// `npm run bench`: parser, gradient (issue 4) and sampling (issue 5) benchmarks, with rstan side
// by side where it is installed. Prints the tables and writes bench/results/latest.json.
// Options: see USAGE below (`npm run bench -- --help`).
import { readFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { compile } from '../src/model/compile.js';
import { writeFileAtomic } from '../src/output/atomic.js';
import { VERSION } from '../src/version.js';
import type { GradientTiming } from './gradient.js';
import { runHstanSample, type SampleSettings } from './hstan-sample.js';
import { BENCH_MODELS } from './models.js';
import { benchParse, formatParseTiming } from './parse.js';
import { cliNodeFlags, cliPath, repoRoot } from './paths.js';
import { type BenchResults, type ModelResult, summarizeHstan, summarizeRstan } from './results.js';
import { rstanUnavailable, runRstan, type RstanModelResult, type RstanRun } from './rstan.js';
import { loadAverage } from './stats.js';
import { gradientTable, samplingTable, summaryTable } from './table.js';
import type { TfjsTiming } from './tfjs.js';

const GRADIENT_CHAINS = [1, 4, 64];

const USAGE = `usage: npm run bench -- [options]
  --quick             one sampling run per model, shorter gradient batches
  --repeats N         seeds per model (default 5; 1 with --quick)
  --seed S            the first seed (default 1)
  --models a,b        only these models (${BENCH_MODELS.map((m) => m.name).join(', ')})
  --skip-gradients    no gradient timings
  --skip-sampling     no sampling runs
  --no-rstan          hstan only, even where rstan is installed
  --no-tfjs           no TF.js gradient contrast
  --shared DIR        where oracle/stan-new-to-old.pl is, for rstan (default ../shared)
  --record            also write bench/results/<date>.json
`;

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      repeats: { type: 'string' },
      seed: { type: 'string', default: '1' },
      models: { type: 'string' },
      'skip-gradients': { type: 'boolean', default: false },
      'skip-sampling': { type: 'boolean', default: false },
      'no-rstan': { type: 'boolean', default: false },
      'no-tfjs': { type: 'boolean', default: false },
      shared: { type: 'string' },
      record: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const int = (name: string, raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got '${raw}'`);
    return n;
  };
  const repeats = values.repeats !== undefined ? int('repeats', values.repeats) : values.quick ? 1 : 5;
  if (repeats < 1) throw new Error('--repeats must be at least 1');
  const names = values.models?.split(',').map((s) => s.trim());
  const unknown = names?.filter((n) => !BENCH_MODELS.some((m) => m.name === n)) ?? [];
  if (unknown.length) throw new Error(`unknown model(s) ${unknown.join(', ')}; known: ${BENCH_MODELS.map((m) => m.name).join(', ')}`);
  return {
    quick: values.quick!,
    repeats,
    firstSeed: int('seed', values.seed!),
    models: names ? BENCH_MODELS.filter((m) => names.includes(m.name)) : BENCH_MODELS,
    gradients: !values['skip-gradients'],
    sampling: !values['skip-sampling'],
    rstan: !values['no-rstan'],
    tfjs: !values['no-tfjs'],
    shared: values.shared,
    record: values.record!,
  };
}

const say = (text: string) => process.stderr.write(text + '\n');

interface ChildGradient {
  dimension: number;
  timing: GradientTiming;
  tfjs?: TfjsTiming;
  tfjsError?: string;
}

/** Time one model's gradient for `chains` in a fresh process (bench/gradient-child.ts). */
function gradientInChild(root: string, name: string, chains: number, quick: boolean, tfjs: boolean): ChildGradient {
  const script = join(root, 'dist', 'bench', 'gradient-child.js');
  const args = [script, name, String(chains), ...(quick ? ['--quick'] : []), ...(tfjs ? ['--tfjs'] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gradient timing of ${name} (${chains} chains) failed: ${(r.stderr || String(r.error)).trim()}`);
  return JSON.parse(r.stdout) as ChildGradient;
}

async function main(): Promise<void> {
  const o = options();
  const root = repoRoot();
  const settings: SampleSettings = { chains: 4, warmup: 1000, samples: 1000 };
  const seeds = Array.from({ length: o.repeats }, (_, i) => o.firstSeed + i);
  const results: BenchResults = {
    date: new Date().toISOString(),
    hstanVersion: VERSION,
    node: process.version,
    cpu: { model: cpus()[0]?.model ?? 'unknown', count: cpus().length },
    settings: { ...settings, seeds, gradientChains: GRADIENT_CHAINS },
    load: { start: loadAverage() },
    models: [],
  };
  say(`bench: load average ${results.load.start.join(', ')} on ${results.cpu.count} cores`);

  results.parse = benchParse(o.quick ? 10 : 30);
  console.log(formatParseTiming(results.parse));

  const byName = new Map<string, ModelResult>();
  for (const m of o.models) {
    const r: ModelResult = {
      name: m.name, description: m.description, program: m.program, data: m.data, dimension: NaN,
      gradientTargetUs4: m.gradientTargetUs4, gradient: [],
    };
    results.models.push(r);
    byName.set(m.name, r);
    if (o.gradients) {
      results.load[`gradient ${m.name}`] = loadAverage();
      for (const chains of GRADIENT_CHAINS) {
        const child = gradientInChild(root, m.name, chains, o.quick, o.tfjs && chains === 4);
        r.dimension = child.dimension;
        r.gradient.push(child.timing);
        if (child.tfjs) r.tfjs = child.tfjs;
        if (child.tfjsError) results.tfjsSkipped = child.tfjsError;
      }
      say(`bench: ${m.name} gradient µs/call ${r.gradient.map((g) => `${g.chains} ch ${g.usPerCall.toFixed(1)}`).join(', ')}`);
    } else {
      const model = compile(readFileSync(join(root, m.program), 'utf8'), { filename: m.program });
      r.dimension = model.instantiate(readFileSync(join(root, m.data), 'utf8')).dimension;
    }
  }

  if (o.sampling) {
    const cli = [...cliNodeFlags(root), cliPath(root)];
    const converter = resolve(o.shared ?? join(root, '..', 'shared'), 'oracle', 'stan-new-to-old.pl');
    const why = o.rstan ? rstanUnavailable(converter) : 'turned off with --no-rstan';
    if (why) {
      results.rstanSkipped = why;
      say(`bench: rstan skipped: ${why}`);
    }
    // Seed by seed, rstan then hstan: this VM's speed drifts (slow phases of a minute or more
    // that change a side's time by 25%), so the two runs of each seed are made back to back and
    // a drift hits both sides alike. rstan compiles each model once (its first seed) and loads
    // the compiled model for the others.
    const rstanDir = why ? null : mkdtempSync(join(tmpdir(), 'hstan-bench-rstan-models-'));
    try {
      for (const m of o.models) {
        const r = byName.get(m.name)!;
        results.load[`sampling ${m.name}`] = loadAverage();
        const rstanRuns: RstanRun[] = [];
        // Set inside the seed loop's closure (TypeScript's narrowing does not see that).
        let compiled = null as { compileSeconds: number; compileCpuSeconds: number } | null;
        const runs = seeds.map((seed) => {
          if (rstanDir) {
            if (!compiled) say(`bench: rstan: compiling ${m.name}…`);
            const rm = runRstan(root, converter, [m], [seed], settings, rstanDir).models[0];
            compiled ??= { compileSeconds: rm.compileSeconds, compileCpuSeconds: rm.compileCpuSeconds };
            rstanRuns.push(...rm.runs);
            say(`bench: rstan sample ${m.name} seed ${seed}: sampling phase ${rm.runs[0].samplingPhaseSeconds.toFixed(3)} s`);
          }
          const run = runHstanSample(root, cli, m, seed, settings);
          say(`bench: hstan sample ${m.name} seed ${seed}: ${run.runSeconds.toFixed(2)} s, sampling phase ${run.samplingPhaseSeconds.toFixed(3)} s, min ESS ${run.minEssBulk.toFixed(0)}`);
          return run;
        });
        if (compiled) {
          const rm: RstanModelResult = { name: m.name, ...compiled, runs: rstanRuns };
          r.rstan = { ...compiled, runs: rstanRuns, median: summarizeRstan(rm) };
        }
        r.hstan = { runs, median: summarizeHstan(runs) };
        if (r.rstan) {
          r.ratios = {
            runVsRstan: r.hstan.median.runSeconds / (r.rstan.compileSeconds + r.rstan.median.samplingSeconds),
            essPerSecond: r.hstan.median.essPerSecond / r.rstan.median.essPerSecond,
          };
        }
      }
    } finally {
      if (rstanDir) rmSync(rstanDir, { recursive: true, force: true });
    }
  }
  results.load.end = loadAverage();

  console.log('\n' + summaryTable(results));
  if (o.gradients) console.log('\nGradients (median of timing batches):\n' + gradientTable(results));
  if (o.sampling) console.log('\nSampling (medians over seeds ' + seeds.join(', ') + '):\n' + samplingTable(results));
  console.log(`\nload average (1/5/15 min): ${Object.entries(results.load).map(([k, v]) => `${k} ${v.join(' ')}`).join('; ')}`);
  if (results.tfjsSkipped) console.log(`TF.js contrast not run: ${results.tfjsSkipped}`);
  if (results.rstanSkipped) console.log(`rstan not run: ${results.rstanSkipped}`);

  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const text = JSON.stringify(results, null, 2) + '\n';
  const written = [join(dir, 'latest.json')];
  if (o.record) written.push(join(dir, `${results.date.slice(0, 10)}.json`));
  for (const path of written) writeFileAtomic(path, text);
  console.log(`results: ${written.join(', ')}`);
}

main().catch((e) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
