// Generalized linear model densities: y_i ~ F(α_i + x_i·β, extra params), fused with the
// linear predictor so the whole likelihood is one tape node (no N-sized intermediate).
// Signatures: y real or vector/int array [N]; x matrix [N, K] or row_vector [K] (one row
// shared by all observations); α real or vector [N]; β vector [K]; extras real or [N].
import type { Value } from '../../src/runtime/tensor.js';
import { RuntimeError } from '../../src/runtime/errors.js';
import { Kernel } from '../../src/runtime/elementwise.js';
import { lgamma } from '../../src/runtime/special.js';
import { checkBounded, checkFinite, checkNonnegative, checkPositiveFinite, real } from './dist-checks.js';
import { perChain, shiftInPlace } from './fused.js';
import { kernels as continuous } from './continuous.js';
import { kernels as discrete } from './discrete.js';
import type { Builtin, BuiltinTable } from './types.js';

interface GlmSpec {
  /** Kernel over (y, η, extras...). */
  kernel: Kernel;
  /** Names of the extra parameters, in order. */
  extras: readonly string[];
  checkY: (fn: string, y: Value) => void;
  checkExtras: (fn: string, extras: readonly Value[]) => void;
  /** Data-only terms of y (e.g. -log y! for counts). */
  constant?: (y: number) => number;
}

function lengthOf(x: Value): number | null {
  return typeof x === 'number' || x.shape.length === 0 ? null : x.size;
}

function checkLength(fn: string, name: string, x: Value, n: number): void {
  const m = lengthOf(x);
  if (m !== null && m !== n) throw new RuntimeError(`${fn}: ${name} has size ${m}, but must have size ${n}`);
}

function glm(fn: string, spec: GlmSpec): Builtin {
  const nx = spec.extras.length;
  return (raw) => {
    if (raw.length !== 4 + nx) throw new RuntimeError(`${fn}: expected ${4 + nx} arguments, got ${raw.length}`);
    const args = raw.map((a) => real(a, fn));
    const [y, x, alpha, beta] = args;
    const extras = args.slice(4);
    if (typeof x === 'number' || typeof beta === 'number') throw new RuntimeError(`${fn}: internal: x and beta must be containers`);
    const rowX = x.shape.length === 1;
    const K = beta.size;
    const cols = rowX ? x.size : x.shape[1];
    if (cols !== K) throw new RuntimeError(`${fn}: Columns of independent variables (${cols}) and size of weight vector (${K}) must match in size`);
    const N = rowX ? (lengthOf(y) ?? 1) : x.shape[0];
    checkLength(fn, 'Vector of dependent variables', y, N);
    checkLength(fn, 'Vector of intercepts', alpha, N);
    spec.extras.forEach((name, j) => checkLength(fn, name, extras[j], N));
    spec.checkY(fn, y);
    spec.checkExtras(fn, extras);
    const yVec = lengthOf(y) !== null;
    const aVec = lengthOf(alpha) !== null;
    const eVec = extras.map((e) => lengthOf(e) !== null);
    const xs = new Float64Array(2 + nx);
    const d = new Float64Array(2 + nx);
    const lp = perChain(args, (v, g) => {
      const [yv, xv, av, bv] = v;
      const [gy, gx, ga, gb] = g;
      const grad = g.some((t) => t !== null);
      let total = 0;
      for (let i = 0; i < N; i++) {
        const row = rowX ? 0 : i * K;
        let eta = av[aVec ? i : 0];
        for (let k = 0; k < K; k++) eta += xv[row + k] * bv[k];
        xs[0] = yv[yVec ? i : 0];
        xs[1] = eta;
        for (let j = 0; j < nx; j++) xs[2 + j] = v[4 + j][eVec[j] ? i : 0];
        total += spec.kernel(xs, grad ? d : null);
        if (!grad) continue;
        const de = d[1];
        if (gy) gy[yVec ? i : 0] += d[0];
        if (ga) ga[aVec ? i : 0] += de;
        if (gb) for (let k = 0; k < K; k++) gb[k] += de * xv[row + k];
        if (gx) for (let k = 0; k < K; k++) gx[row + k] += de * bv[k];
        for (let j = 0; j < nx; j++) {
          const ge = g[4 + j];
          if (ge) ge[eVec[j] ? i : 0] += d[2 + j];
        }
      }
      if (!Number.isFinite(total)) {
        // Stan names the offending input when the result is not finite.
        checkFinite(fn, 'Matrix of independent variables', x);
        checkFinite(fn, 'Weight vector', beta);
        checkFinite(fn, 'Intercept', alpha);
      }
      return total;
    });
    if (!spec.constant) return lp;
    let k = 0;
    const yv = typeof y === 'number' ? Float64Array.of(y) : y.val;
    for (let i = 0; i < N; i++) k += spec.constant(yv[yVec ? i : 0]);
    return shiftInPlace(lp, k);
  };
}

const logFactorial = (y: number) => -lgamma(y + 1);

const specs: Record<string, GlmSpec> = {
  normal_id_glm: {
    kernel: continuous.normal,
    extras: ['Scale vector'],
    checkY: (fn, y) => checkFinite(fn, 'Vector of dependent variables', y),
    checkExtras: (fn, e) => checkPositiveFinite(fn, 'Scale vector', e[0]),
  },
  bernoulli_logit_glm: {
    kernel: discrete.bernoulliLogit,
    extras: [],
    checkY: (fn, y) => checkBounded(fn, 'Vector of dependent variables', y, 0, 1),
    checkExtras: () => undefined,
  },
  poisson_log_glm: {
    kernel: discrete.poissonLog,
    extras: [],
    checkY: (fn, y) => checkNonnegative(fn, 'Vector of dependent variables', y),
    checkExtras: () => undefined,
    constant: logFactorial,
  },
  neg_binomial_2_log_glm: {
    kernel: discrete.negBinomial2Log,
    extras: ['Precision parameter'],
    checkY: (fn, y) => checkNonnegative(fn, 'Failures variables', y),
    checkExtras: (fn, e) => checkPositiveFinite(fn, 'Precision parameter', e[0]),
    constant: logFactorial,
  },
};

export const table: BuiltinTable = {};
// `_lupdf`/`_lupmf` is the same function: hstan keeps every constant term in both.
for (const [family, spec] of Object.entries(specs)) {
  const suffix = family === 'normal_id_glm' ? 'pdf' : 'pmf';
  table[`${family}_l${suffix}`] = glm(`${family}_l${suffix}`, spec);
  table[`${family}_lu${suffix}`] = glm(`${family}_lu${suffix}`, spec);
}
