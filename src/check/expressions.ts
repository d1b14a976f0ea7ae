// Expression checking: infer each expression's type and origin and write them onto the node.
// An ill-typed subexpression gets `type` undefined, which silences errors that would only
// repeat it further up.
import type { Call, Conditional, Expr, Index, Indexed, Origin } from '../frontend/ast.js';
import type { Signature } from '../../stdlib/signatures/index.js';
import { checkCall, functionExists } from './calls.js';
import { type Ctx, type State, lub, originOf, report } from './context.js';
import * as E from './errors.js';
import { type IndexKind, indexedType, maxIndexes } from './indexing.js';
import { binarySignatures, showOperatorSignature, transposeSignatures, unarySignatures } from './operators.js';
import { resolve, type Candidate } from './resolve.js';
import { closestName } from './suggest.js';
import {
  type StanType,
  COMPLEX,
  COMPLEX_ROW_VECTOR,
  COMPLEX_MATRIX,
  INT,
  REAL,
  ROW_VECTOR,
  MATRIX,
  arrayOf,
  commonType,
  isComplexLike,
  isInt,
  isIntArray,
  isIntOrReal,
  isScalar,
  innermost,
} from './types.js';

const INT_MAX = 2147483647;

/** Check `e`, annotate it, and return its type (undefined when ill-typed). */
export function checkExpr(st: State, ctx: Ctx, e: Expr): StanType | undefined {
  const [type, origin] = infer(st, ctx, e);
  e.type = type;
  e.origin = origin;
  return type;
}

type Inferred = [StanType | undefined, Origin];

function infer(st: State, ctx: Ctx, e: Expr): Inferred {
  switch (e.kind) {
    case 'IntLiteral':
      if (e.value > INT_MAX) report(st, E.intLiteralTooLarge(e.text, e.span));
      return [INT, 'data'];
    case 'RealLiteral':
      return [REAL, 'data'];
    case 'ImagLiteral':
      return [COMPLEX, 'data'];
    case 'StringLiteral':
      report(st, E.stringOutsidePrint(e.span));
      return [undefined, 'data'];
    case 'Variable':
      return inferVariable(st, ctx, e.name, e.span);
    case 'Paren': {
      const t = checkExpr(st, ctx, e.expr);
      return [t, e.expr.origin ?? 'data'];
    }
    case 'Unary': {
      const t = checkExpr(st, ctx, e.operand);
      const origin = e.operand.origin ?? 'data';
      if (!t) return [undefined, origin];
      const r = applyOperator(unarySignatures(e.op), [t]);
      if (!r) report(st, E.illTypedUnary(e.op, t, e.span));
      return [r, origin];
    }
    case 'Transpose': {
      const t = checkExpr(st, ctx, e.operand);
      const origin = e.operand.origin ?? 'data';
      if (!t) return [undefined, origin];
      const r = applyOperator(transposeSignatures(), [t]);
      if (!r) report(st, E.illTypedTranspose(t, e.span));
      return [r, origin];
    }
    case 'Binary': {
      const l = checkExpr(st, ctx, e.left);
      const r = checkExpr(st, ctx, e.right);
      const origin = lub(e.left.origin, e.right.origin);
      if (!l || !r) return [undefined, origin];
      if (e.op === '/' && isInt(l) && isInt(r)) {
        report(st, E.integerDivision(`${exprText(e.left)} / ${exprText(e.right)}`, e.span));
      }
      if (e.op === '^' && innermost(l).kind === 'matrix' && isIntOrReal(r)) {
        report(st, E.matrixPower(`${exprText(e.left)} ^ ${exprText(e.right)}`, e.span));
      }
      const sigs = binarySignatures(e.op);
      const t = applyOperator(sigs, [l, r]);
      if (!t) report(st, E.illTypedBinary(e.op, l, r, e.span, operatorHints(e.op, sigs, l, r)));
      return [t, origin];
    }
    case 'Conditional':
      return inferConditional(st, ctx, e);
    case 'Indexed':
      return inferIndexed(st, ctx, e);
    case 'Call': {
      const rewritten = rewriteIfElse(st, e);
      if (rewritten) return inferConditional(st, ctx, rewritten);
      return checkCallExpr(st, ctx, e, false);
    }
    case 'ArrayExpr':
      return inferArrayExpr(st, ctx, e.elements, e.span);
    case 'RowVectorExpr':
      return inferRowVectorExpr(st, ctx, e.elements);
    case 'TupleExpr': {
      const ts = e.elements.map((x) => checkExpr(st, ctx, x));
      const origin = lub(...e.elements.map((x) => x.origin));
      if (ts.some((t) => !t)) return [undefined, origin];
      return [{ kind: 'tuple', elements: ts as StanType[] }, origin];
    }
    case 'TupleProjection': {
      const t = checkExpr(st, ctx, e.target);
      const origin = e.target.origin ?? 'data';
      if (!t) return [undefined, origin];
      if (t.kind !== 'tuple') {
        report(st, E.notATuple(t, e.span));
        return [undefined, origin];
      }
      if (e.index < 1 || e.index > t.elements.length) {
        report(st, E.tupleIndexRange(e.index, t.elements.length, e.span));
        return [undefined, origin];
      }
      return [t.elements[e.index - 1], origin];
    }
  }
}

