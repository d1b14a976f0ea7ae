/**
 * Stan's warmup adaptation: Nesterov dual averaging of log step size
 * (stepsize_adaptation.hpp), the windowed schedule for metric estimation
 * (windowed_adaptation.hpp), and Welford variance/covariance estimators with
 * Stan's regularization (var_adaptation.hpp, covar_adaptation.hpp).
 */

import { SamplerError } from './errors.js';
import type { MetricKind } from './types.js';

export interface DualAveragingSettings {
  /** Target acceptance statistic (adapt_delta). */
  delta: number;
  gamma: number;
  kappa: number;
  t0: number;
}

export const STAN_DUAL_AVERAGING: Omit<DualAveragingSettings, 'delta'> = { gamma: 0.05, kappa: 0.75, t0: 10 };

/** Dual averaging of log(step size) toward a target acceptance statistic. */
export class DualAveraging {
  /** Shrinkage target of log step size (Stan sets log(10 * eps)). */
  mu = 0;
  private counter = 0;
  private sBar = 0;
  private xBar = 0;

  constructor(private readonly settings: DualAveragingSettings) {}

  restart(): void {
    this.counter = 0;
    this.sBar = 0;
    this.xBar = 0;
  }

  /** Updates with the latest acceptance statistic; returns the next step size. */
  learn(acceptStat: number): number {
    const { delta, gamma, kappa, t0 } = this.settings;
    this.counter++;
    const a = acceptStat > 1 ? 1 : acceptStat;
    const eta = 1 / (this.counter + t0);
    this.sBar = (1 - eta) * this.sBar + eta * (delta - a);
    const x = this.mu - (this.sBar * Math.sqrt(this.counter)) / gamma;
    const xEta = Math.pow(this.counter, -kappa);
    this.xBar = (1 - xEta) * this.xBar + xEta * x;
    return Math.exp(x);
  }

  /** The step size to use after adaptation: exp of the averaged iterate. */
  finalStepSize(): number {
    return Math.exp(this.xBar);
  }
}

export interface WindowSettings {
  initBuffer: number;
  termBuffer: number;
  baseWindow: number;
}

export const STAN_WINDOWS: WindowSettings = { initBuffer: 75, termBuffer: 50, baseWindow: 25 };

/**
 * Stan's windowed schedule: a fast initial buffer (step size only), doubling slow
 * windows in which draws feed the metric estimate (the last one stretched to the
 * terminal buffer), and a fast terminal buffer. Call `observe` once per warmup
 * iteration; it says whether that draw belongs to a window and whether a window
 * ends there.
 */
export class WindowSchedule {
  private readonly numWarmup: number;
  private readonly initBuffer: number;
  private readonly termBuffer: number;
  private counter = 0;
  private windowSize: number;
  private nextWindowEnd: number;
  /** True when no metric windows are used (warmup < 20). */
  readonly stepSizeOnly: boolean;

  constructor(numWarmup: number, settings: WindowSettings = STAN_WINDOWS) {
    let { initBuffer, termBuffer, baseWindow } = settings;
    this.stepSizeOnly = numWarmup < 20;
    if (this.stepSizeOnly) {
      this.numWarmup = 0;
      initBuffer = termBuffer = baseWindow = 0;
    } else {
      this.numWarmup = numWarmup;
      if (initBuffer + baseWindow + termBuffer > numWarmup) {
        // Too short for the configured stages: Stan's 15% / 75% / 10% split.
        initBuffer = Math.floor(0.15 * numWarmup);
        termBuffer = Math.floor(0.1 * numWarmup);
        baseWindow = numWarmup - (initBuffer + termBuffer);
      }
    }
    this.initBuffer = initBuffer;
    this.termBuffer = termBuffer;
    this.windowSize = baseWindow;
    this.nextWindowEnd = this.stepSizeOnly ? -1 : initBuffer + baseWindow - 1;
  }

  /** Whether the current iteration's draw is added to the metric estimator. */
  inWindow(): boolean {
    return (
      !this.stepSizeOnly &&
      this.counter >= this.initBuffer &&
      this.counter < this.numWarmup - this.termBuffer &&
      this.counter !== this.numWarmup
    );
  }

