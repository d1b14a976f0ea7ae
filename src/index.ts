// hstan as a library: compile Stan programs, evaluate their log densities, sample, summarize.
export { compile, Model, CompileError, bindLowered } from './model/compile.js';
export type { CompileOptions } from './model/compile.js';
export { ModelInstance, columnNames } from './model/instance.js';
export type { OutputVariable } from './model/instance.js';
export { Fit, toStanName } from './model/fit.js';
export { sampleInstance } from './model/sample.js';
export type { SampleOptions } from './model/sample.js';
export { loadCompiledModel, loadModelFile, moduleText } from './model/module.js';
export { tfLogDensity, tfLogDensityAt, useBackend } from './model/tfjs.js';

export { parse, parseFile } from './frontend/parse.js';
export type * from './frontend/ast.js';
export { formatDiagnostic, formatDiagnostics } from './frontend/diagnostic.js';
export type { Diagnostic } from './frontend/diagnostic.js';
export { check } from './check/index.js';
export type { StanType } from './check/types.js';

export { runNuts } from './inference/index.js';
export type { BatchedLogDensity, NutsOptions, NutsResult } from './inference/types.js';
export * from './diagnostics/index.js';
export { StanCsvWriter, readStanCsv, readStanCsvFile, parseStanCsv } from './output/stan-csv.js';
export { formatSource } from './format/format.js';
export * as pooling from './pooling/index.js';
export { Random } from './runtime/random.js';
export { DataError, parseDataJson } from './runtime/data.js';
export { RuntimeError, RejectError } from './runtime/errors.js';
export { VERSION } from './version.js';
