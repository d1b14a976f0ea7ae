/** Shared types of the NUTS sampler: the density interface, options, per-draw stats and results. */

/**
 * A log density and its gradient over the unconstrained parameters, evaluated for
 * several chains at once (the compiler generates this from a model).
 */
export interface BatchedLogDensity {
  /** Number of unconstrained parameters, D. */
  readonly dimension: number;
  /**
   * U is row-major [n, D] (n ≤ number of chains, any subset of chains, compacted).
   * Writes lp[0..n) and grad[0..n*D). A chain whose density cannot be evaluated
   * (reject, NaN, domain error) gets lp = -Infinity (its grad is ignored).
   */
  logDensityGradient(U: Float64Array, n: number, lp: Float64Array, grad: Float64Array): void;
}

export type MetricKind = 'diag' | 'dense';
export type Phase = 'warmup' | 'sampling';

/** A position with its log density and gradient (the state a chain carries between iterations). */
export interface ChainPoint {
  q: Float64Array;
  grad: Float64Array;
  lp: number;
}

/** Sampler diagnostics of one draw, as Stan reports them. */
export interface DrawStats {
  /** Log density at the draw (Stan's lp__). */
  lp: number;
  /** Mean over the trajectory of min(1, exp(H0 - H)). */
  acceptStat: number;
  /** Step size used for this transition. */
  stepSize: number;
  treedepth: number;
  nLeapfrog: number;
  divergent: boolean;
  /** Hamiltonian at the draw. */
  energy: number;
  phase: Phase;
}

/** Stan's sampler-diagnostic column names, in Stan CSV order. */
export const SAMPLER_STAT_NAMES = [
  'lp__',
  'accept_stat__',
  'stepsize__',
  'treedepth__',
  'n_leapfrog__',
  'divergent__',
  'energy__',
] as const;
export type SamplerStatName = (typeof SAMPLER_STAT_NAMES)[number];

/** One chain's kept draws' stats, one column per Stan stat name. */
export type ChainStats = Record<SamplerStatName, Float64Array>;

/** The stats of one draw as numbers in SAMPLER_STAT_NAMES order (e.g. for a CSV row), into `out` when given. */
export function statValues<T extends number[] | Float64Array>(s: DrawStats, out: T = new Array(7) as T): T {
  out[0] = s.lp;
  out[1] = s.acceptStat;
  out[2] = s.stepSize;
  out[3] = s.treedepth;
  out[4] = s.nLeapfrog;
  out[5] = s.divergent ? 1 : 0;
  out[6] = s.energy;
  return out;
}

/** Per-chain progress, reported once per iteration through `onProgress`. */
export interface ProgressInfo {
  chain: number;
  /** Iterations completed so far, counting warmup and sampling (1-based). */
  iteration: number;
  phase: Phase;
  /** Step size used in the latest transition. */
  stepSize: number;
  /** Mean accept_stat__ over the current phase so far. */
  meanAcceptStat: number;
  /** Divergent transitions in the current phase so far. */
  divergences: number;
}

export interface NutsOptions {
  /** Number of chains (default 4). */
  chains: number;
  /** Warmup (adaptation) iterations per chain (default 1000). */
  warmup: number;
  /** Post-warmup iterations per chain (default 1000). */
  samples: number;
  /** Seed of the random streams; omitted → a random seed, reported in the result. */
  seed: number | bigint;
  /** Target mean acceptance statistic of step-size adaptation (default 0.8). */
  adaptDelta: number;
  /** Maximum tree depth (default 10). */
  maxTreedepth: number;
  /** Euclidean metric: 'diag' (default) or 'dense'. */
  metric: MetricKind;
  /** Random inits are uniform(-R, R) on the unconstrained scale (default 2). */
  initRadius: number;
  /** Optional unconstrained init per chain (each of length D); replaces random inits. */
  inits?: readonly Float64Array[];
  /** Initial step size before adaptation (Stan's stepsize, default 1). */
  stepSize: number;
  /** Initial inverse metric (diag: length D; dense: D rows of length D); default identity. */
  inverseMetric?: Float64Array | readonly Float64Array[];
  /** Keep every thin-th iteration (default 1). */
  thin: number;
  /** Also keep (thinned) warmup draws (default false). */
  saveWarmup: boolean;
  /**
   * Called for every kept draw, in iteration order (chains in order within an iteration);
   * `iteration` counts from 0 over warmup then sampling. `position` is the stored draw: do not modify it.
   */
  onDraw?: (chain: number, iteration: number, position: Float64Array, stats: DrawStats) => void;
  /**
   * Called once per chain when sampling is about to start (also when warmup is 0), with the
   * step size and inverse metric the sampling iterations will use: where Stan CSV writes its
   * adaptation block. Not called if the run stops during warmup.
   */
  onWarmupEnd?: (chain: number, stepSize: number, inverseMetric: Float64Array | Float64Array[]) => void;
  /** Called once per iteration with one entry per chain. */
  onProgress?: (info: readonly ProgressInfo[]) => void;
  /** Polled before each iteration; returning true stops the run, keeping what was drawn. */
  shouldStop?: () => boolean;
}

export interface NutsResult {
  /** Kept draws (unconstrained positions), [chain][draw]. */
  draws: Float64Array[][];
  /** Kept draws' sampler stats, per chain. */
  stats: ChainStats[];
  /** How many of each chain's kept draws are warmup draws (they come first). */
  warmupDraws: number;
  /** Step size per chain after adaptation. */
  stepSize: number[];
  /** Adapted inverse metric per chain: diag → Float64Array, dense → rows. */
  inverseMetric: (Float64Array | Float64Array[])[];
  /** Wall-clock seconds per chain (chains advance together, so all chains share the same times). */
  timing: { warmupSeconds: number; samplingSeconds: number }[];
  /** True if `shouldStop` ended the run early. */
  stopped: boolean;
  /** The seed actually used. */
  seed: number | bigint;
}
