// Parameters of the scalar backend: constrained values as nodes over the unconstrained ones
// (nodes 0..D-1), with the log Jacobian added to the target when asked. Bounds and
// offset/multiplier use the same element kernels as the batched transforms; structured types
// (simplex, cholesky factors, ...) go through the bridge.
import { Tensor } from '../tensor.js';
import type { ParamEntry } from '../parameters.js';
import { kernels as boundKernels } from '../transforms/bounds.js';
import { ConstraintError } from '../transforms/checks.js';
import { T } from './tape.js';
import { Act, AV, box } from './values.js';
import { bridgeMany } from './ops.js';

export interface ScalarBounds {
  lower?: AV;
  upper?: AV;
  offset?: AV;
  multiplier?: AV;
}

const R = new Float64Array(8);

/** A bound's value and node (-1 for data) at element e. */
class BoundReader {
  private readonly vals: Float64Array | null;
  private readonly idx: Int32Array | null;
  readonly n: number;
  constructor(b: AV | undefined, dflt: number, name: string, what: string, elem: number, total: number) {
    if (b === undefined || typeof b === 'number') {
      this.vals = Float64Array.of(b ?? dflt);
      this.idx = null;
      this.n = 1;
    } else if (b instanceof Act) {
      this.vals = null;
      this.idx = b.idx;
      this.n = b.size;
    } else {
      this.vals = b.val;
      this.idx = null;
      this.n = b.size;
    }
    if (this.n !== 1 && this.n !== elem && this.n !== total) {
      throw new ConstraintError(`'${name}': its ${what} has ${this.n} elements, but must be a scalar or match the variable's elements`);
    }
  }
  at(e: number): number {
    return this.n === 1 ? 0 : e % this.n;
  }
  value(k: number): number {
    return this.idx !== null ? T.val[this.idx[k]] : this.vals![k];
  }
  node(k: number): number {
    return this.idx !== null ? this.idx[k] : -1;
  }
}

/**
 * What `param` decided for an entry and a bounds object: kept on the entry, since the same
 * entry comes with the same bounds object at every evaluation (`null`: the declared bounds).
 */
interface ParamPlan {
  bounds: ScalarBounds | null;
  kind: 'lower' | 'upper' | 'lub' | 'affine' | null;
  /** Data-number bounds of the inline transforms (NaN when the general path applies). */
  lo: number;
  hi: number;
}

/** The entry's plan (kept on the entry itself: a map lookup per evaluation costs more). */
type Planned = ParamEntry & { scalarPlan?: ParamPlan };

function planOf(entry: Planned, bounds: ScalarBounds | null): ParamPlan {
  let plan = entry.scalarPlan;
  if (plan !== undefined && plan.bounds === bounds) return plan;
  const b: ScalarBounds = bounds ?? (entry.spec.bounds as ScalarBounds | undefined) ?? {};
  const kind = entry.prepared.kindOf(b as never);
  let lo = NaN, hi = NaN;
  if (kind === 'lower' || kind === 'upper' || kind === 'lub') {
    const l = b.lower ?? -Infinity, h = b.upper ?? Infinity;
    if (typeof l === 'number' && typeof h === 'number') {
      lo = l;
      hi = h;
    }
  }
  plan = { bounds, kind, lo, hi };
  entry.scalarPlan = plan;
  return plan;
}

/** The constrained value of parameter `entry` (a node for scalars, an Act for containers). */
export function param(entry: ParamEntry, bounds: ScalarBounds | null, jacobian: boolean): number | Act {
  const p = entry.prepared;
  if (p.structured !== null) return structured(entry, jacobian);
  const plan = planOf(entry, bounds);
  const kind = plan.kind;
  const scalar = p.shape.length === 0;
  const off = entry.offset;
  const total = entry.size;
  const pos = p.positions;
  if (kind === null) {
    if (scalar) return off;
    const idx = T.ints(total);
    for (let e = 0; e < total; e++) idx[e] = off + (pos === null ? e : pos[e]);
    return new Act(p.shape, idx);
  }
  if (kind !== 'affine' && !Number.isNaN(plan.lo)) {
    if (scalar) {
      const node = fixedBound(kind, plan.lo, plan.hi, off, jacobian);
      if (node >= 0) return node;
    } else {
      const idx = T.ints(total);
      if (fixedBounds(kind, plan.lo, plan.hi, off, pos, idx, jacobian)) return new Act(p.shape, idx);
    }
  }
  const b: ScalarBounds = bounds ?? (entry.spec.bounds as ScalarBounds | undefined) ?? {};
  const name = entry.spec.name;
  const affine = kind === 'affine';
  const A = new BoundReader(affine ? b.offset : b.lower, affine ? 0 : -Infinity, name, affine ? 'offset' : 'lower bound', p.elem, total);
  const B = new BoundReader(affine ? b.multiplier : b.upper, affine ? 1 : Infinity, name, affine ? 'multiplier' : 'upper bound', p.elem, total);
  const kernel = boundKernels[kind];
  const idx = T.ints(total);
  const r = R;
  for (let e = 0; e < total; e++) {
    const u = off + (pos === null ? e : pos[e]);
    const ia = A.at(e), ib = B.at(e);
    const na = A.node(ia), nb = B.node(ib);
    kernel(T.val[u], A.value(ia), B.value(ib), r);
    const node = T.open(r[0], 1 + (na >= 0 ? 1 : 0) + (nb >= 0 ? 1 : 0));
    T.edge(u, r[2]);
    if (na >= 0) T.edge(na, r[3]);
    if (nb >= 0) T.edge(nb, r[4]);
    idx[e] = node;
    if (jacobian) {
      T.lp += r[1];
      if (r[5] !== 0) T.tedge(u, r[5]);
      if (na >= 0 && r[6] !== 0) T.tedge(na, r[6]);
      if (nb >= 0 && r[7] !== 0) T.tedge(nb, r[7]);
    }
  }
  return scalar ? idx[0] : new Act(p.shape, idx);
}