/** Check a call's arguments, then the call itself. */
export function checkCallExpr(st: State, ctx: Ctx, call: Call, asStatement: boolean): Inferred {
  for (const a of call.args) checkExpr(st, ctx, a);
  const r = checkCall(st, ctx, call, asStatement);
  call.type = r.type;
  call.origin = r.origin;
  return [r.type, r.origin];
}

function inferVariable(st: State, ctx: Ctx, name: string, span: Expr['span']): Inferred {
  const v = ctx.scope.lookup(name);
  if (v) return [v.type, originOf(st, v)];
  if (name === 'target') report(st, E.targetAsVariable(span));
  else if (functionExists(st, name)) report(st, E.functionAsVariable(name, span));
  else {
    // Suggest variables only: a function name here would just lead to the next error.
    report(st, E.undeclared(name, span, closestName(name, ctx.scope.names())));
  }
  return [undefined, 'data'];
}

function inferConditional(st: State, ctx: Ctx, e: Conditional): Inferred {
  const c = checkExpr(st, ctx, e.condition);
  const a = checkExpr(st, ctx, e.then);
  const b = checkExpr(st, ctx, e.otherwise);
  const origin = lub(e.condition.origin, e.then.origin, e.otherwise.origin);
  if (c && !isInt(c)) report(st, E.ternaryCondition(c, e.condition.span));
  if (!a || !b) return [undefined, origin];
  const t = commonType(a, b);
  if (!t) report(st, E.ternaryBranches(a, b, e.span));
  return [t, origin];
}

/** Check one index; returns its kind, or undefined when ill-typed. Records `multi` on single indexes. */
function checkIndex(st: State, ctx: Ctx, idx: Index): IndexKind | undefined {
  if (idx.kind === 'Slice') {
    let ok = true;
    for (const bound of [idx.lower, idx.upper]) {
      if (!bound) continue;
      const t = checkExpr(st, ctx, bound);
      if (t && !isInt(t)) report(st, E.rangeBoundType(t, bound.span));
      if (!t || !isInt(t)) ok = false;
    }
    return ok ? 'multi' : undefined;
  }
  const t = checkExpr(st, ctx, idx.expr);
  if (!t) return undefined;
  if (isInt(t)) {
    idx.multi = false;
    return 'single';
  }
  if (isIntArray(t) && t.kind === 'array' && t.dims === 1) {
    idx.multi = true;
    return 'multi';
  }
  report(st, E.indexType(t, idx.expr.span));
  return undefined;
}

export function indexOrigin(indices: readonly Index[]): Origin {
  const origins: Array<Origin | undefined> = [];
  for (const i of indices) {
    if (i.kind === 'Single') origins.push(i.expr.origin);
    else origins.push(i.lower?.origin, i.upper?.origin);
  }
  return lub(...origins);
}

function inferIndexed(st: State, ctx: Ctx, e: Indexed): Inferred {
  const t = checkExpr(st, ctx, e.target);
  const kinds = e.indices.map((i) => checkIndex(st, ctx, i));
  const origin = lub(e.target.origin, indexOrigin(e.indices));
  if (!t || kinds.some((k) => k === undefined)) return [undefined, origin];
  const r = indexedType(t, kinds as IndexKind[]);
  if (!r) {
    const what = e.target.kind === 'Variable' ? `'${e.target.name}'` : 'this expression';
    report(st, E.tooManyIndexes(what, t, maxIndexes(t), e.indices.length, e.span));
  }
  return [r, origin];
}

