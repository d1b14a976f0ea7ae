// `hstan summary FILE.csv...`: posterior summary, sampler diagnostics and advice for Stan CSV
// files (one per chain) written by hstan or CmdStan.
import type { Command } from 'commander';
import {
  advise,
  formatAdvice,
  formatSummaryTable,
  samplerDiagnostics,
  summarize,
  summaryToJson,
  type ModelHints,
  type RunInfo,
  type SamplerDiagnostics,
} from '../../diagnostics/index.js';
import { combineChains, readStanCsvFile, StanCsvError, type StanCsv } from '../../output/stan-csv.js';

export interface SummaryCommandOptions {
  json?: boolean;
  /** Significant figures, as given on the command line (validated here). */
  sigFigs?: string | number;
  all?: boolean;
}

/** A mistake in how the command was called, reported without a stack trace. */
export class SummaryUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The model hints hstan records in its CSV config (`# hstan_hints = {...}`). They only sharpen the
 * advice, so a file without them (CmdStan's) or with unreadable ones is summarized without.
 */
function hintsFrom(csv: StanCsv): ModelHints | undefined {
  const raw = csv.config.hstan_hints;
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed = JSON.parse(raw) as ModelHints;
    const ok =
      Array.isArray(parsed.hierarchical) &&
      parsed.hierarchical.every(
        (h) => typeof h.effect === 'string' && typeof h.scale === 'string' && typeof h.centered === 'boolean',
      );
    return ok ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function parseSigFigs(raw: string | number | undefined): number {
  if (raw === undefined) return 3;
  const n = typeof raw === 'number' ? raw : Number(raw.trim());
  if (!Number.isInteger(n) || n < 1 || n > 17) {
    throw new SummaryUsageError(`--sig-figs must be a whole number from 1 to 17, got '${raw}'`);
  }
  return n;
}

/** Sampler statistics of every chain, when the files have them (not for fixed_param runs). */
function samplerFrom(csvs: ReadonlyArray<StanCsv>): SamplerDiagnostics | undefined {
  const first = csvs[0];
  const col = (name: string) => first.columns.indexOf(name);
  const [div, depth, energy] = [col('divergent__'), col('treedepth__'), col('energy__')];
  const maxDepth = first.config.max_depth;
  if (div < 0 || depth < 0 || energy < 0 || typeof maxDepth !== 'number') return undefined;
  return samplerDiagnostics(
    csvs.map((csv) => ({ divergent: csv.draws[div], treedepth: csv.draws[depth], energy: csv.draws[energy] })),
    maxDepth,
  );
}

/** Wall time of the run: chains run side by side, so the slowest chain's total. */
function wallTime(csvs: ReadonlyArray<StanCsv>): number | undefined {
  const totals = csvs.map((c) => c.timing?.total).filter((t): t is number => t !== undefined && Number.isFinite(t));
  return totals.length === csvs.length ? Math.max(...totals) : undefined;
}

/** The command's whole output for these files; throws StanCsvError / DiagnosticsError / SummaryUsageError. */
export function summarizeCsvFiles(files: ReadonlyArray<string>, options: SummaryCommandOptions = {}): string {
  if (files.length === 0) throw new SummaryUsageError('give at least one Stan CSV file');
  const sigFigs = parseSigFigs(options.sigFigs);
  const csvs = files.map(readStanCsvFile);
  const combined = combineChains(csvs);
  const drawsPerChain = combined.draws[0]?.[0]?.length ?? 0;
  if (drawsPerChain === 0) throw new StanCsvError(files[0], undefined, 'no post-warmup draws to summarize');

  // lp__ and the model's quantities; the other sampler columns are reported by the diagnostics.
  const keep = combined.columns.map((c, k) => (c === 'lp__' || !c.endsWith('__') ? k : -1)).filter((k) => k >= 0);
  const rows = summarize(keep.map((k) => ({ name: combined.names[k], draws: combined.draws[k] })));

  const sampler = samplerFrom(csvs);
  const delta = csvs[0].config.delta;
  const advice = advise({
    sampler,
    summary: rows.filter((r) => r.name !== 'lp__'),
    chains: csvs.length,
    adaptDelta: typeof delta === 'number' ? delta : undefined,
    hints: hintsFrom(csvs[0]),
  });
  const run: RunInfo = { chains: csvs.length, drawsPerChain };
  const wall = wallTime(csvs);
  if (wall !== undefined) run.wallTimeSeconds = wall;
  if (sampler) run.divergences = sampler.divergences;

  if (options.json) return JSON.stringify(summaryToJson(rows, { run, sampler, advice }), null, 2) + '\n';
  const parts = [formatSummaryTable(rows, { sigFigs, all: options.all, run })];
  if (advice.length > 0) parts.push('\n' + formatAdvice(advice) + '\n');
  else if (sampler) {
    parts.push('\nNo problems found: no divergences or tree-depth saturation; E-BFMI, R-hat and ESS are fine.\n');
  }
  return parts.join('');
}

export function register(program: Command): void {
  program
    .command('summary')
    .description('summarize Stan CSV files (one per chain): estimates, R-hat, ESS, sampler diagnostics and advice')
    .argument('<files...>', 'Stan CSV files written by hstan or CmdStan')
    .option('--json', 'print the summary as JSON')
    .option('--sig-figs <n>', 'significant figures of estimates (default 3)')
    .option('--all', 'show every element of large containers')
    .action((files: string[], opts: { json?: boolean; sigFigs?: string; all?: boolean }) => {
      try {
        process.stdout.write(summarizeCsvFiles(files, opts));
      } catch (err) {
        // Bad files and options are the user's to fix (exit 1); anything else is a bug (exit 2).
        const known = err instanceof Error && ['StanCsvError', 'DiagnosticsError', 'UsageError'].includes(err.name);
        const message = err instanceof Error ? err.message : String(err);
        process.stderr.write(`hstan: ${known ? '' : 'internal error: '}${message}\n`);
        process.exitCode = known ? 1 : 2;
      }
    });
}
