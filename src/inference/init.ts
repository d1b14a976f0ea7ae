/**
 * Chain initialization (Stan's): draw each unconstrained coordinate uniformly from
 * (-R, R), or take the user's init, and retry until the log density and its
 * gradient are finite. Random inits get up to 100 attempts per chain; a user init
 * gets one.
 */

import type { Random } from '../runtime/random.js';
import type { BatchEvaluator, GradientTask } from './batch.js';
import { InitializationError } from './errors.js';
import type { ChainPoint } from './types.js';

export const MAX_INIT_ATTEMPTS = 100;

class InitialPointSearch implements GradientTask {
  readonly point: ChainPoint;
  private readonly maxAttempts: number;
  attempts = 0;
  done = false;
  /** Why the last attempt was rejected. */
  lastProblem = '';

  constructor(
    private readonly rng: Random,
    dimension: number,
    private readonly radius: number,
    private readonly userInit?: Float64Array,
  ) {
    this.maxAttempts = userInit ? 1 : MAX_INIT_ATTEMPTS;
    this.point = { q: new Float64Array(dimension), grad: new Float64Array(dimension), lp: -Infinity };
  }

  request(U: Float64Array, offset: number): boolean {
    if (this.done || this.attempts >= this.maxAttempts) return false;
    const q = this.point.q;
    if (this.userInit) {
      q.set(this.userInit);
    } else {
      const R = this.radius;
      for (let i = 0; i < q.length; i++) q[i] = R === 0 ? 0 : this.rng.uniform(-R, R);
    }
    U.set(q, offset);
    return true;
  }

  receive(lp: number, grad: Float64Array, offset: number): void {
    this.attempts++;
    const D = this.point.q.length;
    if (!Number.isFinite(lp)) {
      this.lastProblem = `the log density is ${lp}`;
      return;
    }
    for (let i = 0; i < D; i++) {
      if (!Number.isFinite(grad[offset + i])) {
        this.lastProblem = `the gradient is not finite (element ${i + 1} is ${grad[offset + i]})`;
        return;
      }
    }
    this.point.grad.set(grad.subarray(offset, offset + D));
    this.point.lp = lp;
    this.done = true;
  }
}

/**
 * Finds a start with finite log density and gradient for every chain, evaluating
 * all chains' candidates in one call per round. Throws InitializationError naming
 * the chains (1-based in the message) that failed.
 */
export function findInitialPoints(
  evaluator: BatchEvaluator,
  rngs: readonly Random[],
  radius: number,
  inits?: readonly Float64Array[],
): ChainPoint[] {
  const D = evaluator.dimension;
  const tasks = rngs.map((rng, c) => new InitialPointSearch(rng, D, radius, inits?.[c]));
  evaluator.run(tasks);
  const failed = tasks.flatMap((t, c) => (t.done ? [] : [c]));
  if (failed.length > 0) {
    const lines = failed.map((c) => {
      const t = tasks[c];
      return inits
        ? `  chain ${c + 1}: the supplied init is not usable: ${t.lastProblem}`
        : `  chain ${c + 1}: after ${t.attempts} attempts, last rejected because ${t.lastProblem}`;
    });
    const advice = inits
      ? 'Check the supplied initial values (they must be on the unconstrained scale and inside the support).'
      : `Initialization between (-${radius}, ${radius}) failed. Try supplying initial values, a smaller init radius, or reparameterizing the model.`;
    throw new InitializationError(
      `Could not initialize ${failed.length === 1 ? 'a chain' : 'chains'}:\n${lines.join('\n')}\n${advice}`,
      failed,
    );
  }
  return tasks.map((t) => t.point);
}
