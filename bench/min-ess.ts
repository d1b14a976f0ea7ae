// The smallest bulk ESS over a run's variables, from its Stan CSV files (one per chain).
// Every output column counts (parameters, transformed parameters, generated quantities);
// sampler columns (`lp__`, `accept_stat__`, …) do not — as in the rstan script.
import { readStanCsvFile, type StanCsv } from '../src/output/stan-csv.js';
import { essBulk } from '../src/diagnostics/index.js';

export interface CsvRunStats {
  minEssBulk: number;
  minEssVariable: string;
  /** Post-warmup phase seconds: the longest chain's (hstan's chains run together, so all are equal). */
  samplingPhaseSeconds: number;
  warmupPhaseSeconds: number;
  divergences: number;
  /** Post-warmup leapfrog steps over all chains. */
  leapfrogs: number;
}

export function csvRunStats(files: readonly string[]): CsvRunStats {
  const csvs: StanCsv[] = files.map((f) => readStanCsvFile(f));
  const columns = csvs[0].columns;
  let minEssBulk = Infinity;
  let minEssVariable = '';
  columns.forEach((name, k) => {
    if (name.endsWith('__')) return;
    const ess = essBulk(csvs.map((c) => c.draws[k]));
    // A constant column (NaN ESS) says nothing about mixing; skip it as posterior's min would not.
    if (Number.isFinite(ess) && ess < minEssBulk) {
      minEssBulk = ess;
      minEssVariable = name;
    }
  });
  const col = (name: string) => columns.indexOf(name);
  const sumColumn = (name: string) =>
    csvs.reduce((s, c) => s + (col(name) >= 0 ? c.draws[col(name)].reduce((a, b) => a + b, 0) : 0), 0);
  const timing = csvs.map((c) => c.timing);
  if (timing.some((t) => t === undefined)) throw new Error(`bench: no elapsed-time comments in ${files.join(', ')}`);
  return {
    minEssBulk,
    minEssVariable,
    samplingPhaseSeconds: Math.max(...timing.map((t) => t!.sampling)),
    warmupPhaseSeconds: Math.max(...timing.map((t) => t!.warmup)),
    divergences: sumColumn('divergent__'),
    leapfrogs: sumColumn('n_leapfrog__'),
  };
}
