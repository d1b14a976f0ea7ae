// The scalar backend's namespace, reached from generated code as `$.S`: one chain at a time,
// reverse mode on a flat tape (tape.ts), data in the batched runtime's forms (values.ts).
import { builtin } from '../../../stdlib/impl/index.js';
import type { WithScalarForm } from '../../../stdlib/impl/types.js';
import type { Kernel } from '../elementwise.js';
import { checkConsistentSizes } from '../../../stdlib/impl/dist-checks.js';
import type { DensitySpec } from './ops.js';

export { T, ScalarTape } from './tape.js';
export * from './values.js';
export * from './ops.js';
export { param } from './params.js';

function formOf(name: string) {
  return (builtin(name) as WithScalarForm | undefined)?.scalar;
}

/** The element kernel of an element-wise built-in, or undefined. */
export function kernelOf(name: string): Kernel | undefined {
  return formOf(name)?.kernel;
}

/** The density spec of a univariate `_lpdf`/`_lpmf`/`_lcdf`/`_lccdf` built-in, or undefined. */
export function densityOf(name: string): DensitySpec | undefined {
  const d = formOf(name)?.density;
  return d ? { ...d, checkSizes: checkConsistentSizes } : undefined;
}

import { compileDensity as compile, CompiledDensity } from './density.js';
/** The compiled all-scalar forms of a univariate density (see density.ts). */
export function scalarDensityOf(name: string): CompiledDensity | undefined {
  const spec = densityOf(name);
  return spec ? compile(spec, name) : undefined;
}
export { compiledMap, compiledDensity } from './compiled.js';
