// Differentiable operations of the scalar backend: scalar arithmetic (the hot path of lowered
// loops), element-wise kernels and densities of the built-ins (the same kernels the batched
// runtime lifts), a few reductions, and `bridge`, which runs any batched-runtime function on
// one chain and splices its gradient into the scalar tape.
import { Tensor, Value, sizeOf } from '../tensor.js';
import { beginTape, endTape, Tape } from '../tape.js';
import { RuntimeError } from '../errors.js';
import type { Kernel } from '../elementwise.js';
import type { RuntimeValue } from '../../../stdlib/impl/types.js';
import { T } from './tape.js';
import { Act, AV, box, values } from './values.js';

// ---------------------------------------------------------------------------------------
// Scalar arithmetic. Suffix c: the other operand is a data number.

export function add(a: number, b: number): number {
  const val = T.val;
  return T.n2(val[a] + val[b], a, 1, b, 1);
}
export function addc(a: number, c: number): number {
  return T.n1(T.val[a] + c, a, 1);
}
export function sub(a: number, b: number): number {
  const val = T.val;
  return T.n2(val[a] - val[b], a, 1, b, -1);
}
/** a - c */
export function subc(a: number, c: number): number {
  return T.n1(T.val[a] - c, a, 1);
}
/** c - a */
export function csub(c: number, a: number): number {
  return T.n1(c - T.val[a], a, -1);
}
export function mul(a: number, b: number): number {
  const val = T.val;
  const x = val[a], y = val[b];
  return T.n2(x * y, a, y, b, x);
}
export function mulc(a: number, c: number): number {
  return T.n1(T.val[a] * c, a, c);
}
export function div(a: number, b: number): number {
  const val = T.val;
  const x = val[a], y = val[b];
  const q = x / y;
  return T.n2(q, a, 1 / y, b, -q / y);
}
/** a / c */
export function divc(a: number, c: number): number {
  return T.n1(T.val[a] / c, a, 1 / c);
}
/** c / a */
export function cdiv(c: number, a: number): number {
  const y = T.val[a];
  const q = c / y;
  return T.n1(q, a, -q / y);
}
/** a + b * c (c data). */
export function axpy(a: number, b: number, c: number): number {
  const val = T.val;
  return T.n2(val[a] + val[b] * c, a, 1, b, c);
}
/** c0 + b * c (c0, c data). */
export function caxpy(c0: number, b: number, c: number): number {
  return T.n1(c0 + T.val[b] * c, b, c);
}
export function neg(a: number): number {
  return T.n1(-T.val[a], a, -1);
}

// ---------------------------------------------------------------------------------------
// Element-wise kernels over any mix of scalars and equally sized containers.

const X = new Float64Array(16);
const D = new Float64Array(16);

interface Operand {
  /** Data values (null when active), active nodes (null when data). */
  vals: Float64Array | null;
  idx: Int32Array | null;
  /** 0 for scalars (broadcast), 1 for containers. */
  step: number;
}

function operands(args: readonly AV[], what: string): { ops: Operand[]; n: number; shape: readonly number[]; active: boolean } {
  let n = 1;
  let shape: readonly number[] = [];
  let container = false;
  let active = false;
  const out: Operand[] = new Array(args.length);
  for (let j = 0; j < args.length; j++) {
    const a = args[j];
    if (typeof a === 'number') {
      out[j] = { vals: Float64Array.of(a), idx: null, step: 0 };
      continue;
    }
    const isScalar = a.shape.length === 0;
    if (a instanceof Act) {
      active = true;
      out[j] = { vals: null, idx: a.idx, step: isScalar ? 0 : 1 };
    } else {
      out[j] = { vals: a.val, idx: null, step: isScalar ? 0 : 1 };
    }
    if (!isScalar) {
      if (!container) {
        container = true;
        n = a.size;
        shape = a.shape;
      } else if (a.size !== n) {
        throw new RuntimeError(`${what}: size mismatch (${n} and ${a.size} elements)`);
      }
    }
  }
  return { ops: out, n: container ? n : 1, shape, active };
}

/**
 * `kernel` applied element by element (scalars broadcast): data in, data out; any active
 * argument makes every element a node with edges to the active inputs.
 */
