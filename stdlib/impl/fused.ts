// Fused tape nodes for densities that are not elementwise (multivariate, categorical, GLMs):
// the body computes one chain's value and writes the partials of that value with respect to
// each batched argument; one node per call carries them back.
import { Tensor, Value, adjoint } from '../../src/runtime/tensor.js';
import { batchedOutput, chains, record } from '../../src/runtime/tape.js';

/**
 * Per-chain body: `v[j]` holds argument j's values for this chain (row-major, length = its
 * size); `g[j]` is a zeroed buffer of the same length to accumulate ∂value/∂argument j into,
 * or null when argument j is data (the body may skip that work).
 */
export type ChainBody = (v: readonly Float64Array[], g: readonly (Float64Array | null)[], chain: number) => number;

/** A scalar per chain from `body`; a number when every argument is data. */
export function perChain(args: readonly Value[], body: ChainBody): Value {
  const batched = args.map((a) => typeof a !== 'number' && a.batched);
  const fixed = args.map((a) => (typeof a === 'number' ? Float64Array.of(a) : a.val));
  if (!batched.some((b) => b)) return body(fixed, args.map(() => null), 0);
  const C = chains();
  const out = batchedOutput([], 1);
  const grads = args.map((a, j) => (batched[j] ? new Float64Array((a as Tensor).val.length) : null));
  const views: Float64Array[] = fixed.slice();
  const gviews: (Float64Array | null)[] = grads.map(() => null);
  for (let c = 0; c < C; c++) {
    for (let j = 0; j < args.length; j++) {
      const g = grads[j];
      if (g === null) continue;
      const size = (args[j] as Tensor).size;
      views[j] = fixed[j].subarray(c * size, (c + 1) * size);
      gviews[j] = g.subarray(c * size, (c + 1) * size);
    }
    out.val[c] = body(views, gviews, c);
  }
  record(() => {
    const go = out.adj;
    if (go === null) return;
    for (let j = 0; j < args.length; j++) {
      const g = grads[j];
      if (g === null) continue;
      const a = args[j] as Tensor;
      const ga = adjoint(a);
      const size = a.size;
      for (let c = 0; c < C; c++) {
        const s = go[c];
        if (s === 0) continue;
        for (let i = 0; i < size; i++) ga[c * size + i] += s * g[c * size + i];
      }
    }
  });
  return out;
}

/**
 * `v + k` for a density just returned by sumElementwise/perChain, without another tape node:
 * the value of a fresh output can change in place because its backward step reads only its
 * adjoint and the partials saved when it was made.
 */
export function shiftInPlace(v: Value, k: number): Value {
  if (k === 0) return v;
  if (typeof v === 'number') return v + k;
  for (let i = 0; i < v.val.length; i++) v.val[i] += k;
  return v;
}
