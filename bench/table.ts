// Text tables for the benchmark report (Markdown pipe tables: readable in a terminal, pasteable).
import type { BenchResults } from './results.js';

function fmt(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  if (Math.abs(x) >= 1000) return x.toFixed(0);
  return x.toPrecision(digits);
}

export function pipeTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: readonly string[]) => '| ' + cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join(' | ') + ' |';
  const rule = '|' + widths.map((w, j) => (j === 0 ? '-'.repeat(w + 1) + '-' : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** The side-by-side table the issues ask for. */
export function summaryTable(r: BenchResults): string {
  const header = [
    'model', 'hstan µs/grad 1/4/64 ch', 'hstan run s', 'hstan sampling s', 'hstan min ESS/s',
    'rstan compile s', 'rstan sampling() s', 'rstan min ESS/s', 'run / rstan (≤ 0.2)', 'ESS/s ratio (≥ 1)',
  ];
  const rows = r.models.map((m) => [
    m.name,
    m.gradient.length ? m.gradient.map((g) => fmt(g.usPerCall)).join(' / ') : '–',
    fmt(m.hstan?.median.runSeconds),
    fmt(m.hstan?.median.samplingPhaseSeconds),
    fmt(m.hstan?.median.essPerSecond),
    fmt(m.rstan?.compileSeconds),
    fmt(m.rstan?.median.samplingSeconds),
    fmt(m.rstan?.median.essPerSecond),
    fmt(m.ratios?.runVsRstan, 2),
    fmt(m.ratios?.essPerSecond, 2),
  ]);
  return pipeTable(header, rows) + '\n' + SUMMARY_NOTES;
}

const SUMMARY_NOTES = [
  'µs/grad: wall µs per batched logDensityGradient call for 1, 4, 64 chains together.',
  'run: wall seconds of the whole `hstan sample` process (start-up, compile, 4 chains × 1000 + 1000, CSV, summary).',
  'sampling: post-warmup phase (hstan: its 4 chains run together; rstan: get_elapsed_time() summed over chains).',
  'min ESS/s: smallest bulk ESS over all output variables (lp__ excluded) / post-warmup seconds.',
  'rstan sampling(): the whole call, chains one after another (cores = 1). Medians over seeds.',
].map((l) => '  ' + l).join('\n');

/** Gradient timings in detail: wall and CPU per call, per chain, against the targets. */
export function gradientTable(r: BenchResults): string {
  const header = ['model', 'D', 'chains', 'µs/call wall', 'µs/call CPU', 'µs/chain', 'target (4 ch)', 'TF.js op µs/call'];
  const rows: string[][] = [];
  for (const m of r.models) {
    for (const g of m.gradient) {
      rows.push([
        m.name, String(m.dimension), String(g.chains), fmt(g.usPerCall), fmt(g.cpuUsPerCall), fmt(g.usPerChain),
        g.chains === 4 && m.gradientTargetUs4 ? `≤ ${m.gradientTargetUs4}` : '',
        m.tfjs && m.tfjs.chains === g.chains ? fmt(m.tfjs.usPerCall) : '',
      ]);
    }
  }
  return pipeTable(header, rows);
}

/** Sampling runs in detail: ESS, phases, divergences, and rstan's cost per gradient. */
export function samplingTable(r: BenchResults): string {
  const header = [
    'model', 'side', 'runs', 'run s', 'CPU s', 'warmup s', 'sampling s', 'min ESS (variable)', 'ESS/s', 'divergences', 'µs/grad/chain',
  ];
  const rows: string[][] = [];
  for (const m of r.models) {
    if (m.hstan) {
      const h = m.hstan.median;
      rows.push([
        m.name, 'hstan', String(m.hstan.runs.length), fmt(h.runSeconds), fmt(h.runCpuSeconds), fmt(h.warmupPhaseSeconds),
        fmt(h.samplingPhaseSeconds), `${fmt(h.minEssBulk, 4)} (${m.hstan.runs[0].minEssVariable})`, fmt(h.essPerSecond),
        String(m.hstan.runs.map((x) => x.divergences).join('/')), '',
      ]);
    }
    if (m.rstan) {
      const s = m.rstan.median;
      rows.push([
        m.name, 'rstan', String(m.rstan.runs.length), fmt(m.rstan.compileSeconds + s.samplingSeconds), fmt(s.samplingCpuSeconds),
        fmt(s.warmupPhaseSeconds), fmt(s.samplingPhaseSeconds), `${fmt(s.minEssBulk, 4)} (${m.rstan.runs[0].minEssVariable})`,
        fmt(s.essPerSecond), String(m.rstan.runs.map((x) => x.divergences).join('/')), fmt(s.usPerGradient),
      ]);
    }
  }
  return pipeTable(header, rows);
}
