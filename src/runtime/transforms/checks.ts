// What the inverse transforms report when given values outside a declared constraint (user
// inits, values read back from files), and the small formatting helpers those messages share.

/** A constrained value does not satisfy its declaration: the message names the variable and the fault. */
export class ConstraintError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConstraintError';
  }
}

/** Stan's CONSTRAINT_TOLERANCE: slack allowed on equalities (sums, unit norms, symmetry). */
export const CONSTRAINT_TOLERANCE = 1e-8;

/** A number as a user wrote it: integers plainly, others to 10 significant digits. */
export function fmt(x: number): string {
  if (Number.isInteger(x) || !Number.isFinite(x)) return String(x);
  return String(Number(x.toPrecision(10)));
}

/** `name[i, j]` (1-based) for the flat row-major index `k` of a container of `dims`; `name` for scalars. */
export function elementLabel(name: string, k: number, dims: readonly number[]): string {
  if (dims.length === 0) return name;
  const idx: number[] = new Array(dims.length);
  for (let d = dims.length - 1; d >= 0; d--) {
    idx[d] = (k % dims[d]) + 1;
    k = Math.floor(k / dims[d]);
  }
  return `${name}[${idx.join(', ')}]`;
}

/** Every constrained value must be a finite number before it can be unconstrained. */
export function checkFinite(label: string, x: number): void {
  if (!Number.isFinite(x)) throw new ConstraintError(`'${label}' must be finite but is ${fmt(x)}`);
}
