// Sampling a model instance: NUTS over the batched log density, generated quantities for each
// kept draw, and Stan CSV streamed row by row as draws are made.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { runNuts } from '../inference/index.js';
import type { BatchedLogDensity, NutsOptions, ProgressInfo } from '../inference/types.js';
import { SAMPLER_STAT_NAMES, statValues } from '../inference/types.js';
import { Random } from '../runtime/random.js';
import { StanCsvWriter } from '../output/stan-csv.js';
import { VERSION } from '../version.js';
import type { ModelInstance } from './instance.js';
import { Fit } from './fit.js';
import { RuntimeError } from '../runtime/errors.js';
import type { ModelHints } from '../diagnostics/index.js';

export interface SampleOptions {
  /** Evaluate the log density through this instead of the instance's own float64 kernels (e.g. a TF.js backend). */
  density?: BatchedLogDensity;
  chains?: number;
  warmup?: number;
  samples?: number;
  seed?: number;
  adaptDelta?: number;
  maxTreedepth?: number;
  metric?: 'diag' | 'dense';
  initRadius?: number;
  /** Initial values on the constrained scale (Stan JSON layout): one object for all chains, or one per chain. */
  inits?: Record<string, unknown> | Record<string, unknown>[];
  thin?: number;
  onProgress?: (info: readonly ProgressInfo[]) => void;
  /** Polled once per iteration: return true to stop, keeping the draws made so far. */
  shouldStop?: () => boolean;
  /** Stream Stan CSV files (one per chain) into this folder as draws are made. */
  outputDir?: string;
  /** Base name of the CSV files: `<name>-<chain>.csv` (default: the model's name). */
  outputName?: string;
  /** Significant figures in CSV output (default 6, as CmdStan). */
  sigFigs?: number;
  /** Data file name recorded in the CSV config. */
  dataFile?: string;
}

const DEFAULTS = { chains: 4, warmup: 1000, samples: 1000, adaptDelta: 0.8, maxTreedepth: 10, metric: 'diag' as const, initRadius: 2, thin: 1 };

/** Generated quantities draw from streams seeded apart from the sampler's (same chain ids, another seed). */
const GQ_SEED_MIX = 0x9e3779b97f4a7c15n;

export function sampleInstance(
  instance: ModelInstance,
  modelName: string,
  options: SampleOptions = {},
  hints: ModelHints = {},
): { fit: Fit; files: string[] } {
  const o = { ...DEFAULTS, ...options };
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const C = o.chains;
  const gqRng = Array.from({ length: C }, (_, c) => Random.forChain(BigInt(seed) ^ GQ_SEED_MIX, c));
  const rows: Float64Array[][] = Array.from({ length: C }, () => []);
  const inits = options.inits === undefined ? undefined : initsFor(instance, options.inits, C);
  const files: string[] = [];
  let writers: StanCsvWriter[] | null = null;
  if (o.outputDir) {
    mkdirSync(o.outputDir, { recursive: true });
    const name = o.outputName ?? modelName;
    writers = Array.from({ length: C }, (_, c) => {
      const path = join(o.outputDir!, `${name}-${c + 1}.csv`);
      files.push(path);
      const w = new StanCsvWriter(path);
      w.writeHeader(
        {
          model: `${modelName}_model`, numSamples: o.samples, numWarmup: o.warmup, thin: o.thin, adaptDelta: o.adaptDelta,
          maxDepth: o.maxTreedepth, metric: o.metric === 'dense' ? 'dense_e' : 'diag_e', numChains: C, chainId: c + 1,
          seed, dataFile: o.dataFile, init: options.inits ? 'user' : o.initRadius, sigFigs: o.sigFigs,
          outputFile: path, hstanVersion: VERSION, hints,
        },
        [...SAMPLER_STAT_NAMES, ...instance.columnNames],
      );
      return w;
    });
  }
  const adaptationWritten = new Array(C).fill(false);
  // One CSV row buffer for all draws: writeDraw formats it at once.
  const line = new Float64Array(SAMPLER_STAT_NAMES.length + instance.columnNames.length);
  const start = performance.now();
  const nutsOptions: Partial<NutsOptions> = {
    chains: C, warmup: o.warmup, samples: o.samples, seed, adaptDelta: o.adaptDelta, maxTreedepth: o.maxTreedepth,
    metric: o.metric, initRadius: o.initRadius, inits, thin: o.thin,
    onProgress: o.onProgress, shouldStop: o.shouldStop,
    onWarmupEnd: (chain, stepSize, inverseMetric) => {
      writers?.[chain].writeAdaptation(stepSize, inverseMetric);
      adaptationWritten[chain] = true;
    },
    onDraw: (chain, _iteration, position, stats) => {
      if (stats.phase !== 'sampling') return;
      const row = instance.generate(position, gqRng[chain]);
      rows[chain].push(row);
      if (writers) {
        line.set(statValues(stats));
        line.set(row, SAMPLER_STAT_NAMES.length);
        writers[chain].writeDraw(line);
      }
    },
  };
  let result;
  try {
    result = runNuts(options.density ?? instance, nutsOptions);
  } finally {
    if (writers && result === undefined) for (const w of writers) w.close();
  }
  if (writers) {
    writers.forEach((w, c) => {
      if (!adaptationWritten[c]) w.writeAdaptation(result.stepSize[c], result.inverseMetric[c]);
      w.close(result.timing[c]);
    });
  }
  const wall = (performance.now() - start) / 1000;
  const fit = new Fit(
    instance.outputs, instance.columnNames, rows, result,
    { chains: C, warmup: o.warmup, samples: o.samples, seed, adaptDelta: o.adaptDelta, maxTreedepth: o.maxTreedepth, metric: o.metric },
    wall, hints,
  );
  return { fit, files };
}

function initsFor(instance: ModelInstance, inits: Record<string, unknown> | Record<string, unknown>[], chains: number): Float64Array[] {
  const perChain = Array.isArray(inits);
  const list = perChain ? inits : Array.from({ length: chains }, () => inits);
  if (list.length !== chains) {
    throw new RuntimeError(`initial values: ${list.length} ${list.length === 1 ? 'set' : 'sets'} of values given for ${chains} chains`);
  }
  return list.map((values, c) => {
    try {
      return instance.unconstrain(values);
    } catch (e) {
      // Keep the error's class (the CLI reports known ones plainly); say it is about the inits.
      if (e instanceof Error) e.message = `initial values${perChain ? ` for chain ${c + 1}` : ''}: ${e.message}`;
      throw e;
    }
  });
}
