// Rank normalization (Vehtari et al. 2021): pooled average ranks mapped through the normal
// quantile with Blom's offset c = 3/8, as posterior's z_scale does.
import { normalQuantile } from './normal-quantile.js';

const RUN = 16;

/**
 * Indices that sort `x` ascending: insertion-sorted runs merged bottom-up. Several times faster
 * than Uint32Array.sort with a comparator, which calls back into JavaScript for every comparison.
 */
export function argsort(x: Float64Array): Uint32Array {
  const n = x.length;
  let idx = new Uint32Array(n);
  let tmp = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n);
    for (let i = lo + 1; i < hi; i++) {
      const v = idx[i];
      const xv = x[v];
      let j = i - 1;
      while (j >= lo && x[idx[j]] > xv) {
        idx[j + 1] = idx[j];
        j--;
      }
      idx[j + 1] = v;
    }
  }
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let a = lo;
      let b = mid;
      let o = lo;
      while (a < mid && b < hi) tmp[o++] = x[idx[b]] < x[idx[a]] ? idx[b++] : idx[a++];
      while (a < mid) tmp[o++] = idx[a++];
      while (b < hi) tmp[o++] = idx[b++];
    }
    const swap = idx;
    idx = tmp;
    tmp = swap;
  }
  return idx;
}

/** 1-based ranks with ties given their average rank (R's rank(ties.method = 'average')). */
export function averageRanks(x: Float64Array): Float64Array {
  const n = x.length;
  const order = argsort(x);
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

// The z of each whole rank depends only on S: one table per draw count, shared by every
// variable of a summary (the quantile function dominated summaries of models with many variables).
const zTables = new Map<number, Float64Array>();

function zTable(s: number): Float64Array {
  let t = zTables.get(s);
  if (t === undefined) {
    const denom = s - 2 * 0.375 + 1;
    t = new Float64Array(s);
    for (let r = 1; r <= s; r++) t[r - 1] = normalQuantile((r - 0.375) / denom);
    if (zTables.size > 8) zTables.clear();
    zTables.set(s, t);
  }
  return t;
}

/** z_scale: qnorm((rank − 3/8) / (S + 1/4)); callers screen out non-finite values first. */
export function zScale(x: Float64Array): Float64Array {
  const s = x.length;
  const ranks = averageRanks(x);
  const denom = s - 2 * 0.375 + 1;
  const table = zTable(s);
  for (let i = 0; i < s; i++) {
    const r = ranks[i];
    // Tied values share an average rank, which may fall between whole ranks.
    ranks[i] = Number.isInteger(r) ? table[r - 1] : normalQuantile((r - 0.375) / denom);
  }
  return ranks;
}
