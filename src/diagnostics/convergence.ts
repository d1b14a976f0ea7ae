// Convergence diagnostics of one scalar quantity, matching R posterior 1.4 (Vehtari, Gelman,
// Simpson, Carpenter, Bürkner 2021). The public functions take draws[chain][iteration]; the
// `...OfMatrix` forms take a validated matrix and its sorted values so `summarize` sorts once.
import { type DrawMatrix, type Draws, shouldReturnNaN, splitChains, toMatrix, withValues } from './draws.js';
import { essOfMatrix } from './ess-core.js';
import { madOf, meanOf, medianSorted, quantileSorted, sdOf, sortedCopy } from './moments.js';
import { zScale } from './ranks.js';
import { rhatOfMatrix } from './rhat-core.js';

function mapValues(m: DrawMatrix, f: (v: number) => number): DrawMatrix {
  const out = new Float64Array(m.values.length);
  for (let i = 0; i < out.length; i++) out[i] = f(m.values[i]);
  return withValues(m, out);
}

/**
 * |x − median|: the folded draws whose R-hat detects differing scales between chains. Plain
 * floating-point |x − m| as R computes it: with an even number of draws the two middle values tie
 * only when their midpoint is representable, and matching R means keeping that quirk.
 */
function folded(m: DrawMatrix, sorted: Float64Array): DrawMatrix {
  const med = medianSorted(sorted);
  return mapValues(m, (v) => Math.abs(v - med));
}

function rankNormalizedSplit(m: DrawMatrix): DrawMatrix {
  const split = splitChains(m);
  return withValues(split, zScale(split.values));
}

/** NaN-propagating max / min, like R's max/min with NA. */
function maxNaN(a: number, b: number): number {
  return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b);
}
function minNaN(a: number, b: number): number {
  return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b);
}

export function rhatOfSorted(m: DrawMatrix, sorted: Float64Array): number {
  if (shouldReturnNaN(m.values)) return NaN;
  const bulk = rhatOfMatrix(rankNormalizedSplit(m));
  const tail = rhatOfMatrix(rankNormalizedSplit(folded(m, sorted)));
  return maxNaN(bulk, tail);
}

export function essBulkOfMatrix(m: DrawMatrix): number {
  if (shouldReturnNaN(m.values)) return NaN;
  return essOfMatrix(rankNormalizedSplit(m));
}

export function essQuantileOfSorted(m: DrawMatrix, sorted: Float64Array, prob: number): number {
  if (!(prob >= 0 && prob <= 1)) throw new RangeError(`quantile probability must be in [0, 1], got ${prob}`);
  if (shouldReturnNaN(m.values)) return NaN;
  const total = m.values.length;
  const p = prob === 1 ? (total - 0.5) / total : prob;
  const q = quantileSorted(sorted, p);
  return essOfMatrix(splitChains(mapValues(m, (v) => (v <= q ? 1 : 0))));
}

export function essTailOfSorted(m: DrawMatrix, sorted: Float64Array): number {
  return minNaN(essQuantileOfSorted(m, sorted, 0.05), essQuantileOfSorted(m, sorted, 0.95));
}

export function mcseMeanOfMatrix(m: DrawMatrix): number {
  return sdOf(m.values) / Math.sqrt(essOfMatrix(splitChains(m)));
}

export function mcseSdOfMatrix(m: DrawMatrix): number {
  const mu = meanOf(m.values);
  const sq = mapValues(m, (v) => (v - mu) ** 2);
  const ess = essOfMatrix(splitChains(sq));
  const eVar = meanOf(sq.values);
  let m4 = 0;
  for (let i = 0; i < sq.values.length; i++) m4 += sq.values[i] ** 2;
  m4 /= sq.values.length;
  const varVar = (m4 - eVar * eVar) / ess;
  return Math.sqrt(varVar / eVar / 4);
}

/** Rank-normalized split R-hat: the larger of the bulk and folded (tail) versions (posterior::rhat). */
export function rhat(draws: Draws): number {
  const m = toMatrix(draws);
  return rhatOfSorted(m, sortedCopy(m.values));
}

/** Split R-hat of the raw draws (posterior::rhat_basic). */
export function rhatBasic(draws: Draws): number {
  return rhatOfMatrix(splitChains(toMatrix(draws)));
}

/** ESS of the rank-normalized split chains (posterior::ess_bulk). */
export function essBulk(draws: Draws): number {
  return essBulkOfMatrix(toMatrix(draws));
}

/** ESS of the `prob` quantile's estimate: ESS of the indicator x ≤ q (posterior::ess_quantile). */
export function essQuantile(draws: Draws, prob: number): number {
  const m = toMatrix(draws);
  return essQuantileOfSorted(m, sortedCopy(m.values), prob);
}

/** The smaller of the 5% and 95% quantile ESS (posterior::ess_tail). */
export function essTail(draws: Draws): number {
  const m = toMatrix(draws);
  return essTailOfSorted(m, sortedCopy(m.values));
}

/** Split-chain ESS of the raw draws (posterior::ess_basic). */
export function essBasic(draws: Draws): number {
  return essOfMatrix(splitChains(toMatrix(draws)));
}

/** ESS for the mean (posterior::ess_mean): the same estimator as ess_basic. */
export function essMean(draws: Draws): number {
  return essBasic(draws);
}

/** ESS for the standard deviation: ESS of |x − mean| (posterior::ess_sd). */
export function essSd(draws: Draws): number {
  const m = toMatrix(draws);
  const mu = meanOf(m.values);
  return essOfMatrix(splitChains(mapValues(m, (v) => Math.abs(v - mu))));
}

/** Monte Carlo standard error of the mean: sd / sqrt(ess_mean) (posterior::mcse_mean). */
export function mcseMean(draws: Draws): number {
  return mcseMeanOfMatrix(toMatrix(draws));
}

/**
 * Monte Carlo standard error of the sd without assuming normality: the variance of the variance
 * estimate by Kenney and Keeping (1951, p. 141) with the ESS of the squared centred draws,
 * carried to the sd by a first-order Taylor expansion (posterior::mcse_sd).
 */
export function mcseSd(draws: Draws): number {
  return mcseSdOfMatrix(toMatrix(draws));
}

/** Type 7 quantile (R's default) of all chains pooled. */
export function quantile(draws: Draws, p: number): number {
  return quantileSorted(sortedCopy(toMatrix(draws).values), p);
}

export function mean(draws: Draws): number {
  return meanOf(toMatrix(draws).values);
}

/** Standard deviation of all chains pooled (denominator n − 1). */
export function sd(draws: Draws): number {
  return sdOf(toMatrix(draws).values);
}

/** Median of all chains pooled. */
export function median(draws: Draws): number {
  return medianSorted(sortedCopy(toMatrix(draws).values));
}

/** Median absolute deviation from the median, times 1.4826 (R's mad), of all chains pooled. */
export function mad(draws: Draws): number {
  const values = toMatrix(draws).values;
  return madOf(values, medianSorted(sortedCopy(values)));
}
