// "Did you mean ...?": the closest known name by edit distance.

/** Levenshtein distance with an early exit once it exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur[j] = Math.min(sub, prev[j] + 1, cur[j - 1] + 1);
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin > limit) return limit + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

/**
 * The candidate closest to `name`, if close enough to be a plausible typo: a case-only
 * difference, or within 1 edit for three-letter names, 2 up to eight letters, 3 beyond.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  // One- and two-letter names are too short for edits to mean anything: only case slips count.
  const limit = name.length <= 2 ? 0.5 : name.length <= 3 ? 1 : name.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestD = limit + 1;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    if (c === name) continue;
    const d = c.toLowerCase() === lower ? 0.5 : editDistance(name, c, limit);
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      best = c;
      bestD = d;
    }
  }
  return bestD <= limit ? best : undefined;
}
