// Stan's constraint transforms for declared parameters: from a run of unconstrained values
// to the constrained variable (a differentiable op that also yields the log absolute Jacobian
// determinant), the inverse for initial values, and the unconstrained sizes.
//
// Reading order is Stan's: a variable's unconstrained values are consecutive; arrays are read
// element by element (array-major); a bounded matrix's values are read column-major; each
// structured type reads its free values in Stan math's order. Constrained values come out in
// the runtime layout (row-major).
import { Tensor, Value, sizeOf } from './tensor.js';
import { RuntimeError } from './errors.js';
import { BoundKind, affineFree, boundKind, lowerFree, lubFree, upperFree } from './transforms/bounds.js';
import { constrainBounded, inputPositions } from './transforms/bounded.js';
import { Constrained, Structured, constrainStructured } from './transforms/structured.js';
import { ConstraintError, checkFinite, elementLabel } from './transforms/checks.js';
import { positiveOrdered, ordered, simplex, sumToZeroVector, unitVector } from './transforms/vectors.js';
import {
  choleskyFactorCorr, choleskyFactorCov, columnStochastic, corrMatrix, covMatrix, rowStochastic, sumToZeroMatrix,
} from './transforms/matrices.js';

export type { Constrained } from './transforms/structured.js';
export { ConstraintError } from './transforms/checks.js';

/** Declared bounds, evaluated: numbers, data tensors, or parameter-dependent (batched) tensors. */
export interface Bounds {
  lower?: Value;
  upper?: Value;
  offset?: Value;
  multiplier?: Value;
}

/**
 * A declared parameter. `base` is Stan's type name: real, vector, row_vector, matrix (these
 * take bounds or offset/multiplier), simplex, sum_to_zero_vector, ordered, positive_ordered,
 * unit_vector, cholesky_factor_corr, cholesky_factor_cov, corr_matrix, cov_matrix,
 * column_stochastic_matrix, row_stochastic_matrix, sum_to_zero_matrix. `sizes` are the
 * declared sizes as written: `vector[K]` → [K], `matrix[M, N]` → [M, N], `cov_matrix[K]` → [K],
 * `cholesky_factor_cov[M]` → [M] or `[M, N]`. A bound is a scalar, or a container shaped like
 * one element of the variable, or like the whole variable (runtime layout).
 */
export interface VariableSpec {
  name: string;
  base: string;
  arrayDims: readonly number[];
  sizes: readonly number[];
  bounds?: Bounds | null;
}

const BOUNDABLE: Record<string, number> = { real: 0, vector: 1, row_vector: 1, matrix: 2 };

/** Types declared with one size K whose values are K×K matrices. */
const SQUARE = new Set(['cholesky_factor_corr', 'corr_matrix', 'cov_matrix']);

type Factory = (sizes: readonly number[]) => Structured;
const STRUCTURED: Record<string, { rank: number; min: number; make: Factory }> = {
  simplex: { rank: 1, min: 1, make: ([K]) => simplex(K) },
  sum_to_zero_vector: { rank: 1, min: 1, make: ([K]) => sumToZeroVector(K) },
  ordered: { rank: 1, min: 0, make: ([K]) => ordered(K) },
  positive_ordered: { rank: 1, min: 0, make: ([K]) => positiveOrdered(K) },
  unit_vector: { rank: 1, min: 1, make: ([K]) => unitVector(K) },
  cholesky_factor_corr: { rank: 1, min: 0, make: ([K]) => choleskyFactorCorr(K) },
  corr_matrix: { rank: 1, min: 0, make: ([K]) => corrMatrix(K) },
  cov_matrix: { rank: 1, min: 0, make: ([K]) => covMatrix(K) },
  cholesky_factor_cov: { rank: 2, min: 0, make: ([M, N]) => choleskyFactorCov(M, N) },
  column_stochastic_matrix: { rank: 2, min: 1, make: ([N, M]) => columnStochastic(N, M) },
  row_stochastic_matrix: { rank: 2, min: 1, make: ([N, M]) => rowStochastic(N, M) },
  sum_to_zero_matrix: { rank: 2, min: 1, make: ([N, M]) => sumToZeroMatrix(N, M) },
};

