// Elementwise transforms of bounded and affine reals (Stan's lb/ub/lub/offset_multiplier
// constrain and free), one scalar at a time. The batched driver (bounded.ts) lifts them over
// containers and chains.
import { RuntimeError, domainError } from '../errors.js';
import { ConstraintError, fmt } from './checks.js';

export type BoundKind = 'lower' | 'upper' | 'lub' | 'affine';

/**
 * One element: writes into `r`
 *   [x, logJ, ∂x/∂u, ∂x/∂a, ∂x/∂b, ∂logJ/∂u, ∂logJ/∂a, ∂logJ/∂b]
 * where `a`, `b` are (lower, upper) for bounds and (offset, multiplier) for affine.
 */
export type BoundKernel = (u: number, a: number, b: number, r: Float64Array) => void;

function identity(u: number, r: Float64Array): void {
  r[0] = u; r[1] = 0; r[2] = 1; r[3] = 0; r[4] = 0; r[5] = 0; r[6] = 0; r[7] = 0;
}

/** x = exp(u) + lb, log|J| = u; identity when lb = -inf. */
export const lowerKernel: BoundKernel = (u, lb, _b, r) => {
  if (lb === -Infinity) return identity(u, r);
  const e = Math.exp(u);
  r[0] = e + lb; r[1] = u; r[2] = e; r[3] = 1; r[4] = 0; r[5] = 1; r[6] = 0; r[7] = 0;
};

/** x = ub - exp(u), log|J| = u; identity when ub = +inf. */
export const upperKernel: BoundKernel = (u, _a, ub, r) => {
  if (ub === Infinity) return identity(u, r);
  const e = Math.exp(u);
  r[0] = ub - e; r[1] = u; r[2] = -e; r[3] = 0; r[4] = 1; r[5] = 1; r[6] = 0; r[7] = 0;
};

/**
 * x = lb + (ub - lb) inv_logit(u), log|J| = log(ub - lb) + log σ(u) + log(1 - σ(u)), as Stan's
 * lub_constrain (including its nudge that keeps x off the bounds for finite u); an infinite
 * bound falls back to the one-sided transform.
 */
export const lubKernel: BoundKernel = (u, lb, ub, r) => {
  if (!(lb < ub)) domainError('lub_constrain', 'lb', lb, `less than ${ub}`);
  if (lb === -Infinity) return upperKernel(u, lb, ub, r);
  if (ub === Infinity) return lowerKernel(u, lb, ub, r);
  const w = ub - lb;
  const t = Math.exp(-Math.abs(u));
  const inv = 1 / (1 + t);
  // s = σ(u) and c = 1 - σ(u), each computed without cancellation.
  let s = u > 0 ? inv : t * inv;
  const c = u > 0 ? t * inv : inv;
  if (u > 0 && s === 1 && u < Infinity) s = 1 - 1e-15;
  if (u <= 0 && s === 0 && u > -Infinity) s = 1e-15;
  r[0] = w * s + lb;
  r[1] = Math.log(w) - Math.abs(u) - 2 * Math.log1p(t);
  r[2] = w * t * inv * inv;
  r[3] = c;
  r[4] = s;
  r[5] = c - s;
  r[6] = -1 / w;
  r[7] = 1 / w;
};

/** x = mu + sigma u, log|J| = log sigma (Stan's offset_multiplier_constrain). */
export const affineKernel: BoundKernel = (u, mu, sigma, r) => {
  if (!Number.isFinite(mu)) domainError('offset_multiplier_constrain', 'offset', mu, 'finite');
  if (!(sigma > 0 && Number.isFinite(sigma))) {
    domainError('offset_multiplier_constrain', 'multiplier', sigma, 'positive finite');
  }
  r[0] = mu + sigma * u; r[1] = Math.log(sigma); r[2] = sigma; r[3] = 1; r[4] = u;
  r[5] = 0; r[6] = 0; r[7] = 1 / sigma;
};

export const kernels: Record<BoundKind, BoundKernel> = {
  lower: lowerKernel,
  upper: upperKernel,
  lub: lubKernel,
  affine: affineKernel,
};

// ---------------------------------------------------------------------------------------
// Inverses. Values on a bound are rejected too: they would map to an infinite unconstrained value.

function strictlyInside(label: string, x: number, where: string): never {
  throw new ConstraintError(
    `'${label}' is ${fmt(x)}, on its bound (${where}): a parameter value must lie strictly inside its support`,
  );
}

export function lowerFree(label: string, x: number, lb: number): number {
  if (lb === -Infinity) return x;
  if (!(x >= lb)) throw new ConstraintError(`'${label}' must be ≥ ${fmt(lb)} (lower=${fmt(lb)}) but is ${fmt(x)}`);
  if (x === lb) strictlyInside(label, x, `lower=${fmt(lb)}`);
  return Math.log(x - lb);
}

export function upperFree(label: string, x: number, ub: number): number {
  if (ub === Infinity) return x;
  if (!(x <= ub)) throw new ConstraintError(`'${label}' must be ≤ ${fmt(ub)} (upper=${fmt(ub)}) but is ${fmt(x)}`);
  if (x === ub) strictlyInside(label, x, `upper=${fmt(ub)}`);
  return Math.log(ub - x);
}

export function lubFree(label: string, x: number, lb: number, ub: number): number {
  if (!(lb < ub)) {
    throw new ConstraintError(`'${label}': lower bound ${fmt(lb)} must be less than upper bound ${fmt(ub)}`);
  }
  if (lb === -Infinity) return upperFree(label, x, ub);
  if (ub === Infinity) return lowerFree(label, x, lb);
  const where = `lower=${fmt(lb)}, upper=${fmt(ub)}`;
  if (!(x >= lb && x <= ub)) {
    throw new ConstraintError(`'${label}' must be in [${fmt(lb)}, ${fmt(ub)}] (${where}) but is ${fmt(x)}`);
  }
  if (x === lb || x === ub) strictlyInside(label, x, where);
  // logit((x - lb) / (ub - lb)) without forming the ratio's complement by subtraction.
  return Math.log(x - lb) - Math.log(ub - x);
}

export function affineFree(label: string, x: number, mu: number, sigma: number): number {
  if (!Number.isFinite(mu)) throw new ConstraintError(`'${label}': offset must be finite but is ${fmt(mu)}`);
  if (!(sigma > 0 && Number.isFinite(sigma))) {
    throw new ConstraintError(`'${label}': multiplier must be positive and finite but is ${fmt(sigma)}`);
  }
  return (x - mu) / sigma;
}

/** Which transform a set of declared bounds selects (Stan forbids mixing bounds with offset/multiplier). */
export function boundKind(name: string, has: { lower: boolean; upper: boolean; offset: boolean; multiplier: boolean }): BoundKind | null {
  const bounded = has.lower || has.upper;
  const affine = has.offset || has.multiplier;
  if (bounded && affine) {
    throw new RuntimeError(`'${name}': lower/upper bounds cannot be combined with offset/multiplier`);
  }
  if (affine) return 'affine';
  if (has.lower && has.upper) return 'lub';
  if (has.lower) return 'lower';
  if (has.upper) return 'upper';
  return null;
}
