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
  const idx = new Int32Array(n);
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
// Densities: the univariate kernels of stdlib/impl, summed over broadcast elements.

export interface DensitySpec {
  args: readonly { name: string; checks: readonly ((fn: string, name: string, x: Value) => void)[] }[];
  kernel: Kernel;
  relations?: (fn: string, vals: readonly Value[]) => void;
  relationArgs?: readonly number[];
  constant?: { args: readonly number[]; kernel: Kernel };
  checkSizes: (fn: string, named: ReadonlyArray<readonly [string, Value]>) => void;
}

// Partials of the density being summed, per active input: scalars' partials are summed into
// one slot, containers' go one per element.
let pin = new Int32Array(256);
let ppart = new Float64Array(256);
let pn = 0;

function pushPartial(node: number, d: number): void {
  if (pn >= pin.length) {
    const a = new Int32Array(pin.length * 2);
    a.set(pin);
    pin = a;
    const b = new Float64Array(ppart.length * 2);
    b.set(ppart);
    ppart = b;
  }
  pin[pn] = node;
  ppart[pn++] = d;
}

function checkArgs(fn: string, spec: DensitySpec, args: readonly AV[], container: boolean): void {
  const vals = args.map(values);
  for (let j = 0; j < spec.args.length; j++) for (const check of spec.args[j].checks) check(fn, spec.args[j].name, vals[j]);
  if (container) spec.checkSizes(fn, spec.args.map((s, j) => [s.name, vals[j]] as const));
  if (spec.relations) spec.relations(fn, vals);
}

/** The summed density; its partials are left in pin/ppart[0..pn). */
function densityValue(spec: DensitySpec, fn: string, args: readonly AV[]): number {
  const k = args.length;
  if (k !== spec.args.length) throw new RuntimeError(`${fn}: expected ${spec.args.length} arguments, got ${k}`);
  pn = 0;
  const x = X, d = D, kernel = spec.kernel;
  // All scalars: the hot path inside loops.
  let allScalar = true;
  for (let j = 0; j < k; j++) {
    const a = args[j];
    if (typeof a !== 'number' && a.shape.length !== 0) {
      allScalar = false;
      break;
    }
  }
  if (allScalar) {
    const val = T.val;
    for (let j = 0; j < k; j++) {
      const a = args[j];
      x[j] = typeof a === 'number' ? a : a instanceof Act ? val[a.idx[0]] : a.val[0];
      const checks = spec.args[j].checks;
      for (let c = 0; c < checks.length; c++) checks[c](fn, spec.args[j].name, x[j]);
    }
    if (spec.relations) spec.relations(fn, Array.from(x.subarray(0, k)));
    let lp = kernel(x, d);
    for (let j = 0; j < k; j++) {
      const a = args[j];
      if (a instanceof Act) pushPartial(a.idx[0], d[j]);
    }
    if (spec.constant) {
      for (let j = 0; j < spec.constant.args.length; j++) x[j] = toNumber(args[spec.constant.args[j]]);
      lp += spec.constant.kernel(x, null);
    }
    return lp;
  }
  checkArgs(fn, spec, args, true);
  const { ops: o, n } = operands(args, fn);
  if (n === 0) return 0;
  // Active scalars collect their partial over all elements.
  const scalarSum = new Float64Array(k);
  let lp = 0;
  const val = T.val;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const p = o[j];
      x[j] = p.idx !== null ? val[p.idx[i * p.step]] : p.vals![i * p.step];
    }
    lp += kernel(x, d);
    for (let j = 0; j < k; j++) {
      const p = o[j];
      if (p.idx === null) continue;
      if (p.step === 0) scalarSum[j] += d[j];
      else pushPartial(p.idx[i], d[j]);
    }
  }
  for (let j = 0; j < k; j++) if (o[j].idx !== null && o[j].step === 0) pushPartial(o[j].idx![0], scalarSum[j]);
  if (spec.constant) {
    const ca = spec.constant.args;
    const sub = ca.map((j) => o[j]);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < ca.length; j++) x[j] = sub[j].vals![i * sub[j].step];
      lp += spec.constant.kernel(x, null);
    }
  }
  return lp;
}

