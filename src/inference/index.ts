/** Public API of the NUTS sampler. */
export { runNuts } from './sampler.js';
export { SamplerError, InitializationError } from './errors.js';
export { NUTS_DEFAULTS, resolveNutsOptions } from './options.js';
export {
  metricWindowEnds,
  WarmupAdaptation,
  DualAveraging,
  WindowSchedule,
  MetricAdaptation,
  WelfordVariance,
  WelfordCovariance,
} from './adaptation.js';
export { DiagMetric, DenseMetric, createMetric, kineticEnergy, type Metric } from './metric.js';
export { NutsTransition, MAX_DELTA_H } from './nuts.js';
export { BatchEvaluator, type GradientTask } from './batch.js';
export {
  SAMPLER_STAT_NAMES,
  statValues,
  type BatchedLogDensity,
  type ChainPoint,
  type ChainStats,
  type DrawStats,
  type MetricKind,
  type NutsOptions,
  type NutsResult,
  type Phase,
  type ProgressInfo,
  type SamplerStatName,
} from './types.js';
