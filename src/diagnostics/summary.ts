// One row of posterior summaries per scalar quantity (posterior::summarise_draws' defaults
// plus MCSEs), computed from a single validated matrix and one sort per quantity.
import { type Draws, toMatrix } from './draws.js';
import { essBulkOfMatrix, essTailOfSorted, mcseMeanOfMatrix, mcseSdOfMatrix, rhatOfSorted } from './convergence.js';
import { DiagnosticsError } from './errors.js';
import { madOf, meanOf, medianSorted, quantileSorted, sdOf, sortedCopy } from './moments.js';

export interface SummaryRow {
  /** Stan element name, e.g. `theta[1]`. */
  name: string;
  mean: number;
  sd: number;
  median: number;
  mad: number;
  q5: number;
  q95: number;
  essBulk: number;
  essTail: number;
  rhat: number;
  mcseMean: number;
  mcseSd: number;
  /** Values of `SummarizeOptions.quantiles`, in the same order (empty when none were asked for). */
  quantiles: number[];
}

export interface NamedDraws {
  name: string;
  draws: Draws;
}

export interface SummarizeOptions {
  /** Extra probabilities whose type 7 quantiles go into `row.quantiles`, e.g. [0.025, 0.975]. */
  quantiles?: readonly number[];
}

export function summarizeOne(name: string, draws: Draws, options: SummarizeOptions = {}): SummaryRow {
  const m = toMatrix(draws, name);
  const x = m.values;
  const sorted = sortedCopy(x);
  const median = medianSorted(sorted);
  return {
    name,
    mean: meanOf(x),
    sd: sdOf(x),
    median,
    mad: madOf(x, median),
    q5: quantileSorted(sorted, 0.05),
    q95: quantileSorted(sorted, 0.95),
    essBulk: essBulkOfMatrix(m),
    essTail: essTailOfSorted(m, sorted),
    rhat: rhatOfSorted(m, sorted),
    mcseMean: mcseMeanOfMatrix(m),
    mcseSd: mcseSdOfMatrix(m),
    quantiles: (options.quantiles ?? []).map((p) => quantileSorted(sorted, p)),
  };
}

/** Summarizes every quantity, in the given order; all must have the same chains and draws. */
export function summarize(
  variables: ReadonlyMap<string, Draws> | ReadonlyArray<NamedDraws>,
  options: SummarizeOptions = {},
): SummaryRow[] {
  const entries: NamedDraws[] =
    variables instanceof Map
      ? [...variables].map(([name, draws]) => ({ name, draws }))
      : [...(variables as ReadonlyArray<NamedDraws>)];
  let shape: { name: string; chains: number; draws: number } | undefined;
  return entries.map(({ name, draws }) => {
    const row = summarizeOne(name, draws, options);
    const here = { name, chains: draws.length, draws: draws[0].length };
    if (!shape) shape = here;
    else if (shape.chains !== here.chains || shape.draws !== here.draws) {
      throw new DiagnosticsError(
        `${name} has ${here.chains} chains of ${here.draws} draws but ${shape.name} has ${shape.chains} of ${shape.draws}`,
      );
    }
    return row;
  });
}