export function map(kernel: Kernel, what: string, args: readonly AV[]): AV {
  const k = args.length;
  const { ops: o, n, shape, active } = operands(args, what);
  const x = X, d = D;
  if (!active) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) x[j] = o[j].vals![i * o[j].step];
      out[i] = kernel(x, null);
    }
    return shape.length === 0 ? out[0] : new Tensor(shape, out, false);
  }
  const idx = T.ints(n);
  for (let i = 0; i < n; i++) {
    const val = T.val;
    let edges = 0;
    for (let j = 0; j < k; j++) {
      const p = o[j];
      if (p.idx !== null) {
        x[j] = val[p.idx[i * p.step]];
        edges++;
      } else x[j] = p.vals![i * p.step];
    }
    const r = kernel(x, d);
    const node = T.open(r, edges);
    for (let j = 0; j < k; j++) {
      const p = o[j];
      if (p.idx !== null) T.edge(p.idx[i * p.step], d[j]);
    }
    idx[i] = node;
  }
  return new Act(shape, idx);
}

/** A one-argument kernel on an active scalar: the hot path of `exp(x)`, `inv_logit(x)`, ... */
export function map1(kernel: Kernel, a: number): number {
  X[0] = T.val[a];
  const r = kernel(X, D);
  return T.n1(r, a, D[0]);
}

/** A two-argument kernel on scalars, `am`/`bm` telling which are nodes. */
export function map2(kernel: Kernel, a: number, aActive: boolean, b: number, bActive: boolean): number {
  const val = T.val;
  X[0] = aActive ? val[a] : a;
  X[1] = bActive ? val[b] : b;
  const r = kernel(X, D);
  if (aActive && bActive) return T.n2(r, a, D[0], b, D[1]);
  if (aActive) return T.n1(r, a, D[0]);
  return T.n1(r, b, D[1]);
}

/** A three-argument kernel on scalars (log_mix, fma, ...), the flags telling which are nodes. */
export function map3(
  kernel: Kernel, a: number, aActive: boolean, b: number, bActive: boolean, c: number, cActive: boolean,
): number {
  const val = T.val;
  X[0] = aActive ? val[a] : a;
  X[1] = bActive ? val[b] : b;
  X[2] = cActive ? val[c] : c;
  const r = kernel(X, D);
  const node = T.open(r, (aActive ? 1 : 0) + (bActive ? 1 : 0) + (cActive ? 1 : 0));
  if (aActive) T.edge(a, D[0]);
  if (bActive) T.edge(b, D[1]);
  if (cActive) T.edge(c, D[2]);
  return node;
}

// Kernels of the arithmetic operators, for containers.
export const kernels: Record<string, Kernel> = {
  add: (x, d) => {
    if (d) { d[0] = 1; d[1] = 1; }
    return x[0] + x[1];
  },
  sub: (x, d) => {
    if (d) { d[0] = 1; d[1] = -1; }
    return x[0] - x[1];
  },
  mul: (x, d) => {
    if (d) { d[0] = x[1]; d[1] = x[0]; }
    return x[0] * x[1];
  },
  div: (x, d) => {
    const q = x[0] / x[1];
    if (d) { d[0] = 1 / x[1]; d[1] = -q / x[1]; }
    return q;
  },
  neg: (x, d) => {
    if (d) d[0] = -1;
    return -x[0];
  },
};

// ---------------------------------------------------------------------------------------
// Densities: the univariate kernels of stdlib/impl (compiled per call pattern in density.ts
// and compiled.ts).

export interface DensitySpec {
  args: readonly { name: string; checks: readonly ((fn: string, name: string, x: Value) => void)[] }[];
  kernel: Kernel;
  relations?: (fn: string, vals: readonly Value[]) => void;
  relationArgs?: readonly number[];
  constant?: { args: readonly number[]; kernel: Kernel };
  checkSizes: (fn: string, named: ReadonlyArray<readonly [string, Value]>) => void;
}

// ---------------------------------------------------------------------------------------
// Target and reductions.

/** `target += x` for any value. */
export function addTarget(x: AV): void {
  if (typeof x === 'number') {
    T.lp += x;
    return;
  }
  if (x instanceof Act) {
    for (let k = 0; k < x.size; k++) T.addNode(x.idx[k]);
    return;
  }
  for (let k = 0; k < x.size; k++) T.lp += x.val[k];
}

/** The sum of an active container's elements. */
export function sum(a: Act): number {
  const val = T.val;
  let s = 0;
  for (let k = 0; k < a.size; k++) s += val[a.idx[k]];
  const node = T.open(s, a.size);
  for (let k = 0; k < a.size; k++) T.edge(a.idx[k], 1);
  return node;
}

