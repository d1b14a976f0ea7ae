// Control flow over chain batches: a condition is a plain boolean when every chain agrees;
// when chains disagree, the evaluation is redone chain by chain (ChainsDiverge).
import { Tensor, Value } from './tensor.js';
import { ChainsDiverge, RejectError, FatalRuntimeError } from './errors.js';
import { chains } from './tape.js';

/** The truth of a condition for all chains at once. */
export function truth(x: Value): boolean {
  if (typeof x === 'number') return x !== 0;
  if (!x.batched || chains() === 1) return x.val[0] !== 0;
  const first = x.val[0] !== 0;
  for (let c = 1; c < x.val.length; c++) if ((x.val[c] !== 0) !== first) throw new ChainsDiverge();
  return first;
}

/** A per-chain scalar as one number (ints derived from parameters, e.g. comparisons). */
export function uniform(x: Value): number {
  if (typeof x === 'number') return x;
  if (x.size !== 1) throw new FatalRuntimeError('internal: expected a scalar');
  const v = x.val[0];
  for (let c = 1; c < x.val.length; c++) if (x.val[c] !== v) throw new ChainsDiverge();
  return v;
}

export type Comparison = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** Comparison of reals as Stan's int 0/1. */
export function compare(op: Comparison, a: Value, b: Value): number {
  const x = uniformOrVary(a);
  const y = uniformOrVary(b);
  if (typeof x === 'number' && typeof y === 'number') return cmp(op, x, y) ? 1 : 0;
  // Chain-varying: decide per chain, then require agreement.
  const n = chains();
  const r = cmp(op, pick(a, 0), pick(b, 0));
  for (let c = 1; c < n; c++) if (cmp(op, pick(a, c), pick(b, c)) !== r) throw new ChainsDiverge();
  return r ? 1 : 0;
}

function uniformOrVary(x: Value): number | Tensor {
  return typeof x === 'number' || !x.batched ? (typeof x === 'number' ? x : x.val[0]) : x;
}

function pick(x: Value, c: number): number {
  return typeof x === 'number' ? x : x.batched ? x.val[c] : x.val[0];
}

function cmp(op: Comparison, a: number, b: number): boolean {
  switch (op) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '==': return a === b;
    case '!=': return a !== b;
  }
}

/** Text of print/reject arguments, as Stan prints them. */
export function show(args: readonly unknown[]): string {
  return args.map(showValue).join('');
}

function showValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (v instanceof Tensor) {
    const vals = Array.from(v.val.subarray(0, v.size), formatNumber);
    return v.shape.length === 0 ? vals[0] : `[${vals.join(',')}]`;
  }
  if (Array.isArray(v)) return `(${v.map(showValue).join(', ')})`;
  return String(v);
}

function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return String(x);
}

export function reject(args: readonly unknown[]): RejectError {
  return new RejectError(show(args));
}

export function fatal(args: readonly unknown[]): FatalRuntimeError {
  return new FatalRuntimeError(show(args));
}