/**
 * The all-scalar density without boxing: argument j is the number xj when nj < 0, else node nj.
 * Partials are left in pin/ppart as densityValue leaves them.
 */
function scalarDensityValue(
  spec: DensitySpec, fn: string, k: number,
  x0: number, n0: number, x1: number, n1: number, x2: number, n2: number, x3: number, n3: number,
): number {
  if (k !== spec.args.length) throw new RuntimeError(`${fn}: expected ${spec.args.length} arguments, got ${k}`);
  const val = T.val, x = X, d = D;
  x[0] = n0 < 0 ? x0 : val[n0];
  x[1] = n1 < 0 ? x1 : val[n1];
  x[2] = n2 < 0 ? x2 : val[n2];
  x[3] = n3 < 0 ? x3 : val[n3];
  const args = spec.args;
  for (let j = 0; j < k; j++) {
    const checks = args[j].checks;
    for (let c = 0; c < checks.length; c++) checks[c](fn, args[j].name, x[j]);
  }
  if (spec.relations) spec.relations(fn, Array.from(x.subarray(0, k)));
  let lp: number;
  if (spec.constant) {
    const ca = spec.constant.args;
    const saved = Float64Array.from(x.subarray(0, k));
    for (let j = 0; j < ca.length; j++) x[j] = saved[ca[j]];
    const c = spec.constant.kernel(x, null);
    x.set(saved);
    lp = kernel4(spec.kernel, x, d) + c;
  } else lp = kernel4(spec.kernel, x, d);
  pn = 0;
  if (n0 >= 0) pushPartial(n0, d[0]);
  if (n1 >= 0 && k > 1) pushPartial(n1, d[1]);
  if (n2 >= 0 && k > 2) pushPartial(n2, d[2]);
  if (n3 >= 0 && k > 3) pushPartial(n3, d[3]);
  return lp;
}

function kernel4(kernel: Kernel, x: Float64Array, d: Float64Array): number {
  return kernel(x, d);
}

/** `target += fn(...)` with k ≤ 4 scalar arguments (see scalarDensityValue). */
export function tds(
  spec: DensitySpec, fn: string, k: number,
  x0: number, n0: number, x1 = 0, n1 = -1, x2 = 0, n2 = -1, x3 = 0, n3 = -1,
): void {
  T.lp += scalarDensityValue(spec, fn, k, x0, n0, x1, n1, x2, n2, x3, n3);
  for (let j = 0; j < pn; j++) T.tedge(pin[j], ppart[j]);
}

/** `fn(...)` with k ≤ 4 scalar arguments, at least one active: its node. */
export function ds(
  spec: DensitySpec, fn: string, k: number,
  x0: number, n0: number, x1 = 0, n1 = -1, x2 = 0, n2 = -1, x3 = 0, n3 = -1,
): number {
  const lp = scalarDensityValue(spec, fn, k, x0, n0, x1, n1, x2, n2, x3, n3);
  const node = T.open(lp, pn);
  for (let j = 0; j < pn; j++) T.edge(pin[j], ppart[j]);
  return node;
}

function toNumber(a: AV): number {
  if (typeof a === 'number') return a;
  if (a instanceof Act) return T.val[a.idx[0]];
  return a.val[0];
}

/** `target += fn(args)` / `args[0] ~ family(args[1..])`. */
export function targetDensity(spec: DensitySpec, fn: string, args: readonly AV[]): void {
  T.lp += densityValue(spec, fn, args);
  for (let k = 0; k < pn; k++) T.tedge(pin[k], ppart[k]);
}

/** `fn(args)` as a value: a node, or a number when every argument is data. */
export function density(spec: DensitySpec, fn: string, args: readonly AV[]): AV {
  const lp = densityValue(spec, fn, args);
  if (!args.some((a) => a instanceof Act)) return lp;
  const node = T.open(lp, pn);
  for (let k = 0; k < pn; k++) T.edge(pin[k], ppart[k]);
  return box(node);
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
  const out = new Int32Array(r);
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
