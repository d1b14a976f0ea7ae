// Potential scale reduction of a (split) chain matrix, posterior's `.rhat`.
import { type DrawMatrix, shouldReturnNaN } from './draws.js';

export function rhatOfMatrix(m: DrawMatrix): number {
  const { nChains, nIter: n, values } = m;
  if (shouldReturnNaN(values)) return NaN;
  const chainMeans = new Float64Array(nChains);
  let withinSum = 0;
  for (let c = 0; c < nChains; c++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[c * n + i];
    const mu = s / n;
    chainMeans[c] = mu;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (values[c * n + i] - mu) ** 2;
    withinSum += ss / (n - 1);
  }
  let grand = 0;
  for (let c = 0; c < nChains; c++) grand += chainMeans[c];
  grand /= nChains;
  let between = 0;
  for (let c = 0; c < nChains; c++) between += (chainMeans[c] - grand) ** 2;
  const varBetween = (n * between) / (nChains - 1);
  const varWithin = withinSum / nChains;
  return Math.sqrt((varBetween / varWithin + n - 1) / n);
}
