// Function calls: name lookup (user overloads and built-ins), deprecated names, the density
// notation `f(y | ...)`, where RNG/_lp/unnormalized functions may be called, overload
// resolution and data-only arguments. Arguments are checked by the caller.
import type { Call, Origin, Span } from '../frontend/ast.js';
import { BUILTIN_NAMES, builtinSignatures, findDeprecation, isBuiltin } from '../../stdlib/signatures/index.js';
import { type Ctx, type State, lub, report } from './context.js';
import * as E from './errors.js';
import { type Candidate, relevantSignatures, resolve } from './resolve.js';
import { closestName } from './suggest.js';
import type { StanType } from './types.js';

/** Suffixes of functions that must be called as `f(y | theta...)`. */
export const CONDITIONAL_SUFFIXES = ['_lpdf', '_lupdf', '_lpmf', '_lupmf', '_cdf', '_lcdf', '_lccdf'];

/** Stan functions taking functions as arguments; hstan has no function values yet. */
const HIGHER_ORDER = new Set([
  'reduce_sum', 'reduce_sum_static', 'map_rect', 'integrate_1d', 'ode_rk45', 'ode_rk45_tol',
  'ode_bdf', 'ode_bdf_tol', 'ode_adams', 'ode_adams_tol', 'ode_ckrk', 'ode_ckrk_tol',
  'ode_adjoint_tol_ctl', 'solve_newton', 'solve_newton_tol', 'solve_powell', 'solve_powell_tol',
  'algebra_solver_newton', 'dae', 'dae_tol',
]);

/** Functions of sizes only: their value is fixed once data is read, whatever the argument. */
const SIZE_FUNCTIONS = new Set(['size', 'rows', 'cols', 'num_elements', 'dims']);

export interface CallResult {
  type: StanType | undefined;
  origin: Origin;
}

export function functionExists(st: State, name: string): boolean {
  return st.functions.has(name) || isBuiltin(name);
}

/** User overloads first, then built-ins; `index` is the position within each list. */
export function candidatesFor(st: State, name: string): Candidate[] {
  const users: Candidate[] = (st.functions.get(name) ?? []).map((f, index) => ({ source: 'user', index, sig: f.sig }));
  const builtins: Candidate[] = builtinSignatures(name).map((sig, index) => ({ source: 'builtin', index, sig }));
  return users.concat(builtins);
}

export function hasConditionalSuffix(name: string): boolean {
  return CONDITIONAL_SUFFIXES.some((s) => name.endsWith(s));
}

/** Functions whose use depends on where the call is: RNGs, target-changing _lp functions, target(). */
function checkPlacement(st: State, ctx: Ctx, name: string, span: Span): void {
  const inFn = ctx.fn !== undefined;
  if (name.endsWith('_rng')) {
    if (ctx.inSizes) report(st, E.rngInSize(name, span));
    else if (inFn ? ctx.fn!.kind !== 'rng' : ctx.block !== 'transformed data' && ctx.block !== 'generated quantities') {
      report(st, E.rngPlacement(name, span));
    }
  } else if (name.endsWith('_lp')) {
    if (inFn ? ctx.fn!.kind !== 'lp' : ctx.block !== 'model' && ctx.block !== 'transformed parameters') {
      report(st, E.lpPlacement(name, span));
    }
  } else if (name.endsWith('_jacobian')) {
    if (inFn ? ctx.fn!.kind !== 'jacobian' : ctx.block !== 'transformed parameters') {
      report(st, E.jacobianFunctionPlacement(name, span));
    }
  } else if (name === 'target') {
    if (inFn ? ctx.fn!.kind !== 'lp' : ctx.block !== 'model' && ctx.block !== 'transformed parameters') {
      report(st, E.targetReadPlacement(span));
    }
  }
}

/** Report "no such function", with the most helpful hint available. */
function reportUnknown(st: State, ctx: Ctx, call: Call, name: string): void {
  if (HIGHER_ORDER.has(name)) return report(st, E.unsupportedFunction(name, call.nameSpan));
  const m = /^(.*)_(lu?p)(df|mf)$/.exec(name);
  if (m) {
    const other = `${m[1]}_${m[2]}${m[3] === 'df' ? 'mf' : 'df'}`;
    const otherNormalized = `${m[1]}_lp${m[3] === 'df' ? 'mf' : 'df'}`;
    if (functionExists(st, otherNormalized)) return report(st, E.wrongDensitySuffix(name, other, call.nameSpan));
  }
  const v = ctx.scope.lookup(name);
  if (v) return report(st, E.variableAsFunction(name, call.nameSpan, v.span));
  report(st, E.unknownFunction(name, call.nameSpan, closestName(name, [...st.functions.keys(), ...BUILTIN_NAMES])));
}

