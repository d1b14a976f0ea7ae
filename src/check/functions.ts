// User-defined functions: collect every definition and forward declaration into overload
// sets before any body is checked (so order and recursion do not matter), enforce Stan's rules
// on names and density signatures, then check bodies, including that non-void functions
// return on every path.
import type { Expr, FunctionDef, Stmt } from '../frontend/ast.js';
import { builtinSignatures, showSignature, type Signature } from '../../stdlib/signatures/index.js';
import { hasConditionalSuffix } from './calls.js';
import { type Ctx, type State, type UserFunction, Scope, functionKind, report } from './context.js';
import { funType } from './declarations.js';
import * as E from './errors.js';
import { matchSignature } from './resolve.js';
import { checkBlockStatements } from './statements.js';
import { type StanType, VOID, isIntValued, isRealValued, sameType } from './types.js';

function signatureOf(def: FunctionDef, params: UserFunction['params'], returns: StanType): Signature {
  const sig: Signature = {
    name: def.name,
    args: params.map((p) => ({ kind: 'type', type: p.type })),
    argNames: params.map((p) => p.name),
    dataOnly: params.some((p) => p.dataOnly) ? params.map((p) => p.dataOnly) : undefined,
    returns: { kind: 'type', type: returns },
    conditional: hasConditionalSuffix(def.name) && params.length > 0,
    text: '',
  };
  sig.text = showSignature(sig);
  return sig;
}

function sameParams(a: UserFunction['params'], b: UserFunction['params']): boolean {
  return a.length === b.length && a.every((p, i) => sameType(p.type, b[i].type));
}

/** Rules that depend only on one definition's name and signature. */
function checkDefinitionShape(st: State, def: FunctionDef, params: UserFunction['params'], returns: StanType): void {
  const unnormalized = /_lup(df|mf)$/.exec(def.name);
  if (unnormalized) {
    report(st, E.unnormalizedDefinition(def.name, def.name.slice(0, -unnormalized[0].length) + `_lp${unnormalized[1]}`, def.nameSpan));
  }
  if (def.name.endsWith('__')) report(st, E.reservedName(def.name, def.nameSpan));
  const first = params[0]?.type;
  if (def.name.endsWith('_lpdf') && (!first || isIntValued(first) || !isRealValued(first))) {
    report(st, E.densityFirstArgument(def.name, 'real', first, def.nameSpan));
  }
  if (def.name.endsWith('_lpmf') && (!first || !isIntValued(first))) {
    report(st, E.densityFirstArgument(def.name, 'int', first, def.nameSpan));
  }
  if (hasConditionalSuffix(def.name) && returns.kind !== 'real') report(st, E.densityReturn(def.name, returns, def.nameSpan));
  const seen = new Set<string>();
  for (const p of def.params) {
    if (seen.has(p.name)) report(st, E.duplicateParam(def.name, p.name, p.span));
    seen.add(p.name);
  }
  for (const b of builtinSignatures(def.name)) {
    const m = matchSignature(b, params.map((p) => p.type));
    if (m && m.cost === 0) {
      report(st, E.builtinClash(def.name, b.text, def.nameSpan));
      break;
    }
  }
}

/** Build the overload table from the functions block (definitions and forward declarations). */
export function collectFunctions(st: State, defs: readonly FunctionDef[]): void {
  for (const def of defs) {
    const params = def.params.map((p) => ({ name: p.name, type: funType(p.type), dataOnly: p.dataOnly }));
    const returns = def.returnType ? funType(def.returnType) : VOID;
    checkDefinitionShape(st, def, params, returns);
    const overloads = st.functions.get(def.name) ?? [];
    const same = overloads.find((f) => sameParams(f.params, params));
    if (same) {
      if (!sameType(same.returns, returns)) report(st, E.overloadReturnOnly(def.name, def.nameSpan, same.def.nameSpan));
      else if (def.body && !same.defined) {
        // The definition of an earlier forward declaration.
        same.def = def;
        same.defined = true;
      } else report(st, E.duplicateFunction(def.name, def.nameSpan, same.def.nameSpan));
      continue;
    }
    overloads.push({ name: def.name, def, params, returns, sig: signatureOf(def, params, returns), defined: !!def.body });
    st.functions.set(def.name, overloads);
  }
  for (const overloads of st.functions.values()) {
    for (const f of overloads) if (!f.defined) report(st, E.functionNotDefined(f.name, f.def.nameSpan));
  }
}

/** Check every function body; `root` holds nothing yet (functions see no program variables). */
export function checkFunctionBodies(st: State, defs: readonly FunctionDef[], root: Scope): void {
  for (const def of defs) {
    if (!def.body) continue;
    const f = st.functions.get(def.name)?.find((u) => u.def === def);
    const returns = f?.returns ?? (def.returnType ? funType(def.returnType) : VOID);
    const scope = new Scope(root);
    def.params.forEach((p) => {
      scope.declare({
        name: p.name,
        type: funType(p.type),
        kind: 'argument',
        block: 'functions',
        span: p.span,
        origin: p.dataOnly ? 'data' : 'parameter',
      });
    });
    const ctx: Ctx = {
      block: 'functions',
      fn: { name: def.name, kind: functionKind(def.name), returns },
      loopDepth: 0,
      inSizes: false,
      control: 'data',
      scope,
    };
    checkBlockStatements(st, { ...ctx, scope: new Scope(scope) }, def.body.statements);
    if (returns.kind !== 'void' && !alwaysReturns(def.body)) report(st, E.missingReturn(def.name, def.nameSpan));
  }
}

/** A literal nonzero condition: `while (1)` only ends by return, reject or break. */
function isLiteralTrue(e: Expr): boolean {
  return e.kind === 'IntLiteral' && e.value !== 0;
}

function containsBreak(s: Stmt): boolean {
  switch (s.kind) {
    case 'Break':
      return true;
    case 'Block':
      return s.statements.some(containsBreak);
    case 'Profile':
      return s.body.statements.some(containsBreak);
    case 'If':
      return containsBreak(s.then) || (s.otherwise ? containsBreak(s.otherwise) : false);
    default:
      // Breaks inside nested loops leave those loops, not this one.
      return false;
  }
}

/**
 * Whether control cannot fall off the end of `s`: every path ends in return, reject or
 * fatal_error. Loops whose body always returns count as returning (as in Stan).
 */
export function alwaysReturns(s: Stmt): boolean {
  switch (s.kind) {
    case 'Return':
    case 'Reject':
    case 'FatalError':
      return true;
    case 'Block':
      return sequenceReturns(s.statements);
    case 'Profile':
      return sequenceReturns(s.body.statements);
    case 'If':
      return !!s.otherwise && alwaysReturns(s.then) && alwaysReturns(s.otherwise);
    case 'While':
      return (isLiteralTrue(s.condition) && !containsBreak(s.body)) || alwaysReturns(s.body);
    case 'For':
    case 'ForEach':
      return alwaysReturns(s.body);
    default:
      return false;
  }
}

function sequenceReturns(stmts: readonly Stmt[]): boolean {
  for (const s of stmts) {
    if (s.kind === 'Break' || s.kind === 'Continue') return false;
    if (alwaysReturns(s)) return true;
  }
  return false;
}
