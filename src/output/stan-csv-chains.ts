// Several Stan CSV files (one per chain) as draws per quantity: the shape the diagnostics take.
import { StanCsvError, type StanCsv } from './stan-csv-reader.js';
import { stanElementName } from './stan-names.js';

export interface CombinedChains {
  /** Column names as in the files (`theta.1`). */
  columns: string[];
  /** Element names (`theta[1]`), parallel to `columns`. */
  names: string[];
  /** draws[column][chain] — the post-warmup draws of each column in each file. */
  draws: Float64Array[][];
}

/** Checks that every file has the same columns and number of draws, then regroups by column. */
export function combineChains(csvs: ReadonlyArray<StanCsv>): CombinedChains {
  if (csvs.length === 0) throw new StanCsvError('<none>', undefined, 'no Stan CSV files given');
  const first = csvs[0];
  for (const csv of csvs.slice(1)) {
    if (csv.columns.length !== first.columns.length || csv.columns.some((c, k) => c !== first.columns[k])) {
      const k = csv.columns.findIndex((c, j) => c !== first.columns[j]);
      const where = k < 0 ? `it has ${csv.columns.length} columns` : `column ${k + 1} is ${csv.columns[k]}`;
      throw new StanCsvError(
        csv.file,
        undefined,
        `columns differ from ${first.file} (${where}, expected ${first.columns[k] ?? 'no more columns'})`,
      );
    }
    const n = csv.draws[0]?.length ?? 0;
    const n0 = first.draws[0]?.length ?? 0;
    if (n !== n0) {
      throw new StanCsvError(
        csv.file,
        undefined,
        `has ${n} draws but ${first.file} has ${n0}; chains must be the same length`,
      );
    }
  }
  return {
    columns: [...first.columns],
    names: first.columns.map(stanElementName),
    draws: first.columns.map((_, c) => csvs.map((csv) => csv.draws[c])),
  };
}
