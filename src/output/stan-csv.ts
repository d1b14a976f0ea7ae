// Stan CSV: CmdStan-compatible writer and reader, and the column-name conventions they share.
export { StanCsvWriter, SAMPLER_COLUMNS, configLines } from './stan-csv-writer.js';
export type { StanCsvConfig, StanCsvTiming, Metric } from './stan-csv-writer.js';
export { readStanCsv, readStanCsvFile, parseStanCsv, StanCsvError } from './stan-csv-reader.js';
export type { StanCsv, StanCsvAdaptation, StanCsvElapsed } from './stan-csv-reader.js';
export { combineChains } from './stan-csv-chains.js';
export type { CombinedChains } from './stan-csv-chains.js';
export { cmdstanColumnNames, stanElementName, groupColumns } from './stan-names.js';
export type { ColumnGroup } from './stan-names.js';
export { formatStanNumber } from './format-number.js';
