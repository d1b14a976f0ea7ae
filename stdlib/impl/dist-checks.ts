// Argument checks of the probability functions, worded as Stan words them
// ("normal_lpdf: Scale parameter is -1, but must be positive!"). They read every element of
// every chain, so one bad chain rejects the point, as it would in Stan run chain by chain.
import { Tensor, Value, at } from '../../src/runtime/tensor.js';
import { RuntimeError } from '../../src/runtime/errors.js';
import type { RuntimeValue } from './types.js';

/** A real-valued argument (numbers and tensors); tuples are a checker bug, not a user error. */
export function real(x: RuntimeValue, fn: string): Value {
  if (Array.isArray(x)) throw new RuntimeError(`${fn}: internal: unexpected tuple argument`);
  return x;
}

/** Stan's number formatting in messages (C++ stream style for the common cases). */
export function show(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return String(x);
}

/** `[i]` or `[i, j]` (1-based) for element `k` of a container; empty for scalars. */
function position(x: Tensor, k: number): string {
  if (x.shape.length === 0) return '';
  const e = k % Math.max(1, x.size);
  if (x.shape.length === 2) return `[${Math.floor(e / x.shape[1]) + 1}, ${(e % x.shape[1]) + 1}]`;
  return `[${e + 1}]`;
}

/** Throw Stan's domain error for the first element failing `ok`. `must` ends the message. */
export function checkEach(fn: string, name: string, x: Value, ok: (v: number) => boolean, must: string): void {
  if (typeof x === 'number') {
    if (!ok(x)) throw new RuntimeError(`${fn}: ${name} is ${show(x)}, but must be ${must}`);
    return;
  }
  const v = x.val;
  for (let k = 0; k < v.length; k++) {
    if (!ok(v[k])) throw new RuntimeError(`${fn}: ${name}${position(x, k)} is ${show(v[k])}, but must be ${must}`);
  }
}

const isPositive = (v: number) => v > 0;
const isPositiveFinite = (v: number) => v > 0 && v < Infinity;
const isFinite_ = (v: number) => Number.isFinite(v);
const isNotNan = (v: number) => !Number.isNaN(v);
const isNonnegative = (v: number) => v >= 0;

export const checkPositive = (fn: string, name: string, x: Value) => checkEach(fn, name, x, isPositive, 'positive!');
export const checkPositiveFinite = (fn: string, name: string, x: Value) =>
  checkEach(fn, name, x, isPositiveFinite, 'positive finite!');
export const checkFinite = (fn: string, name: string, x: Value) => checkEach(fn, name, x, isFinite_, 'finite!');
export const checkNotNan = (fn: string, name: string, x: Value) => checkEach(fn, name, x, isNotNan, 'not nan!');
export const checkNonnegative = (fn: string, name: string, x: Value) =>
  checkEach(fn, name, x, isNonnegative, '>= 0!');

/**
 * The element predicate of each standard check, for callers that test scalars in a hot loop and
 * call the check itself only to throw its message.
 */
export const scalarPredicates = new Map<(fn: string, name: string, x: Value) => void, (v: number) => boolean>([
  [checkPositive, isPositive],
  [checkPositiveFinite, isPositiveFinite],
  [checkFinite, isFinite_],
  [checkNotNan, isNotNan],
  [checkNonnegative, isNonnegative],
]);

/** Inclusive bounds, Stan's check_bounded wording. */
export function checkBounded(fn: string, name: string, x: Value, lo: number, hi: number): void {
  checkEach(fn, name, x, (v) => v >= lo && v <= hi, `in the interval [${show(lo)}, ${show(hi)}]`);
}

/** checkBounded(·, lo, hi) as an argument check, with its predicate registered for scalar loops. */
export function boundedCheck(lo: number, hi: number): (fn: string, name: string, x: Value) => void {
  const check = (fn: string, name: string, x: Value) => checkBounded(fn, name, x, lo, hi);
  scalarPredicates.set(check, (v) => v >= lo && v <= hi);
  return check;
}

/** checkLess(·, hi) as an argument check, with its predicate registered for scalar loops. */
export function lessCheck(hi: number): (fn: string, name: string, x: Value) => void {
  const check = (fn: string, name: string, x: Value) => checkLess(fn, name, x, hi);
  scalarPredicates.set(check, (v) => v < hi);
  return check;
}

/** Every element strictly greater than `lo` (check_greater prints the bound with 6 decimals). */
export function checkGreater(fn: string, name: string, x: Value, lo: number): void {
  checkEach(fn, name, x, (v) => v > lo, `greater than ${lo.toFixed(6)}`);
}

export function checkLess(fn: string, name: string, x: Value, hi: number): void {
  checkEach(fn, name, x, (v) => v < hi, `less than ${hi.toFixed(6)}`);
}

/** Element count of a vectorized argument, or null for a scalar. */
function lengthOf(x: Value): number | null {
  return typeof x === 'number' || x.shape.length === 0 ? null : x.size;
}

/**
 * All container arguments of a vectorized function must have one size (scalars broadcast).
 * `named` pairs each argument with its name as Stan prints it.
 */
