// The comparison as text: one row per group, the population parameters, and how each variant
// was obtained and how well it was sampled.
import { formatSig } from '../diagnostics/index.js';
import { POOLING_LABELS, shrinkageIsNoisy, type PoolingComparison, type PoolingKind, type VariantRun } from './compare.js';

const KINDS: PoolingKind[] = ['none', 'partial', 'complete'];

/** Columns padded to their widest cell; the first left-aligned, the rest right-aligned. */
function columns(rows: string[][]): string[] {
  const widths = rows[0].map((_, k) => Math.max(...rows.map((r) => (r[k] ?? '').length)));
  return rows.map((r) => r.map((cell, k) => (k === 0 ? cell.padEnd(widths[k]) : cell.padStart(widths[k]))).join('  ').trimEnd());
}

function variantLine(v: VariantRun, c: PoolingComparison): string {
  const how =
    v.origin === 'as written' ? `${baseName(v.filename)} as written`
    : v.origin === 'given' ? `given: ${baseName(v.filename)}`
    : `derived, ${v.summary}`;
  return `${how}; ${v.seconds.toFixed(1)} s, ${v.divergences} divergent, max R-hat ${v.maxRhat.toFixed(2)}`;
}

function baseName(path: string): string {
  return path.replace(/^.*[\\/]/, '');
}

/** The shrinkage, in parentheses when its denominator is within the noise (see shrinkageIsNoisy). */
export function formatShrinkage(g: Parameters<typeof shrinkageIsNoisy>[0] & { shrinkage: number }): string {
  if (!Number.isFinite(g.shrinkage)) return '—';
  return shrinkageIsNoisy(g) ? `(${g.shrinkage.toFixed(2)})` : g.shrinkage.toFixed(2);
}

export function formatPoolingTable(c: PoolingComparison, options: { sigFigs?: number } = {}): string {
  const sig = options.sigFigs ?? 3;
  const f = (x: number) => (Number.isFinite(x) ? formatSig(x, sig) : '—');
  const hasSize = c.groups.some((g) => g.size !== undefined);
  const head = ['group', ...(hasSize ? ['n'] : []), 'no pooling', 'partial pooling', '[5%, 95%]', 'complete', 'shrinkage'];
  const body = c.groups.map((g) => [
    g.name,
    ...(hasSize ? [g.size === undefined ? '' : String(g.size)] : []),
    f(g.none.mean),
    f(g.partial.mean),
    `[${f(g.partial.q5)}, ${f(g.partial.q95)}]`,
    f(g.complete.mean),
    formatShrinkage(g),
  ]);
  const out: string[] = [];
  out.push(`Pooling of ${c.param} in ${c.model}: ${c.groups.length} groups; ${c.chains} chains × ${c.drawsPerChain} draws per fit`, '');
  out.push(...columns([head, ...body]));
  out.push('');
  out.push('Estimates are posterior means; the interval is partial pooling\'s central 90%.');
  out.push('shrinkage = 1 − (partial − complete)/(none − complete): 0 keeps the group\'s own estimate, 1 pools it completely.');
  if (c.groups.some((g) => Number.isFinite(g.shrinkage) && shrinkageIsNoisy(g))) {
    out.push('(In parentheses: none − complete is within 3 Monte Carlo standard errors, so the ratio is noise.)');
  }
  if (hasSize && c.sizeLabel) out.push(`n = ${c.sizeLabel}.`);
  if (c.population.length) {
    out.push('', 'Population (partial pooling):');
    out.push(
      ...columns([
        ['', 'mean', 'sd', '5%', '95%'],
        ...c.population.map((p) => [`  ${p.label} (${p.expression})`, f(p.mean), f(p.sd), f(p.q5), f(p.q95)]),
      ]),
    );
  } else {
    out.push('', `Population: hstan does not know the mean and sd of ${c.param}'s prior in this model.`);
  }
  out.push('', 'Fits:');
  out.push(...KINDS.map((k) => `  ${POOLING_LABELS[k].padEnd(17)} ${variantLine(c.variants[k], c)}`));
  for (const k of KINDS) {
    const v = c.variants[k];
    if (v.divergences > 0 || v.maxRhat > 1.01) {
      out.push(
        `warning: the ${POOLING_LABELS[k]} fit ${v.divergences > 0 ? `had ${v.divergences} divergent transition${v.divergences === 1 ? '' : 's'}` : ''}${v.divergences > 0 && v.maxRhat > 1.01 ? ' and ' : ''}${v.maxRhat > 1.01 ? `has R-hat up to ${v.maxRhat.toFixed(2)}` : ''}; ` +
          `its estimates may be biased: ${v.advice ?? 'run `hstan sample` on it for advice'}.`,
      );
    }
  }
  return out.join('\n') + '\n';
}