  /** Whether a metric window ends at the current iteration. */
  atWindowEnd(): boolean {
    return !this.stepSizeOnly && this.counter === this.nextWindowEnd && this.counter !== this.numWarmup;
  }

  /** Moves past the current iteration (computing the next window if one just ended). */
  advance(): void {
    if (this.atWindowEnd()) this.computeNextWindow();
    this.counter++;
  }

  private computeNextWindow(): void {
    const lastEnd = this.numWarmup - this.termBuffer - 1;
    if (this.nextWindowEnd === lastEnd) return;
    this.windowSize *= 2;
    this.nextWindowEnd = this.counter + this.windowSize;
    if (this.nextWindowEnd === lastEnd) return;
    // If the window after this one would overrun the slow phase, stretch this one to its end.
    const followingBoundary = this.nextWindowEnd + 2 * this.windowSize;
    if (followingBoundary >= this.numWarmup - this.termBuffer) this.nextWindowEnd = lastEnd;
  }
}

/** The 0-based warmup iterations at which Stan's schedule updates the metric. */
export function metricWindowEnds(numWarmup: number, settings: WindowSettings = STAN_WINDOWS): number[] {
  const schedule = new WindowSchedule(numWarmup, settings);
  const ends: number[] = [];
  for (let i = 0; i < numWarmup; i++) {
    if (schedule.atWindowEnd()) ends.push(i);
    schedule.advance();
  }
  return ends;
}

/** Welford's running mean and variance, per coordinate. */
export class WelfordVariance {
  count = 0;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;

  constructor(readonly dimension: number) {
    this.mean = new Float64Array(dimension);
    this.m2 = new Float64Array(dimension);
  }

  restart(): void {
    this.count = 0;
    this.mean.fill(0);
    this.m2.fill(0);
  }

  add(x: Float64Array): void {
    this.count++;
    const n = this.count;
    for (let i = 0; i < this.dimension; i++) {
      const delta = x[i] - this.mean[i];
      this.mean[i] += delta / n;
      this.m2[i] += delta * (x[i] - this.mean[i]);
    }
  }

  /** Sample variance (divisor n - 1) into `out`. */
  variance(out: Float64Array): void {
    for (let i = 0; i < this.dimension; i++) out[i] = this.m2[i] / (this.count - 1);
  }
}

/** Welford's running mean and covariance (row-major D x D). */
export class WelfordCovariance {
  count = 0;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  private readonly delta: Float64Array;

  constructor(readonly dimension: number) {
    this.mean = new Float64Array(dimension);
    this.m2 = new Float64Array(dimension * dimension);
    this.delta = new Float64Array(dimension);
  }

  restart(): void {
    this.count = 0;
    this.mean.fill(0);
    this.m2.fill(0);
  }

  add(x: Float64Array): void {
    this.count++;
    const n = this.count;
    const D = this.dimension;
    for (let i = 0; i < D; i++) {
      this.delta[i] = x[i] - this.mean[i];
      this.mean[i] += this.delta[i] / n;
    }
    // m2 += (x - newMean) (x - oldMean)^T
    for (let i = 0; i < D; i++) {
      const a = x[i] - this.mean[i];
      const row = i * D;
      for (let j = 0; j < D; j++) this.m2[row + j] += a * this.delta[j];
    }
  }

  /** Sample covariance (divisor n - 1) into `out`, row-major. */
  covariance(out: Float64Array): void {
    const c = 1 / (this.count - 1);
    for (let i = 0; i < this.m2.length; i++) out[i] = this.m2[i] * c;
  }
}

/**
 * Metric estimation on Stan's schedule: collects warmup draws inside windows and,
 * at each window end, returns the regularized estimate
 *   (n / (n + 5)) * Sigma_hat + 1e-3 * (5 / (n + 5)) * I
 * (a vector for diag, a row-major matrix for dense), then starts a new window.
 */
