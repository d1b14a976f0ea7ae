/**
 * Advances per-chain tasks together: each round, every task that still needs a
 * gradient writes its next point into one compacted [n, D] block, the density is
 * called once for the whole block, and each task gets its own row back. Tasks that
 * are finished drop out, so a round costs one call however many chains are active.
 */

import type { BatchedLogDensity } from './types.js';

/** One chain's work that needs the log density and gradient at a sequence of points. */
export interface GradientTask {
  /** Write the next point into U[offset, offset + D); return false when no more points are needed. */
  request(U: Float64Array, offset: number): boolean;
  /** The log density and gradient grad[offset, offset + D) at the point last written (copy, do not keep). */
  receive(lp: number, grad: Float64Array, offset: number): void;
}

export class BatchEvaluator {
  readonly dimension: number;
  /** Number of density calls made so far. */
  calls = 0;
  private readonly U: Float64Array;
  private readonly lp: Float64Array;
  private readonly grad: Float64Array;
  private readonly owners: GradientTask[];
  private readonly active: GradientTask[];

  constructor(
    private readonly density: BatchedLogDensity,
    maxRows: number,
  ) {
    this.dimension = density.dimension;
    this.U = new Float64Array(maxRows * this.dimension);
    this.lp = new Float64Array(maxRows);
    this.grad = new Float64Array(maxRows * this.dimension);
    this.owners = new Array<GradientTask>(maxRows);
    this.active = new Array<GradientTask>(maxRows);
  }

  /** Runs all tasks to completion, one density call per round. */
  run(tasks: readonly GradientTask[]): void {
    if (tasks.length > this.owners.length) {
      throw new Error(`BatchEvaluator: ${tasks.length} tasks but room for ${this.owners.length} rows`);
    }
    const D = this.dimension;
    const active = this.active;
    let m = 0;
    for (const task of tasks) active[m++] = task;
    while (m > 0) {
      let n = 0;
      for (let k = 0; k < m; k++) {
        const task = active[k];
        if (task.request(this.U, n * D)) this.owners[n++] = task;
      }
      if (n === 0) return;
      // NaN marks rows the density leaves unwritten (a loop: fill() is a call for a few rows).
      const lp = this.lp;
      for (let i = 0; i < n; i++) lp[i] = NaN;
      this.density.logDensityGradient(this.U, n, lp, this.grad);
      this.calls++;
      const owners = this.owners;
      for (let i = 0; i < n; i++) owners[i].receive(lp[i], this.grad, i * D);
      // Only tasks that asked for a point this round can still want one.
      for (let i = 0; i < n; i++) active[i] = owners[i];
      m = n;
    }
  }
}
