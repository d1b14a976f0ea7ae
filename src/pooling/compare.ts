// Fitting a hierarchical program and its no-pooling and complete-pooling variants, and reading
// off each group's three estimates, its shrinkage, and the population parameters.
import { compile, type Model } from '../model/compile.js';
import type { Fit } from '../model/fit.js';
import type { SampleOptions } from '../model/sample.js';
import { parse } from '../frontend/parse.js';
import { summarizeOne } from '../diagnostics/index.js';
import { analyzeGroupPrior, deriveCompletePooling, deriveNoPooling, groupHierarchy, PoolingError, type WideSd } from './derive.js';
import type { Program } from '../frontend/ast.js';
import { groupSizes } from './group-size.js';
import { populationQuantities, type PopulationQuantity } from './population.js';

export interface Estimate {
  mean: number;
  sd: number;
  q5: number;
  q95: number;
  /** Monte Carlo standard error of the mean (absent: treated as 0). */
  mcse?: number;
}

export interface GroupEstimate {
  /** Element name, e.g. `theta[3]`. */
  name: string;
  /** Observations (or trials) of the group, when the data show them. */
  size?: number;
  none: Estimate;
  partial: Estimate;
  complete: Estimate;
  /** 1 − (partial − complete)/(none − complete) of the posterior means; NaN when none = complete. */
  shrinkage: number;
}

export interface PopulationEstimate extends Estimate {
  role: PopulationQuantity['role'];
  label: string;
  expression: string;
}

export type PoolingKind = 'none' | 'partial' | 'complete';

export interface VariantRun {
  kind: PoolingKind;
  /** `as written` for the model itself, `derived` by hstan, or `given` as a file. */
  origin: 'as written' | 'derived' | 'given';
  filename: string;
  source: string;
  /** What the variant is, in words (for derived variants; the file name otherwise). */
  summary: string;
  /** What the derivation changed (derived variants only). */
  notes: string[];
  seconds: number;
  divergences: number;
  /** Largest R-hat among the group estimates (and population parameters) read from this fit. */
  maxRhat: number;
  /** What to try when the fit has divergences (or R-hat above 1.01). */
  advice?: string;
}

export interface PoolingComparison {
  model: string;
  param: string;
  groups: GroupEstimate[];
  /** What `GroupEstimate.size` counts, e.g. `observations per group (county)`. */
  sizeLabel?: string;
  population: PopulationEstimate[];
  variants: Record<PoolingKind, VariantRun>;
  /** The no-pooling prior sd when that variant was derived. */
  wideSd?: WideSd;
  chains: number;
  drawsPerChain: number;
}

export interface ProgramText {
  source: string;
  filename: string;
}

export interface PoolingInput {
  /** The hierarchical (partial-pooling) program. */
  partial: ProgramText;
  /** The no-pooling variant; derived from the group prior when absent. */
  noPooling?: ProgramText;
  /** The complete-pooling variant; derived from the group prior when absent. */
  completePooling?: ProgramText;
  data: Record<string, unknown>;
  /** The group parameter, e.g. `theta`. */
  group: string;
  /** Prior sd of each group effect in a derived no-pooling variant (default: see `defaultWideSd`). */
  wideSd?: WideSd;
  sample?: Omit<SampleOptions, 'outputDir' | 'onProgress'>;
  /** Told when each fit starts and ends, for progress messages. */
  onStage?: (message: string) => void;
}

export const POOLING_LABELS: Record<PoolingKind, string> = {
  none: 'no pooling',
  partial: 'partial pooling',
  complete: 'complete pooling',
};

/** 1 − (partial − complete)/(none − complete): 0 when partial pooling leaves the group's own estimate, 1 when it pools completely. */
export function shrinkage(none: number, partial: number, complete: number): number {
  const span = none - complete;
  return span === 0 ? NaN : 1 - (partial - complete) / span;
}

/**
 * Shrinkage divides by none − complete: when that gap is within 3 Monte Carlo standard errors the
 * ratio is noise, and is shown as such.
 */
export function shrinkageIsNoisy(g: Pick<GroupEstimate, 'none' | 'complete'>): boolean {
  return Math.abs(g.none.mean - g.complete.mean) < 3 * Math.hypot(g.none.mcse ?? 0, g.complete.mcse ?? 0);
}

/** 1, 2 or 5 times a power of ten, at least x. */
export function niceCeil(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * p >= x * (1 - 1e-12)) return m * p;
  return 10 * p;
}

/**
 * The default prior sd of the no-pooling variant: ten times the scale the group effects live on
 * in the partial-pooling fit (|population mean| + between-group sd), rounded up to 1, 2 or 5 × 10^k.
 * Wide enough that each group's estimate is its own data's, yet proper.
 */
