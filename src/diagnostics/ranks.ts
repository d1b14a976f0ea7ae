// Rank normalization (Vehtari et al. 2021): pooled average ranks mapped through the normal
// quantile with Blom's offset c = 3/8, as posterior's z_scale does.
import { normalQuantile } from './normal-quantile.js';

/** 1-based ranks with ties given their average rank (R's rank(ties.method = 'average')). */
export function averageRanks(x: Float64Array): Float64Array {
  const n = x.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => x[a] - x[b]);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && x[order[j]] === x[order[i]]) j++;
    const r = (i + 1 + j) / 2; // mean of ranks i+1 .. j
    for (let k = i; k < j; k++) ranks[order[k]] = r;
    i = j;
  }
  return ranks;
}

/** z_scale: qnorm((rank − 3/8) / (S + 1/4)); callers screen out non-finite values first. */
export function zScale(x: Float64Array): Float64Array {
  const s = x.length;
  const ranks = averageRanks(x);
  const denom = s - 2 * 0.375 + 1;
  for (let i = 0; i < s; i++) ranks[i] = normalQuantile((ranks[i] - 0.375) / denom);
  return ranks;
}
