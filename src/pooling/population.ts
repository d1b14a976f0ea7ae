// The population the groups are drawn from, read off the group prior of the partial-pooling
// program: its mean and its between-group sd, as posterior draws.
import type { Expr, Program, Stmt } from '../frontend/ast.js';
import { findBlock } from '../frontend/ast.js';
import { groupHierarchy } from './derive.js';

export interface PopulationQuantity {
  /** 'mean' or 'sd' of the population (location/scale for families whose scale is not the sd). */
  role: 'mean' | 'sd' | 'location' | 'scale';
  /** In words, e.g. `population mean`. */
  label: string;
  /** How it is computed from the parameters, e.g. `mu`, `alpha / (alpha + beta)`. */
  expression: string;
  /** Draws per chain. */
  draws: number[][];
}

/** Draws of a scalar in the partial-pooling fit, or undefined when the fit has no such scalar. */
type DrawsOf = (name: string) => number[][] | undefined;

function varName(e: Expr | undefined): string | undefined {
  if (!e) return undefined;
  if (e.kind === 'Paren') return varName(e.expr);
  return e.kind === 'Variable' ? e.name : undefined;
}

function combine(a: number[][], b: number[][], f: (x: number, y: number) => number): number[][] {
  return a.map((chain, c) => chain.map((x, i) => f(x, b[c][i])));
}

/** Population mean and between-group sd of PARAM's prior, or [] for priors hstan does not know. */
export function populationQuantities(program: Program, param: string, drawsOf: DrawsOf): PopulationQuantity[] {
  const h = groupHierarchy(program, param);
  if (h) {
    const normal = h.distribution === 'normal';
    const out: PopulationQuantity[] = [];
    const location = h.location ? drawsOf(h.location) : undefined;
    if (location) {
      out.push({ role: normal ? 'mean' : 'location', label: normal ? 'population mean' : 'population location', expression: h.location!, draws: location });
    }
    const scale = drawsOf(h.scale);
    if (scale) out.push({ role: normal ? 'sd' : 'scale', label: normal ? 'between-group sd' : 'between-group scale', expression: h.scale, draws: scale });
    return out;
  }
  const model = (findBlock(program, 'model')?.items ?? []) as Stmt[];
  const prior = model.find((s) => s.kind === 'Tilde' && varName(s.lhs) === param);
  if (prior?.kind !== 'Tilde') return [];
  const [a, b] = prior.args.map(varName);
  const first = a ? drawsOf(a) : undefined;
  const second = b ? drawsOf(b) : undefined;
  if (!a || !b || !first || !second) return [];
  if (prior.distribution === 'beta') {
    const alpha = first;
    const beta = second;
    const mean = combine(alpha, beta, (x, y) => x / (x + y));
    const sd = combine(alpha, beta, (x, y) => Math.sqrt((x * y) / ((x + y) ** 2 * (x + y + 1))));
    return [
      { role: 'mean', label: 'population mean', expression: `${a} / (${a} + ${b})`, draws: mean },
      { role: 'sd', label: 'between-group sd', expression: `sd of beta(${a}, ${b})`, draws: sd },
    ];
  }
  if (prior.distribution === 'beta_proportion') {
    const mu = first;
    const sd = combine(mu, second, (m, k) => Math.sqrt((m * (1 - m)) / (k + 1)));
    return [
      { role: 'mean', label: 'population mean', expression: a, draws: mu },
      { role: 'sd', label: 'between-group sd', expression: `sd of beta_proportion(${a}, ${b})`, draws: sd },
    ];
  }
  return [];
}