/** The declared sizes, normalized (cholesky_factor_cov[M] is [M, M]) and checked. */
function sizesOf(spec: VariableSpec): number[] {
  const s = [...spec.sizes];
  if (spec.base === 'cholesky_factor_cov' && s.length === 1) s.push(s[0]);
  const rank = spec.base in BOUNDABLE ? BOUNDABLE[spec.base] : STRUCTURED[spec.base]?.rank;
  if (rank === undefined) throw new RuntimeError(`'${spec.name}': '${spec.base}' is not a parameter type`);
  if (s.length !== rank) {
    throw new RuntimeError(`'${spec.name}': ${spec.base} needs ${rank} size(s), got ${s.length}`);
  }
  for (const d of [...spec.arrayDims, ...s]) {
    if (!Number.isInteger(d) || d < 0) throw new RuntimeError(`'${spec.name}': size ${d} must be a non-negative integer`);
  }
  const min = STRUCTURED[spec.base]?.min ?? 0;
  for (const d of s) {
    if (d < min) throw new RuntimeError(`'${spec.name}': a ${spec.base} needs sizes of at least ${min}, but got ${d}`);
  }
  if (spec.base === 'cholesky_factor_cov' && s[0] < s[1]) {
    throw new RuntimeError(`'${spec.name}': cholesky_factor_cov[${s[0]}, ${s[1]}] needs at least as many rows as columns`);
  }
  return s;
}

/** The constrained shape of one element (no array dims). */
export function elementShape(spec: VariableSpec): number[] {
  const s = sizesOf(spec);
  if (s.length === 2) return [s[0], s[1]];
  if (SQUARE.has(spec.base)) return [s[0], s[0]];
  return s;
}

/** The constrained variable's shape in the runtime: array dims, then the element's. */
export function constrainedShape(spec: VariableSpec): number[] {
  return [...spec.arrayDims, ...elementShape(spec)];
}

// Structured transforms keep scratch space: one instance per type and size, reused.
const cache = new Map<string, Structured>();

function structuredFor(base: string, sizes: number[]): Structured {
  const key = `${base}[${sizes.join(',')}]`;
  let t = cache.get(key);
  if (t === undefined) {
    t = STRUCTURED[base].make(sizes);
    cache.set(key, t);
  }
  return t;
}

/**
 * A declared parameter with its sizes resolved: build once (sizes are data), then constrain
 * at every log-density evaluation with that evaluation's bounds.
 */
export class PreparedVariable {
  /** Constrained shape in the runtime: array dims, then the element's. */
  readonly shape: number[];
  /** Number of unconstrained values the variable reads. */
  readonly unconstrainedSize: number;
  readonly elem: number;
  readonly count: number;
  readonly structured: Structured | null;
  /** For bounded matrices: the column-major input position of each row-major element. */
  readonly positions: Int32Array | null;

  constructor(readonly spec: VariableSpec) {
    const sizes = sizesOf(spec);
    const elemDims = elementShape(spec);
    this.shape = [...spec.arrayDims, ...elemDims];
    this.elem = sizeOf(elemDims);
    this.count = sizeOf(spec.arrayDims);
    this.structured = spec.base in BOUNDABLE ? null : structuredFor(spec.base, sizes);
    this.positions = this.structured === null ? inputPositions(elemDims, this.count) : null;
    this.unconstrainedSize = this.count * (this.structured === null ? this.elem : this.structured.free);
  }

  kindOf(bounds: Bounds | null | undefined): BoundKind | null {
    const b = bounds ?? {};
    const has = {
      lower: b.lower !== undefined,
      upper: b.upper !== undefined,
      offset: b.offset !== undefined,
      multiplier: b.multiplier !== undefined,
    };
    const kind = boundKind(this.spec.name, has);
    if (kind !== null && this.structured !== null) {
      throw new RuntimeError(`'${this.spec.name}': a ${this.spec.base} cannot have bounds or offset/multiplier`);
    }
    return kind;
  }

  /**
   * Constrain from u[offset .. offset + unconstrainedSize) (u: the batched unconstrained
   * tensor [D] of all chains, or a data tensor for a single point). Returns the constrained
   * value and log|J| per chain, one tape node over all chains with gradients to u and to
   * batched bounds. Unbatched input (and bounds) give data values and a number.
   */
  constrain(u: Tensor, offset = 0, bounds: Bounds | null | undefined = this.spec.bounds): Constrained {
    const n = this.unconstrainedSize;
    if (!(offset >= 0 && offset + n <= u.size)) {
      throw new RuntimeError(`internal: '${this.spec.name}' reads unconstrained values ${offset}..${offset + n - 1} of ${u.size}`);
    }
    const kind = this.kindOf(bounds);
    if (this.structured !== null) return constrainStructured(this.structured, this.count, this.shape, u, offset);
    const b = bounds ?? {};
    const [lo, hi] = kind === 'affine' ? [b.offset, b.multiplier] : [b.lower, b.upper];
    return constrainBounded(this.spec.name, kind, this.shape, this.elem, this.positions, u, offset, lo, hi);
  }

