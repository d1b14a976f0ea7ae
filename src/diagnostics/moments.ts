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

/** An ascending copy; NaNs sort last, where the order statistics below look for them. */
export function sortedCopy(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(x).sort();
}

function hasNaNSorted(sorted: Float64Array): boolean {
  return sorted.length === 0 || Number.isNaN(sorted[sorted.length - 1]);
}

/**
 * Type 7 quantile of an ascending sample (R's default), computed with R's exact arithmetic
 * ((1 − h)·x[lo] + h·x[hi]) so indicator draws `x <= q` agree with posterior's. NaN if any is NaN.
 */
export function quantileSorted(sorted: Float64Array, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile probability must be in [0, 1], got ${p}`);
  if (hasNaNSorted(sorted)) return NaN;
  const index = 1 + (sorted.length - 1) * p;
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

export function quantileOf(x: ArrayLike<number>, p: number): number {
  return quantileSorted(sortedCopy(x), p);
}

/** R's median of an ascending sample: the middle value or the correctly rounded midpoint of the two. */
export function medianSorted(sorted: Float64Array): number {
  if (hasNaNSorted(sorted)) return NaN;
  const n = sorted.length;
  const half = n >> 1;
  // a/2 + b/2 rounds once, as R's long-double mean of the pair does.
  return n % 2 === 1 ? sorted[half] : sorted[half - 1] / 2 + sorted[half] / 2;
}

export function medianOf(x: ArrayLike<number>): number {
  return medianSorted(sortedCopy(x));
}

/** Median absolute deviation from the median, scaled by 1.4826 to estimate a normal sd (R's mad). */
export function madOf(x: ArrayLike<number>, med = medianOf(x)): number {
  if (Number.isNaN(med)) return NaN;
  const dev = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) dev[i] = Math.abs(x[i] - med);
  return 1.4826 * medianSorted(dev.sort());
}
