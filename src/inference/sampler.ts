/**
 * The NUTS run loop: initialize all chains, then per iteration run one NUTS
 * transition on every chain together (one batched density call per leapfrog step
 * of the still-running chains), adapt step size and metric during warmup on
 * Stan's schedule, and collect draws and stats.
 */

import { Random } from '../runtime/random.js';
import { WarmupAdaptation } from './adaptation.js';
import { BatchEvaluator } from './batch.js';
import { SamplerError } from './errors.js';
import { findInitialPoints } from './init.js';
import { createMetric } from './metric.js';
import { NutsTransition } from './nuts.js';
import { resolveNutsOptions } from './options.js';
import { StepSizeSearch } from './stepsize.js';
import {
  SAMPLER_STAT_NAMES,
  type BatchedLogDensity,
  type ChainPoint,
  type ChainStats,
  type DrawStats,
  type NutsOptions,
  type NutsResult,
  type Phase,
  type ProgressInfo,
} from './types.js';

function emptyChainStats(n: number): ChainStats {
  const stats = {} as ChainStats;
  for (const name of SAMPLER_STAT_NAMES) stats[name] = new Float64Array(n);
  return stats;
}

/** Stores the stats of transition `t` as kept draw k. */
function storeStats(stats: ChainStats, k: number, t: NutsTransition): void {
  const draw = t.draw;
  stats.lp__[k] = draw.lp;
  stats.accept_stat__[k] = t.acceptStat;
  stats.stepsize__[k] = t.stepSize;
  stats.treedepth__[k] = t.depth;
  stats.n_leapfrog__[k] = t.nLeapfrog;
  stats.divergent__[k] = t.divergent ? 1 : 0;
  stats.energy__[k] = draw.energy;
}

function drawStats(t: NutsTransition, phase: Phase): DrawStats {
  const draw = t.draw;
  return {
    lp: draw.lp,
    acceptStat: t.acceptStat,
    stepSize: t.stepSize,
    treedepth: t.depth,
    nLeapfrog: t.nLeapfrog,
    divergent: t.divergent,
    energy: draw.energy,
    phase,
  };
}

/** The chain moves to the transition's selected state. */
function adoptDraw(state: ChainPoint, draw: Readonly<ChainPoint>): void {
  const { q, grad } = draw;
  for (let i = 0; i < q.length; i++) {
    state.q[i] = q[i];
    state.grad[i] = grad[i];
  }
  state.lp = draw.lp;
}

/**
 * One chain's kept positions. They are views into shared blocks because a Float64Array
 * with its own buffer costs several times more to allocate than the rest of a cheap
 * transition; each draw is still a separate Float64Array of length D.
 */
class DrawStore {
  readonly draws: Float64Array[] = [];
  private block = new Float64Array(0);
  private used = 0;

  constructor(
    private readonly dimension: number,
    /** How many draws will be kept at most (blocks never outgrow it). */
    private readonly capacity: number,
  ) {}

  /** Keeps a copy of `q`; returns the stored draw. */
  add(q: Float64Array): Float64Array {
    const D = this.dimension;
    if (this.used + D > this.block.length) {
      const remaining = Math.max(1, this.capacity - this.draws.length);
      this.block = new Float64Array(Math.min(remaining, DRAWS_PER_BLOCK) * D);
      this.used = 0;
    }
    const draw = this.block.subarray(this.used, this.used + D);
    this.used += D;
    draw.set(q);
    this.draws.push(draw);
    return draw;
  }
}

/** Draws per storage block: big enough to make views cheap, small enough not to waste memory. */
const DRAWS_PER_BLOCK = 256;

function seconds(startMs: number): number {
  return (performance.now() - startMs) / 1000;
}

/**
 * Runs NUTS (Stan's algorithm and adaptation) on `density` with every chain
 * advancing in lock-step. All options have Stan's defaults; `runNuts(density)`
 * runs 4 chains of 1000 warmup + 1000 sampling iterations.
 * Throws InitializationError if a chain cannot start, SamplerError on bad options
 * or when the run cannot continue.
 */
