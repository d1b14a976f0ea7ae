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

/** The constrained value of parameter `entry` (a node for scalars, an Act for containers). */
export function param(entry: ParamEntry, bounds: ScalarBounds | null, jacobian: boolean): number | Act {
  const p = entry.prepared;
  const b: ScalarBounds = bounds ?? (entry.spec.bounds as ScalarBounds | undefined) ?? {};
  const kind = p.kindOf(b as never);
  const scalar = p.shape.length === 0;
  const off = entry.offset;
  if (p.structured !== null) return structured(entry, jacobian);
  const total = entry.size;
  const pos = p.positions;
  if (kind === null) {
    if (scalar) return off;
    const idx = new Int32Array(total);
    for (let e = 0; e < total; e++) idx[e] = off + (pos === null ? e : pos[e]);
    return new Act(p.shape, idx);
  }
  const lo = affineOr(kind, b.lower), hi = affineOr(kind, b.upper);
  if (kind !== 'affine' && typeof lo !== 'object' && typeof hi !== 'object') {
    const idx = fixedBounds(kind, lo ?? -Infinity, hi ?? Infinity, off, pos, total, jacobian);
    if (idx !== null) return scalar ? idx[0] : new Act(p.shape, idx);
  }
  const name = entry.spec.name;
  const affine = kind === 'affine';
  const A = new BoundReader(affine ? b.offset : b.lower, affine ? 0 : -Infinity, name, affine ? 'offset' : 'lower bound', p.elem, total);
  const B = new BoundReader(affine ? b.multiplier : b.upper, affine ? 1 : Infinity, name, affine ? 'multiplier' : 'upper bound', p.elem, total);
  const kernel = boundKernels[kind];
  const idx = new Int32Array(total);
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

function affineOr(kind: string, b: AV | undefined): AV | undefined {
  return kind === 'affine' ? undefined : b;
}

/**
 * Bounds that are data numbers, the common case (`<lower=0>`, `<lower=0, upper=1>`): the
 * transforms inline, one node with one edge per element. Null when the bounds need the general
 * path (infinite or out of order: the kernels handle and report those).
 */
function fixedBounds(
  kind: 'lower' | 'upper' | 'lub', lo: number, hi: number, off: number, pos: Int32Array | null, total: number, jacobian: boolean,
): Int32Array | null {
  const idx = new Int32Array(total);
  if (kind === 'lower' && lo > -Infinity) {
    for (let e = 0; e < total; e++) {
      const u = off + (pos === null ? e : pos[e]);
      const uv = T.val[u];
      const x = Math.exp(uv);
      idx[e] = T.n1(x + lo, u, x);
      if (jacobian) {
        T.lp += uv;
        T.tedge(u, 1);
      }
    }
    return idx;
  }
  if (kind === 'lub' && lo > -Infinity && hi < Infinity && lo < hi) {
    const w = hi - lo;
    const logW = Math.log(w);
    for (let e = 0; e < total; e++) {
      const u = off + (pos === null ? e : pos[e]);
      const uv = T.val[u];
      // As lubKernel: σ(u) and 1 - σ(u) without cancellation, kept off the bounds for finite u.
      const t = Math.exp(-Math.abs(uv));
      const inv = 1 / (1 + t);
      let sg = uv > 0 ? inv : t * inv;
      if (uv > 0 && sg === 1 && uv < Infinity) sg = 1 - 1e-15;
      if (uv <= 0 && sg === 0 && uv > -Infinity) sg = 1e-15;
      idx[e] = T.n1(w * sg + lo, u, w * t * inv * inv);
      if (jacobian) {
        T.lp += logW - Math.abs(uv) - 2 * Math.log1p(t);
        T.tedge(u, (uv > 0 ? t * inv : inv) - sg);
      }
    }
    return idx;
  }
  return null;
}
