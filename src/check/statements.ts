// Statement checking: assignments and who may assign what, `~` and `target +=`, loops and
// conditionals (with the origin of their conditions), returns, prints and call statements.
import type { Assign, CallStmt, Expr, Origin, Stmt, Tilde, TargetPlus } from '../frontend/ast.js';
import { BUILTIN_NAMES } from '../../stdlib/signatures/index.js';
import { candidatesFor, functionExists } from './calls.js';
import { type Ctx, type State, type VarInfo, Scope, lub, report } from './context.js';
import { checkVarDecl } from './declarations.js';
import * as E from './errors.js';
import { applyOperator, checkCallExpr, checkExpr, indexOrigin } from './expressions.js';
import { binarySignatures } from './operators.js';
import { relevantSignatures, resolve } from './resolve.js';
import { closestName } from './suggest.js';
import {
  type StanType,
  COMPLEX,
  REAL,
  canPromote,
  dropDims,
  isComplexLike,
  isIntOrReal,
  isIntValued,
  isRealValued,
  isScalar,
  isValueType,
  sameType,
} from './types.js';

/** Check a statement in `ctx`. Declarations add to `ctx.scope`. */
export function checkStmt(st: State, ctx: Ctx, s: Stmt): void {
  switch (s.kind) {
    case 'VarDecl':
      checkVarDecl(st, ctx, s, { global: false });
      return;
    case 'Assign':
      return checkAssign(st, ctx, s);
    case 'Tilde':
      return checkTilde(st, ctx, s);
    case 'TargetPlus':
      return checkTargetPlus(st, ctx, s);
    case 'JacobianPlus': {
      const t = checkExpr(st, ctx, s.expr);
      const allowed = ctx.fn ? ctx.fn.kind === 'jacobian' : ctx.block === 'transformed parameters';
      if (!allowed) report(st, E.jacobianPlacement(s.span));
      if (t && !isRealValued(t)) report(st, E.targetType(t, s.expr.span));
      return;
    }
    case 'For': {
      const lo = checkExpr(st, ctx, s.lower);
      const hi = checkExpr(st, ctx, s.upper);
      for (const [t, e] of [[lo, s.lower], [hi, s.upper]] as const) {
        if (t && t.kind !== 'int') report(st, E.loopBoundType(t, e.span));
      }
      const origin = lub(s.lower.origin, s.upper.origin);
      return checkLoopBody(st, ctx, s.variable, s.variableSpan, { kind: 'int' }, origin, s.body);
    }
    case 'ForEach': {
      const t = checkExpr(st, ctx, s.collection);
      let element: StanType | undefined;
      if (t) {
        if (t.kind === 'array') element = dropDims(t, 1);
        else if (t.kind === 'vector' || t.kind === 'row_vector' || t.kind === 'matrix') element = REAL;
        else if (isComplexLike(t) && !isScalar(t)) element = COMPLEX;
        else report(st, E.foreachType(t, s.collection.span));
      }
      return checkLoopBody(st, ctx, s.variable, s.variableSpan, element, s.collection.origin ?? 'data', s.body);
    }
    case 'While': {
      const t = checkExpr(st, ctx, s.condition);
      if (t && !isIntOrReal(t)) report(st, E.conditionType('a while loop', t, s.condition.span));
      const inner: Ctx = { ...ctx, loopDepth: ctx.loopDepth + 1, control: lub(ctx.control, s.condition.origin) };
      checkScoped(st, inner, s.body);
      return;
    }
    case 'If': {
      const t = checkExpr(st, ctx, s.condition);
      if (t && !isIntOrReal(t)) report(st, E.conditionType('an if statement', t, s.condition.span));
      const inner: Ctx = { ...ctx, control: lub(ctx.control, s.condition.origin) };
      checkScoped(st, inner, s.then);
      if (s.otherwise) checkScoped(st, inner, s.otherwise);
      return;
    }
    case 'Break':
    case 'Continue':
      if (ctx.loopDepth === 0) report(st, E.breakOutsideLoop(s.kind === 'Break' ? 'break' : 'continue', s.span));
      return;
    case 'Return':
      return checkReturn(st, ctx, s.value, s.span);
    case 'Print':
    case 'Reject':
    case 'FatalError':
      for (const a of s.args) {
        if (a.kind === 'StringLiteral') {
          a.origin = 'data';
          continue;
        }
        const t = checkExpr(st, ctx, a);
        if (t && !isValueType(t)) report(st, E.notPrintable(a.span));
      }
      return;
    case 'Block':
      checkBlockStatements(st, { ...ctx, scope: new Scope(ctx.scope) }, s.statements);
      return;
    case 'Profile':
      checkBlockStatements(st, { ...ctx, scope: new Scope(ctx.scope) }, s.body.statements);
      return;
    case 'CallStmt':
      return checkCallStmt(st, ctx, s);
    case 'Empty':
    case 'Include':
      return;
  }
}

