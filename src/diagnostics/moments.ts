// Pooled (all chains together) summaries of a flat sample, matching R's mean/sd/median/mad/quantile.

/** Arithmetic mean, with R's second refinement pass to cancel rounding error. */
export function meanOf(x: ArrayLike<number>): number {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const m = s / n;
  if (!Number.isFinite(m)) return m;
  let t = 0;
  for (let i = 0; i < n; i++) t += x[i] - m;
  return m + t / n;
}

/** Sample variance (denominator n − 1); NaN for fewer than two values, like R's var. */
export function varianceOf(x: ArrayLike<number>, center = meanOf(x)): number {
  const n = x.length;
  if (n < 2) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - center;
    s += d * d;
  }
  return s / (n - 1);
}

export function sdOf(x: ArrayLike<number>): number {
  return Math.sqrt(varianceOf(x));
}

/** An ascending copy; NaN makes every order statistic NaN, so callers check first. */
export function sortedCopy(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(x).sort();
}

function hasNaN(x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i])) return true;
  return false;
}

/**
 * Type 7 quantile of an ascending sample, computed with R's exact arithmetic
 * ((1 − h)·x[lo] + h·x[hi]) so indicator draws `x <= q` agree with posterior's.
 */
export function quantileSorted(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const index = 1 + (n - 1) * p;
  const lo = Math.floor(index);
  const hi = Math.ceil(index);
  const qs = sorted[lo - 1];
  const xHi = sorted[hi - 1];
  if (index > lo && xHi !== qs) {
    const h = index - lo;
    return (1 - h) * qs + h * xHi;
  }
  return qs;
}

/** Type 7 quantile (R's default); NaN if any value is NaN. */
export function quantileOf(x: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile probability must be in [0, 1], got ${p}`);
  if (hasNaN(x)) return NaN;
  return quantileSorted(sortedCopy(x), p);
}

/** R's median: the middle value, or the correctly rounded midpoint of the two middle values. */
export function medianOf(x: ArrayLike<number>): number {
  if (x.length === 0 || hasNaN(x)) return NaN;
  const s = sortedCopy(x);
  const n = s.length;
  const half = n >> 1;
  // a/2 + b/2 rounds once, as R's long-double mean of the pair does.
  return n % 2 === 1 ? s[half] : s[half - 1] / 2 + s[half] / 2;
}

/** Median absolute deviation scaled by 1.4826 to estimate a normal sd (R's mad). */
export function madOf(x: ArrayLike<number>): number {
  const med = medianOf(x);
  if (Number.isNaN(med)) return NaN;
  const dev = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) dev[i] = Math.abs(x[i] - med);
  return 1.4826 * medianOf(dev);
}