export class MetricAdaptation {
  private readonly schedule: WindowSchedule;
  private readonly variance?: WelfordVariance;
  private readonly covariance?: WelfordCovariance;
  private readonly estimate: Float64Array;

  constructor(
    readonly kind: MetricKind,
    readonly dimension: number,
    numWarmup: number,
    private readonly chain: number,
    settings: WindowSettings = STAN_WINDOWS,
  ) {
    this.schedule = new WindowSchedule(numWarmup, settings);
    if (kind === 'diag') {
      this.variance = new WelfordVariance(dimension);
      this.estimate = new Float64Array(dimension);
    } else {
      this.covariance = new WelfordCovariance(dimension);
      this.estimate = new Float64Array(dimension * dimension);
    }
  }

  /** Feeds one warmup draw; returns the new inverse metric at a window end, else null. */
  learn(q: Float64Array): Float64Array | null {
    const schedule = this.schedule;
    if (schedule.inWindow()) {
      if (this.variance) this.variance.add(q);
      else this.covariance!.add(q);
    }
    if (!schedule.atWindowEnd()) {
      schedule.advance();
      return null;
    }
    schedule.advance();
    const D = this.dimension;
    const out = this.estimate;
    const n = this.variance ? this.variance.count : this.covariance!.count;
    const shrink = n / (n + 5);
    const ridge = 1e-3 * (5 / (n + 5));
    if (this.variance) {
      this.variance.variance(out);
      for (let i = 0; i < D; i++) out[i] = shrink * out[i] + ridge;
      this.variance.restart();
    } else {
      this.covariance!.covariance(out);
      // Welford's m2 is symmetric only up to rounding; symmetrize so the Cholesky
      // factor (lower triangle) and M^{-1} p (full matrix) describe the same metric.
      for (let i = 0; i < D; i++) {
        for (let j = 0; j < i; j++) {
          const s = 0.5 * (out[i * D + j] + out[j * D + i]);
          out[i * D + j] = out[j * D + i] = s;
        }
      }
      for (let i = 0; i < out.length; i++) out[i] *= shrink;
      for (let i = 0; i < D; i++) out[i * D + i] += ridge;
      this.covariance!.restart();
    }
    for (let i = 0; i < out.length; i++) {
      if (!Number.isFinite(out[i])) {
        throw new SamplerError(
          `Chain ${this.chain + 1}: numerical overflow in metric adaptation. This occurs when the sampler encounters extreme values on the unconstrained space; the posterior may be too wide or improper. Check the model specification.`,
        );
      }
    }
    return out;
  }
}

/** Stan's per-chain warmup adaptation (stepsize_var_adapter / stepsize_covar_adapter). */
export class WarmupAdaptation {
  private readonly dual: DualAveraging;
  private readonly metric: MetricAdaptation;
  /** Set by `learn` at a window end: the new inverse metric (reused buffer). */
  inverseMetricUpdate: Float64Array | null = null;

  constructor(
    kind: MetricKind,
    dimension: number,
    numWarmup: number,
    adaptDelta: number,
    initialStepSize: number,
    chain: number,
  ) {
    this.dual = new DualAveraging({ delta: adaptDelta, ...STAN_DUAL_AVERAGING });
    // Stan centres the first dual-averaging phase on the user's step size, not the searched one.
    this.dual.mu = Math.log(10 * initialStepSize);
    this.metric = new MetricAdaptation(kind, dimension, numWarmup, chain);
  }

  /**
   * After a warmup transition: returns the next step size, and sets
   * `inverseMetricUpdate` when a metric window ended at this draw.
   */
  learn(acceptStat: number, q: Float64Array): number {
    const stepSize = this.dual.learn(acceptStat);
    this.inverseMetricUpdate = this.metric.learn(q);
    return stepSize;
  }

  /** After a metric update and a fresh step-size search: restart dual averaging around that step size. */
  restartAt(stepSize: number): void {
    this.dual.mu = Math.log(10 * stepSize);
    this.dual.restart();
  }

  /** The step size for sampling: exp of the averaged log step size. */
  finalStepSize(): number {
    return this.dual.finalStepSize();
  }
}