export function runNuts(density: BatchedLogDensity, options: Partial<NutsOptions> = {}): NutsResult {
  const D = density.dimension;
  if (!Number.isSafeInteger(D) || D < 1) {
    throw new SamplerError(`NUTS needs at least one unconstrained parameter, but the density has dimension ${D}`);
  }
  const o = resolveNutsOptions(options, D);
  const C = o.chains;
  const chains = Array.from({ length: C }, (_, c) => c);

  const rngs = chains.map((c) => Random.forChain(o.seed, c));
  const evaluator = new BatchEvaluator(density, C);
  const metrics = chains.map(() => createMetric(o.metric, D, o.inverseMetric));
  const states: ChainPoint[] = findInitialPoints(evaluator, rngs, o.initRadius, o.inits);
  const stepSizes = chains.map(() => o.stepSize);

  const adaptation = chains.map((c) => new WarmupAdaptation(o.metric, D, o.warmup, o.adaptDelta, o.stepSize, c));
  const searches = chains.map((c) => new StepSizeSearch(D, c));
  const searchStepSizes = (which: readonly number[]): void => {
    for (const c of which) searches[c].begin(states[c], stepSizes[c], metrics[c], rngs[c]);
    evaluator.run(which.map((c) => searches[c]));
    for (const c of which) stepSizes[c] = searches[c].stepSize;
  };
  // Adaptation is engaged whenever there is warmup (as in Stan's adaptive samplers).
  if (o.warmup > 0) searchStepSizes(chains);
  // The phases are timed as Stan's run_adaptive_sampler times them: warmup from after the first
  // step-size search, sampling from after the adaptation is written (neither clock counts those).
  const warmupStart = performance.now();

  const transitions = chains.map(() => new NutsTransition(D, o.maxTreedepth));
  const keptWarmup = o.saveWarmup ? Math.ceil(o.warmup / o.thin) : 0;
  const keptTotal = keptWarmup + Math.ceil(o.samples / o.thin);
  const stores = chains.map(() => new DrawStore(D, keptTotal));
  const stats = chains.map(() => emptyChainStats(keptTotal));
  let kept = 0;

  const sumAccept = new Float64Array(C);
  const divergences = new Float64Array(C);
  let phaseIterations = 0;
  let warmupSeconds = 0;
  let samplingStart = warmupStart;
  let samplingStarted = false;
  let stopped = false;
  const total = o.warmup + o.samples;

  for (let iter = 0; iter < total; iter++) {
    if (o.shouldStop?.()) {
      stopped = true;
      break;
    }
    const warmup = iter < o.warmup;
    if (iter === o.warmup) {
      warmupSeconds = seconds(warmupStart);
      sumAccept.fill(0);
      divergences.fill(0);
      phaseIterations = 0;
      if (o.onWarmupEnd) for (const c of chains) o.onWarmupEnd(c, stepSizes[c], metrics[c].inverseMetric());
      samplingStart = performance.now();
      samplingStarted = true;
    }

    for (let c = 0; c < C; c++) transitions[c].begin(states[c], stepSizes[c], metrics[c], rngs[c]);
    evaluator.run(transitions);
    for (let c = 0; c < C; c++) {
      const t = transitions[c];
      adoptDraw(states[c], t.draw);
      sumAccept[c] += t.acceptStat;
      if (t.divergent) divergences[c]++;
    }
    phaseIterations++;

    if (warmup) {
      let metricUpdated: number[] | null = null;
      for (let c = 0; c < C; c++) {
        stepSizes[c] = adaptation[c].learn(transitions[c].acceptStat, states[c].q);
        const inverse = adaptation[c].inverseMetricUpdate;
        if (inverse) {
          metrics[c].setInverse(inverse);
          (metricUpdated ??= []).push(c);
        }
      }
      if (metricUpdated) {
        // New metric: search a step size for it and restart dual averaging there.
        searchStepSizes(metricUpdated);
        for (const c of metricUpdated) adaptation[c].restartAt(stepSizes[c]);
      }
      if (iter === o.warmup - 1) {
        for (let c = 0; c < C; c++) stepSizes[c] = adaptation[c].finalStepSize();
      }
    }

    const keep = warmup ? o.saveWarmup && iter % o.thin === 0 : (iter - o.warmup) % o.thin === 0;
    if (keep) {
      for (let c = 0; c < C; c++) {
        const t = transitions[c];
        const position = stores[c].add(states[c].q);
        storeStats(stats[c], kept, t);
        if (o.onDraw) o.onDraw(c, iter, position, drawStats(t, warmup ? 'warmup' : 'sampling'));
      }
      kept++;
    }

    if (o.onProgress) {
      const info: ProgressInfo[] = chains.map((c) => ({
        chain: c,
        iteration: iter + 1,
        phase: warmup ? 'warmup' : 'sampling',
        stepSize: transitions[c].stepSize,
        meanAcceptStat: sumAccept[c] / phaseIterations,
        divergences: divergences[c],
      }));
      o.onProgress(info);
    }
  }

  let samplingSeconds = 0;
  if (samplingStarted) samplingSeconds = seconds(samplingStart);
  else warmupSeconds = seconds(warmupStart);

  return {
    draws: stores.map((store) => store.draws),
    stats: stats.map((s) => {
      if (kept === keptTotal) return s;
      const trimmed = {} as ChainStats;
      for (const name of SAMPLER_STAT_NAMES) trimmed[name] = s[name].subarray(0, kept);
      return trimmed;
    }),
    warmupDraws: Math.min(keptWarmup, kept),
    stepSize: stepSizes,
    inverseMetric: metrics.map((m) => m.inverseMetric()),
    timing: chains.map(() => ({ warmupSeconds, samplingSeconds })),
    stopped,
    seed: o.seed,
  };
}
