// The benchmark's results as written to bench/results/*.json, and the medians over repeats.
import type { GradientTiming } from './gradient.js';
import type { HstanRun, SampleSettings } from './hstan-sample.js';
import type { ParseTiming } from './parse.js';
import type { RstanModelResult, RstanRun } from './rstan.js';
import type { TfjsTiming } from './tfjs.js';
import { median } from './stats.js';

export interface HstanSummary {
  runSeconds: number;
  runCpuSeconds: number | null;
  warmupPhaseSeconds: number;
  samplingPhaseSeconds: number;
  minEssBulk: number;
  /** Median over runs of min bulk ESS / post-warmup seconds. */
  essPerSecond: number;
}

export interface RstanSummary {
  samplingSeconds: number;
  samplingCpuSeconds: number;
  warmupPhaseSeconds: number;
  samplingPhaseSeconds: number;
  minEssBulk: number;
  essPerSecond: number;
  /** (warmup + sampling phases) / leapfrog steps: one chain's gradient with its sampler around it. */
  usPerGradient: number;
}

export interface ModelResult {
  name: string;
  description: string;
  program: string;
  data: string;
  dimension: number;
  gradientTargetUs4?: number;
  gradient: GradientTiming[];
  tfjs?: TfjsTiming;
  hstan?: { runs: HstanRun[]; median: HstanSummary };
  rstan?: { compileSeconds: number; compileCpuSeconds: number; runs: RstanRun[]; median: RstanSummary };
  ratios?: {
    /** hstan's whole run / (rstan compile + sampling()): target ≤ 0.2. */
    runVsRstan: number;
    /** hstan min ESS/s / rstan min ESS/s, post-warmup phase: target ≥ 1. */
    essPerSecond: number;
  };
}

export interface BenchResults {
  date: string;
  hstanVersion: string;
  node: string;
  cpu: { model: string; count: number };
  settings: SampleSettings & { seeds: number[]; gradientChains: number[] };
  /** Load averages (1, 5, 15 min) when each stage started, and at the end. */
  load: Record<string, number[]>;
  parse?: ParseTiming;
  models: ModelResult[];
  /** Why the TF.js contrast was not run, when it was not. */
  tfjsSkipped?: string;
  /** Why rstan was not run, when it was not. */
  rstanSkipped?: string;
}

export function summarizeHstan(runs: readonly HstanRun[]): HstanSummary {
  const cpu = runs.map((r) => r.runCpuSeconds).filter((x): x is number => x !== null);
  return {
    runSeconds: median(runs.map((r) => r.runSeconds)),
    runCpuSeconds: cpu.length === runs.length ? median(cpu) : null,
    warmupPhaseSeconds: median(runs.map((r) => r.warmupPhaseSeconds)),
    samplingPhaseSeconds: median(runs.map((r) => r.samplingPhaseSeconds)),
    minEssBulk: median(runs.map((r) => r.minEssBulk)),
    essPerSecond: median(runs.map((r) => r.minEssBulk / r.samplingPhaseSeconds)),
  };
}

export function summarizeRstan(m: RstanModelResult): RstanSummary {
  const runs = m.runs;
  return {
    samplingSeconds: median(runs.map((r) => r.samplingSeconds)),
    samplingCpuSeconds: median(runs.map((r) => r.samplingCpuSeconds)),
    warmupPhaseSeconds: median(runs.map((r) => r.warmupPhaseSeconds)),
    samplingPhaseSeconds: median(runs.map((r) => r.samplingPhaseSeconds)),
    minEssBulk: median(runs.map((r) => r.minEssBulk)),
    essPerSecond: median(runs.map((r) => r.minEssBulk / r.samplingPhaseSeconds)),
    usPerGradient: median(runs.map((r) => (1e6 * (r.warmupPhaseSeconds + r.samplingPhaseSeconds)) / r.leapfrogs)),
  };
}
