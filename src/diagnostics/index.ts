// Convergence diagnostics, posterior summaries and sampler advice.
export { DiagnosticsError } from './errors.js';
export type { Draws } from './draws.js';
export {
  rhat,
  rhatBasic,
  essBulk,
  essTail,
  essBasic,
  essMean,
  essSd,
  essQuantile,
  mcseMean,
  mcseSd,
  quantile,
  mean,
  sd,
  median,
  mad,
} from './convergence.js';
export { normalQuantile } from './normal-quantile.js';
export { summarize, summarizeOne } from './summary.js';
export type { SummaryRow, NamedDraws, SummarizeOptions } from './summary.js';
export { samplerDiagnostics, advise, formatAdvice, ebfmi, EBFMI_THRESHOLD } from './sampler.js';
export type {
  ChainSamplerStats,
  ChainDiagnostics,
  SamplerDiagnostics,
  ModelHints,
  Advice,
  AdviceKind,
  AdviseInput,
} from './sampler.js';
export { formatSummaryTable, formatRunInfo, formatSig, summaryToJson, baseName } from './format.js';
export type { FormatOptions, RunInfo, SummaryJson, SamplerDiagnosticsJson } from './format.js';