function inferArrayExpr(st: State, ctx: Ctx, elements: Expr[], span: Expr['span']): Inferred {
  const ts = elements.map((x) => checkExpr(st, ctx, x));
  const origin = lub(...elements.map((x) => x.origin));
  if (elements.length === 0) {
    report(st, E.emptyArrayExpr(span));
    return [undefined, origin];
  }
  if (ts.some((t) => !t)) return [undefined, origin];
  let common = ts[0] as StanType;
  for (let i = 1; i < ts.length; i++) {
    const c = commonType(common, ts[i] as StanType);
    if (!c) {
      report(st, E.arrayExprMismatch(common, ts[i] as StanType, elements[i].span));
      return [undefined, origin];
    }
    common = c;
  }
  return [arrayOf(common, 1), origin];
}

/** `[a, b]`: scalars make a row_vector, row_vectors make a matrix (complex if any element is). */
function inferRowVectorExpr(st: State, ctx: Ctx, elements: Expr[]): Inferred {
  const ts = elements.map((x) => checkExpr(st, ctx, x));
  const origin = lub(...elements.map((x) => x.origin));
  if (ts.some((t) => !t)) return [undefined, origin];
  const types = ts as StanType[];
  const complex = types.some(isComplexLike);
  if (types.every(isScalar)) return [complex ? COMPLEX_ROW_VECTOR : ROW_VECTOR, origin];
  const rows = types.every((t) => t.kind === 'row_vector' || t.kind === 'complex_row_vector');
  if (rows) return [complex ? COMPLEX_MATRIX : MATRIX, origin];
  const firstScalar = isScalar(types[0]);
  const bad = types.findIndex((t) => (firstScalar ? !isScalar(t) : t.kind !== 'row_vector' && t.kind !== 'complex_row_vector'));
  report(st, E.rowVectorExprMismatch(types[bad], elements[bad].span));
  return [undefined, origin];
}

/** The result type of an operator applied to `args`, if some signature accepts them. */
export function applyOperator(sigs: readonly Signature[], args: StanType[]): StanType | undefined {
  const candidates: Candidate[] = sigs.map((sig, index) => ({ source: 'builtin', index, sig }));
  const r = resolve(candidates, args);
  return r.kind === 'match' ? r.match.returns : undefined;
}

/** A few operator signatures sharing an operand type with the failed use. */
function operatorHints(op: string, sigs: readonly Signature[], l: StanType, r: StanType): string[] {
  const related = sigs.filter((s) =>
    s.args.some((a, i) => a.kind === 'type' && a.type.kind === (i === 0 ? l : r).kind && !isIntOrReal(a.type)),
  );
  return related.slice(0, 4).map((s) => showOperatorSignature(op, s));
}

/** `if_else(c, a, b)` (removed from Stan) becomes `c ? a : b`, in place, with a warning. */
function rewriteIfElse(st: State, call: Call): Conditional | undefined {
  if (call.name !== 'if_else' || call.args.length !== 3 || functionExists(st, 'if_else')) return undefined;
  st.sticky.push(E.deprecatedName('if_else', 'c ? a : b', call.nameSpan));
  const [condition, then, otherwise] = call.args;
  const node = call as unknown as Record<string, unknown>;
  const span = call.span;
  for (const k of Object.keys(node)) delete node[k];
  const replacement: Conditional = { kind: 'Conditional', condition, then, otherwise, span };
  Object.assign(node, replacement);
  return node as unknown as Conditional;
}

/** Short source-like text of an expression, for messages. */
export function exprText(e: Expr): string {
  switch (e.kind) {
    case 'IntLiteral':
    case 'RealLiteral':
    case 'ImagLiteral':
    case 'StringLiteral':
      return e.text;
    case 'Variable':
      return e.name;
    case 'Paren':
      return `(${exprText(e.expr)})`;
    case 'Indexed':
      return `${exprText(e.target)}[${e.indices.map((i) => (i.kind === 'Single' ? exprText(i.expr) : `${i.lower ? exprText(i.lower) : ''}:${i.upper ? exprText(i.upper) : ''}`)).join(', ')}]`;
    case 'Call':
      return `${e.name}(${e.args.map(exprText).join(', ')})`;
    case 'Binary':
      return `${exprText(e.left)} ${e.op} ${exprText(e.right)}`;
    case 'Unary':
      return `${e.op}${exprText(e.operand)}`;
    default:
      return '...';
  }
}
