// All built-in implementations, joined by Stan name. Each family module exports `table: BuiltinTable`.
import type { Builtin, BuiltinTable } from './types.js';
import { table as math } from './math.js';
import { table as matrix } from './matrix.js';
import { table as array } from './array.js';
import { table as continuous } from './continuous.js';
import { table as discrete } from './discrete.js';
import { table as categorical } from './categorical.js';
import { table as glm } from './glm.js';
import { table as multivariate } from './multivariate.js';
import { table as rng } from './rng.js';
import { table as rngMultivariate } from './rng-multivariate.js';

// One import per family module, listed here (edit: add your family's import and entry).
const families: BuiltinTable[] = [math, matrix, array, continuous, discrete, categorical, glm, multivariate, rng, rngMultivariate];

const byName = new Map<string, Builtin>();
for (const f of families) for (const [name, fn] of Object.entries(f)) byName.set(name, fn);

export function builtin(name: string): Builtin | undefined {
  return byName.get(name);
}

export function builtinNames(): string[] {
  return [...byName.keys()].sort();
}