/** Simplex, ordered, cholesky factors, ...: the batched transform on one chain, bridged. */
function structured(entry: ParamEntry, jacobian: boolean): Act {
  const n = entry.size;
  const uIdx = new Int32Array(n);
  for (let k = 0; k < n; k++) uIdx[k] = entry.offset + k;
  const [value, logJ] = bridgeMany((xs) => {
    const c = entry.prepared.constrain(xs[0] as Tensor, 0);
    return [c.value, c.logJacobian];
  }, [new Act([n], uIdx)]);
  if (jacobian) {
    if (typeof logJ === 'number') T.lp += logJ;
    else if (logJ instanceof Act) T.addNode(logJ.idx[0]);
  }
  if (value instanceof Act) return value;
  // A constant result (no free values, e.g. a 1-simplex): constant nodes.
  const t = value as Tensor | number;
  if (typeof t === 'number') return box(T.c(t));
  const idx = new Int32Array(t.size);
  for (let k = 0; k < t.size; k++) idx[k] = T.c(t.val[k]);
  return new Act(t.shape, idx);
}

/** Whether the inline transforms below handle these bounds (else the kernels handle and report them). */
function inlineBounds(kind: 'lower' | 'upper' | 'lub', lo: number, hi: number): boolean {
  return (kind === 'lower' && lo > -Infinity) || (kind === 'lub' && lo > -Infinity && hi < Infinity && lo < hi);
}

/** Scratch for fixedBound: the one node of a scalar parameter. */
const ONE = new Int32Array(1);

/** fixedBounds for a scalar parameter: its node, or -1 when the general path applies. */
function fixedBound(kind: 'lower' | 'upper' | 'lub', lo: number, hi: number, u: number, jacobian: boolean): number {
  return fixedBounds(kind, lo, hi, u, null, ONE, jacobian) ? ONE[0] : -1;
}

/**
 * Bounds that are data numbers, the common case (`<lower=0>`, `<lower=0, upper=1>`): the
 * transforms inline, one node with one edge per element, written straight into the tape's
 * arrays (room reserved first); the nodes go to idx. Returns false when the bounds need the
 * general path.
 */
function fixedBounds(
  kind: 'lower' | 'upper' | 'lub', lo: number, hi: number, off: number, pos: Int32Array | null, idx: Int32Array, jacobian: boolean,
): boolean {
  if (!inlineBounds(kind, lo, hi)) return false;
  const total = idx.length;
  T.reserve(total, total);
  if (jacobian && T.tn + total > T.tin.length) T.reserveTarget(total);
  const val = T.val, start = T.start, ein = T.ein, epart = T.epart, tin = T.tin, tpart = T.tpart;
  // lp accumulates from T.lp term by term, as adding each term to T.lp would (same rounding).
  let n = T.n, e = T.e, tn = T.tn, lp = T.lp;
  if (kind === 'lower') {
    for (let k = 0; k < total; k++) {
      const u = off + (pos === null ? k : pos[k]);
      const uv = val[u];
      const x = Math.exp(uv);
      val[n] = x + lo;
      start[n] = e;
      ein[e] = u;
      epart[e++] = x;
      idx[k] = n++;
      if (jacobian) {
        lp += uv;
        tin[tn] = u;
        tpart[tn++] = 1;
      }
    }
  } else {
    const w = hi - lo;
    const logW = Math.log(w);
    for (let k = 0; k < total; k++) {
      const u = off + (pos === null ? k : pos[k]);
      const uv = val[u];
      // As lubKernel: σ(u) and 1 - σ(u) without cancellation, kept off the bounds for finite u.
      const t = Math.exp(-Math.abs(uv));
      const inv = 1 / (1 + t);
      let sg = uv > 0 ? inv : t * inv;
      if (uv > 0 && sg === 1 && uv < Infinity) sg = 1 - 1e-15;
      if (uv <= 0 && sg === 0 && uv > -Infinity) sg = 1e-15;
      val[n] = w * sg + lo;
      start[n] = e;
      ein[e] = u;
      epart[e++] = w * t * inv * inv;
      idx[k] = n++;
      if (jacobian) {
        lp += logW - Math.abs(uv) - 2 * Math.log1p(t);
        tin[tn] = u;
        tpart[tn++] = (uv > 0 ? t * inv : inv) - sg;
      }
    }
  }
  T.n = n;
  T.e = e;
  if (jacobian) {
    T.tn = tn;
    T.lp = lp;
  }
  return true;
}
