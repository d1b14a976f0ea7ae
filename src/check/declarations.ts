// Variable declarations: the unsized type of a declared type, sizes (int, and data-only for
// top-level parameters/TP/GQ), bounds and constraints, initial values, and the scope entry.
import type { BaseTypeName, BlockName, DeclType, Expr, FunType, VarDecl } from '../frontend/ast.js';
import { type Ctx, type State, type VarInfo, lub, report } from './context.js';
import * as E from './errors.js';
import { checkExpr } from './expressions.js';
import {
  type StanType,
  COMPLEX,
  COMPLEX_MATRIX,
  COMPLEX_ROW_VECTOR,
  COMPLEX_VECTOR,
  INT,
  MATRIX,
  REAL,
  ROW_VECTOR,
  VECTOR,
  arrayOf,
  canPromote,
  containsInt,
  innermost,
  isComplexLike,
  isInt,
  isIntOrReal,
  sameType,
} from './types.js';

const UNCONSTRAINED: Partial<Record<BaseTypeName, StanType>> = {
  int: INT,
  real: REAL,
  complex: COMPLEX,
  vector: VECTOR,
  row_vector: ROW_VECTOR,
  matrix: MATRIX,
  complex_vector: COMPLEX_VECTOR,
  complex_row_vector: COMPLEX_ROW_VECTOR,
  complex_matrix: COMPLEX_MATRIX,
};

const CONSTRAINED_VECTORS = new Set<BaseTypeName>(['simplex', 'sum_to_zero_vector', 'ordered', 'positive_ordered', 'unit_vector']);
const CONSTRAINED_MATRICES = new Set<BaseTypeName>([
  'sum_to_zero_matrix', 'cholesky_factor_corr', 'cholesky_factor_cov', 'corr_matrix', 'cov_matrix',
  'column_stochastic_matrix', 'row_stochastic_matrix',
]);

export function isConstrained(base: BaseTypeName): boolean {
  return CONSTRAINED_VECTORS.has(base) || CONSTRAINED_MATRICES.has(base);
}

/** The unsized type of a declared base type (constrained types are vectors or matrices). */
export function baseType(d: DeclType): StanType {
  if (d.base === 'tuple') {
    return { kind: 'tuple', elements: (d.elements ?? []).map((el) => arrayOf(baseType(el.type), el.arrayDims.length)) };
  }
  if (CONSTRAINED_VECTORS.has(d.base)) return VECTOR;
  if (CONSTRAINED_MATRICES.has(d.base)) return MATRIX;
  return UNCONSTRAINED[d.base] ?? REAL;
}

/** The unsized type of a whole declaration, array dimensions included. */
export function declaredType(decl: VarDecl): StanType {
  return arrayOf(baseType(decl.type), decl.arrayDims.length);
}

/** The type of a function argument or return type. */
export function funType(t: FunType): StanType {
  if (t.base === 'tuple') return arrayOf({ kind: 'tuple', elements: (t.elements ?? []).map(funType) }, t.arrayDims);
  return arrayOf(UNCONSTRAINED[t.base] ?? REAL, t.arrayDims);
}

/** How many sizes each base type takes: [min, max]. */
function sizeRange(base: BaseTypeName): [number, number] {
  if (base === 'int' || base === 'real' || base === 'complex' || base === 'tuple') return [0, 0];
  if (base === 'cholesky_factor_cov') return [1, 2];
  if (base === 'matrix' || base === 'complex_matrix' || base === 'column_stochastic_matrix' || base === 'row_stochastic_matrix' || base === 'sum_to_zero_matrix') return [2, 2];
  return [1, 1];
}

interface DeclOptions {
  /** Directly in a program block other than the model block (a global). */
  global: boolean;
}

/** Sizes and array dimensions: int; for globals after the data blocks, data only and no RNGs. */
function checkSizes(st: State, ctx: Ctx, decl: VarDecl, sizes: Expr[], global: boolean): void {
  const strict = global && ctx.block !== 'data' && ctx.block !== 'transformed data';
  const sizeCtx: Ctx = global ? { ...ctx, inSizes: true } : ctx;
  for (const s of sizes) {
    const t = checkExpr(st, sizeCtx, s);
    if (t && !isInt(t)) report(st, E.sizeType(decl.name, t, s.span));
    else if (t && strict && s.origin === 'parameter') report(st, E.sizeNotData(decl.name, ctx.block, s.span));
  }
}

