// Draws of one scalar quantity, validated once into a chain-major matrix so every
// diagnostic below works on the same flat Float64Array.
import { DiagnosticsError } from './errors.js';

/** draws[chain][iteration]; each chain may be a plain array or a Float64Array. */
export type Draws = ReadonlyArray<ArrayLike<number>>;

/** nChains columns of nIter draws, stored chain after chain. */
export interface DrawMatrix {
  nChains: number;
  nIter: number;
  /** values[c * nIter + i] is chain c, iteration i. */
  values: Float64Array;
}

/** Checks the draws' shape (≥ 1 chain, equal non-zero lengths) and copies them into a matrix. */
export function toMatrix(draws: Draws, what = 'draws'): DrawMatrix {
  if (draws == null || typeof draws.length !== 'number') {
    throw new DiagnosticsError(`${what}: expected an array of chains`);
  }
  const nChains = draws.length;
  if (nChains === 0) throw new DiagnosticsError(`${what}: no chains`);
  const nIter = draws[0].length;
  for (let c = 1; c < nChains; c++) {
    if (draws[c].length !== nIter) {
      throw new DiagnosticsError(
        `${what}: chains have unequal lengths (chain 1 has ${nIter} draws, chain ${c + 1} has ${draws[c].length})`,
      );
    }
  }
  if (nIter === 0) throw new DiagnosticsError(`${what}: chains have no draws`);
  const values = new Float64Array(nChains * nIter);
  for (let c = 0; c < nChains; c++) values.set(draws[c], c * nIter);
  return { nChains, nIter, values };
}

/** A matrix with the same shape and new values. */
export function withValues(m: DrawMatrix, values: Float64Array): DrawMatrix {
  return { nChains: m.nChains, nIter: m.nIter, values };
}

/**
 * Splits every chain into its first and second half (posterior's `.split_chains`): with an odd
 * number of draws the middle draw is dropped; a single draw is left as is.
 */
export function splitChains(m: DrawMatrix): DrawMatrix {
  const n = m.nIter;
  if (n === 1) return m;
  const half = Math.floor(n / 2);
  const secondStart = Math.ceil(n / 2 + 1) - 1;
  const values = new Float64Array(2 * m.nChains * half);
  for (let c = 0; c < m.nChains; c++) {
    const base = c * n;
    values.set(m.values.subarray(base, base + half), 2 * c * half);
    values.set(m.values.subarray(base + secondStart, base + secondStart + half), (2 * c + 1) * half);
  }
  return { nChains: 2 * m.nChains, nIter: half, values };
}

/** True when a diagnostic is undefined (posterior's `should_return_NA`): non-finite or constant values. */
export function shouldReturnNaN(values: Float64Array): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) return true;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return Math.abs(hi - lo) < Number.EPSILON;
}
