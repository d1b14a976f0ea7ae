// Overload resolution: match argument types against signatures (built-in or user), with
// Stan's implicit promotions and vectorized families, and pick the cheapest match.
import type { Signature, ArgType } from '../../stdlib/signatures/index.js';
import {
  type StanType,
  INT,
  REAL,
  arrayOf,
  arrayDims,
  canPromote,
  dropDims,
  innermost,
  intToReal,
  isRealValued,
  isScalar,
  isValueType,
  promotionCost,
  sameType,
} from './types.js';

export interface Match {
  /** Number of implicit promotions needed; lower wins. */
  cost: number;
  /** Argument types after promotion to the signature. */
  argTypes: StanType[];
  returns: StanType;
}

interface FamilyMatch {
  cost: number;
  promoted: StanType;
  /** Matched a container (drives vectorized return types). */
  container: boolean;
}

function matchFamily(family: string, t: StanType): FamilyMatch | undefined {
  const dims = arrayDims(t);
  const e = innermost(t);
  switch (family) {
    case 'reals':
      if (dims === 0) {
        if (e.kind === 'int') return { cost: 1, promoted: REAL, container: false };
        if (e.kind === 'real') return { cost: 0, promoted: REAL, container: false };
        if (e.kind === 'vector' || e.kind === 'row_vector') return { cost: 0, promoted: t, container: true };
        return undefined;
      }
      if (dims === 1 && e.kind === 'int') return { cost: 1, promoted: arrayOf(REAL), container: true };
      if (dims === 1 && e.kind === 'real') return { cost: 0, promoted: t, container: true };
      return undefined;
    case 'ints':
      if (e.kind === 'int' && dims <= 1) return { cost: 0, promoted: t, container: dims === 1 };
      return undefined;
    case 'vectors':
      if (dims <= 1 && (e.kind === 'vector' || e.kind === 'row_vector')) {
        return { cost: 0, promoted: t, container: dims === 1 };
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Match `args` against one signature; undefined when it does not apply. */
export function matchSignature(sig: Signature, args: readonly StanType[]): Match | undefined {
  if (sig.args.length !== args.length) return undefined;
  let cost = 0;
  const promoted: Array<StanType | undefined> = new Array(args.length);
  let anyFamilyContainer = false;
  let elementwiseShape: StanType | undefined;
  let hasElementwise = false;
  let generic: StanType | undefined;
  const genericSlots: number[] = [];

  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const p: ArgType = sig.args[i];
    switch (p.kind) {
      case 'type': {
        const c = promotionCost(a, p.type);
        if (c < 0) return undefined;
        cost += c;
        promoted[i] = p.type;
        break;
      }
      case 'family': {
        const m = matchFamily(p.family, a);
        if (!m) return undefined;
        cost += m.cost;
        promoted[i] = m.promoted;
        anyFamilyContainer ||= m.container;
        break;
      }
      case 'elementwise': {
        hasElementwise = true;
        if (!isRealValued(a)) return undefined;
        if (innermost(a).kind === 'int') cost += 1;
        const r = intToReal(a);
        promoted[i] = r;
        if (!isScalar(r)) {
          // Containers in one element-wise call must share a shape; scalars broadcast.
          if (elementwiseShape && !sameType(elementwiseShape, r)) return undefined;
          elementwiseShape = r;
        }
        break;
      }
      case 'generic': {
        if (!isValueType(a) || arrayDims(a) < p.dims) return undefined;
        const cand = dropDims(a, p.dims);
        if (!generic) generic = cand;
        else if (canPromote(cand, generic)) cost += promotionCost(cand, generic);
        else if (canPromote(generic, cand)) {
          cost += promotionCost(generic, cand);
          generic = cand;
        } else return undefined;
        genericSlots.push(i);
        break;
      }
    }
  }
  for (const i of genericSlots) {
    const p = sig.args[i];
    if (p.kind === 'generic' && generic) promoted[i] = arrayOf(generic, p.dims);
  }

  let returns: StanType | undefined;
  const r = sig.returns;
  switch (r.kind) {
    case 'type':
      returns = r.type;
      break;
    case 'generic':
      if (!generic) return undefined;
      returns = arrayOf(generic, r.dims);
      break;
    case 'vectorized': {
      const base = r.base === 'real' ? REAL : INT;
      if (hasElementwise) {
        if (!elementwiseShape) returns = base;
        else if (r.base === 'real') returns = elementwiseShape;
        else if (innermost(elementwiseShape).kind === 'real') returns = arrayOf(INT, arrayDims(elementwiseShape));
        else return undefined;
      } else {
        returns = anyFamilyContainer ? arrayOf(base) : base;
      }
      break;
    }
  }
  return { cost, argTypes: promoted as StanType[], returns };
}

export interface Candidate {
  source: 'builtin' | 'user';
  /** Index within its source's list for this name. */
  index: number;
  sig: Signature;
}

export type Resolution =
  | { kind: 'match'; candidate: Candidate; match: Match }
  | { kind: 'ambiguous'; candidates: Candidate[] }
  | { kind: 'none' };

/**
 * The cheapest matching candidate. Equal-cost matches among user overloads with different
 * parameter types are ambiguous (as in Stan); among built-ins the table order decides,
 * because vectorized families deliberately overlap.
 */
export function resolve(candidates: readonly Candidate[], args: readonly StanType[]): Resolution {
  let best: Array<{ candidate: Candidate; match: Match }> = [];
  for (const candidate of candidates) {
    const match = matchSignature(candidate.sig, args);
    if (!match) continue;
    if (best.length === 0 || match.cost < best[0].match.cost) best = [{ candidate, match }];
    else if (match.cost === best[0].match.cost) best.push({ candidate, match });
  }
  if (best.length === 0) return { kind: 'none' };
  const users = best.filter((b) => b.candidate.source === 'user');
  if (users.length > 1) return { kind: 'ambiguous', candidates: users.map((u) => u.candidate) };
  return { kind: 'match', ...(users[0] ?? best[0]) };
}

/**
 * The few signatures most worth showing when nothing matched: same arity first, then those
 * matching the most arguments one by one. Deduplicated by their reference line.
 */
export function relevantSignatures(candidates: readonly Candidate[], args: readonly StanType[], limit = 5): string[] {
  const score = (sig: Signature): number => {
    let s = sig.args.length === args.length ? 0 : 100 + Math.abs(sig.args.length - args.length);
    for (let i = 0; i < Math.min(args.length, sig.args.length); i++) {
      const single: Signature = { ...sig, args: [sig.args[i]], argNames: [sig.argNames[i]], returns: { kind: 'type', type: REAL } };
      if (sig.args[i].kind === 'generic' || !matchSignature(single, [args[i]])) s += 1;
    }
    return s;
  };
  const ranked = candidates
    .map((c, order) => ({ text: c.sig.text, s: score(c.sig), order }))
    .sort((a, b) => a.s - b.s || a.order - b.order);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of ranked) {
    if (seen.has(r.text)) continue;
    seen.add(r.text);
    out.push(r.text);
    if (out.length === limit) break;
  }
  return out;
}
