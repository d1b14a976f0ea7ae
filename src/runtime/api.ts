// The namespace `$` that lowered programs call. Generated code reaches the runtime only
// through these names, so a precompiled model needs this module and nothing of the compiler.
import { Tensor, Value, isBatched, sizeOf, adjoint } from './tensor.js';
import { batchedOutput, chains, record, tapeActive } from './tape.js';
import * as ops from './ops.js';
import { RuntimeError, RejectError } from './errors.js';
import { builtin } from '../../stdlib/impl/index.js';
import type { RuntimeValue, CallContext } from '../../stdlib/impl/types.js';
import type { StanType } from '../check/types.js';
import type { Random } from './random.js';
import { declShape, checkBounds, checkStructure, DeclSpec, DataError, baseRank } from './data.js';

export { readData, declShape, extraData } from './data.js';
export { add, sub, elemMul, elemDiv, neg, pow, matmul, transpose, intDiv, intMod, index, index1, copy, sum } from './ops.js';
export { truth, compare, reject, fatal } from './control.js';
export { layout, param } from './parameters.js';
export { broadcast, pointwiseDensity, logMix3 } from './lifted.js';
export * as S from './scalar/index.js';
export * as F from './fused.js';
import { show } from './control.js';

/** The `_rng` stream of the current generated-quantities evaluation. */
const state: { rng: Random | null; printing: boolean; printed: string[] | null } = { rng: null, printing: true, printed: null };

export function setRng(rng: Random | null): void {
  state.rng = rng;
}

/** `print` output goes to stderr by default; a model may silence it (as during sampling) or collect it. */
export function setPrinting(on: boolean, collect: string[] | null = null): void {
  state.printing = on;
  state.printed = collect;
}

export function print(args: readonly unknown[]): void {
  if (!state.printing) return;
  const text = show(args);
  if (state.printed) state.printed.push(text);
  else process.stderr.write(text + '\n');
}

export interface Site {
  call(args: readonly RuntimeValue[]): RuntimeValue;
}

/** Bind a built-in once per call site: the lookup and the context are not repeated per call. */
export function site(name: string, argTypes: StanType[]): Site {
  const fn = builtin(name);
  if (!fn) throw new RuntimeError(`the built-in function '${name}' has no implementation in hstan yet`);
  const ctx: CallContext = {
    argTypes,
    get rng() {
      return state.rng;
    },
  };
  return { call: (args) => fn(args, ctx) };
}

/** Is a gradient being recorded (log density) rather than values only (transformed data, generated quantities)? */
export function taping(): boolean {
  return tapeActive();
}

/** An int array value as indices. */
export function ints(x: RuntimeValue): ArrayLike<number> {
  if (typeof x === 'number') return [x];
  if (x instanceof Tensor) return x.val.subarray(0, x.size);
  throw new RuntimeError('expected an int array index');
}

/** The ints lo..hi as a data tensor: the loop variable of a vectorized loop. */
export function rangeTensor(lo: number, hi: number): Tensor {
  const n = Math.max(0, hi - lo + 1);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = lo + i;
  return new Tensor([n], v, false);
}

/** `x[specs] = v`, returning x (written in place). */
export function assignIndexed(x: Value, specs: readonly ops.IndexSpec[], v: Value): Tensor {
  if (typeof x === 'number') throw new RuntimeError('cannot index a scalar');
  ops.assignIndexed(x, specs, v);
  return x;
}

export function declare(shape: number[], batched: boolean): Tensor {
  return ops.declare(shape, batched && tapeActive());
}

/** A fresh, writable copy of `value` shaped as declared. */
export function mutableCopy(value: Value, shape: readonly number[], batched: boolean): Tensor {
  checkShape(value, shape, 'assignment');
  if (batched && tapeActive()) return ops.toBatched(value, shape);
  if (typeof value === 'number') return new Tensor(shape, Float64Array.of(value), false);
  if (value.batched) return ops.copy(value) as Tensor;
  return new Tensor(shape, value.val.slice(0, value.size), false);
}

/** Declared sizes must match the value's (Stan checks sizes on every assignment to a declared variable). */
export function checkShape<T extends RuntimeValue>(value: T, shape: readonly number[], name: string): T {
  if (value instanceof Tensor) {
    const n = sizeOf(shape);
    if (value.size !== n) {
      throw new RuntimeError(`size mismatch in '${name}': declared [${shape.join(', ')}] but the value has ${value.size} elements`);
    }
  }
  return value;
}

/** `{a, b}` and `[a, b]`: stack equal-shaped values along a new first dimension. */
export function stackValues(items: readonly Value[]): Value {
  const first = items.find((x) => typeof x !== 'number') as Tensor | undefined;
  const shape = first ? first.shape : [];
  return ops.stack(items, shape);
}

