// Gradient and consistency checks for built-ins with any output shape (vectors, matrices):
// the output is reduced to Σ_k w_k out_k with fixed, uneven weights w (so transposed or
// misplaced adjoints show up), the tape is seeded with w, and every adjoint is compared with
// a central finite difference of that weighted sum. Each chain has its own argument values.
import { Tensor, Value, adjoint } from '../../src/runtime/tensor.js';
import { beginTape, endTape } from '../../src/runtime/tape.js';
import type { StanType } from '../../src/check/types.js';
import type { Builtin, CallContext, RuntimeValue } from '../../stdlib/impl/types.js';

export interface GArg {
  /** Row-major values of a container, or a scalar. */
  value: number | readonly number[];
  /** Shape of a container (default [n]; [] for a scalar number). */
  shape?: readonly number[];
  /** Parameter (batched, differentiated) or data. */
  param?: boolean;
  /** The Stan type the checker would report (default: real / vector / matrix by shape). */
  type?: StanType;
  /** Values for chain c (default: value × (1 + 0.03 c)). */
  chain?: (c: number) => readonly number[];
  /** Square matrix used symmetrically: perturb (i,j) and (j,i) together. */
  symmetric?: boolean;
  /** Lower-triangular matrix: only the lower triangle is perturbed. */
  lower?: boolean;
}

function shapeOf(a: GArg): number[] {
  if (a.shape) return [...a.shape];
  return typeof a.value === 'number' ? [] : [a.value.length];
}

function defaultType(a: GArg): StanType {
  if (a.type) return a.type;
  const s = shapeOf(a);
  return s.length === 0 ? { kind: 'real' } : s.length === 1 ? { kind: 'vector' } : { kind: 'matrix' };
}

export function contextFor(args: readonly GArg[]): CallContext {
  return { argTypes: args.map(defaultType), rng: null };
}

function chainValues(a: GArg, c: number): number[] {
  if (a.chain) return [...a.chain(c)];
  const v = typeof a.value === 'number' ? [a.value] : [...a.value];
  return v.map((x) => x * (1 + 0.03 * c));
}

function build(
  args: readonly GArg[],
  C: number,
  bump?: { j: number; k: number; mirror: number; delta: number[] },
): Value[] {
  return args.map((a, j) => {
    const shape = shapeOf(a);
    if (!a.param) {
      const v = chainValues(a, 0);
      return shape.length === 0 && typeof a.value === 'number' ? v[0] : new Tensor(shape, Float64Array.from(v), false);
    }
    const size = shape.reduce((p, q) => p * q, 1);
    const val = new Float64Array(C * size);
    for (let c = 0; c < C; c++) {
      const v = chainValues(a, c);
      for (let k = 0; k < size; k++) val[c * size + k] = v[k];
      if (bump && bump.j === j) {
        val[c * size + bump.k] += bump.delta[c];
        if (bump.mirror >= 0) val[c * size + bump.mirror] += bump.delta[c];
      }
    }
    return new Tensor(shape, val, true);
  });
}

/** The weight of output element k in chain c. */
export function weight(c: number, k: number): number {
  return 1 + 0.25 * ((3 * k + 2 * c) % 7) - 0.1 * (k % 3);
}

function weightedSums(r: RuntimeValue, C: number): number[] {
  const t = r as Tensor;
  const n = t.size;
  const out: number[] = [];
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += weight(c, k) * t.val[c * n + k];
    out.push(s);
  }
  return out;
}

export interface GradResult {
  /** Largest |adjoint - fd| / max(1, |fd|). */
  worst: number;
  where: string;
  /** Batched output values per chain. */
  perChain: Float64Array[];
  /** Largest difference between the batched output and the data-only call, per chain. */
  dataMismatch: number;
}

