// The shrinkage figure as SVG: on the left each group's no-pooling estimate joined to its
// partial-pooling estimate (point area by group size) with the population mean as a line; on the
// right the three variants' 90% intervals side by side for every group, on the same y scale.
//
// Written by hand: the figure is a few dozen lines, circles and labels. Plotting libraries on npm
// either need a DOM in Node (d3 + jsdom) or a headless browser (vega's SVG export pulls in
// canvas), which would be a heavy dependency for one static picture.
import type { GroupEstimate, PoolingComparison } from './compare.js';

export const COLORS = { none: '#d95f02', partial: '#1b9e77', complete: '#7570b3', population: '#444444' } as const;

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  return out;
}

function num(x: number): string {
  return Number(x.toFixed(1)).toString();
}

function tickLabel(t: number): string {
  return Number(t.toPrecision(6)).toString();
}

export interface PlotOptions {
  /** Label groups on the left panel when there are at most this many (default 24). */
  maxLabels?: number;
}

/** The figure for a comparison, as a standalone SVG document. */
export function shrinkagePlotSvg(c: PoolingComparison, options: PlotOptions = {}): string {
  const J = c.groups.length;
  const maxLabels = options.maxLabels ?? 24;
  const slot = Math.max(9, Math.min(36, 640 / J)); // width per group in the interval panel
  const margin = { top: 104, bottom: 58, left: 64 };
  const leftW = 250; // shrinkage panel
  const gap = 70;
  const rightW = slot * J;
  const plotH = 380;
  const width = Math.ceil(Math.max(margin.left + leftW + gap + rightW + 30, 760));
  const height = margin.top + plotH + margin.bottom;

  // One y scale for both panels, covering every interval.
  const values = c.groups.flatMap((g) => [g.none.q5, g.none.q95, g.partial.q5, g.partial.q95, g.complete.q5, g.complete.q95, g.none.mean]);
  const pop = c.population.find((p) => p.role === 'mean' || p.role === 'location');
  if (pop) values.push(pop.mean);
  let lo = Math.min(...values.filter(Number.isFinite));
  let hi = Math.max(...values.filter(Number.isFinite));
  if (!(hi > lo)) (lo -= 1), (hi += 1);
  const pad = 0.04 * (hi - lo);
  const ticks = niceTicks(lo - pad, hi + pad);
  const y0 = Math.min(lo - pad, ticks[0]);
  const y1 = Math.max(hi + pad, ticks[ticks.length - 1]);
  const y = (v: number) => margin.top + plotH - ((v - y0) / (y1 - y0)) * plotH;

  // Point area proportional to group size (or, without sizes, to the no-pooling precision).
  const weight = (g: GroupEstimate) => g.size ?? 1 / (g.none.sd * g.none.sd);
  const weights = c.groups.map(weight);
  const wMax = Math.max(...weights);
  const radius = (w: number) => 2.5 + 7.5 * Math.sqrt(w / wMax);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12">`,
    `<title>Shrinkage of ${esc(c.param)} in ${esc(c.model)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${margin.left}" y="24" font-size="16" font-weight="600">Pooling of ${esc(c.param)} in ${esc(c.model)} (${J} groups)</text>`,
  );

  // Legend: the variants' colours, then the two reference lines, then what sizes and bars mean.
  let lx = margin.left;
  for (const [color, label] of [[COLORS.none, 'no pooling'], [COLORS.partial, 'partial pooling'], [COLORS.complete, 'complete pooling']]) {
    out.push(`<circle cx="${lx + 5}" cy="44" r="5" fill="${color}"/><text x="${lx + 15}" y="48">${label}</text>`);
    lx += 30 + label.length * 6.6;
  }
  lx = margin.left;
  if (pop) {
    out.push(`<line x1="${lx}" x2="${lx + 22}" y1="62" y2="62" stroke="${COLORS.population}" stroke-width="1.5"/>`);
    const text = `${pop.label} (${pop.expression}), partial pooling`;
    out.push(`<text x="${lx + 28}" y="66">${esc(text)}</text>`);
    lx += 28 + text.length * 6.4 + 24; // ~6.4 px per character at 12 px
  }
  out.push(`<line x1="${lx}" x2="${lx + 22}" y1="62" y2="62" stroke="${COLORS.complete}" stroke-width="1.5" stroke-dasharray="5 3"/>`);
  out.push(`<text x="${lx + 28}" y="66">complete-pooling estimate</text>`);
  const sizeNote = c.groups.every((g) => g.size !== undefined)
    ? `point area ∝ ${c.sizeLabel ?? 'group size'}`
    : 'point area ∝ precision of the no-pooling estimate (1/sd²)';
  out.push(`<text x="${margin.left}" y="86" fill="#555">${esc(sizeNote)}; bars are central 90% intervals</text>`);

  // Axes and grid, shared.
  const xA = margin.left;
  const xB = margin.left + leftW + gap;
  for (const t of ticks) {
    const ty = y(t).toFixed(1);
    out.push(`<line x1="${xA}" x2="${xA + leftW}" y1="${ty}" y2="${ty}" stroke="#eee"/>`);
    out.push(`<line x1="${xB}" x2="${xB + rightW}" y1="${ty}" y2="${ty}" stroke="#eee"/>`);
    out.push(`<text x="${xA - 8}" y="${ty}" dy="4" text-anchor="end">${tickLabel(t)}</text>`);
    out.push(`<text x="${xB - 8}" y="${ty}" dy="4" text-anchor="end">${tickLabel(t)}</text>`);
  }
  out.push(`<line x1="${xA}" x2="${xA}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#888"/>`);
  out.push(`<line x1="${xB}" x2="${xB}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#888"/>`);
  out.push(
    `<text transform="translate(16 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">estimate of ${esc(c.param)}[j]</text>`,
  );

  // Left panel: shrinkage lines from no pooling to partial pooling.
  const xNone = xA + 60;
  const xPartial = xA + leftW - 60;
  const complete = c.groups[0]?.complete.mean;
  if (pop) out.push(`<line x1="${xA}" x2="${xA + leftW}" y1="${num(y(pop.mean))}" y2="${num(y(pop.mean))}" stroke="${COLORS.population}" stroke-width="1.5"/>`);
  if (complete !== undefined && c.groups.every((g) => g.complete.mean === complete)) {
    out.push(`<line x1="${xA}" x2="${xA + leftW}" y1="${num(y(complete))}" y2="${num(y(complete))}" stroke="${COLORS.complete}" stroke-width="1.5" stroke-dasharray="5 3"/>`);
  }
  // Small groups last, so they are drawn on top of big ones.
  const order = c.groups.map((_, i) => i).sort((a, b) => weights[b] - weights[a]);
  for (const i of order) {
    const g = c.groups[i];
    out.push(`<line x1="${xNone}" x2="${xPartial}" y1="${num(y(g.none.mean))}" y2="${num(y(g.partial.mean))}" stroke="#999" stroke-opacity="0.8"/>`);
  }
  for (const i of order) {
    const g = c.groups[i];
    const r = radius(weights[i]).toFixed(1);
    out.push(`<circle cx="${xNone}" cy="${num(y(g.none.mean))}" r="${r}" fill="${COLORS.none}" fill-opacity="0.75" stroke="white" stroke-width="0.7"><title>${esc(g.name)}: no pooling ${g.none.mean.toPrecision(3)}</title></circle>`);
    out.push(`<circle cx="${xPartial}" cy="${num(y(g.partial.mean))}" r="${r}" fill="${COLORS.partial}" fill-opacity="0.75" stroke="white" stroke-width="0.7"><title>${esc(g.name)}: partial pooling ${g.partial.mean.toPrecision(3)}</title></circle>`);
  }
  if (J <= maxLabels) {
    // Group numbers left of the no-pooling points; groups closer than a line apart share a label.
    const byY = c.groups.map((g, i) => ({ i, py: y(g.none.mean) })).sort((a, b) => a.py - b.py);
    const clusters: Array<{ py: number; ids: number[] }> = [];
    for (const { i, py } of byY) {
      const last = clusters[clusters.length - 1];
      if (last && py - last.py < 12) last.ids.push(i + 1);
      else clusters.push({ py, ids: [i + 1] });
    }
    for (const { py, ids } of clusters) {
      out.push(`<text x="${xNone - 14}" y="${num(py)}" dy="4" text-anchor="end" fill="#333">${ids.join(', ')}</text>`);
    }
  }
  const axisY = margin.top + plotH + 20;
  out.push(`<text x="${xNone}" y="${axisY}" text-anchor="middle">no pooling</text>`);
  out.push(`<text x="${xPartial}" y="${axisY}" text-anchor="middle">partial pooling</text>`);

  // Right panel: the three variants' intervals per group, groups ordered by no-pooling estimate.
  const sorted = c.groups.map((g, i) => ({ g, i })).sort((a, b) => a.g.none.mean - b.g.none.mean);
  const off = Math.min(slot / 4, 7);
  const thick = Math.max(1.2, Math.min(2.5, slot / 10));
  if (pop) out.push(`<line x1="${xB}" x2="${xB + rightW}" y1="${num(y(pop.mean))}" y2="${num(y(pop.mean))}" stroke="${COLORS.population}" stroke-width="1"/>`);
  sorted.forEach(({ g, i }, k) => {
    const cx = xB + slot * (k + 0.5);
    const parts: Array<[keyof typeof COLORS, GroupEstimate['none'], number]> = [
      ['none', g.none, cx - off],
      ['partial', g.partial, cx],
      ['complete', g.complete, cx + off],
    ];
    for (const [kind, e, px] of parts) {
      out.push(`<line x1="${num(px)}" x2="${num(px)}" y1="${num(y(e.q5))}" y2="${num(y(e.q95))}" stroke="${COLORS[kind]}" stroke-width="${thick}"/>`);
      out.push(`<circle cx="${num(px)}" cy="${num(y(e.mean))}" r="${Math.max(1.8, thick * 1.1).toFixed(1)}" fill="${COLORS[kind]}"><title>${esc(g.name)} ${kind}: ${e.mean.toPrecision(3)} [${e.q5.toPrecision(3)}, ${e.q95.toPrecision(3)}]</title></circle>`);
    }
    if (J <= 40 || k % Math.ceil(J / 40) === 0) {
      out.push(`<text x="${num(cx)}" y="${margin.top + plotH + 16}" text-anchor="middle" font-size="${J > 20 ? 9 : 11}">${i + 1}</text>`);
    }
  });
  out.push(`<text x="${xB + rightW / 2}" y="${margin.top + plotH + 38}" text-anchor="middle">group (ordered by no-pooling estimate)</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
