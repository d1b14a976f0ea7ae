// The summary as a text table (like CmdStan's stansummary / NumPyro's print_summary) or as JSON.
import type { Advice, ChainDiagnostics, SamplerDiagnostics } from './sampler.js';
import type { SummaryRow } from './summary.js';

/** Facts for the line under the table. */
export interface RunInfo {
  chains: number;
  drawsPerChain: number;
  /** Wall-clock seconds of the whole run (chains in parallel count once). */
  wallTimeSeconds?: number;
  divergences?: number;
}

export interface FormatOptions {
  /** Significant figures of estimates (default 3; R-hat always gets at least 3). */
  sigFigs?: number;
  /** Show every element of large containers (default false). */
  all?: boolean;
  /** Elements shown per container before folding (default 20). */
  maxElements?: number;
  run?: RunInfo;
}

/** `x` to `sigFigs` significant figures: fixed notation unless tiny; NaN as NA (R's convention). */
export function formatSig(x: number, sigFigs: number): string {
  if (Number.isNaN(x)) return 'NA';
  if (x === Infinity) return 'Inf';
  if (x === -Infinity) return '-Inf';
  if (x === 0) return '0';
  const ax = Math.abs(x);
  if (ax < 1e-4) return x.toExponential(sigFigs - 1).replace(/e([+-])(\d)$/, 'e$10$2');
  const rounded = Number(x.toPrecision(sigFigs));
  if (Math.abs(rounded) >= 10 ** sigFigs) return rounded.toFixed(0);
  return x.toPrecision(sigFigs);
}

/** ESS is a count of draws: shown as a whole number. */
function formatEss(x: number): string {
  return Number.isFinite(x) ? Math.round(x).toString() : formatSig(x, 3);
}

/** `theta` for `theta[3]`, the name itself for scalars. */
export function baseName(element: string): string {
  const i = element.indexOf('[');
  return i < 0 ? element : element.slice(0, i);
}

const HEADERS = ['', 'mean', 'sd', 'median', '5%', '95%', 'ess_bulk', 'ess_tail', 'r_hat'];

export function formatSummaryTable(rows: ReadonlyArray<SummaryRow>, options: FormatOptions = {}): string {
  const sf = options.sigFigs ?? 3;
  if (!(Number.isInteger(sf) && sf >= 1 && sf <= 17)) {
    throw new RangeError(`sig figs must be an integer from 1 to 17, got ${options.sigFigs}`);
  }
  const maxElements = options.all ? Infinity : (options.maxElements ?? 20);

  // Cells per line; a string stands for a fold marker spanning the line.
  const lines: Array<string[] | string> = [];
  let i = 0;
  while (i < rows.length) {
    const base = baseName(rows[i].name);
    let j = i;
    while (j < rows.length && baseName(rows[j].name) === base) j++;
    const shown = Math.min(j - i, maxElements);
    for (let k = i; k < i + shown; k++) {
      const r = rows[k];
      lines.push([
        r.name,
        formatSig(r.mean, sf),
        formatSig(r.sd, sf),
        formatSig(r.median, sf),
        formatSig(r.q5, sf),
        formatSig(r.q95, sf),
        formatEss(r.essBulk),
        formatEss(r.essTail),
        // R-hat's information is in the second decimal (1.01 is the usual threshold).
        formatSig(r.rhat, Math.max(sf, 3)),
      ]);
    }
    if (j - i > shown) lines.push(`... ${j - i - shown} more ${base} elements (use --all)`);
    i = j;
  }

  const widths = HEADERS.map((h) => h.length);
  for (const line of lines) {
    if (typeof line === 'string') continue;
    line.forEach((cell, c) => (widths[c] = Math.max(widths[c], cell.length)));
  }
  const render = (cells: string[]) =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[c])))
      .join('  ')
      .trimEnd();
  const out = [render(HEADERS), ...lines.map((l) => (typeof l === 'string' ? l : render(l)))];
  if (options.run) out.push('', formatRunInfo(options.run));
  return out.join('\n') + '\n';
}

export function formatRunInfo(run: RunInfo): string {
  const parts = [
    `${run.chains} chain${run.chains === 1 ? '' : 's'} × ${run.drawsPerChain} draws (${run.chains * run.drawsPerChain} total)`,
  ];
  if (run.wallTimeSeconds !== undefined) parts.push(`wall time ${formatSig(run.wallTimeSeconds, 3)} s`);
  if (run.divergences !== undefined) {
    parts.push(`${run.divergences} divergence${run.divergences === 1 ? '' : 's'}`);
  }
  return parts.join('; ');
}

/** NaN and ±Infinity have no JSON form: they become null. */
function jsonNumber(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** SamplerDiagnostics with E-BFMI null where it is undefined. */
export type SamplerDiagnosticsJson = Omit<SamplerDiagnostics, 'chains'> & {
  chains: Array<Omit<ChainDiagnostics, 'ebfmi'> & { ebfmi: number | null }>;
};

export interface SummaryJson {
  variables: Array<Record<string, string | number | null>>;
  run?: RunInfo;
  sampler?: SamplerDiagnosticsJson;
  advice?: Advice[];
}

/** The summary as a plain JSON-able object, with posterior's column names. */
export function summaryToJson(
  rows: ReadonlyArray<SummaryRow>,
  extra: { run?: RunInfo; sampler?: SamplerDiagnostics; advice?: Advice[] } = {},
): SummaryJson {
  const variables = rows.map((r) => ({
    variable: r.name,
    mean: jsonNumber(r.mean),
    median: jsonNumber(r.median),
    sd: jsonNumber(r.sd),
    mad: jsonNumber(r.mad),
    q5: jsonNumber(r.q5),
    q95: jsonNumber(r.q95),
    rhat: jsonNumber(r.rhat),
    ess_bulk: jsonNumber(r.essBulk),
    ess_tail: jsonNumber(r.essTail),
    mcse_mean: jsonNumber(r.mcseMean),
    mcse_sd: jsonNumber(r.mcseSd),
  }));
  const out: SummaryJson = { variables };
  if (extra.run) out.run = extra.run;
  if (extra.sampler) {
    out.sampler = {
      ...extra.sampler,
      chains: extra.sampler.chains.map((c) => ({ ...c, ebfmi: jsonNumber(c.ebfmi) })),
    };
  }
  if (extra.advice) out.advice = extra.advice;
  return out;
}
