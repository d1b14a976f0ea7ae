// The built-in function table: every family module's signatures, indexed by name.
import type { Signature } from './dsl.js';
import { CONTINUOUS } from './continuous.js';
import { DISCRETE } from './discrete.js';
import { MULTIVARIATE } from './multivariate.js';
import { RNG } from './rng.js';
import { MATH } from './math.js';
import { MATRIX } from './matrix.js';
import { ARRAY } from './array.js';

export type { Signature, ArgType, ReturnType, FamilyName } from './dsl.js';
export { showSignature, showArgType, showReturnType, parseSignatureLine } from './dsl.js';
export { findDeprecation, DEPRECATED_NAMES, type Deprecation } from './deprecated.js';

const TABLE = new Map<string, Signature[]>();
for (const s of [...CONTINUOUS, ...DISCRETE, ...MULTIVARIATE, ...RNG, ...MATH, ...MATRIX, ...ARRAY]) {
  const list = TABLE.get(s.name);
  if (list) list.push(s);
  else TABLE.set(s.name, [s]);
}

const EMPTY: readonly Signature[] = Object.freeze([]);

/** The signatures of built-in `name` (empty when there is no such built-in). Indices are stable. */
export function builtinSignatures(name: string): readonly Signature[] {
  return TABLE.get(name) ?? EMPTY;
}

export function isBuiltin(name: string): boolean {
  return TABLE.has(name);
}

/** Every built-in function name, sorted. */
export const BUILTIN_NAMES: readonly string[] = [...TABLE.keys()].sort();
