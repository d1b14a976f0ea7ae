// The parameters block on the unconstrained scale: each declared parameter's slice of the
// unconstrained vector (Stan's order) and its constraining transform.
import { Tensor, Value } from './tensor.js';
import { prepareVariable, PreparedVariable, Bounds } from './transforms.js';
import { readData, DeclSpec } from './data.js';

export interface ParamEntry {
  spec: DeclSpec;
  prepared: PreparedVariable;
  /** First position in the unconstrained vector. */
  offset: number;
  /** Number of unconstrained values. */
  size: number;
}

export interface ParamLayout {
  entries: ParamEntry[];
  dimension: number;
}

/** Offsets of every parameter, from declarations whose sizes are already evaluated. */
export function layout(specs: DeclSpec[]): ParamLayout {
  let offset = 0;
  const entries = specs.map((spec) => {
    const prepared = prepareVariable({ ...spec, bounds: spec.bounds ?? null });
    const entry = { spec, prepared, offset, size: prepared.unconstrainedSize };
    offset += entry.size;
    return entry;
  });
  return { entries, dimension: offset };
}

/**
 * The constrained value of one parameter from the unconstrained tensor `u`; its log Jacobian
 * goes into `jacobian` (the target terms) when given.
 */
export function param(u: Tensor, entry: ParamEntry, bounds: Bounds | null, jacobian: Value[] | null): Value {
  const { value, logJacobian } = entry.prepared.constrain(u, entry.offset, bounds ?? entry.spec.bounds ?? undefined);
  if (jacobian) jacobian.push(logJacobian);
  return value;
}

/** Unconstrained values of one parameter given in Stan JSON layout (checked against its declaration). */
export function unconstrainParameter(entry: ParamEntry, value: unknown, _all: Record<string, unknown>): Float64Array {
  const { bounds: _bounds, ...shapeOnly } = entry.spec;
  const read = readData({ [entry.spec.name]: value }, shapeOnly);
  const flat = typeof read === 'number' ? Float64Array.of(read) : read.val;
  return entry.prepared.unconstrain(flat, entry.spec.bounds ?? undefined);
}