  /**
   * The unconstrained values of a constrained value given in the runtime layout (row-major,
   * array-major), after checking it satisfies the declaration; batched bounds are read for
   * `chain`. Values on a bound are rejected: they have no finite unconstrained value. Throws
   * ConstraintError naming the variable (and element) and what is wrong.
   */
  unconstrain(values: ArrayLike<number>, bounds: Bounds | null | undefined = this.spec.bounds, chain = 0): Float64Array {
    const { spec, shape } = this;
    const total = this.count * (this.structured === null ? this.elem : this.structured.size);
    if (values.length !== total) {
      const decl = `${spec.arrayDims.length ? `array[${spec.arrayDims.join(', ')}] ` : ''}${spec.base}${spec.sizes.length ? `[${spec.sizes.join(', ')}]` : ''}`;
      throw new ConstraintError(`'${spec.name}' needs ${total} value(s) for ${decl}, but ${values.length} were given`);
    }
    for (let e = 0; e < total; e++) checkFinite(elementLabel(spec.name, e, shape), values[e]);
    const out = new Float64Array(this.unconstrainedSize);
    const kind = this.kindOf(bounds);
    const t = this.structured;
    if (t !== null) {
      for (let a = 0; a < this.count; a++) {
        t.unconstrain(elementLabel(spec.name, a, spec.arrayDims), values, a * t.size, out, a * t.free);
      }
      return out;
    }
    const b = bounds ?? {};
    const at = (what: string, v: Value | undefined, dflt: number, e: number) =>
      boundAt(spec.name, what, v, dflt, chain, e, this.elem, total);
    for (let e = 0; e < total; e++) {
      const label = elementLabel(spec.name, e, shape);
      const x = values[e];
      let y: number;
      switch (kind) {
        case null: y = x; break;
        case 'lower': y = lowerFree(label, x, at('lower bound', b.lower, -Infinity, e)); break;
        case 'upper': y = upperFree(label, x, at('upper bound', b.upper, Infinity, e)); break;
        case 'lub': y = lubFree(label, x, at('lower bound', b.lower, -Infinity, e), at('upper bound', b.upper, Infinity, e)); break;
        case 'affine': y = affineFree(label, x, at('offset', b.offset, 0, e), at('multiplier', b.multiplier, 1, e)); break;
      }
      out[this.positions === null ? e : this.positions[e]] = y;
    }
    return out;
  }
}

/** Element e of a bound for `chain` (scalars and element-shaped bounds broadcast). */
function boundAt(name: string, what: string, b: Value | undefined, dflt: number, chain: number, e: number, elem: number, total: number): number {
  if (b === undefined) return dflt;
  if (typeof b === 'number') return b;
  const n = b.size;
  if (n !== 1 && n !== elem && n !== total) {
    throw new ConstraintError(`'${name}': its ${what} has ${n} elements, but must be a scalar or match the variable's elements`);
  }
  const c = b.batched ? Math.min(chain, b.chains - 1) : 0;
  return b.val[c * n + (n === 1 ? 0 : e % n)];
}

/** Resolve a declaration's sizes once (validating them); see PreparedVariable. */
export function prepareVariable(spec: VariableSpec): PreparedVariable {
  return new PreparedVariable(spec);
}

/** Number of unconstrained values the variable reads. */
export function unconstrainedSize(spec: VariableSpec): number {
  return new PreparedVariable(spec).unconstrainedSize;
}

/** One-shot `prepareVariable(spec).constrain(u, offset, spec.bounds)`. */
export function constrainVariable(spec: VariableSpec, u: Tensor, offset = 0): Constrained {
  return new PreparedVariable(spec).constrain(u, offset);
}

/** One-shot `prepareVariable(spec).unconstrain(values, spec.bounds, chain)`. */
export function unconstrainVariable(spec: VariableSpec, values: ArrayLike<number>, chain = 0): Float64Array {
  return new PreparedVariable(spec).unconstrain(values, spec.bounds, chain);
}