export function checkBlockStatements(st: State, ctx: Ctx, stmts: readonly Stmt[]): void {
  for (const s of stmts) checkStmt(st, ctx, s);
}

/** A branch or loop body gets its own scope even when it is a single statement. */
function checkScoped(st: State, ctx: Ctx, s: Stmt): void {
  checkStmt(st, { ...ctx, scope: new Scope(ctx.scope) }, s);
}

function checkLoopBody(
  st: State,
  ctx: Ctx,
  name: string,
  span: Expr['span'],
  type: StanType | undefined,
  origin: Origin,
  body: Stmt,
): void {
  const scope = new Scope(ctx.scope);
  const previous = ctx.scope.lookup(name);
  if (previous) report(st, E.redeclared(name, span, previous.span));
  scope.declare({ name, type, kind: 'loop', block: ctx.block, span, origin: lub(origin, ctx.control) });
  checkStmt(st, { ...ctx, scope, loopDepth: ctx.loopDepth + 1, control: lub(ctx.control, origin) }, body);
}

// --- assignment ---------------------------------------------------------------

/** The variable at the root of an lvalue (`x` in `x[i].2[j]`), or undefined if it is not one. */
function lvalueRoot(e: Expr): { name: string; span: Expr['span'] } | undefined {
  switch (e.kind) {
    case 'Variable':
      return { name: e.name, span: e.span };
    case 'Indexed':
      return lvalueRoot(e.target);
    case 'TupleProjection':
      return lvalueRoot(e.target);
    default:
      return undefined;
  }
}

/** Assigning through `x[2:3][1]` would write a temporary copy; Stan forbids it. */
function hasInnerMultiIndex(e: Expr, outermost = true): boolean {
  if (e.kind === 'Indexed') {
    const multi = e.indices.some((i) => i.kind === 'Slice' || i.multi === true);
    if (multi && !outermost) return true;
    return hasInnerMultiIndex(e.target, false);
  }
  if (e.kind === 'TupleProjection') return hasInnerMultiIndex(e.target, false);
  return false;
}

function readOnlyReason(ctx: Ctx, v: VarInfo): E.ReadOnlyReason | undefined {
  if (v.kind === 'loop') return 'loop';
  if (v.kind === 'argument') return 'argument';
  if (v.kind === 'global' && v.block !== ctx.block) {
    return v.block === 'functions' || v.block === 'model' ? undefined : v.block;
  }
  return undefined;
}

/** Check an lvalue; returns its type and the variable written. */
function checkLvalue(st: State, ctx: Ctx, target: Expr): { type: StanType | undefined; root?: VarInfo } {
  const root = lvalueRoot(target);
  if (!root) {
    checkExpr(st, ctx, target);
    report(st, E.badLvalue(target.span));
    return { type: undefined };
  }
  const v = ctx.scope.lookup(root.name);
  const type = checkExpr(st, ctx, target);
  if (!v) return { type: undefined };
  const reason = readOnlyReason(ctx, v);
  if (reason) report(st, E.readOnly(root.name, reason, root.span));
  if (hasInnerMultiIndex(target)) report(st, E.multiIndexLvalue(target.span));
  return { type, root: v };
}

/** Writing a parameter-dependent value (or under a parameter-dependent branch) taints a local. */
function taint(st: State, ctx: Ctx, v: VarInfo | undefined, value: Origin | undefined, target: Expr): void {
  if (!v?.decl) return;
  const indexes = target.kind === 'Indexed' ? indexOrigin(target.indices) : 'data';
  st.origins.raise(v.decl, lub(value, ctx.control, indexes));
}