function typeSizes(d: DeclType): Expr[] {
  if (d.base === 'tuple') return (d.elements ?? []).flatMap((el) => [...typeSizes(el.type), ...el.arrayDims]);
  return d.sizes;
}

function checkSizeCounts(st: State, decl: VarDecl, d: DeclType): void {
  if (d.base === 'tuple') {
    for (const el of d.elements ?? []) checkSizeCounts(st, decl, el.type);
    return;
  }
  const [lo, hi] = sizeRange(d.base);
  if (d.sizes.length < lo || d.sizes.length > hi) {
    report(st, E.sizeCount(decl.name, d.base, lo === hi ? String(lo) : `${lo} or ${hi}`, d.sizes.length, d.span));
  }
}

function checkBounds(st: State, ctx: Ctx, decl: VarDecl, full: StanType, global: boolean): void {
  const d = decl.type;
  const b = d.bounds;
  if (!b) return;
  if (!global) {
    report(st, E.boundsNotAllowed(decl.name, 'local variables and function bodies take no bounds', b.span));
    return;
  }
  if (isConstrained(d.base)) {
    report(st, E.boundsNotAllowed(decl.name, `${d.base} is already constrained`, b.span));
    return;
  }
  const base = innermost(full);
  if (isComplexLike(base)) {
    report(st, E.boundsNotAllowed(decl.name, 'complex types cannot be bounded', b.span));
    return;
  }
  const entries: Array<[string, Expr | undefined]> = [
    ['lower bound', b.lower],
    ['upper bound', b.upper],
    ['offset', b.offset],
    ['multiplier', b.multiplier],
  ];
  for (const [what, e] of entries) {
    if (!e) continue;
    const t = checkExpr(st, ctx, e);
    if (!t) continue;
    if (isInt(base) && (what === 'offset' || what === 'multiplier')) {
      report(st, E.boundsNotAllowed(decl.name, 'integers cannot have an offset or multiplier', e.span));
    } else if (isInt(base) && !isInt(t)) {
      report(st, E.intBoundsReal(decl.name, e.span));
    } else if (!isIntOrReal(t) && !sameType(t, full)) {
      report(st, E.boundType(decl.name, what, full, t, e.span));
    }
  }
}

/**
 * Check a declaration and add it to the current scope. Returns the declared type (undefined
 * only when it could not be formed at all).
 */
export function checkVarDecl(st: State, ctx: Ctx, decl: VarDecl, opts: DeclOptions): StanType {
  const full = declaredType(decl);
  checkSizeCounts(st, decl, decl.type);
  checkSizes(st, ctx, decl, [...typeSizes(decl.type), ...decl.arrayDims], opts.global);
  if (isConstrained(decl.type.base) && !opts.global) report(st, E.constrainedLocal(decl.name, decl.type.base, decl.type.span));
  checkBounds(st, ctx, decl, full, opts.global);

  const block: BlockName = ctx.block;
  if (opts.global && (block === 'parameters' || block === 'transformed parameters') && containsInt(full)) {
    report(st, E.intParameter(decl.name, block, decl.type.span));
  }

  let initOrigin = lub(ctx.control);
  if (decl.init) {
    if (opts.global && (block === 'data' || block === 'parameters')) report(st, E.initNotAllowed(decl.name, block, decl.init.span));
    const t = checkExpr(st, ctx, decl.init);
    initOrigin = lub(decl.init.origin, ctx.control);
    if (t && !canPromote(t, full)) report(st, E.assignmentType(decl.name, full, t, decl.init.span));
  }

  if (decl.name.endsWith('__')) report(st, E.reservedName(decl.name, decl.nameSpan));
  const previous = ctx.scope.lookup(decl.name);
  if (previous) report(st, E.redeclared(decl.name, decl.nameSpan, previous.span));

  const info: VarInfo = { name: decl.name, type: full, kind: opts.global ? 'global' : 'local', block, span: decl.nameSpan };
  if (opts.global) info.origin = block === 'data' || block === 'transformed data' ? 'data' : 'parameter';
  else {
    info.decl = decl;
    st.origins.raise(decl, initOrigin);
  }
  // A redeclaration keeps the first entry so later uses resolve consistently.
  if (!previous) ctx.scope.declare(info);
  return full;
}