export function checkConsistentSizes(fn: string, named: ReadonlyArray<readonly [string, Value]>): void {
  let first: [string, number] | null = null;
  for (const [name, x] of named) {
    const n = lengthOf(x);
    if (n === null) continue;
    if (first === null) first = [name, n];
    else if (n !== first[1]) {
      throw new RuntimeError(
        `${fn}: ${name} has dimension = ${n}, expecting dimension = ${first[1]}; a function was called with ` +
          `arguments of different scalar, array, vector, or matrix types, and they were not consistently sized; ` +
          `all arguments must be scalars or multidimensional values of the same shape.`,
      );
    }
  }
}

// ---------------------------------------------------------------------------
// Structured arguments, checked on one chain's values (row-major K×K or length-K arrays).

const SIMPLEX_TOL = 1e-8;

export function checkSimplex(fn: string, name: string, v: Float64Array, off: number, K: number): void {
  if (K === 0) throw new RuntimeError(`${fn}: ${name} has size 0, but must have a non-zero size`);
  let s = 0;
  for (let i = 0; i < K; i++) s += v[off + i];
  if (!(Math.abs(1 - s) <= SIMPLEX_TOL)) {
    throw new RuntimeError(`${fn}: ${name} is not a valid simplex. sum(${name}) = ${show(s)}, but should be 1`);
  }
  for (let i = 0; i < K; i++) {
    if (!(v[off + i] >= 0)) {
      throw new RuntimeError(
        `${fn}: ${name} is not a valid simplex. ${name}[${i + 1}] = ${show(v[off + i])}, but should be greater than or equal to 0`,
      );
    }
  }
}

export function checkOrdered(fn: string, name: string, v: Float64Array, off: number, K: number): void {
  for (let i = 1; i < K; i++) {
    if (!(v[off + i] > v[off + i - 1])) {
      throw new RuntimeError(
        `${fn}: ${name} is not a valid ordered vector. The element at ${i + 1} is ${show(v[off + i])}, ` +
          `but should be greater than the previous element, ${show(v[off + i - 1])}`,
      );
    }
  }
}

export function checkSquare(fn: string, name: string, x: Value): number {
  if (typeof x === 'number' || x.shape.length !== 2 || x.shape[0] !== x.shape[1]) {
    const dims = typeof x === 'number' ? 'a scalar' : `[${x.shape.join(', ')}]`;
    throw new RuntimeError(`${fn}: Expecting a square matrix; ${name} is ${dims}`);
  }
  return x.shape[0];
}

/** Stan's check_symmetric: relative tolerance 1e-8. */
export function checkSymmetric(fn: string, name: string, m: Float64Array, off: number, K: number): void {
  for (let i = 0; i < K; i++) {
    for (let j = i + 1; j < K; j++) {
      const a = m[off + i * K + j];
      const b = m[off + j * K + i];
      if (!(Math.abs(a - b) <= 1e-8 * Math.max(1, Math.abs(a), Math.abs(b)))) {
        throw new RuntimeError(
          `${fn}: ${name} is not symmetric. ${name}[${i + 1},${j + 1}] = ${show(a)}, but ${name}[${j + 1},${i + 1}] = ${show(b)}`,
        );
      }
    }
  }
}

export function checkLowerTriangular(fn: string, name: string, m: Float64Array, off: number, K: number): void {
  for (let i = 0; i < K; i++) {
    for (let j = i + 1; j < K; j++) {
      const a = m[off + i * K + j];
      if (a !== 0) {
        throw new RuntimeError(`${fn}: ${name} is not lower triangular; ${name}[${i + 1},${j + 1}]=${show(a)}`);
      }
    }
  }
}

/** A Cholesky factor: lower triangular with a positive diagonal. */
export function checkCholeskyFactor(fn: string, name: string, m: Float64Array, off: number, K: number): void {
  checkLowerTriangular(fn, name, m, off, K);
  for (let i = 0; i < K; i++) {
    const d = m[off + i * K + i];
    if (!(d > 0)) throw new RuntimeError(`${fn}: ${name}[${i + 1}, ${i + 1}] is ${show(d)}, but must be positive!`);
  }
}

/** Unit diagonal (to 1e-8) and symmetric; positive definiteness is checked by the factorization. */
export function checkCorrelation(fn: string, name: string, m: Float64Array, off: number, K: number): void {
  checkSymmetric(fn, name, m, off, K);
  for (let i = 0; i < K; i++) {
    const d = m[off + i * K + i];
    if (!(Math.abs(d - 1) <= 1e-8)) {
      throw new RuntimeError(`${fn}: ${name} is not a valid correlation matrix. ${name}(${i + 1},${i + 1}) is ${show(d)}, but should be near 1`);
    }
  }
}

/**
 * A condition between two broadcast arguments, element by element over every chain (e.g.
 * uniform's upper bound above its lower bound). `message(a, b)` completes "fn: ...".
 */
export function checkRelation(
  fn: string,
  a: Value,
  b: Value,
  ok: (a: number, b: number) => boolean,
  message: (a: number, b: number) => string,
): void {
  const n = Math.max(typeof a === 'number' ? 1 : a.size, typeof b === 'number' ? 1 : b.size);
  const C = Math.max(chainsOf(a), chainsOf(b));
  for (let c = 0; c < C; c++) {
    for (let k = 0; k < n; k++) {
      const x = at(a, c, k);
      const y = at(b, c, k);
      if (!ok(x, y)) throw new RuntimeError(`${fn}: ${message(x, y)}`);
    }
  }
}

function chainsOf(x: Value): number {
  return typeof x === 'number' ? 1 : x.chains;
}
