// hstan pooling as a library: derive pooling variants, fit and compare them, draw and report.
export { deriveNoPooling, deriveCompletePooling, analyzeGroupPrior, PoolingError, SUPPORTED_FORMS } from './derive.js';
export type { WideSd, DerivedVariant, GroupPrior } from './derive.js';
export { runPooling, shrinkage, shrinkageIsNoisy, defaultWideSd, niceCeil, variantName, POOLING_LABELS } from './compare.js';
export type {
  PoolingComparison, PoolingInput, GroupEstimate, PopulationEstimate, Estimate, VariantRun, PoolingKind, ProgramText,
} from './compare.js';
export { groupSizes } from './group-size.js';
export type { GroupSizes } from './group-size.js';
export { populationQuantities } from './population.js';
export type { PopulationQuantity } from './population.js';
export { formatPoolingTable, formatShrinkage } from './table.js';
export { shrinkagePlotSvg, niceTicks, COLORS } from './plot.js';
export { poolingReportHtml, writePoolingOutputs } from './report.js';
export type { PoolingOutputs } from './report.js';