/** dot_product / row × column with at least one active side. */
export function dot(a: AV, b: AV): number {
  const A = a as Tensor | Act, B = b as Tensor | Act;
  if (A.size !== B.size) throw new RuntimeError(`dot_product: size mismatch (${A.size} and ${B.size})`);
  const n = A.size;
  const val = T.val;
  const av = A instanceof Act ? null : A.val, bv = B instanceof Act ? null : B.val;
  const ai = A instanceof Act ? A.idx : null, bi = B instanceof Act ? B.idx : null;
  let s = 0;
  for (let k = 0; k < n; k++) s += (ai ? val[ai[k]] : av![k]) * (bi ? val[bi[k]] : bv![k]);
  const node = T.open(s, (ai ? n : 0) + (bi ? n : 0));
  for (let k = 0; k < n; k++) {
    const x = ai ? val[ai[k]] : av![k];
    const y = bi ? val[bi[k]] : bv![k];
    if (ai) T.edge(ai[k], y);
    if (bi) T.edge(bi[k], x);
  }
  return node;
}

/** Data matrix [r, c] times active vector [c]: one node per row. */
export function matvec(m: Tensor, x: Act): Act {
  const [r, c] = m.shape;
  if (x.size !== c) throw new RuntimeError(`multiply: matrix has ${c} columns but the vector has ${x.size} elements`);
  const out = T.ints(r);
  const M = m.val, xi = x.idx;
  for (let i = 0; i < r; i++) {
    const val = T.val;
    let s = 0;
    for (let k = 0; k < c; k++) s += M[i * c + k] * val[xi[k]];
    const node = T.open(s, c);
    for (let k = 0; k < c; k++) T.edge(xi[k], M[i * c + k]);
    out[i] = node;
  }
  return new Act([r], out);
}

// ---------------------------------------------------------------------------------------
// The bridge: a batched-runtime function on one chain.

/** Active values as batched one-chain tensors, data as they are. */
function toRuntime(x: AV): Value {
  if (!(x instanceof Act)) return x;
  const val = T.val;
  const out = new Float64Array(x.size);
  for (let k = 0; k < x.size; k++) out[k] = val[x.idx[k]];
  return new Tensor(x.shape, out, true);
}

/**
 * Run `fn` on the runtime forms of `args` (active ones as one-chain batched tensors, recorded
 * on a tape of their own) and return its results in scalar-backend form: batched outputs become
 * nodes whose adjoints flow back through that tape.
 */
export function bridgeMany(fn: (args: RuntimeValue[]) => RuntimeValue[], args: readonly AV[]): AV[] {
  const inputs = args.map(toRuntime);
  const tape = beginTape(1);
  let results: RuntimeValue[];
  try {
    results = fn(inputs);
  } finally {
    endTape();
  }
  const outs: { t: Tensor; idx: Int32Array }[] = [];
  const converted = results.map((r): AV => {
    if (typeof r === 'number') return r;
    if (r === undefined) return 0; // a void function called as a statement
    if (!(r instanceof Tensor)) throw new RuntimeError('internal: the scalar backend cannot hold tuples');
    if (!r.batched) return r;
    const idx = new Int32Array(r.size);
    for (let k = 0; k < r.size; k++) idx[k] = T.c(r.val[k]);
    outs.push({ t: r, idx });
    return new Act(r.shape, idx);
  });
  if (outs.length > 0) T.custom(() => backward(tape, outs, args, inputs));
  return converted;
}

function backward(tape: Tape, outs: { t: Tensor; idx: Int32Array }[], args: readonly AV[], inputs: Value[]): void {
  const adj = T.adj;
  // Inputs first: a function may return an input itself, whose adjoint is then the output's.
  for (const x of inputs) if (x instanceof Tensor && x.batched) x.adj = null;
  for (const { t, idx } of outs) {
    const g = new Float64Array(t.size);
    for (let k = 0; k < t.size; k++) g[k] = adj[idx[k]];
    t.adj = g;
  }
  const steps = tape.backward;
  for (let i = steps.length - 1; i >= 0; i--) steps[i]();
  for (let j = 0; j < args.length; j++) {
    const a = args[j], x = inputs[j];
    if (!(a instanceof Act) || !(x instanceof Tensor) || x.adj === null) continue;
    for (let k = 0; k < a.size; k++) adj[a.idx[k]] += x.adj[k];
  }
}

/** One result: see bridgeMany. */
export function bridge(fn: (args: RuntimeValue[]) => RuntimeValue, args: readonly AV[]): AV {
  return bridgeMany((xs) => [fn(xs)], args)[0];
}

export { sizeOf };
