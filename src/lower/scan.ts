// Facts about statements that decide how variables are represented in generated code.
import type { Expr, Stmt, FunctionDef } from '../frontend/ast.js';

/** The variable an assignment target is rooted at (`x` for `x[i].1[j]`). */
export function rootName(target: Expr): string | undefined {
  switch (target.kind) {
    case 'Variable':
      return target.name;
    case 'Indexed':
      return rootName(target.target);
    case 'TupleProjection':
      return rootName(target.target);
    case 'Paren':
      return rootName(target.expr);
    default:
      return undefined;
  }
}

/** Visit every statement, nested ones included. */
export function forEachStmt(stmts: readonly (Stmt | FunctionDef)[], visit: (s: Stmt) => void): void {
  for (const s of stmts) {
    if (s.kind === 'FunctionDef') continue;
    visit(s);
    switch (s.kind) {
      case 'Block':
        forEachStmt(s.statements, visit);
        break;
      case 'Profile':
        forEachStmt(s.body.statements, visit);
        break;
      case 'For':
      case 'ForEach':
      case 'While':
        forEachStmt([s.body], visit);
        break;
      case 'If':
        forEachStmt(s.otherwise ? [s.then, s.otherwise] : [s.then], visit);
        break;
      default:
        break;
    }
  }
}

/**
 * Variables written element by element (`x[i] = ...`, `x.1 = ...`): they are held as mutable
 * tensors, copied when read whole, and written in place.
 */
export function elementAssigned(stmts: readonly (Stmt | FunctionDef)[]): Set<string> {
  const names = new Set<string>();
  forEachStmt(stmts, (s) => {
    if (s.kind === 'Assign' && s.target.kind !== 'Variable') {
      const n = rootName(s.target);
      if (n) names.add(n);
    }
  });
  return names;
}

/** Locals that may hold parameter-dependent values (and so need a batched representation). */
export function parameterLocals(stmts: readonly (Stmt | FunctionDef)[]): Set<string> {
  const names = new Set<string>();
  forEachStmt(stmts, (s) => {
    if (s.kind === 'VarDecl' && s.init?.origin === 'parameter') names.add(s.name);
    if (s.kind === 'Assign' && s.value.origin === 'parameter') {
      const n = rootName(s.target);
      if (n) names.add(n);
    }
  });
  return names;
}

/** Free variable names read by an expression. */
export function readsOf(e: Expr, out = new Set<string>()): Set<string> {
  walkExpr(e, (x) => {
    if (x.kind === 'Variable') out.add(x.name);
  });
  return out;
}

export function walkExpr(e: Expr, visit: (e: Expr) => void): void {
  visit(e);
  switch (e.kind) {
    case 'Unary':
      walkExpr(e.operand, visit);
      break;
    case 'Binary':
      walkExpr(e.left, visit);
      walkExpr(e.right, visit);
      break;
    case 'Conditional':
      walkExpr(e.condition, visit);
      walkExpr(e.then, visit);
      walkExpr(e.otherwise, visit);
      break;
    case 'Transpose':
      walkExpr(e.operand, visit);
      break;
    case 'Paren':
      walkExpr(e.expr, visit);
      break;
    case 'Indexed':
      walkExpr(e.target, visit);
      for (const i of e.indices) {
        if (i.kind === 'Single') walkExpr(i.expr, visit);
        else {
          if (i.lower) walkExpr(i.lower, visit);
          if (i.upper) walkExpr(i.upper, visit);
        }
      }
      break;
    case 'Call':
      for (const a of e.args) walkExpr(a, visit);
      break;
    case 'ArrayExpr':
    case 'RowVectorExpr':
    case 'TupleExpr':
      for (const a of e.elements) walkExpr(a, visit);
      break;
    case 'TupleProjection':
      walkExpr(e.target, visit);
      break;
    default:
      break;
  }
}
