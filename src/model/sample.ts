// Sampling a model instance: NUTS over the batched log density, generated quantities for each
// kept draw, and Stan CSV streamed row by row as draws are made.
import { runNuts } from '../inference/index.js';
import type { BatchedLogDensity, NutsOptions, NutsResult, ProgressInfo } from '../inference/types.js';
import { statValues } from '../inference/types.js';
import type { ModelInstance } from './instance.js';
import { DrawRecorder, STAT_COUNT, type RecorderSettings } from './draw-recorder.js';
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
  /** Format and write CSV rows on a thread of their own (default true, where one can be started). */
  csvThread?: boolean;
  /** Data file name recorded in the CSV config. */
  dataFile?: string;
}

const DEFAULTS = { chains: 4, warmup: 1000, samples: 1000, adaptDelta: 0.8, maxTreedepth: 10, metric: 'diag' as const, initRadius: 2, thin: 1 };

/** The settings a run uses (defaults filled in, the seed drawn when not given). */
function sampleSettings(instance: ModelInstance, modelName: string, options: SampleOptions): RecorderSettings & { inits?: Float64Array[] } {
  const o = { ...DEFAULTS, ...options };
  return {
    chains: o.chains, warmup: o.warmup, samples: o.samples, thin: o.thin, seed: options.seed ?? Math.floor(Math.random() * 2 ** 31),
    adaptDelta: o.adaptDelta, maxTreedepth: o.maxTreedepth, metric: o.metric, initRadius: o.initRadius,
    userInits: options.inits !== undefined, outputDir: o.outputDir, outputName: o.outputName ?? modelName, modelName,
    sigFigs: o.sigFigs, dataFile: o.dataFile, csvThread: o.csvThread ?? true,
    inits: options.inits === undefined ? undefined : initsFor(instance, options.inits, o.chains),
  };
}

export function sampleInstance(
  instance: ModelInstance,
  modelName: string,
  options: SampleOptions = {},
  hints: ModelHints = {},
): { fit: Fit; files: string[] } {
  const s = sampleSettings(instance, modelName, options);
  const recorder = new DrawRecorder(instance, s, hints);
  const stats = new Float64Array(STAT_COUNT);
  const nutsOptions: Partial<NutsOptions> = {
    chains: s.chains, warmup: s.warmup, samples: s.samples, seed: s.seed, adaptDelta: s.adaptDelta, maxTreedepth: s.maxTreedepth,
    metric: s.metric, initRadius: s.initRadius, inits: s.inits, thin: s.thin,
    onProgress: options.onProgress, shouldStop: options.shouldStop,
    onWarmupEnd: (chain, stepSize, inverseMetric) => recorder.adaptation(chain, stepSize, inverseMetric),
    onDraw: (chain, _iteration, position, d) => {
      if (d.phase !== 'sampling') return;
      recorder.draw(chain, position, statValues(d, stats));
    },
  };
  const start = performance.now();
  let result: NutsResult | undefined;
  try {
    result = runNuts(options.density ?? instance, nutsOptions);
  } finally {
    if (result === undefined) recorder.abort();
  }
  recorder.finish(result);
  const wall = (performance.now() - start) / 1000;
  const fit = new Fit(
    instance.outputs, instance.columnNames, recorder.rows, result,
    { chains: s.chains, warmup: s.warmup, samples: s.samples, seed: s.seed, adaptDelta: s.adaptDelta, maxTreedepth: s.maxTreedepth, metric: s.metric },
    wall, hints,
  );
  return { fit, files: recorder.files };
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
