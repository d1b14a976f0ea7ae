// Fused elementwise kernels: one tape node for a whole broadcast computation, with partials
// computed alongside the value. Every scalar function and every univariate density is
// written once as a scalar kernel and lifted here over shapes and chains.
import { Tensor, Value, adjoint, Shape } from './tensor.js';
import { batchedOutput, chains, record, zeros } from './tape.js';
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
  return [a.val, a.batched ? a.size : 0, isScalarArg(a) ? 0 : 1];
}

/** A tensor that broadcasts as one value (element stride 0). */
function isScalarArg(a: Tensor): boolean {
  return a.shape.length === 0 || a.size === 1;
}

// Scratch for the forward loops, reused by every call: typed-array allocation costs more than a
// small model's arithmetic. Safe because kernels are plain scalar functions (they never call
// back into this module) and nothing here is kept past the forward loop.
let SX = new Float64Array(8);
let SD = new Float64Array(8);
let SPOS = new Int32Array(8);
let SCS = new Int32Array(8);
let SES = new Int32Array(8);
const SVALS: Float64Array[] = [];
/** One-element holders for number arguments, by argument position. */
const SCELLS: Float64Array[] = [];

/** Point the scratch arrays at `args`: values, chain stride and element stride of each. */
function unpack(args: readonly Value[]): void {
  const k = args.length;
  if (SX.length < k) {
    SX = new Float64Array(k);
    SD = new Float64Array(k);
    SPOS = new Int32Array(k);
    SCS = new Int32Array(k);
    SES = new Int32Array(k);
  }
  for (let j = 0; j < k; j++) {
    const a = args[j];
    if (typeof a === 'number') {
      const cell = SCELLS[j] ?? (SCELLS[j] = new Float64Array(1));
      cell[0] = a;
      SVALS[j] = cell;
      SCS[j] = 0;
      SES[j] = 0;
    } else {
      SVALS[j] = a.val;
      SCS[j] = a.batched ? a.size : 0;
      SES[j] = isScalarArg(a) ? 0 : 1;
    }
  }
}

/**
 * Apply `kernel` elementwise over broadcast arguments. Result: a number when every argument
 * is data, else a batched tensor of the broadcast shape.
 */
export function mapElementwise(args: readonly Value[], kernel: Kernel, what: string): Value {
  const k = args.length;
  const { n, shape, batched } = layoutOf(args, what);
  unpack(args);
  const x = SX, vals = SVALS, cs = SCS, es = SES, pos = SPOS;
  if (!batched) {
    if (shape.length === 0) {
      for (let j = 0; j < k; j++) x[j] = vals[j][0];
      return kernel(x, null);
    }
    const out = new Float64Array(n);
    for (let j = 0; j < k; j++) pos[j] = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        x[j] = vals[j][pos[j]];
        pos[j] += es[j];
      }
      out[i] = kernel(x, null);
    }
    return new Tensor(shape, out, false);
  }
  const C = chains();
  const out = batchedOutput(shape, n);
  const O = out.val;
  const d = SD;
  // Partials are kept per (argument, chain, element) only for batched arguments.
  const partials: (Float64Array | null)[] = new Array(k);
  for (let j = 0; j < k; j++) {
    const a = args[j];
    partials[j] = typeof a !== 'number' && a.batched ? zeros(C * n) : null;
  }
  for (let c = 0; c < C; c++) {
    for (let j = 0; j < k; j++) pos[j] = c * cs[j];
    const oc = c * n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        x[j] = vals[j][pos[j]];
        pos[j] += es[j];
      }
      O[oc + i] = kernel(x, d);
      for (let j = 0; j < k; j++) {
        const p = partials[j];
        if (p !== null) p[oc + i] = d[j];
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
      const per = a.size;
      const scalar = isScalarArg(a);
      for (let c = 0; c < C; c++) {
        const oc = c * n;
        if (scalar) {
          // A scalar argument: accumulate in a local, in the same order as element by element.
          let s = ga[c * per];
          for (let i = 0; i < n; i++) s += g[oc + i] * p[oc + i];
          ga[c * per] = s;
        } else {
          const ac = c * per;
          for (let i = 0; i < n; i++) ga[ac + i] += g[oc + i] * p[oc + i];
        }
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
  unpack(args);
  const x = SX, vals = SVALS, es = SES, pos = SPOS;
  if (!batched) {
    let s = 0;
    for (let j = 0; j < k; j++) pos[j] = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        x[j] = vals[j][pos[j]];
        pos[j] += es[j];
      }
      s += kernel(x, null);
    }
    return s;
  }
  const C = chains();
  const out = batchedOutput([], 1);
  // Accumulate partials straight into per-argument buffers laid out like the argument.
  const partials: (Float64Array | null)[] = new Array(k);
  for (let j = 0; j < k; j++) {
    const a = args[j];
    partials[j] = typeof a !== 'number' && a.batched ? zeros(a.val.length) : null;
  }
  if (k === 3) sum3(C, n, kernel, partials, out.val);
  else sumK(C, n, k, kernel, partials, out.val);
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

/** Partials of data arguments land here: written, never read (saves a branch per element). */
const DISCARD = new Float64Array(1);

/** The forward loops of `sumElementwise` over the unpacked scratch, any number of arguments. */
function sumK(C: number, n: number, k: number, kernel: Kernel, partials: (Float64Array | null)[], out: Float64Array): void {
  const x = SX, d = SD, vals = SVALS, cs = SCS, es = SES, pos = SPOS;
  for (let c = 0; c < C; c++) {
    for (let j = 0; j < k; j++) pos[j] = c * cs[j];
    let s = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) x[j] = vals[j][pos[j]];
      s += kernel(x, d);
      for (let j = 0; j < k; j++) {
        const p = partials[j];
        if (p !== null) p[pos[j]] += d[j];
        pos[j] += es[j];
      }
    }
    out[c] = s;
  }
}