/** Elements for `for (x in container)`: array elements, or a vector's/matrix's entries (column-major, as Stan). */
export function elements(x: Value, kind: string): Value[] {
  if (typeof x === 'number') return [x];
  const out: Value[] = [];
  if (kind === 'array') {
    for (let i = 1; i <= x.shape[0]; i++) out.push(ops.index1(x, i));
  } else if (x.shape.length === 2) {
    for (let j = 1; j <= x.shape[1]; j++) for (let i = 1; i <= x.shape[0]; i++) out.push(ops.index(x, [i, j]));
  } else {
    for (let i = 1; i <= x.size; i++) out.push(ops.index1(x, i));
  }
  return out;
}

/** The sum of target terms as one tape node (each term summed over its elements). */
export function sumTerms(terms: readonly RuntimeValue[]): Value {
  let constant = 0;
  const batched: Tensor[] = [];
  for (const t of terms) {
    if (typeof t === 'number') constant += t;
    else if (t instanceof Tensor) {
      if (t.batched) batched.push(t);
      else for (let k = 0; k < t.size; k++) constant += t.val[k];
    } else throw new RuntimeError('target += needs real values');
  }
  if (batched.length === 0) return constant;
  const C = chains();
  const out = batchedOutput([], 1);
  for (let c = 0; c < C; c++) {
    let s = constant;
    for (const t of batched) for (let k = 0; k < t.size; k++) s += t.val[c * t.size + k];
    out.val[c] = s;
  }
  record(() => {
    const g = out.adj;
    if (g === null) return;
    for (const t of batched) {
      const gt = adjoint(t);
      for (let c = 0; c < C; c++) for (let k = 0; k < t.size; k++) gt[c * t.size + k] += g[c];
    }
  });
  return out;
}

/**
 * `y ~ dist(args) T[lo, hi]`: the density minus the log probability of the interval; outside it
 * the density is zero. For discrete distributions the lower bound is inclusive (uses lo - 1).
 */
export function truncated(
  density: Site, lcdf: Site, lccdf: Site, y: Value, args: readonly Value[],
  lo: Value | undefined, hi: Value | undefined, discrete: boolean,
): Value {
  const yv = typeof y === 'number' ? y : y.val[0];
  if (typeof lo === 'number' && yv < lo) return -Infinity;
  if (typeof hi === 'number' && yv > hi) return -Infinity;
  const lp = density.call([y, ...args]) as Value;
  const lower = lo === undefined ? undefined : discrete ? ops.sub(lo, 1) : lo;
  if (lower !== undefined && hi !== undefined) {
    const diff = site('log_diff_exp', [{ kind: 'real' }, { kind: 'real' }]);
    const norm = diff.call([lcdf.call([hi, ...args]), lcdf.call([lower, ...args])]) as Value;
    return ops.sub(lp, norm);
  }
  if (lower !== undefined) return ops.sub(lp, lccdf.call([lower, ...args]) as Value);
  if (hi !== undefined) return ops.sub(lp, lcdf.call([hi, ...args]) as Value);
  return lp;
}

/**
 * Declared constraints on transformed parameters and generated quantities. Violations in the
 * log density reject the point (as Stan does); elsewhere they are errors.
 */
export function checkConstraint(
  value: RuntimeValue, name: string, block: string, base: string,
  bounds: { lower?: Value; upper?: Value } | null, line: number,
): void {
  if (!(value instanceof Tensor) && typeof value !== 'number') return;
  const shape = typeof value === 'number' ? [] : [...value.shape];
  const per = typeof value === 'number' ? 1 : value.size;
  const C = isBatched(value) ? chains() : 1;
  const spec: DeclSpec = {
    name, base, arrayDims: [], sizes: sizesFor(base, shape), line, column: 0,
    bounds: bounds ? { lower: dataBound(bounds.lower), upper: dataBound(bounds.upper) } : undefined,
  };
  const arrayDims = shape.slice(0, shape.length - baseRank(base));
  spec.arrayDims = arrayDims;
  try {
    for (let c = 0; c < C; c++) {
      const flat = typeof value === 'number' ? Float64Array.of(value) : value.val.subarray(c * per, (c + 1) * per);
      checkBounds(spec, flat, shape, block);
      checkStructure(spec, flat, shape, block);
    }
  } catch (e) {
    if (e instanceof DataError) {
      if (tapeActive()) throw new RejectError(e.message);
      throw new RuntimeError(e.message);
    }
    throw e;
  }
}

function dataBound(b: Value | undefined): number | Tensor | undefined {
  if (b === undefined || typeof b === 'number' || !b.batched) return b;
  // A bound that depends on parameters is taken from chain 0: per-chain bounds are not checked per chain yet.
  return new Tensor(b.shape, b.val.slice(0, b.size), false);
}

function sizesFor(base: string, shape: number[]): number[] {
  const r = baseRank(base);
  return shape.slice(shape.length - r);
}

export { declShape as shapeOf };
export type { DeclSpec };