const COMPOUND: Record<string, '+' | '-' | '*' | '/' | '.*' | './'> = {
  '+=': '+',
  '-=': '-',
  '*=': '*',
  '/=': '/',
  '.*=': '.*',
  './=': './',
};

function checkAssign(st: State, ctx: Ctx, s: Assign): void {
  if (s.target.kind === 'TupleExpr') return checkUnpacking(st, ctx, s);
  const { type: lhs, root } = checkLvalue(st, ctx, s.target);
  const rhs = checkExpr(st, ctx, s.value);
  taint(st, ctx, root, s.value.origin, s.target);
  if (!lhs || !rhs) return;
  const name = lvalueRoot(s.target)?.name ?? '?';
  if (s.op === '=') {
    if (!canPromote(rhs, lhs)) report(st, E.assignmentType(name, lhs, rhs, s.value.span));
    return;
  }
  const op = COMPOUND[s.op];
  const result = applyOperator(binarySignatures(op), [lhs, rhs]);
  const elementwiseOnScalar = (op === '.*' || op === './') && isScalar(lhs);
  if (!result || !sameType(result, lhs) || elementwiseOnScalar) report(st, E.compoundAssignment(s.op, lhs, rhs, s.span));
}

/** `(a, b) = tuple_expr;` */
function checkUnpacking(st: State, ctx: Ctx, s: Assign): void {
  const target = s.target as Extract<Expr, { kind: 'TupleExpr' }>;
  const parts = target.elements.map((el) => checkLvalue(st, ctx, el));
  const rhs = checkExpr(st, ctx, s.value);
  for (let i = 0; i < parts.length; i++) taint(st, ctx, parts[i].root, s.value.origin, target.elements[i]);
  if (!rhs || parts.some((p) => !p.type)) return;
  const lhs: StanType = { kind: 'tuple', elements: parts.map((p) => p.type as StanType) };
  if (s.op !== '=' || !canPromote(rhs, lhs)) report(st, E.assignmentType('(...)', lhs, rhs, s.value.span));
}

// --- target and distributions ----------------------------------------------------

function inLogDensityContext(ctx: Ctx): boolean {
  return ctx.fn ? ctx.fn.kind === 'lp' : ctx.block === 'model';
}

function checkTargetPlus(st: State, ctx: Ctx, s: TargetPlus): void {
  const t = checkExpr(st, ctx, s.expr);
  if (!inLogDensityContext(ctx)) report(st, E.targetPlusPlacement(s.span));
  if (t && !isRealValued(t)) report(st, E.targetType(t, s.expr.span));
}

const DENSITY_SUFFIX = /_(lpdf|lpmf|lupdf|lupmf)$/;
const CDF_SUFFIX = /_(cdf|lcdf|lccdf|ccdf|cdf_log|ccdf_log)$/;

