// The self-contained HTML report (figure, tables, the variant programs) and writing the outputs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../output/atomic.js';
import { formatSig } from '../diagnostics/index.js';
import { POOLING_LABELS, type PoolingComparison, type PoolingKind } from './compare.js';
import { COLORS, shrinkagePlotSvg } from './plot.js';
import { formatShrinkage } from './table.js';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const f = (x: number) => (Number.isFinite(x) ? formatSig(x, 3) : '—');

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px; color: #222; max-width: 1400px; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
.figure { overflow-x: auto; border: 1px solid #ddd; padding: 8px; display: inline-block; max-width: 100%; }
table { border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 10px; text-align: right; border-bottom: 1px solid #eee; }
th:first-child, td:first-child { text-align: left; }
th { border-bottom: 1px solid #999; }
pre { background: #f6f6f6; padding: 10px; font-size: 12px; overflow-x: auto; }
.note { color: #555; font-size: 13px; }
.warn { color: #a33; }
`;

export function poolingReportHtml(c: PoolingComparison, svg = shrinkagePlotSvg(c)): string {
  const hasSize = c.groups.some((g) => g.size !== undefined);
  const swatch = (k: PoolingKind) => `<span style="color:${COLORS[k]}">●</span> ${POOLING_LABELS[k]}`;
  const groupRows = c.groups
    .map(
      (g) =>
        `<tr><td>${esc(g.name)}</td>${hasSize ? `<td>${g.size ?? ''}</td>` : ''}<td>${f(g.none.mean)}</td><td>${f(g.partial.mean)}</td>` +
        `<td>[${f(g.partial.q5)}, ${f(g.partial.q95)}]</td><td>${f(g.complete.mean)}</td><td>${formatShrinkage(g)}</td></tr>`,
    )
    .join('\n');
  const popRows = c.population
    .map((p) => `<tr><td>${esc(p.label)} (<code>${esc(p.expression)}</code>)</td><td>${f(p.mean)}</td><td>${f(p.sd)}</td><td>${f(p.q5)}</td><td>${f(p.q95)}</td></tr>`)
    .join('\n');
  const fits = (['none', 'partial', 'complete'] as const)
    .map((k) => {
      const v = c.variants[k];
      const origin = v.origin === 'derived' ? 'derived by hstan' : v.origin === 'given' ? `given as ${esc(v.filename)}` : `${esc(v.filename)} as written`;
      const warn = v.divergences > 0 || v.maxRhat > 1.01
        ? ` <span class="warn">(${v.divergences} divergent transition${v.divergences === 1 ? '' : 's'}, max R-hat ${v.maxRhat.toFixed(2)}: estimates may be biased; ${esc(v.advice ?? '')})</span>`
        : '';
      const notes = v.notes.length ? `<ul class="note">${v.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
      return `<details${v.origin === 'derived' ? ' open' : ''}><summary>${swatch(k)}: ${origin}; ${v.seconds.toFixed(1)} s, ` +
        `${v.divergences} divergent, max R-hat ${v.maxRhat.toFixed(2)}${warn}</summary>${notes}<pre>${esc(v.source)}</pre></details>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Pooling of ${esc(c.param)} in ${esc(c.model)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Pooling of <code>${esc(c.param)}</code> in ${esc(c.model)}</h1>
<p class="note">${c.groups.length} groups; each fit ${c.chains} chains × ${c.drawsPerChain} draws.
Left: each group's no-pooling estimate joined to its partial-pooling estimate; partial pooling pulls
groups toward the population mean, and small (imprecise) groups furthest. Right: the 90% intervals of
${swatch('none')}, ${swatch('partial')} and ${swatch('complete')} for every group.</p>
<div class="figure">
${svg}</div>
<h2>Groups</h2>
<table>
<tr><th>group</th>${hasSize ? '<th>n</th>' : ''}<th>no pooling</th><th>partial pooling</th><th>[5%, 95%]</th><th>complete pooling</th><th>shrinkage</th></tr>
${groupRows}
</table>
<p class="note">Posterior means. shrinkage = 1 − (partial − complete)/(none − complete): 0 keeps the group's own estimate, 1 pools it completely;
in parentheses when none − complete is within 3 Monte Carlo standard errors (the ratio is then noise).${hasSize && c.sizeLabel ? ` n = ${esc(c.sizeLabel)}.` : ''}</p>
<h2>Population (partial pooling)</h2>
${c.population.length ? `<table>\n<tr><th></th><th>mean</th><th>sd</th><th>5%</th><th>95%</th></tr>\n${popRows}\n</table>` : `<p class="note">hstan does not know the mean and sd of ${esc(c.param)}'s prior in this model.</p>`}
<h2>The three fits</h2>
${fits}
</body>
</html>
`;
}

export interface PoolingOutputs {
  svg: string;
  html: string;
  /** Derived variant programs, written so they can be read, edited and passed back as files. */
  programs: string[];
}

/** Write `<model>-pooling.svg`, `<model>-pooling.html` and the derived programs into `dir`. */
export function writePoolingOutputs(c: PoolingComparison, dir: string): PoolingOutputs {
  mkdirSync(dir, { recursive: true });
  const svgText = shrinkagePlotSvg(c);
  const svg = join(dir, `${c.model}-pooling.svg`);
  const html = join(dir, `${c.model}-pooling.html`);
  writeFileAtomic(svg, svgText);
  writeFileAtomic(html, poolingReportHtml(c, svgText));
  const programs: string[] = [];
  for (const k of ['none', 'complete'] as const) {
    const v = c.variants[k];
    if (v.origin !== 'derived') continue;
    const path = join(dir, `${c.model}-${k === 'none' ? 'no' : 'complete'}-pooling.hstan`);
    writeFileAtomic(path, v.source);
    programs.push(path);
  }
  return { svg, html, programs };
}
