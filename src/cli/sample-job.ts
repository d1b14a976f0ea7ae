// The sampling job of `hstan sample`, run in a worker thread so the main thread stays free to
// show progress and to turn Ctrl-C into a clean stop (a shared flag the sampler polls).
import { parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelFile } from '../model/module.js';
import { sampleInstance } from '../model/sample.js';
import { parseDataJson } from '../runtime/data.js';
import { writeFileAtomic } from '../output/atomic.js';
import { describeError } from './fail.js';
import { sharedRowEncoder } from '../output/row-encoder-thread.js';
import type { ProgressInfo } from '../inference/types.js';

export interface SampleJob {
  model: string;
  data?: string;
  init?: string;
  chains: number;
  warmup: number;
  samples: number;
  seed?: number;
  adaptDelta: number;
  maxTreedepth: number;
  metric: 'diag' | 'dense';
  initRadius: number;
  thin: number;
  outputDir: string;
  format: 'csv' | 'json';
  /** 'js' (hstan's float64 kernels) or a TF.js backend to evaluate the density through. */
  backend: string;
  sigFigs?: number;
  summarySigFigs: number;
  all: boolean;
  /** Int32Array over a SharedArrayBuffer: [0] = 1 asks the sampler to stop. */
  stop: Int32Array;
  /** Post progress messages (only when they are shown: the sampler then skips its per-iteration summary). */
  progress?: boolean;
}

export type JobMessage =
  | { type: 'progress'; info: ProgressInfo[] }
  | { type: 'done'; report: string; files: string[]; notes: string[]; stopped: boolean }
  | { type: 'error'; text: string; internal: boolean };

async function run(job: SampleJob, post: (m: JobMessage) => void): Promise<void> {
  // Start the CSV encoder thread now: a thread takes ~0.1–0.3 s of CPU to boot here, which would
  // otherwise run alongside warmup and sampling (2 cores) instead of alongside the compile.
  sharedRowEncoder();
  const model = await loadModelFile(job.model);
  const data = job.data ? parseDataJson(readFileSync(job.data, 'utf8'), job.data) : {};
  const instance = model.instantiate(data);
  let density;
  if (job.backend !== 'js') {
    const tfjs = await import('../model/tfjs.js');
    await tfjs.useBackend(job.backend as 'cpu' | 'wasm' | 'node');
    density = tfjs.tfjsDensity(instance);
  }
  const inits = job.init ? parseDataJson(readFileSync(job.init, 'utf8'), job.init) : undefined;
  let last = 0;
  const { fit, files } = sampleInstance(
    instance,
    model.name,
    {
      density, chains: job.chains, warmup: job.warmup, samples: job.samples, seed: job.seed, adaptDelta: job.adaptDelta,
      maxTreedepth: job.maxTreedepth, metric: job.metric, initRadius: job.initRadius, thin: job.thin, inits,
      outputDir: job.outputDir, sigFigs: job.sigFigs, dataFile: job.data,
      shouldStop: () => Atomics.load(job.stop, 0) === 1,
      onProgress: job.progress
        ? (info) => {
            const now = performance.now();
            if (now - last < 100) return;
            last = now;
            post({ type: 'progress', info: info.map((x) => ({ ...x })) });
          }
        : undefined,
    },
    model.hints,
  );
  if (job.format === 'json') {
    const path = join(job.outputDir, `${model.name}-draws.json`);
    const chains = fit.rows.map((rows, c) => ({
      chain: c + 1,
      draws: Object.fromEntries(fit.columns.map((col, k) => [col, rows.map((r) => r[k])])),
      sampler: Object.fromEntries(Object.entries(fit.sampler.stats[c]).map(([k, v]) => [k, Array.from(v.subarray(fit.sampler.warmupDraws))])),
    }));
    writeFileAtomic(path, JSON.stringify({ model: model.name, columns: fit.columns, chains }, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) + '\n');
    files.push(path);
  }
  const report = fit.drawsPerChain > 1 ? fit.report({ sigFigs: job.summarySigFigs, all: job.all }) : 'too few draws for a summary';
  post({ type: 'done', report, files, notes: instance.notes, stopped: fit.sampler.stopped });
}

if (parentPort && workerData?.job) {
  const port = parentPort;
  run(workerData.job as SampleJob, (m) => port.postMessage(m)).catch((e) => {
    const { text, internal } = describeError(e);
    port.postMessage({ type: 'error', text, internal } satisfies JobMessage);
  });
}
