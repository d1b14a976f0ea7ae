// Turns the scalar kernel of a univariate distribution into its Stan built-ins: `_lpdf` and
// `_lupdf` (or `_lpmf`/`_lupmf`), and `_lcdf`, `_lccdf`, `_cdf` when the family has a cdf.
// Every call is one fused tape node over all broadcast elements and chains.
//
// `_lupdf` is the same function as `_lpdf`: hstan keeps every constant term in both, so a
// model's log density is the full normalized one (Stan drops constants under `~`/_lupdf;
// only differences between points and gradients are comparable with Stan's propto value).
import { Value, isBatched } from '../../src/runtime/tensor.js';
import { Kernel, broadcastLength, mapElementwise, sumElementwise } from '../../src/runtime/elementwise.js';
import { shiftInPlace } from './fused.js';
import { RuntimeError } from '../../src/runtime/errors.js';
import { checkConsistentSizes, real } from './dist-checks.js';
import type { Builtin, BuiltinTable, RuntimeValue } from './types.js';
import { withScalarForm } from './types.js';

/** A domain check of one argument: `(fn, argument name, value)`, throws Stan's message. */
export type Check = (fn: string, name: string, x: Value) => void;

export interface ArgSpec {
  /** The name Stan prints: "Random variable", "Location parameter", ... */
  name: string;
  checks: readonly Check[];
}

/**
 * A cdf kernel: returns log F(y | θ) (upper = false) or log(1 - F(y | θ)) (upper = true), and
 * writes the partials of that log into `d` when given. Both tails are computed directly so
 * neither loses precision to `1 - F`.
 */
export type CdfKernel = (x: Float64Array, d: Float64Array | null, upper: boolean) => number;

export interface UnivariateSpec {
  args: readonly ArgSpec[];
  density: Kernel;
  cdf?: CdfKernel;
  /** Argument checks of the cdfs when they differ from the density's. */
  cdfArgs?: readonly ArgSpec[];
  /** Checks between arguments (e.g. uniform's bounds in order), after the per-argument ones. */
  relations?: (fn: string, vals: readonly Value[]) => void;
  /** The arguments `relations` reads (all when absent): the scalar backend snapshots only these. */
  relationArgs?: readonly number[];
  /**
   * Density terms that depend only on integer data (e.g. binomial's log choose(N, n)):
   * summed once per call instead of once per chain inside the kernel.
   */
  constant?: { args: readonly number[]; kernel: Kernel };
}

type Relations = UnivariateSpec['relations'];

/** Arguments as reals, checked one by one, for consistent sizes and against each other — Stan's order. */
export function prepare(fn: string, args: readonly RuntimeValue[], specs: readonly ArgSpec[], relations: Relations): Value[] {
  if (args.length !== specs.length) {
    throw new RuntimeError(`${fn}: expected ${specs.length} arguments, got ${args.length}`);
  }
  const vals = args.map((a) => real(a, fn));
  for (let i = 0; i < specs.length; i++) for (const check of specs[i].checks) check(fn, specs[i].name, vals[i]);
  checkConsistentSizes(fn, specs.map((s, i) => [s.name, vals[i]] as const));
  if (relations) relations(fn, vals);
  return vals;
}

/** The summed log density `fn(args)` as one fused node. */
function densityBuiltin(
  fn: string,
  specs: readonly ArgSpec[],
  kernel: Kernel,
  relations?: Relations,
  constant?: UnivariateSpec['constant'],
  relationArgs?: readonly number[],
): Builtin {
  const form = { density: { args: specs, kernel, relations, relationArgs, constant } };
  if (!constant) return withScalarForm((args) => sumElementwise(prepare(fn, args, specs, relations), kernel, fn), form);
  return withScalarForm((args) => {
    const vals = prepare(fn, args, specs, relations);
    const v = sumElementwise(vals, kernel, fn);
    const sub = constant.args.map((i) => vals[i]);
    if (sub.some(isBatched)) throw new RuntimeError(`${fn}: internal: integer argument depends on parameters`);
    // The data-only terms broadcast over all elements: scale when they were all scalars.
    const n = broadcastLength(vals, fn);
    if (n === 0) return v;
    const k = (sumElementwise(sub, constant.kernel, fn) as number) * (n / broadcastLength(sub, fn));
    return shiftInPlace(v, k);
  }, form);
}

const expK: Kernel = (x, d) => {
  const e = Math.exp(x[0]);
  if (d) d[0] = e;
  return e;
};

/** Add the built-ins of one family to `table`; `discrete` picks the `_lpmf` spelling. */
export function addUnivariate(table: BuiltinTable, family: string, spec: UnivariateSpec, discrete = false): void {
  const suffix = discrete ? 'pmf' : 'pdf';
  const lp = `${family}_l${suffix}`;
  const rel = spec.relations;
  table[lp] = densityBuiltin(lp, spec.args, spec.density, rel, spec.constant, spec.relationArgs);
  table[`${family}_lu${suffix}`] = densityBuiltin(`${family}_lu${suffix}`, spec.args, spec.density, rel, spec.constant, spec.relationArgs);
  const cdf = spec.cdf;
  if (!cdf) return;
  const cargs = spec.cdfArgs ?? spec.args;
  const lower: Kernel = (x, d) => cdf(x, d, false);
  const upper: Kernel = (x, d) => cdf(x, d, true);
  table[`${family}_lcdf`] = densityBuiltin(`${family}_lcdf`, cargs, lower, rel, undefined, spec.relationArgs);
  table[`${family}_lccdf`] = densityBuiltin(`${family}_lccdf`, cargs, upper, rel, undefined, spec.relationArgs);
  const name = `${family}_cdf`;
  // Stan's _cdf is the product of the elementwise cdfs: exp of the summed log cdf.
  table[name] = (args) => {
    const s = sumElementwise(prepare(name, args, cargs, rel), lower, name);
    return typeof s === 'number' ? Math.exp(s) : mapElementwise([s], expK, name);
  };
}

/** Set every partial to zero and return log(0): y outside the support. */
export function logZero(d: Float64Array | null): number {
  if (d) d.fill(0);
  return -Infinity;
}

/** Set every partial to zero and return log(1) = 0 (a cdf that is exactly 1). */
export function logOne(d: Float64Array | null): number {
  if (d) d.fill(0);
  return 0;
}
