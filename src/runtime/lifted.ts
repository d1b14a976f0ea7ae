// Helpers for loops the compiler turned into vector operations (src/lower/vectorize.ts).
import { Tensor, Value } from './tensor.js';
import { mapElementwise, Kernel } from './elementwise.js';
import { RuntimeError } from './errors.js';
import { specs as continuous } from '../../stdlib/impl/continuous.js';
import { specs as discrete } from '../../stdlib/impl/discrete.js';
import { prepare, type UnivariateSpec } from '../../stdlib/impl/univariate.js';
import { add } from './ops.js';

/** A per-iteration local's starting value: `x` repeated for each of `n` iterations. */
export function broadcast(x: Value, n: number): Value {
  return add(x, new Tensor([n], new Float64Array(n), false));
}

/**
 * Per-element log densities (not summed), for densities inside other expressions of a
 * vectorized loop, e.g. `log_mix(theta, normal_lpdf(y[n] | ...), normal_lpdf(y[n] | ...))`.
 */
export function pointwiseDensity(name: string, args: readonly Value[]): Value {
  const family = name.replace(/_(lpdf|lupdf|lpmf|lupmf)$/, '');
  const spec: UnivariateSpec | undefined = continuous[family] ?? discrete[family];
  if (!spec) throw new RuntimeError(`internal: no pointwise form of ${name}`);
  const vals = prepare(name, args, spec.args, spec.relations);
  let lp = mapElementwise(vals, spec.density, name);
  if (spec.constant) {
    const cargs = spec.constant.args.map((k) => vals[k]);
    lp = add(lp, mapElementwise(cargs, spec.constant.kernel, name));
  }
  return lp;
}

/** log(theta * exp(a) + (1 - theta) * exp(b)), elementwise. */
const logMixK: Kernel = (x, d) => {
  const [t, a, b] = [x[0], x[1], x[2]];
  const m = Math.max(a, b);
  const ea = t * Math.exp(a - m), eb = (1 - t) * Math.exp(b - m);
  const s = ea + eb;
  if (d) {
    d[0] = (Math.exp(a - m) - Math.exp(b - m)) / s;
    d[1] = ea / s;
    d[2] = eb / s;
  }
  return m + Math.log(s);
};

export function logMix3(theta: Value, a: Value, b: Value): Value {
  return mapElementwise([theta, a, b], logMixK, 'log_mix');
}

