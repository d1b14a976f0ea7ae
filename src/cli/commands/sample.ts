// `hstan sample MODEL --data DATA.json ...`: NUTS with Stan's defaults; Stan CSV per chain,
// live progress on a terminal, the summary and diagnostics at the end. Ctrl-C stops cleanly.
import type { Command } from 'commander';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { SampleJob, JobMessage } from '../sample-job.js';
import type { ProgressInfo } from '../../inference/types.js';
import { intOption, numberOption, UsageError } from '../fail.js';

interface SampleFlags {
  data?: string; chains: number; warmup: number; samples: number; seed?: number; adaptDelta: number;
  maxTreedepth: number; metric: string; init?: string; initRadius: number; thin: number; outputDir: string;
  format: string; sigFigs?: number; quiet?: boolean; all?: boolean; backend: string;
}

function progressLine(p: ProgressInfo, total: number): string {
  const pct = Math.floor((100 * p.iteration) / total);
  return `chain ${p.chain + 1}: ${String(p.iteration).padStart(String(total).length)}/${total} (${String(pct).padStart(3)}%) ` +
    `${p.phase === 'warmup' ? 'warmup  ' : 'sampling'}  step ${p.stepSize.toPrecision(3)}  accept ${p.meanAcceptStat.toFixed(2)}  divergences ${p.divergences}`;
}

/** Run the job in a worker; resolves with the exit status. */
export function runSampleJob(job: SampleJob, options: { quiet: boolean; out: NodeJS.WriteStream }): Promise<number> {
  const tty = !options.quiet && options.out.isTTY === true;
  const worker = new Worker(fileURLToPath(new URL('../sample-job.js', import.meta.url)), {
    workerData: { job: { ...job, progress: tty } satisfies SampleJob },
  });
  let shown = 0;
  const total = job.warmup + job.samples;
  const onSigint = () => {
    if (Atomics.load(job.stop, 0) === 1) {
      // Second Ctrl-C: stop now; every row written so far is complete.
      void worker.terminate();
      return;
    }
    Atomics.store(job.stop, 0, 1);
    process.stderr.write('\nhstan: stopping after this iteration (Ctrl-C again to stop at once); draws so far are kept\n');
  };
  process.on('SIGINT', onSigint);
  return new Promise((resolve) => {
    worker.on('message', (m: JobMessage) => {
      if (m.type === 'progress' && tty) {
        if (shown) options.out.write(`\x1b[${shown}A`);
        for (const p of m.info) options.out.write(`\x1b[2K${progressLine(p, total)}\n`);
        shown = m.info.length;
      } else if (m.type === 'done') {
        for (const n of m.notes) process.stderr.write(`note: ${n}\n`);
        options.out.write(m.report + '\n');
        if (m.stopped) process.stderr.write('hstan: stopped early; the files hold the draws made so far\n');
        options.out.write(`\nwrote ${m.files.join(', ')}\n`);
        resolve(m.stopped ? 130 : 0);
      } else if (m.type === 'error') {
        process.stderr.write(m.text + '\n');
        resolve(m.internal ? 2 : 1);
      }
    });
    worker.on('error', (e) => {
      process.stderr.write(`hstan: internal error: ${e.message}\n`);
      resolve(2);
    });
    worker.on('exit', (code) => {
      process.off('SIGINT', onSigint);
      if (code !== 0) resolve(130);
    });
  });
}

export function register(program: Command): void {
  program
    .command('sample')
    .description('sample a posterior with NUTS (Stan\'s algorithm and adaptation)')
    .argument('<model>', '.hstan program or compiled module')
    .option('--data <file>', 'data in Stan JSON format')
    .option('--chains <n>', 'number of chains', intOption('--chains', 1), 4)
    .option('--warmup <n>', 'warmup iterations per chain', intOption('--warmup', 0), 1000)
    .option('--samples <n>', 'kept iterations per chain', intOption('--samples', 1), 1000)
    .option('--seed <n>', 'random seed (same seed, same draws)', intOption('--seed', 0))
    .option('--adapt-delta <x>', 'target acceptance statistic', numberOption('--adapt-delta', 0, 1), 0.8)
    .option('--max-treedepth <n>', 'maximum tree depth', intOption('--max-treedepth', 1), 10)
    .option('--metric <kind>', 'diag or dense', 'diag')
    .option('--init <file>', 'initial values (constrained scale, Stan JSON)')
    .option('--init-radius <r>', 'random inits are uniform(-r, r) on the unconstrained scale', numberOption('--init-radius', -1e-300, Infinity), 2)
    .option('--thin <n>', 'keep every n-th draw', intOption('--thin', 1), 1)
    .option('--output-dir <dir>', 'where Stan CSV files go', 'output')
    .option('--format <fmt>', 'csv, or json to write the draws as JSON too', 'csv')
    .option('--backend <name>', "js (hstan's float64 kernels, fastest), or cpu | wasm | node to evaluate the density through a TF.js op (float32)", 'js')
    .option('--sig-figs <n>', 'significant figures in the summary', intOption('--sig-figs', 1))
    .option('--all', 'show every element of large containers in the summary')
    .option('-q, --quiet', 'no progress lines')
    .action(async (model: string, flags: SampleFlags) => {
      try {
        if (flags.metric !== 'diag' && flags.metric !== 'dense') throw new UsageError(`--metric must be diag or dense, got '${flags.metric}'`);
        if (!['js', 'cpu', 'wasm', 'node'].includes(flags.backend)) throw new UsageError(`--backend must be js, cpu, wasm or node, got '${flags.backend}'`);
        if (flags.format !== 'csv' && flags.format !== 'json') throw new UsageError(`--format must be csv or json, got '${flags.format}'`);
        const job: SampleJob = {
          model, data: flags.data, init: flags.init, chains: flags.chains, warmup: flags.warmup, samples: flags.samples,
          seed: flags.seed, adaptDelta: flags.adaptDelta, maxTreedepth: flags.maxTreedepth, metric: flags.metric,
          initRadius: flags.initRadius, thin: flags.thin, outputDir: flags.outputDir, format: flags.format, backend: flags.backend,
          summarySigFigs: flags.sigFigs ?? 3, all: !!flags.all, stop: new Int32Array(new SharedArrayBuffer(4)),
        };
        process.exitCode = await runSampleJob(job, { quiet: !!flags.quiet, out: process.stdout });
      } catch (e) {
        process.stderr.write(`hstan: ${(e as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
