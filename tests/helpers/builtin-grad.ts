// Gradient checks of built-ins on the batched tape: evaluate with C chains (each chain with
// its own argument values), backpropagate, and compare every adjoint with a central finite
// difference of that chain's output.
import { Tensor, Value, adjoint } from '../../src/runtime/tensor.js';
import { backpropagate, beginTape, endTape } from '../../src/runtime/tape.js';
import type { Builtin, CallContext, RuntimeValue } from '../../stdlib/impl/types.js';

export interface Arg {
  /** Values (row-major) for a container, or a number for a scalar. */
  value: number | readonly number[];
  /** Shape for containers; default [n] for arrays, [] for numbers. */
  shape?: readonly number[];
  /** Parameter-dependent (batched, differentiated) or data. */
  param?: boolean;
  /** Per-chain values (chain c); default: the same values scaled by 1 + 0.02 c. */
  chain?: (c: number) => readonly number[];
  /** Symmetric matrix: perturb (i,j) and (j,i) together and compare with the summed adjoints. */
  symmetric?: boolean;
  /** Lower-triangular matrix: only the lower triangle is perturbed. */
  lower?: boolean;
  /** With `symmetric`: leave the diagonal alone (correlation matrices). */
  offDiagonal?: boolean;
}

export const ctx: CallContext = { argTypes: [], rng: null };

function valuesOf(a: Arg): number[] {
  return typeof a.value === 'number' ? [a.value] : [...a.value];
}

function shapeOf(a: Arg): number[] {
  if (a.shape) return [...a.shape];
  return typeof a.value === 'number' ? [] : [a.value.length];
}

function chainValues(a: Arg, c: number): number[] {
  if (a.chain) return [...a.chain(c)];
  return valuesOf(a).map((v) => v * (1 + 0.02 * c));
}

/** The argument as a data value (chain c's values). */
export function dataArg(a: Arg, c = 0): Value {
  const vals = chainValues(a, c);
  const shape = shapeOf(a);
  if (shape.length === 0 && typeof a.value === 'number') return vals[0];
  return new Tensor(shape, Float64Array.from(vals), false);
}

function build(args: readonly Arg[], C: number, override?: { j: number; c: number; k: number; delta: number; mirror: number }): Value[] {
  return args.map((a, j) => {
    if (!a.param) return dataArg(a, 0);
    const shape = shapeOf(a);
    const size = shape.reduce((p, q) => p * q, 1);
    const val = new Float64Array(C * size);
    for (let c = 0; c < C; c++) {
      const v = chainValues(a, c);
      for (let k = 0; k < size; k++) val[c * size + k] = v[k];
    }
    if (override && override.j === j) {
      val[override.c * size + override.k] += override.delta;
      if (override.mirror >= 0) val[override.c * size + override.mirror] += override.delta;
    }
    return new Tensor(shape, val, true);
  });
}

/** Evaluate `fn` on the batched arguments; returns per-chain outputs and the adjoints. */
export function evaluate(fn: Builtin, args: readonly Arg[], C: number): { out: Float64Array; adj: (Float64Array | null)[] } {
  const tape = beginTape(C);
  try {
    const vals = build(args, C);
    const r = fn(vals, ctx) as Value;
    if (typeof r === 'number') throw new Error('expected a batched result');
    backpropagate(tape, r);
    return { out: Float64Array.from(r.val), adj: vals.map((v) => (typeof v !== 'number' && v.batched ? Float64Array.from(adjoint(v)) : null)) };
  } finally {
    endTape();
  }
}

function valueAt(fn: Builtin, args: readonly Arg[], C: number, o: { j: number; c: number; k: number; delta: number; mirror: number }): number {
  beginTape(C);
  try {
    const r = fn(build(args, C, o), ctx) as RuntimeValue;
    if (typeof r === 'number') return r;
    return (r as Tensor).val[o.c];
  } finally {
    endTape();
  }
}

export interface GradReport {
  worst: number;
  where: string;
  out: Float64Array;
}

/**
 * Largest relative error (floor 1 on the scale) between adjoints and central differences
 * over all parameter arguments, chains and elements.
 */
export function gradientError(fn: Builtin, args: readonly Arg[], C = 3, h = 1e-6): GradReport {
  const { out, adj } = evaluate(fn, args, C);
  let worst = 0;
  let where = '';
  args.forEach((a, j) => {
    if (!a.param) return;
    const shape = shapeOf(a);
    const size = shape.reduce((p, q) => p * q, 1);
    const n = shape.length === 2 ? shape[1] : 0;
    for (let c = 0; c < C; c++) {
      const base = chainValues(a, c);
      for (let k = 0; k < size; k++) {
        let mirror = -1;
        if (n > 0 && (a.symmetric || a.lower)) {
          const r = Math.floor(k / n);
          const col = k % n;
          if (col > r) continue; // upper triangle: perturbed with its mirror (symmetric) or not at all (lower)
          if (a.offDiagonal && col === r) continue;
          if (a.symmetric && col < r) mirror = col * n + r;
        }
        const step = h * Math.max(1, Math.abs(base[k]));
        const fp = valueAt(fn, args, C, { j, c, k, delta: step, mirror });
        const fm = valueAt(fn, args, C, { j, c, k, delta: -step, mirror });
        const fd = (fp - fm) / (2 * step);
        let an = adj[j]![c * size + k];
        if (mirror >= 0) an += adj[j]![c * size + mirror];
        const e = Math.abs(an - fd) / Math.max(1, Math.abs(fd));
        if (!(e <= worst)) {
          worst = Number.isNaN(e) ? Infinity : e;
          where = `arg ${j} chain ${c} element ${k}: adjoint ${an}, finite difference ${fd}`;
        }
      }
    }
  });
  return { worst, where, out };
}

/** Call with data arguments only (the plain-number path), parameters at chain c's values. */
export function callData(fn: Builtin, args: readonly Arg[], c = 0): RuntimeValue {
  return fn(args.map((a) => dataArg(a, a.param ? c : 0)), ctx);
}
