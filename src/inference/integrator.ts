/**
 * The leapfrog integrator, split around the gradient evaluation so that the
 * gradients of all chains can be computed in one batched call:
 *   open:  p += (eps/2) ∇lp(q);  q += eps M^{-1} p
 *   (evaluate ∇lp at the new q)
 *   close: p += (eps/2) ∇lp(q)
 * eps is signed: negative integrates backward in time.
 */

import type { Metric } from './metric.js';

/** Half momentum step and full position step; `velocity` is scratch of length D. */
export function leapfrogOpen(
  q: Float64Array,
  p: Float64Array,
  grad: Float64Array,
  eps: number,
  metric: Metric,
  velocity: Float64Array,
): void {
  const half = 0.5 * eps;
  for (let i = 0; i < p.length; i++) p[i] += half * grad[i];
  metric.velocity(p, velocity);
  for (let i = 0; i < q.length; i++) q[i] += eps * velocity[i];
}

/** Final half momentum step with the gradient at the new position. */
export function leapfrogClose(p: Float64Array, grad: Float64Array, eps: number): void {
  const half = 0.5 * eps;
  for (let i = 0; i < p.length; i++) p[i] += half * grad[i];
}