export function defaultWideSd(locationMean: number, scaleMean: number): number {
  return niceCeil(10 * (Math.abs(locationMean) + Math.abs(scaleMean)));
}

function meanOf(draws: number[][]): number {
  let s = 0;
  let n = 0;
  for (const chain of draws) for (const x of chain) (s += x), n++;
  return s / n;
}

/** Draws of a scalar, or undefined when the fit has no such column. */
function drawsIfAny(fit: Fit, name: string): number[][] | undefined {
  const base = name.replace(/\[.*$/, '');
  const v = fit.variables.find((x) => x.name === base);
  if (!v) return undefined;
  if (name === base && v.shape.length > 0) return undefined;
  return fit.draws(name);
}

class Summaries {
  maxRhat = 1;
  estimate(name: string, draws: number[][]): Estimate {
    const row = summarizeOne(name, draws);
    if (Number.isFinite(row.rhat)) this.maxRhat = Math.max(this.maxRhat, row.rhat);
    return { mean: row.mean, sd: row.sd, q5: row.q5, q95: row.q95, mcse: row.mcseMean };
  }
}

interface Fitted {
  fit: Fit;
  run: VariantRun;
}

function fitVariant(
  kind: PoolingKind, origin: VariantRun['origin'], program: ProgramText, input: PoolingInput,
  derived: { summary: string; notes: string[] } | undefined,
  model: Model = compile(program.source, { filename: program.filename }),
): Fitted {
  const label = `${POOLING_LABELS[kind]} (${origin === 'derived' ? 'derived' : program.filename})`;
  input.onStage?.(`fitting ${label}…`);
  const t0 = performance.now();
  const fit = model.sample({ chains: 4, ...input.sample, data: input.data });
  const seconds = (performance.now() - t0) / 1000;
  const divergences = fit.diagnostics().divergences;
  input.onStage?.(`  done in ${seconds.toFixed(1)} s${divergences ? `, ${divergences} divergent transition${divergences === 1 ? '' : 's'}` : ''}`);
  return {
    fit,
    run: {
      kind, origin, filename: program.filename, source: program.source, summary: derived?.summary ?? program.filename,
      notes: derived?.notes ?? [], seconds, divergences, maxRhat: 1,
    },
  };
}

/** The number of groups: PARAM must be a one-dimensional container in the partial fit. */
function groupCount(fit: Fit, param: string, filename: string): number {
  const v = fit.variables.find((x) => x.name === param);
  if (!v) throw new PoolingError(`'${param}' is not a parameter, transformed parameter or generated quantity of ${filename}; it has ${fit.variables.map((x) => x.name).join(', ')}`);
  if (v.shape.length !== 1) throw new PoolingError(`'${param}' in ${filename} has shape [${v.shape.join(', ')}]; the group parameter must be a vector or a one-dimensional array`);
  return v.shape[0];
}

/** Each group's draws in a variant's fit: PARAM[j], or a shared scalar for every group. */
function groupDraws(fitted: Fitted, param: string, J: number, fallback: string | undefined): (j: number) => number[][] {
  const { fit, run } = fitted;
  const v = fit.variables.find((x) => x.name === param);
  if (v && v.shape.length === 1 && v.shape[0] === J) return (j) => fit.draws(`${param}[${j}]`);
  if (v && v.shape.length === 0) return () => fit.draws(param);
  if (run.kind === 'complete' && fallback && drawsIfAny(fit, fallback)) return () => fit.draws(fallback);
  const want = run.kind === 'none' ? `a container '${param}' of ${J} group effects` : `'${param}' (${J} equal group effects, or one shared scalar)${fallback ? ` or the population location '${fallback}'` : ''}`;
  throw new PoolingError(
    `the ${POOLING_LABELS[run.kind]} program ${run.filename} must have ${want}; ` +
      (v ? `its '${param}' has shape [${v.shape.join(', ')}]` : `it has ${fit.variables.map((x) => x.name).join(', ') || 'no parameters'}`),
  );
}

/** Fit the three variants one after another and compare them group by group. */
export function runPooling(input: PoolingInput): PoolingComparison {
  const { group: param } = input;
  // Every program is compiled, and every derivation checked, before the first fit starts.
  const partialModel = compile(input.partial.source, { filename: input.partial.filename });
  const parsed = parse(input.partial.source, { filename: input.partial.filename });
  // The derivations need the group prior; it is only analyzed when a variant must be derived, so a
  // model outside the supported forms still works with both variants given as files.
  const prior = input.noPooling && input.completePooling ? undefined : analyzeGroupPrior(input.partial.source, param, input.partial.filename);
  const noneModel = input.noPooling && compile(input.noPooling.source, { filename: input.noPooling.filename });
  const completeGiven = input.completePooling;
  const completeDerived = completeGiven ? undefined : deriveCompletePooling(input.partial.source, param, input.partial.filename);
  const completeProgram = completeGiven ?? { source: completeDerived!.source, filename: variantName(input.partial.filename, 'complete-pooling') };
  const completeModel = compile(completeProgram.source, { filename: completeProgram.filename });

  const partial = fitVariant('partial', 'as written', input.partial, input, undefined, partialModel);
  const J = groupCount(partial.fit, param, input.partial.filename);
  let wideSd: WideSd | undefined;
  let none: Fitted;
  if (input.noPooling && noneModel) none = fitVariant('none', 'given', input.noPooling, input, undefined, noneModel);
  else {
    wideSd = input.wideSd ?? defaultWideSd(meanOf(partial.fit.draws(prior!.location)), meanOf(partial.fit.draws(prior!.scale)));
    const derived = deriveNoPooling(input.partial.source, param, wideSd, input.partial.filename);
    none = fitVariant('none', 'derived', { source: derived.source, filename: variantName(input.partial.filename, 'no-pooling') }, input, derived);
  }
  const complete = fitVariant('complete', completeGiven ? 'given' : 'derived', completeProgram, input, completeDerived, completeModel);

  const population = parsed.ast ? populationQuantities(parsed.ast, param, (n) => drawsIfAny(partial.fit, n)) : [];
  const location = population.find((p) => p.role === 'mean' || p.role === 'location')?.expression;
  const drawsOf = {
    none: groupDraws(none, param, J, undefined),
    partial: groupDraws(partial, param, J, undefined),
    complete: groupDraws(complete, param, J, location && /^\w+$/.test(location) ? location : undefined),
  };
  const summaries = { none: new Summaries(), partial: new Summaries(), complete: new Summaries() };
  const sizes = parsed.ast ? groupSizes(parsed.ast, input.data, param, J) : undefined;
  const groups: GroupEstimate[] = [];
  for (let j = 1; j <= J; j++) {
    const name = `${param}[${j}]`;
    const e = {
      none: summaries.none.estimate(name, drawsOf.none(j)),
      partial: summaries.partial.estimate(name, drawsOf.partial(j)),
      complete: summaries.complete.estimate(name, drawsOf.complete(j)),
    };
    groups.push({ name, size: sizes?.sizes[j - 1], ...e, shrinkage: shrinkage(e.none.mean, e.partial.mean, e.complete.mean) });
  }
  const populationEstimates = population.map((p) => ({
    role: p.role, label: p.label, expression: p.expression, ...summaries.partial.estimate(p.expression, p.draws),
  }));
  const adaptDelta = input.sample?.adaptDelta ?? 0.8;
  for (const kind of ['none', 'partial', 'complete'] as const) {
    const run = ({ none, partial, complete })[kind].run;
    run.maxRhat = summaries[kind].maxRhat;
    if (run.divergences > 0 || run.maxRhat > 1.01) run.advice = adviceFor(run, kind === 'partial' && parsed.ast ? parsed.ast : undefined, param, adaptDelta);
  }
  return {
    model: input.partial.filename.replace(/^.*[\\/]/, '').replace(/\.(hstan|stan)$/, ''),
    param,
    groups,
    sizeLabel: sizes?.label,
    population: populationEstimates,
    variants: { none: none.run, partial: partial.run, complete: complete.run },
    wideSd,
    chains: partial.fit.chains,
    drawsPerChain: partial.fit.drawsPerChain,
  };
}

function adviceFor(run: VariantRun, partial: Program | undefined, param: string, adaptDelta: number): string {
  const h = partial && groupHierarchy(partial, param);
  if (h?.form === 'centered' && h.location && run.divergences > 0) {
    return `non-center ${param}: declare it with <offset=${h.location}, multiplier=${h.scale}> (the prior stays as written)`;
  }
  if (run.divergences === 0) return 'run more iterations (--warmup, --samples) so the chains can mix';
  return adaptDelta < 0.99 ? `raise --adapt-delta (now ${adaptDelta}), or run \`hstan sample\` on it for advice` : 'run `hstan sample` on it for advice';
}

/** `model.hstan` → `model-no-pooling.hstan`. */
export function variantName(filename: string, suffix: string): string {
  const m = /^(.*?)(\.hstan|\.stan)?$/.exec(filename)!;
  return `${m[1]}-${suffix}${m[2] ?? '.hstan'}`;
}
