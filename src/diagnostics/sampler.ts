// Sampler health per chain (divergences, tree-depth saturation, E-BFMI) and advice a modeller
// can act on, naming the model's own parameters when the compiler supplies hints.
import { DiagnosticsError } from './errors.js';
import type { SummaryRow } from './summary.js';

/** One chain's per-draw sampler statistics (kept draws only), as in Stan CSV columns. */
export interface ChainSamplerStats {
  /** `divergent__`: 1 when the transition diverged. */
  divergent: ArrayLike<number>;
  /** `treedepth__`. */
  treedepth: ArrayLike<number>;
  /** `energy__`: the Hamiltonian at the start of each transition. */
  energy: ArrayLike<number>;
}

export interface ChainDiagnostics {
  /** 1-based chain number. */
  chain: number;
  draws: number;
  divergences: number;
  /** Transitions that stopped at the maximum tree depth. */
  treedepthSaturations: number;
  /** Energy Bayesian fraction of missing information; NaN with fewer than two draws. */
  ebfmi: number;
  lowEbfmi: boolean;
}

export interface SamplerDiagnostics {
  maxTreedepth: number;
  chains: ChainDiagnostics[];
  draws: number;
  divergences: number;
  treedepthSaturations: number;
}

/** E-BFMI below this suggests the momentum resampling cannot keep up with the energy's spread. */
export const EBFMI_THRESHOLD = 0.3;

/**
 * E-BFMI = Σ (E_n − E_{n−1})² / Σ (E_n − Ē)² (Betancourt 2016), the ratio CmdStan reports.
 */
export function ebfmi(energy: ArrayLike<number>): number {
  const n = energy.length;
  if (n < 2) return NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += energy[i];
  mean /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const d = energy[i] - mean;
    den += d * d;
    if (i > 0) {
      const step = energy[i] - energy[i - 1];
      num += step * step;
    }
  }
  return num / den;
}

export function samplerDiagnostics(chains: ReadonlyArray<ChainSamplerStats>, maxTreedepth: number): SamplerDiagnostics {
  if (!(Number.isInteger(maxTreedepth) && maxTreedepth > 0)) {
    throw new DiagnosticsError(`max treedepth must be a positive integer, got ${maxTreedepth}`);
  }
  const perChain = chains.map((stats, c): ChainDiagnostics => {
    const n = stats.divergent.length;
    if (stats.treedepth.length !== n || stats.energy.length !== n) {
      throw new DiagnosticsError(
        `chain ${c + 1}: sampler statistics have unequal lengths (divergent__ ${n}, treedepth__ ${stats.treedepth.length}, energy__ ${stats.energy.length})`,
      );
    }
    let divergences = 0;
    let saturations = 0;
    for (let i = 0; i < n; i++) {
      if (stats.divergent[i] !== 0) divergences++;
      if (stats.treedepth[i] >= maxTreedepth) saturations++;
    }
    const e = ebfmi(stats.energy);
    return {
      chain: c + 1,
      draws: n,
      divergences,
      treedepthSaturations: saturations,
      ebfmi: e,
      lowEbfmi: e < EBFMI_THRESHOLD,
    };
  });
  const sum = (f: (c: ChainDiagnostics) => number) => perChain.reduce((s, c) => s + f(c), 0);
  return {
    maxTreedepth,
    chains: perChain,
    draws: sum((c) => c.draws),
    divergences: sum((c) => c.divergences),
    treedepthSaturations: sum((c) => c.treedepthSaturations),
  };
}

/** Facts about the model the compiler can see and the sampler cannot. */
export interface ModelHints {
  /** Group effects drawn from a location-scale family, e.g. theta ~ normal(mu, tau). */
  hierarchical?: Array<{
    effect: string;
    location?: string;
    scale: string;
    centered: boolean;
    /** The effect's size expression as declared (e.g. `J`), for an exact suggested declaration. */
    size?: string;
  }>;
}

export type AdviceKind = 'divergences' | 'treedepth' | 'ebfmi' | 'rhat' | 'ess';

export interface Advice {
  kind: AdviceKind;
  /** Parameters the advice is about (the non-centering candidates for divergences). */
  parameters: string[];
  text: string;
}

export interface AdviseInput {
  sampler?: SamplerDiagnostics;
  summary?: ReadonlyArray<SummaryRow>;
  /** Number of chains, for the per-chain ESS threshold; defaults to the sampler's. */
  chains?: number;
  /** The adapt delta the run used, to suggest a higher one. */
  adaptDelta?: number;
  hints?: ModelHints;
  /** R-hat above this is flagged (default 1.01). */
  rhatThreshold?: number;
  /** Bulk or tail ESS below this many per chain is flagged (default 100). */
  essPerChain?: number;
}

function percent(k: number, n: number): string {
  const p = (100 * k) / n;
  return `${p < 1 ? Number(p.toPrecision(2)) : p.toFixed(1)}%`;
}

/** "a, b, c" or "a, b, c and 7 more". */
function listNames(names: string[], max = 8): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

function nonCenteringAdvice(h: NonNullable<ModelHints['hierarchical']>[number]): string {
  const args = h.location ? `offset=${h.location}, multiplier=${h.scale}` : `multiplier=${h.scale}`;
  const decl = h.size
    ? `declare \`vector<${args}>[${h.size}] ${h.effect}\``
    : `add \`<${args}>\` to the declaration of ${h.effect} (e.g. \`vector<${args}>[J] ${h.effect}\`)`;
  const explicit = h.location ? `${h.effect} = ${h.location} + ${h.scale} * z` : `${h.effect} = ${h.scale} * z`;
  return `non-center the group effects: ${decl} (or write ${explicit} with z ~ std_normal())`;
}

