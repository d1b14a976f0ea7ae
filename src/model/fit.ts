// The result of sampling: constrained draws of every output variable per chain, the sampler's
// per-draw statistics, and the summaries and diagnostics users read.
import type { NutsResult } from '../inference/types.js';
import { SAMPLER_STAT_NAMES } from '../inference/types.js';
import { summarize, samplerDiagnostics, advise, formatSummaryTable, formatAdvice } from '../diagnostics/index.js';
import type { SummaryRow, SamplerDiagnostics, Advice, ModelHints } from '../diagnostics/index.js';
import { columnNames } from './instance.js';
import type { OutputVariable } from './instance.js';

export interface FitSettings {
  chains: number;
  warmup: number;
  samples: number;
  seed: number | bigint;
  adaptDelta: number;
  maxTreedepth: number;
  metric: 'diag' | 'dense';
}

export class Fit {
  constructor(
    /** Output variables (parameters, transformed parameters, generated quantities). */
    readonly variables: readonly OutputVariable[],
    /** Flat column names in CmdStan's order (`theta.1`). */
    readonly columns: readonly string[],
    /** [chain][draw] rows of constrained values, one entry per column. */
    readonly rows: Float64Array[][],
    readonly sampler: NutsResult,
    readonly settings: FitSettings,
    readonly wallSeconds: number,
    readonly hints: ModelHints = {},
  ) {}

  get chains(): number {
    return this.rows.length;
  }

  /** Kept post-warmup draws per chain. */
  get drawsPerChain(): number {
    return this.rows[0]?.length ?? 0;
  }

  /**
   * Draws of one scalar, per chain: `draws('mu')`, `draws('theta[2]')`, `draws('Sigma[2,1]')`,
   * or a sampler column such as `draws('lp__')`.
   */
  draws(name: string): number[][] {
    const stat = SAMPLER_STAT_NAMES.indexOf(name as (typeof SAMPLER_STAT_NAMES)[number]);
    if (stat >= 0) {
      const key = SAMPLER_STAT_NAMES[stat];
      return this.sampler.stats.map((s) => Array.from(s[key].subarray(this.sampler.warmupDraws)));
    }
    const column = this.columnIndex(name);
    return this.rows.map((chain) => chain.map((row) => row[column]));
  }

  /** Every element of a variable: `{ 'theta[1]': [[...chain 1], ...], ... }`. */
  variable(name: string): Record<string, number[][]> {
    const v = this.variables.find((x) => x.name === name);
    if (!v) throw new Error(`no variable '${name}' in this fit; it has ${this.variables.map((x) => x.name).join(', ')}`);
    const out: Record<string, number[][]> = {};
    for (const element of columnNames(v.name, v.shape, '[')) out[element] = this.draws(element);
    return out;
  }

  private columnIndex(name: string): number {
    const cmd = name.replace(/\[(.*)\]$/, (_, idx: string) => '.' + idx.split(',').map((s) => s.trim()).join('.'));
    const k = this.columns.indexOf(cmd);
    if (k < 0) throw new Error(`no quantity '${name}' in this fit`);
    return k;
  }

  /** One row per scalar quantity: mean, sd, quantiles, ESS, R-hat. */
  summary(): SummaryRow[] {
    const named = this.columns.map((c, k) => ({
      name: toStanName(c),
      draws: this.rows.map((chain) => Float64Array.from(chain, (row) => row[k])),
    }));
    return summarize([{ name: 'lp__', draws: this.draws('lp__') }, ...named]);
  }

  /** Divergences, tree-depth saturation and E-BFMI per chain. */
  diagnostics(): SamplerDiagnostics {
    const w = this.sampler.warmupDraws;
    return samplerDiagnostics(
      this.sampler.stats.map((s) => ({
        divergent: s.divergent__.subarray(w),
        treedepth: s.treedepth__.subarray(w),
        energy: s.energy__.subarray(w),
      })),
      this.settings.maxTreedepth,
    );
  }

  /** Advice in words: what to change when the diagnostics are bad. */
  advice(summary: SummaryRow[] = this.summary()): Advice[] {
    return advise({
      sampler: this.diagnostics(),
      summary: summary.filter((r) => r.name !== 'lp__'),
      chains: this.chains,
      adaptDelta: this.settings.adaptDelta,
      hints: this.hints,
    });
  }

  /** The summary table, the run line and the advice, as `hstan sample` prints them. */
  report(options: { sigFigs?: number; all?: boolean } = {}): string {
    const rows = this.summary();
    const d = this.diagnostics();
    const table = formatSummaryTable(rows, {
      ...options,
      run: { chains: this.chains, drawsPerChain: this.drawsPerChain, wallTimeSeconds: this.wallSeconds, divergences: d.divergences },
    });
    const advice = formatAdvice(this.advice(rows));
    return advice ? `${table}\n\n${advice}` : table;
  }
}

/** `theta.2.1` → `theta[2,1]`. */
export function toStanName(column: string): string {
  const [base, ...idx] = column.split('.');
  return idx.length ? `${base}[${idx.join(',')}]` : base;
}