function checkTilde(st: State, ctx: Ctx, s: Tilde): void {
  const lhs = checkExpr(st, ctx, s.lhs);
  const args = s.args.map((a) => checkExpr(st, ctx, a));
  if (!inLogDensityContext(ctx)) report(st, E.tildePlacement(s.span));
  for (const bound of [s.truncation?.lower, s.truncation?.upper]) {
    if (!bound) continue;
    const t = checkExpr(st, ctx, bound);
    if (t && !isIntOrReal(t)) report(st, E.truncationBound(t, bound.span));
  }

  const dist = s.distribution;
  const suffix = DENSITY_SUFFIX.exec(dist);
  if (suffix) return report(st, E.tildeSuffix(dist, dist.slice(0, -suffix[0].length), s.distributionSpan));
  if (CDF_SUFFIX.test(dist)) return report(st, E.tildeCdf(dist, s.distributionSpan));

  const pdf = candidatesFor(st, `${dist}_lpdf`);
  const pmf = candidatesFor(st, `${dist}_lpmf`);
  if (pdf.length === 0 && pmf.length === 0) {
    const stems = [...st.functions.keys(), ...allBuiltinDensityStems()];
    return report(st, E.tildeNoDistribution(dist, s.distributionSpan, closestName(dist, stems)));
  }
  if (!lhs || args.some((t) => !t)) return;
  const types = [lhs, ...(args as StanType[])];
  const pdfRes = resolve(pdf, types);
  const pmfRes = resolve(pmf, types);
  const pick =
    pdfRes.kind === 'match' && (pmfRes.kind !== 'match' || pdfRes.match.cost <= pmfRes.match.cost)
      ? { res: pdfRes, name: `${dist}_lpdf` }
      : pmfRes.kind === 'match'
        ? { res: pmfRes, name: `${dist}_lpmf` }
        : undefined;
  if (!pick || pick.res.kind !== 'match') {
    const lhsName = s.lhs.kind === 'Variable' ? s.lhs.name : 'the left side';
    if (pdf.length === 0 && !isIntValued(lhs) && isRealValued(lhs)) {
      return report(st, E.tildeDiscreteOnReal(lhsName, lhs, dist, s.lhs.span));
    }
    const [name, cands] = pdf.length > 0 ? [`${dist}_lpdf`, pdf] : [`${dist}_lpmf`, pmf];
    const shown = relevantSignatures(cands, types, 5);
    const total = new Set(cands.map((c) => c.sig.text)).size;
    return report(st, E.illTypedArguments(name, types, s.span, shown, total - shown.length));
  }
  const { candidate, match } = pick.res;
  s.resolved = { source: candidate.source, name: pick.name, signature: candidate.index, argTypes: match.argTypes };
  if (s.truncation) checkTruncation(st, s, dist, args as StanType[]);
}

/** `T[a, b]` normalizes by the CDF: both `_lcdf` and `_lccdf` must accept (bound, params...). */
function checkTruncation(st: State, s: Tilde, dist: string, params: StanType[]): void {
  for (const bound of [s.truncation?.lower, s.truncation?.upper]) {
    if (!bound?.type) continue;
    const types = [bound.type, ...params];
    const ok = ['_lcdf', '_lccdf'].every((sfx) => resolve(candidatesFor(st, dist + sfx), types).kind === 'match');
    if (!ok) return report(st, E.truncationNeedsCdf(dist, types, s.truncation!.span));
  }
}

let densityStems: string[] | undefined;
/** Names usable after '~' (for suggestions). */
function allBuiltinDensityStems(): string[] {
  densityStems ??= BUILTIN_NAMES.flatMap((name) => /^(.*)_lp[dm]f$/.exec(name)?.[1] ?? []);
  return densityStems;
}

// --- returns and call statements --------------------------------------------------

function checkReturn(st: State, ctx: Ctx, value: Expr | undefined, span: Expr['span']): void {
  const t = value ? checkExpr(st, ctx, value) : undefined;
  if (!ctx.fn) return report(st, E.returnOutsideFunction(span));
  const expected = ctx.fn.returns;
  if (expected.kind === 'void') {
    if (value) report(st, E.returnValueFromVoid(ctx.fn.name, span));
    return;
  }
  if (!value) return report(st, E.returnWithoutValue(ctx.fn.name, expected, span));
  if (t && !canPromote(t, expected)) report(st, E.returnType(ctx.fn.name, expected, t, value.span));
}

/** `increment_log_prob(e);` (removed from Stan) becomes `target += e;`, in place, with a warning. */
function rewriteIncrementLogProb(st: State, s: CallStmt): TargetPlus | undefined {
  const call = s.call;
  if (call.name !== 'increment_log_prob' || call.args.length !== 1 || functionExists(st, call.name)) return undefined;
  st.sticky.push(E.deprecatedName('increment_log_prob(e)', 'target += e', call.nameSpan));
  const node = s as unknown as Record<string, unknown>;
  const replacement: TargetPlus = { kind: 'TargetPlus', expr: call.args[0], span: s.span };
  for (const k of Object.keys(node)) delete node[k];
  Object.assign(node, replacement);
  return node as unknown as TargetPlus;
}

function checkCallStmt(st: State, ctx: Ctx, s: CallStmt): void {
  const rewritten = rewriteIncrementLogProb(st, s);
  if (rewritten) return checkTargetPlus(st, ctx, rewritten);
  checkCallExpr(st, ctx, s.call, true);
}
