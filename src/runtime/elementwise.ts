// Fused elementwise kernels: one tape node for a whole broadcast computation, with partials
// computed alongside the value. Every scalar function and every univariate density is
// written once as a scalar kernel and lifted here over shapes and chains.
import { Tensor, Value, adjoint, Shape } from './tensor.js';
import { batchedOutput, chains, record } from './tape.js';
import { RuntimeError } from './errors.js';

/**
 * A scalar kernel: reads its arguments from `x`, returns the value, and (when `d` is given)
 * writes the partial derivative with respect to each argument into `d`.
 */
export type Kernel = (x: Float64Array, d: Float64Array | null) => number;

interface Layout {
  /** Broadcast element count. */
  n: number;
  shape: Shape;
  batched: boolean;
}

function layoutOf(args: readonly Value[], what: string): Layout {
  let n = 1;
  let shape: Shape = [];
  let batched = false;
  for (const a of args) {
    if (typeof a === 'number') continue;
    if (a.batched) batched = true;
    if (a.shape.length === 0) continue;
    if (shape.length === 0 && n === 1) {
      n = a.size;
      shape = a.shape;
    } else if (a.size !== n) {
      throw new RuntimeError(`${what}: size mismatch (${n} and ${a.size} elements)`);
    }
  }
  return { n, shape, batched };
}

/** Argument `a` as (values, chain stride, element stride) so the inner loop needs no branches. */
function strides(a: Value): [Float64Array, number, number] {
  if (typeof a === 'number') return [Float64Array.of(a), 0, 0];
  return [a.val, a.batched ? a.size : 0, a.shape.length === 0 || a.size === 1 ? 0 : 1];
}

/**
 * Apply `kernel` elementwise over broadcast arguments. Result: a number when every argument
 * is data, else a batched tensor of the broadcast shape.
 */
export function mapElementwise(args: readonly Value[], kernel: Kernel, what: string): Value {
  const k = args.length;
  const { n, shape, batched } = layoutOf(args, what);
  const x = new Float64Array(k);
  if (!batched) {
    const view = args.map(strides);
    if (shape.length === 0) {
      for (let j = 0; j < k; j++) x[j] = view[j][0][0];
      return kernel(x, null);
    }
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) x[j] = view[j][0][i * view[j][2]];
      out[i] = kernel(x, null);
    }
    return new Tensor(shape, out, false);
  }
  const C = chains();
  const out = batchedOutput(shape, n);
  const view = args.map(strides);
  // Partials are kept per (argument, chain, element) only for batched arguments.
  const needs = args.map((a) => typeof a !== 'number' && a.batched);
  const partials: (Float64Array | null)[] = needs.map((b) => (b ? new Float64Array(C * n) : null));
  const d = new Float64Array(k);
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        const [v, sc, se] = view[j];
        x[j] = v[c * sc + i * se];
      }
      out.val[c * n + i] = kernel(x, d);
      for (let j = 0; j < k; j++) {
        const p = partials[j];
        if (p !== null) p[c * n + i] = d[j];
      }
    }
  }
  record(() => {
    const g = out.adj;
    if (g === null) return;
    for (let j = 0; j < k; j++) {
      const p = partials[j];
      if (p === null) continue;
      const a = args[j] as Tensor;
      const ga = adjoint(a);
      const se = a.shape.length === 0 || a.size === 1 ? 0 : 1;
      for (let c = 0; c < C; c++) {
        for (let i = 0; i < n; i++) ga[c * a.size + i * se] += g[c * n + i] * p[c * n + i];
      }
    }
  });
  return out;
}

/**
 * Sum over broadcast elements of `kernel(args)`, per chain: the shape of every vectorized
 * density (`normal_lpdf(y | mu, sigma)` is one call). Returns a number for data-only
 * arguments, else a batched scalar.
 */
export function sumElementwise(args: readonly Value[], kernel: Kernel, what: string): Value {
  const k = args.length;
  const { n, batched } = layoutOf(args, what);
  const view = args.map(strides);
  const x = new Float64Array(k);
  if (!batched) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) x[j] = view[j][0][i * view[j][2]];
      s += kernel(x, null);
    }
    return s;
  }
  const C = chains();
  const out = batchedOutput([], 1);
  const needs = args.map((a) => typeof a !== 'number' && a.batched);
  // Accumulate partials straight into per-argument buffers laid out like the argument.
  const partials: (Float64Array | null)[] = args.map((a, j) =>
    needs[j] ? new Float64Array((a as Tensor).val.length) : null,
  );
  const d = new Float64Array(k);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        const [v, sc, se] = view[j];
        x[j] = v[c * sc + i * se];
      }
      s += kernel(x, d);
      for (let j = 0; j < k; j++) {
        const p = partials[j];
        if (p !== null) p[c * view[j][1] + i * view[j][2]] += d[j];
      }
    }
    out.val[c] = s;
  }
  record(() => {
    const g = out.adj;
    if (g === null) return;
    for (let j = 0; j < k; j++) {
      const p = partials[j];
      if (p === null) continue;
      const a = args[j] as Tensor;
      const ga = adjoint(a);
      const per = a.size;
      for (let c = 0; c < C; c++) {
        const gc = g[c];
        for (let i = 0; i < per; i++) ga[c * per + i] += gc * p[c * per + i];
      }
    }
  });
  return out;
}

/** Number of broadcast elements of a density's arguments (for constant terms like N*log(2π)). */
export function broadcastLength(args: readonly Value[], what: string): number {
  return layoutOf(args, what).n;
}
