/**
 * Stan's step-size initialization heuristic (base_hmc::init_stepsize): from the
 * chain's current point, take one leapfrog step with a fresh momentum; if the
 * acceptance exp(H0 - H) is above 0.8, keep doubling the step size until it is not,
 * otherwise keep halving until it is. Each trial is one gradient evaluation.
 */

import type { Random } from '../runtime/random.js';
import type { GradientTask } from './batch.js';
import { SamplerError } from './errors.js';
import { leapfrogClose, leapfrogOpen } from './integrator.js';
import { kineticEnergy, type Metric } from './metric.js';
import type { ChainPoint } from './types.js';

const LOG_TARGET = Math.log(0.8);

export class StepSizeSearch implements GradientTask {
  private readonly q: Float64Array;
  private readonly p: Float64Array;
  private readonly grad: Float64Array;
  private readonly v: Float64Array;
  private start!: ChainPoint;
  private metric!: Metric;
  private rng!: Random;
  private H0 = 0;
  /** 0 until the first trial sets it; then +1 (grow) or -1 (shrink). */
  private direction = 0;
  private done = true;
  stepSize = 1;

  constructor(
    dimension: number,
    private readonly chain: number,
  ) {
    this.q = new Float64Array(dimension);
    this.p = new Float64Array(dimension);
    this.grad = new Float64Array(dimension);
    this.v = new Float64Array(dimension);
  }

  /** Starts a search from `start` (which must have finite lp and gradient) and step size `stepSize`. */
  begin(start: ChainPoint, stepSize: number, metric: Metric, rng: Random): void {
    this.start = start;
    this.metric = metric;
    this.rng = rng;
    this.stepSize = stepSize;
    this.direction = 0;
    // Stan skips the search for step sizes that could loop forever.
    this.done = stepSize === 0 || stepSize > 1e7 || Number.isNaN(stepSize);
  }

  request(U: Float64Array, offset: number): boolean {
    if (this.done) return false;
    this.q.set(this.start.q);
    this.metric.sampleMomentum(this.rng, this.p);
    this.metric.velocity(this.p, this.v);
    this.H0 = kineticEnergy(this.p, this.v) - this.start.lp;
    leapfrogOpen(this.q, this.p, this.start.grad, this.stepSize, this.metric, this.v);
    U.set(this.q, offset);
    return true;
  }

  receive(lp: number, grad: Float64Array, offset: number): void {
    const D = this.q.length;
    for (let i = 0; i < D; i++) this.grad[i] = grad[offset + i];
    leapfrogClose(this.p, this.grad, this.stepSize);
    this.metric.velocity(this.p, this.v);
    let h = kineticEnergy(this.p, this.v) - lp;
    if (Number.isNaN(h) || h === -Infinity) h = Infinity;
    const deltaH = this.H0 - h;

    if (this.direction === 0) {
      // The first trial only picks the direction; Stan then re-tries the same size.
      this.direction = deltaH > LOG_TARGET ? 1 : -1;
      return;
    }
    if (this.direction === 1 ? !(deltaH > LOG_TARGET) : !(deltaH < LOG_TARGET)) {
      this.done = true;
      return;
    }
    this.stepSize *= this.direction === 1 ? 2 : 0.5;
    if (this.stepSize > 1e7) {
      throw new SamplerError(
        `Chain ${this.chain + 1}: the step size grew past 1e7 while searching for an initial step size. The posterior is improper; please check the model.`,
      );
    }
    if (this.stepSize === 0) {
      throw new SamplerError(
        `Chain ${this.chain + 1}: no acceptably small step size could be found. Perhaps the posterior is not continuous?`,
      );
    }
  }
}