/** What to do with adapt_delta: the next customary value, unless it is already high. */
function adaptDeltaAdvice(current: number | undefined): string {
  if (current !== undefined && current >= 0.99) {
    return `\`adapt_delta\` is already ${current}, and raising it further rarely helps`;
  }
  const next = current !== undefined && current >= 0.95 ? 0.99 : 0.95;
  return `raise \`adapt_delta\` (e.g. \`--adapt-delta ${next}\`) so the sampler takes smaller steps`;
}

function divergenceAdvice(s: SamplerDiagnostics, input: AdviseInput): Advice {
  const head = `${s.divergences} of ${s.draws} transitions (${percent(s.divergences, s.draws)}) ended with a divergence, so the draws may miss part of the posterior and estimates may be biased.`;
  const centered = (input.hints?.hierarchical ?? []).filter((h) => h.centered);
  if (centered.length > 0) {
    const lines = centered.map((h) => {
      const prior = h.location ? `drawn around ${h.location} with scale ${h.scale}` : `with scale ${h.scale}`;
      return `${h.effect} is a centered hierarchical effect (${prior}); when the data say little about each group its funnel-shaped posterior causes divergences: ${nonCenteringAdvice(h)}.`;
    });
    return {
      kind: 'divergences',
      parameters: centered.map((h) => h.effect),
      text: [head, ...lines, `If divergences remain, ${adaptDeltaAdvice(input.adaptDelta)}.`].join(' '),
    };
  }
  const nonCentered = (input.hints?.hierarchical ?? []).filter((h) => !h.centered).map((h) => h.effect);
  const tail =
    nonCentered.length > 0
      ? ` ${listNames(nonCentered)} ${nonCentered.length === 1 ? 'is' : 'are'} already non-centered; if every group has plenty of data the centered form can sample better.`
      : ' If they persist, reparameterize: divergences come from regions of high curvature such as funnels in hierarchical models (non-center group effects) or scales near zero.';
  return {
    kind: 'divergences',
    parameters: nonCentered,
    text: `${head} ${adaptDeltaAdvice(input.adaptDelta).replace(/^r/, 'R')}.${tail}`,
  };
}

/** Advice records, most serious first; an empty list means nothing to report. */
export function advise(input: AdviseInput): Advice[] {
  const out: Advice[] = [];
  const s = input.sampler;
  if (s && s.divergences > 0) out.push(divergenceAdvice(s, input));
  if (s && s.treedepthSaturations > 0) {
    out.push({
      kind: 'treedepth',
      parameters: [],
      text: `${s.treedepthSaturations} of ${s.draws} transitions (${percent(s.treedepthSaturations, s.draws)}) hit the maximum tree depth ${s.maxTreedepth}: trajectories were cut short, which costs efficiency rather than validity. Raise it (e.g. \`--max-treedepth ${s.maxTreedepth + 2}\`) or reparameterize: strongly correlated or badly scaled parameters need long trajectories.`,
    });
  }
  if (s) {
    const low = s.chains.filter((c) => c.lowEbfmi);
    if (low.length > 0) {
      const which = low.map((c) => `chain ${c.chain} (${c.ebfmi.toFixed(2)})`).join(', ');
      const centered = (input.hints?.hierarchical ?? []).filter((h) => h.centered);
      const fix =
        centered.length > 0
          ? ` The funnel of a centered hierarchical effect is the usual cause: ${centered.map((h) => `for ${h.effect}, ${nonCenteringAdvice(h)}`).join('; ')}.`
          : ' Reparameterize (e.g. non-center hierarchical effects, put scale parameters on a log scale) rather than running longer.';
      out.push({
        kind: 'ebfmi',
        parameters: centered.map((h) => h.effect),
        text: `E-BFMI is below ${EBFMI_THRESHOLD} for ${which}: momentum resampling barely changes the energy, so the sampler explores the tails of the posterior slowly and may miss them.${fix}`,
      });
    }
  }

  const rows = input.summary ?? [];
  if (rows.length > 0) {
    const chains = input.chains ?? s?.chains.length;
    if (chains === undefined) throw new DiagnosticsError('advise: the number of chains is needed to judge ESS');
    const rhatMax = input.rhatThreshold ?? 1.01;
    const essMin = (input.essPerChain ?? 100) * chains;
    const badRhat = rows.filter((r) => r.rhat > rhatMax);
    if (badRhat.length > 0) {
      out.push({
        kind: 'rhat',
        parameters: badRhat.map((r) => r.name),
        text: `R-hat is above ${rhatMax} for ${listNames(badRhat.map((r) => `${r.name} (${r.rhat.toFixed(3)})`))}: the chains disagree, so these estimates cannot be trusted yet. Run more warmup and sampling iterations, and check for multimodality or a parameterization the sampler struggles with.`,
      });
    }
    const badEss = rows.filter((r) => r.essBulk < essMin || r.essTail < essMin);
    if (badEss.length > 0) {
      out.push({
        kind: 'ess',
        parameters: badEss.map((r) => r.name),
        text: `Bulk or tail ESS is below ${essMin} (${essMin / chains} per chain) for ${listNames(badEss.map((r) => `${r.name} (${Math.round(Math.min(...[r.essBulk, r.essTail].filter(Number.isFinite)))})`))}: their means and quantiles are imprecise. Run more iterations or reparameterize to reduce autocorrelation.`,
      });
    }
  }
  return out;
}

/** Advice as text, one paragraph per record. */
export function formatAdvice(advice: ReadonlyArray<Advice>): string {
  return advice.map((a) => `Warning: ${a.text}`).join('\n');
}