/**
 * Check a call whose arguments are already typed. `asStatement`: the call is a statement,
 * so it must return void (and a value-returning call is an error), and vice versa.
 */
export function checkCall(st: State, ctx: Ctx, call: Call, asStatement: boolean): CallResult {
  const argOrigin = lub(...call.args.map((a) => a.origin));
  let name = call.name;
  let renamed = false;

  if (!functionExists(st, name)) {
    const dep = findDeprecation(name, (n) => functionExists(st, n));
    if (dep?.kind === 'rename') {
      report(st, E.deprecatedName(name, dep.replacement, call.nameSpan));
      name = dep.replacement;
      renamed = true;
    } else if (dep?.kind === 'unsupported') {
      report(st, E.removedUnsupported(name, dep.replacement, call.nameSpan));
      return { type: undefined, origin: argOrigin };
    } else if (dep?.kind === 'target-increment') {
      report(st, E.incrementLogProbInExpression(call.span));
      return { type: undefined, origin: argOrigin };
    }
  }

  // A variable hides a user function of the same name (built-ins stay callable).
  const shadow = ctx.scope.lookup(call.name);
  if (shadow && st.functions.has(name) && !isBuiltin(name)) {
    report(st, E.variableAsFunction(call.name, call.nameSpan, shadow.span));
    return { type: undefined, origin: argOrigin };
  }

  if (!renamed) {
    const suffixed = hasConditionalSuffix(call.name);
    if (suffixed && !call.conditional && call.args.length > 1) report(st, E.conditionalRequired(call.name, call.span));
    if (!suffixed && call.conditional) report(st, E.conditionalNotAllowed(call.name, call.span));
  }

  // foo_lupdf is foo_lpdf without constants; it resolves to (and is implemented by) foo_lpdf.
  let effective = name;
  const unnormalized = /_lup(df|mf)$/.exec(name);
  if (unnormalized) {
    effective = name.slice(0, -unnormalized[0].length) + `_lp${unnormalized[1]}`;
    const kind = ctx.fn?.kind;
    const allowed = ctx.fn ? kind === 'lpdf' || kind === 'lpmf' || kind === 'lp' : ctx.block === 'model';
    if (!allowed) report(st, E.lupdfPlacement(name, effective, call.nameSpan));
  }

  const candidates = candidatesFor(st, effective);
  if (candidates.length === 0) {
    reportUnknown(st, ctx, call, name);
    return { type: undefined, origin: argOrigin };
  }
  checkPlacement(st, ctx, effective, call.nameSpan);

  const argTypes = call.args.map((a) => a.type);
  if (argTypes.some((t) => t === undefined)) return { type: undefined, origin: argOrigin };
  const types = argTypes as StanType[];
  const res = resolve(candidates, types);
  if (res.kind === 'none') {
    const shown = relevantSignatures(candidates, types, 5);
    const total = new Set(candidates.map((c) => c.sig.text)).size;
    report(st, E.illTypedArguments(effective, types, call.span, shown, total - shown.length));
    return { type: undefined, origin: argOrigin };
  }
  if (res.kind === 'ambiguous') {
    report(st, E.ambiguousCall(effective, types, call.span, res.candidates.map((c) => c.sig.text)));
    return { type: undefined, origin: argOrigin };
  }

  const { candidate, match } = res;
  call.resolved = { source: candidate.source, name: effective, signature: candidate.index, argTypes: match.argTypes };
  // Generated quantities run on plain numbers (no gradients), so anything counts as data there.
  const gradientsFlow = ctx.fn !== undefined || ctx.block !== 'generated quantities';
  candidate.sig.dataOnly?.forEach((dataOnly, i) => {
    if (dataOnly && gradientsFlow && call.args[i].origin === 'parameter') {
      report(st, E.dataOnlyArgument(effective, candidate.sig.argNames[i], call.args[i].span));
    }
  });

  const returns = match.returns;
  if (returns.kind === 'void' && !asStatement) {
    report(st, E.voidInExpression(effective, call.span));
    return { type: undefined, origin: argOrigin };
  }
  if (asStatement && returns.kind !== 'void') report(st, E.nonVoidStatement(effective, returns, call.span));

  let origin = argOrigin;
  // Draws are fixed once transformed data is computed; elsewhere they change with every draw.
  if (effective.endsWith('_rng')) origin = ctx.block === 'transformed data' && !ctx.fn ? 'data' : 'parameter';
  else if (effective === 'target' || effective.endsWith('_lp')) origin = 'parameter';
  else if (SIZE_FUNCTIONS.has(effective) && candidate.source === 'builtin') origin = 'data';
  return { type: returns, origin };
}