/** `sumK` unrolled for three arguments (y, location, scale: most densities). */
function sum3(C: number, n: number, kernel: Kernel, partials: (Float64Array | null)[], out: Float64Array): void {
  const x = SX, d = SD;
  const V0 = SVALS[0], V1 = SVALS[1], V2 = SVALS[2];
  const e0 = SES[0], e1 = SES[1], e2 = SES[2];
  const P0 = partials[0] ?? DISCARD, P1 = partials[1] ?? DISCARD, P2 = partials[2] ?? DISCARD;
  // Data arguments' partials all go to DISCARD[0].
  const f0 = partials[0] ? 1 : 0, f1 = partials[1] ? 1 : 0, f2 = partials[2] ? 1 : 0;
  for (let c = 0; c < C; c++) {
    let i0 = c * SCS[0], i1 = c * SCS[1], i2 = c * SCS[2];
    let s = 0;
    for (let i = 0; i < n; i++) {
      x[0] = V0[i0];
      x[1] = V1[i1];
      x[2] = V2[i2];
      s += kernel(x, d);
      P0[i0 * f0] += d[0];
      P1[i1 * f1] += d[1];
      P2[i2 * f2] += d[2];
      i0 += e0;
      i1 += e1;
      i2 += e2;
    }
    out[c] = s;
  }
}

/** Number of broadcast elements of a density's arguments (for constant terms like N*log(2π)). */
export function broadcastLength(args: readonly Value[], what: string): number {
  return layoutOf(args, what).n;
}

/** The four arithmetic operators, fused without kernel calls (the commonest ops of any model). */
export type Arithmetic = 'add' | 'sub' | 'mul' | 'div';

/**
 * `a op b` over broadcast arguments, at least one batched: one loop per chain, no partials
 * stored (the backward reads the operands, which are never written after use: reads of
 * variables written in place are copies). Data-only operands take `mapElementwise` with `kernel`.
 */
export function arithmetic(a: Value, b: Value, op: Arithmetic, kernel: Kernel, what: string): Value {
  const { n, shape, batched } = layoutOf([a, b], what);
  if (!batched) return mapElementwise([a, b], kernel, what);
  const C = chains();
  const out = batchedOutput(shape, n);
  const O = out.val;
  const [A, ac, ae] = strides(a);
  const [B, bc, be] = strides(b);
  for (let c = 0; c < C; c++) {
    let ia = c * ac;
    let ib = c * bc;
    const o = c * n;
    if (op === 'add') for (let i = 0; i < n; i++, ia += ae, ib += be) O[o + i] = A[ia] + B[ib];
    else if (op === 'sub') for (let i = 0; i < n; i++, ia += ae, ib += be) O[o + i] = A[ia] - B[ib];
    else if (op === 'mul') for (let i = 0; i < n; i++, ia += ae, ib += be) O[o + i] = A[ia] * B[ib];
    else for (let i = 0; i < n; i++, ia += ae, ib += be) O[o + i] = A[ia] / B[ib];
  }
  const aBatched = typeof a !== 'number' && a.batched;
  const bBatched = typeof b !== 'number' && b.batched;
  record(() => {
    const g = out.adj;
    if (g === null) return;
    if (aBatched) arithmeticBackward(adjoint(a as Tensor), g, O, A, ae, B, bc, be, C, n, op, 0);
    if (bBatched) arithmeticBackward(adjoint(b as Tensor), g, O, B, be, A, ac, ae, C, n, op, 1);
  });
  return out;
}

/**
 * Adjoint of one operand `self` (its partial from the other operand `other` and the output `O`);
 * `side` 0 is the left operand, 1 the right. A scalar operand sums its chain's terms in a local,
 * in element order.
 */
function arithmeticBackward(
  gs: Float64Array, g: Float64Array, O: Float64Array,
  S: Float64Array, se: number, X: Float64Array, xc: number, xe: number,
  C: number, n: number, op: Arithmetic, side: 0 | 1,
): void {
  const per = se === 0 ? 1 : n;
  for (let c = 0; c < C; c++) {
    const o = c * n;
    let ix = c * xc;
    if (se === 0) {
      let acc = gs[c * per];
      if (op === 'add') for (let i = 0; i < n; i++) acc += g[o + i];
      else if (op === 'sub') {
        if (side === 0) for (let i = 0; i < n; i++) acc += g[o + i];
        else for (let i = 0; i < n; i++) acc += -g[o + i];
      } else if (op === 'mul') for (let i = 0; i < n; i++, ix += xe) acc += g[o + i] * X[ix];
      else if (side === 0) for (let i = 0; i < n; i++, ix += xe) acc += g[o + i] * (1 / X[ix]);
      else for (let i = 0; i < n; i++) acc += g[o + i] * (-O[o + i] / S[c * per]);
      gs[c * per] = acc;
    } else {
      const s = c * n;
      if (op === 'add') for (let i = 0; i < n; i++) gs[s + i] += g[o + i];
      else if (op === 'sub') {
        if (side === 0) for (let i = 0; i < n; i++) gs[s + i] += g[o + i];
        else for (let i = 0; i < n; i++) gs[s + i] += -g[o + i];
      } else if (op === 'mul') for (let i = 0; i < n; i++, ix += xe) gs[s + i] += g[o + i] * X[ix];
      else if (side === 0) for (let i = 0; i < n; i++, ix += xe) gs[s + i] += g[o + i] * (1 / X[ix]);
      else for (let i = 0; i < n; i++) gs[s + i] += g[o + i] * (-O[o + i] / S[s + i]);
    }
  }
}