export function gradCheck(fn: Builtin, args: readonly GArg[], C = 3, h = 1e-6): GradResult {
  const ctx = contextFor(args);
  // Analytic adjoints of Σ w out.
  const tape = beginTape(C);
  let vals: Value[];
  let out: Tensor;
  try {
    vals = build(args, C);
    const r = fn(vals, ctx);
    if (typeof r === 'number' || Array.isArray(r) || !(r as Tensor).batched)
      throw new Error('expected a batched result');
    out = r as Tensor;
    const g = adjoint(out);
    for (let c = 0; c < C; c++) for (let k = 0; k < out.size; k++) g[c * out.size + k] = weight(c, k);
    for (let i = tape.backward.length - 1; i >= 0; i--) tape.backward[i]();
  } finally {
    endTape();
  }
  const perChain = Array.from({ length: C }, (_, c) => out.val.slice(c * out.size, (c + 1) * out.size));
  // The data path must agree with each chain of the batched path.
  let dataMismatch = 0;
  for (let c = 0; c < C; c++) {
    const dv = fn(
      args.map((a) => {
        const shape = shapeOf(a);
        const v = chainValues(a, a.param ? c : 0);
        return shape.length === 0 && typeof a.value === 'number'
          ? v[0]
          : new Tensor(shape, Float64Array.from(v), false);
      }),
      ctx,
    ) as Value;
    const d = typeof dv === 'number' ? [dv] : Array.from(dv.val);
    for (let k = 0; k < d.length; k++) {
      const e = Math.abs(d[k] - perChain[c][k]);
      if (!(e <= dataMismatch) && !(Number.isNaN(d[k]) && Number.isNaN(perChain[c][k])))
        dataMismatch = Number.isNaN(e) ? Infinity : e;
    }
  }
  let worst = 0;
  let where = '';
  args.forEach((a, j) => {
    if (!a.param) return;
    const shape = shapeOf(a);
    const size = shape.reduce((p, q) => p * q, 1);
    const ncol = shape.length === 2 ? shape[1] : 0;
    const adj = adjoint(vals[j] as Tensor);
    for (let k = 0; k < size; k++) {
      let mirror = -1;
      if ((a.symmetric || a.lower) && ncol > 0) {
        const r = Math.floor(k / ncol);
        const col = k % ncol;
        if (col > r) continue;
        if (a.symmetric && col < r) mirror = col * ncol + r;
      }
      const steps = Array.from({ length: C }, (_, c) => h * Math.max(1, Math.abs(chainValues(a, c)[k])));
      const evalAt = (sign: number) => {
        beginTape(C);
        try {
          return weightedSums(fn(build(args, C, { j, k, mirror, delta: steps.map((s) => sign * s) }), ctx), C);
        } finally {
          endTape();
        }
      };
      const fp = evalAt(1);
      const fm = evalAt(-1);
      for (let c = 0; c < C; c++) {
        const fd = (fp[c] - fm[c]) / (2 * steps[c]);
        let an = adj[c * size + k];
        if (mirror >= 0) an += adj[c * size + mirror];
        const e = Math.abs(an - fd) / Math.max(1, Math.abs(fd));
        if (!(e <= worst)) {
          worst = Number.isNaN(e) ? Infinity : e;
          where = `arg ${j} chain ${c} element ${k}: adjoint ${an}, finite difference ${fd}`;
        }
      }
    }
  });
  return { worst, where, perChain, dataMismatch };
}

/** Call with data arguments (chain 0 values) and the default context. */
export function call(fn: Builtin, args: readonly GArg[]): RuntimeValue {
  const ctx = contextFor(args);
  return fn(
    args.map((a) => {
      const shape = shapeOf(a);
      const v = chainValues(a, 0);
      return shape.length === 0 && typeof a.value === 'number' ? v[0] : new Tensor(shape, Float64Array.from(v), false);
    }),
    ctx,
  );
}

/** Values of a result as a plain array. */
export function values(r: RuntimeValue): number[] {
  if (typeof r === 'number') return [r];
  if (Array.isArray(r)) throw new Error('tuple result');
  return Array.from((r as Tensor).val);
}
