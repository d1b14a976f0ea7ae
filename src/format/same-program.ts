// The formatter's last line of defence (as stanc's auto-format does it): the printed program must
// parse back to the same AST, positions and comments aside. A printer bug then fails loudly
// instead of silently changing someone's model on `--write`.
import type * as A from '../frontend/ast.js';

/** Keys that record where things are, not what the program says. */
function isPositional(key: string): boolean {
  return key === 'span' || key.endsWith('Span') || key === 'comments';
}

/** Whether two ASTs say the same thing. `Paren` nodes count, so parentheses must survive. */
export function sameProgram(a: A.Program, b: A.Program): boolean {
  return same(a, b);
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    // Literal values may be NaN-free numbers, strings or booleans; nothing else reaches here.
    return false;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => same(x, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = (r: Record<string, unknown>) => Object.keys(r).filter((k) => !isPositional(k) && r[k] !== undefined);
  const ka = keys(ra);
  const kb = keys(rb);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && same(ra[k], rb[k]));
}
