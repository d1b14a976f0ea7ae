// The batched driver for structured transforms (simplex, ordered, Cholesky factors, ...):
// each declared element maps a run of unconstrained values to a constrained block, and the
// whole variable (every array element, every chain) is ONE tape node.
import { Tensor, Value, Shape, adjoint } from '../tensor.js';
import { record } from '../tape.js';

/** One element's transform, for fixed sizes. Implementations may keep scratch space: not reentrant. */
export interface Structured {
  /** Stan's name of the type, for messages. */
  readonly name: string;
  /** Unconstrained values per element. */
  readonly free: number;
  /** Constrained values per element (row-major for matrices). */
  readonly size: number;
  /** Writes the constrained element into x[xo..] from y[yo..]; returns log|J|. */
  forward(y: Float64Array, yo: number, x: Float64Array, xo: number): number;
  /**
   * Adds ∂(Σ gx·x + gl·log|J|)/∂y into gy[yo..]. `x` holds forward's output and `gx` its
   * adjoint, both at xo; `gy` is laid out like `y`.
   */
  backward(y: Float64Array, yo: number, x: Float64Array, gx: Float64Array, xo: number, gl: number, gy: Float64Array): void;
  /** The inverse: checks the element x[xo..] (named `label` in errors) and writes its free values to out[oo..]. */
  unconstrain(label: string, x: ArrayLike<number>, xo: number, out: Float64Array, oo: number): void;
}

/** A constrained variable and the log absolute Jacobian determinant of its transform (per chain). */
export interface Constrained {
  value: Value;
  logJacobian: Value;
}

/** Constrain `count` elements read consecutively from u[offset..] into a tensor of `shape`. */
export function constrainStructured(t: Structured, count: number, shape: Shape, u: Tensor, offset: number): Constrained {
  const total = count * t.size;
  const F = t.free;
  if (!u.batched) {
    const x = new Float64Array(total);
    let lj = 0;
    for (let a = 0; a < count; a++) lj += t.forward(u.val, offset + a * F, x, a * t.size);
    return { value: new Tensor(shape, x, false), logJacobian: lj };
  }
  const C = u.chains;
  const U = u.size;
  const out = new Tensor(shape, new Float64Array(C * total), true);
  const lj = new Tensor([], new Float64Array(C), true);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let a = 0; a < count; a++) s += t.forward(u.val, c * U + offset + a * F, out.val, c * total + a * t.size);
    lj.val[c] = s;
  }
  record(() => {
    const gl = lj.adj;
    if (out.adj === null && gl === null) return;
    const gx = out.adj ?? new Float64Array(C * total);
    const gu = adjoint(u);
    for (let c = 0; c < C; c++) {
      const g = gl === null ? 0 : gl[c];
      for (let a = 0; a < count; a++) {
        t.backward(u.val, c * U + offset + a * F, out.val, gx, c * total + a * t.size, g, gu);
      }
    }
  });
  return { value: out, logJacobian: lj };
}
