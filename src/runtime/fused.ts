// What a fused density (src/lower/fused.ts) needs at run time, reached as `$.F`. A fused density
// detects trouble and leaves reporting to the scalar tape: any failed argument check throws
// `MISS`, and the caller evaluates that chain again on the tape, which raises Stan's message.
import { Tensor } from './tensor.js';
import type { ParamEntry } from './parameters.js';
import type { DensitySpec } from './scalar/ops.js';
import { scalarPredicates } from '../../stdlib/impl/dist-checks.js';

export { HALF_LOG_TWO_PI, LOG_PI, digamma, lbeta } from './special.js';

/** Thrown by a fused density when the scalar tape must evaluate the point instead. */
export class FusedMiss extends Error {
  constructor() {
    super('fused density: evaluate on the scalar tape');
    this.name = 'FusedMiss';
  }
}

/** One instance, thrown as is: a rejection should not cost a stack capture. */
export const MISS = new FusedMiss();

/** The values of a one-dimensional data container, or null when `x` is not one. */
export function vec(x: unknown): Float64Array | null {
  return x instanceof Tensor && !x.batched && x.shape.length === 1 ? x.val : null;
}

/** A data scalar (a number), or NaN when `x` is not one. */
export function scalar(x: unknown): number {
  return typeof x === 'number' ? x : NaN;
}

/** Whether a parameter's unconstrained values are its elements in order (no structured transform). */
export function plain(entry: ParamEntry): boolean {
  return entry.prepared.structured === null && entry.prepared.positions === null;
}

/** The predicate of check `m` of argument `j` of a density (the lowering made sure it exists). */
export function predicate(spec: DensitySpec, j: number, m: number): (v: number) => boolean {
  const p = scalarPredicates.get(spec.args[j].checks[m]);
  if (!p) throw new Error(`internal: no predicate for check ${m} of argument ${j}`);
  return p;
}
