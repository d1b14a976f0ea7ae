// Gradient benchmark (issue 4): µs per batched `logDensityGradient` call for n chains at once.
// Warm up until the JIT settles, then time batches of calls; the median batch is reported, as
// wall time and as this thread's CPU time (the latter is less disturbed by a busy machine).
import type { ModelInstance } from '../src/model/instance.js';
import { median, uniformStream } from './stats.js';

export interface GradientTiming {
  chains: number;
  /** Median over batches of wall µs per call (all chains together). */
  usPerCall: number;
  /** usPerCall / chains. */
  usPerChain: number;
  /** Median over batches of CPU µs per call. */
  cpuUsPerCall: number;
  batches: number;
  callsPerBatch: number;
}

export interface GradientOptions {
  /** Wall milliseconds each batch should take (calls per batch are calibrated to it). */
  batchMs?: number;
  batches?: number;
  /** Least warm-up time; warm-up goes on (up to maxWarmupMs) until the time per call settles. */
  warmupMs?: number;
  maxWarmupMs?: number;
  seed?: number;
}

/** Points uniform(-2, 2) on the unconstrained scale, as Stan's random inits; every row must have a finite density. */
export function benchmarkPoints(instance: ModelInstance, chains: number, seed: number): Float64Array {
  const D = instance.dimension;
  const next = uniformStream(seed);
  const U = new Float64Array(chains * D);
  for (let i = 0; i < U.length; i++) U[i] = 4 * next() - 2;
  const lp = instance.logDensityBatch(U, chains);
  const bad = lp.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`bench: the log density is not finite at benchmark point ${bad + 1} (${lp[bad]})`);
  return U;
}

/** Point sets the timed calls cycle through. */
const POINT_SETS = 8;

export function timeGradient(instance: ModelInstance, chains: number, options: GradientOptions = {}): GradientTiming {
  const batchMs = options.batchMs ?? 60;
  const batches = options.batches ?? 9;
  const warmupMs = options.warmupMs ?? 1500;
  const maxWarmupMs = Math.max(warmupMs, options.maxWarmupMs ?? 12000);
  // Several point sets in turn, as sampling moves every call: kernels that memoize per-call
  // values (the beta kernel's lbeta and digammas) must not hit their memo on every call.
  const seed = options.seed ?? 20240917 + chains;
  const points = Array.from({ length: POINT_SETS }, (_, k) => benchmarkPoints(instance, chains, seed + 7919 * k));
  const lp = new Float64Array(chains);
  const grad = new Float64Array(chains * instance.dimension);
  let turn = 0;
  const call = () => instance.logDensityGradient(points[turn++ % POINT_SETS], chains, lp, grad);

  // Warm up until the per-call CPU time settles: V8 optimizes in background threads, which a
  // busy machine starves, so a fixed number of calls is sometimes far from enough.
  const started = performance.now();
  let perCallMs = timeCalls(call, 1).wallMs;
  const blocks: number[] = [];
  const walls: number[] = [];
  while (performance.now() - started < maxWarmupMs) {
    const calls = Math.max(1, Math.round(batchMs / 2 / perCallMs));
    const t = timeCalls(call, calls);
    perCallMs = t.wallMs / calls;
    walls.push(perCallMs);
    blocks.push(t.cpuUs / calls);
    if (performance.now() - started >= warmupMs && blocks.length >= 6) {
      const best = Math.min(...blocks);
      if (Math.max(...blocks.slice(-3)) <= 1.15 * best) break;
    }
  }
  // Size batches by the recent best: one slow block (another process's turn) must not shrink them.
  const callsPerBatch = Math.max(3, Math.round(batchMs / Math.min(...walls.slice(-3))));

  const wall: number[] = [];
  const cpu: number[] = [];
  for (let b = 0; b < batches; b++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < callsPerBatch; i++) call();
    const t1 = performance.now();
    const used = process.cpuUsage(c0);
    wall.push(((t1 - t0) * 1000) / callsPerBatch);
    cpu.push((used.user + used.system) / callsPerBatch);
  }
  const usPerCall = median(wall);
  return { chains, usPerCall, usPerChain: usPerCall / chains, cpuUsPerCall: median(cpu), batches, callsPerBatch };
}

function timeCalls(call: () => void, calls: number): { wallMs: number; cpuUs: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) call();
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(c0);
  return { wallMs, cpuUs: used.user + used.system };
}
