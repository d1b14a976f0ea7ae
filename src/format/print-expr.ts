// Expressions to prettier docs, in stanc's style: spaces around binary operators (`^` too),
// none inside brackets, `, ` between arguments, `f(y | theta)` for densities. Long chains break
// before their operators and long argument lists put one argument per line.
import type { AstPath, Doc } from 'prettier';
import { builders } from 'prettier/doc';
import type * as A from '../frontend/ast.js';
import { INFIX_PRECEDENCE } from '../frontend/operators.js';

const { fill, group, indent, join, line, softline } = builders;

export type Print = (selector?: string | number | Array<string | number> | AstPath) => Doc;

/** Between the bounds of a range (`1 : N`, `x[2 : K]`), as stanc prints it. */
export const RANGE_COLON = ':';

export function printExpr(path: AstPath<A.Expr>, print: Print): Doc {
  const e = path.node;
  switch (e.kind) {
    case 'IntLiteral':
    case 'RealLiteral':
    case 'ImagLiteral':
    case 'StringLiteral':
      return e.text;
    case 'Variable':
      return e.name;
    case 'Unary':
      return [e.op, print('operand')];
    case 'Binary':
      return printBinary(path as AstPath<A.Binary>, print);
    case 'Conditional':
      return group([print('condition'), indent([line, '? ', print('then'), line, ': ', print('otherwise')])]);
    case 'Transpose':
      return [print('operand'), "'"];
    case 'Indexed':
      return [print('target'), '[', join(', ', path.map((p) => printIndex(p as AstPath<A.Index>, print), 'indices')), ']'];
    case 'Call':
      return [e.name, printArguments(path, print, 'args', e.conditional)];
    case 'ArrayExpr':
      return printElements(path as AstPath<A.ArrayExpr | A.RowVectorExpr>, print, '{', '}');
    case 'RowVectorExpr':
      return printElements(path as AstPath<A.ArrayExpr | A.RowVectorExpr>, print, '[', ']');
    case 'TupleExpr':
      // `(x,)` is a one-element tuple; `(x)` would be parentheses.
      return e.elements.length === 1 ? ['(', print(['elements', 0]), ',)'] : printList(path, print, 'elements', '(', ')');
    case 'TupleProjection':
      return [print('target'), '.', String(e.index)];
    case 'Paren':
      return ['(', print('expr'), ')'];
  }
}

/** `a : b` with both bounds; a missing side takes no space (`a :`, `: b`, `:`). */
export function printRange(lower: Doc | undefined, upper: Doc | undefined): Doc {
  if (lower !== undefined && upper !== undefined) return [lower, ` ${RANGE_COLON} `, upper];
  if (lower !== undefined) return [lower, ` ${RANGE_COLON}`];
  if (upper !== undefined) return [`${RANGE_COLON} `, upper];
  return RANGE_COLON;
}

function printIndex(path: AstPath<A.Index>, print: Print): Doc {
  const i = path.node;
  if (i.kind === 'Single') return print('expr');
  return printRange(i.lower && print('lower'), i.upper && print('upper'));
}

function samePrecedence(a: A.BinaryOp, b: A.BinaryOp): boolean {
  if (a === '^' || a === '.^' || b === '^' || b === '.^') return false;
  return INFIX_PRECEDENCE[a] === INFIX_PRECEDENCE[b];
}

/**
 * A left-associative chain of one precedence level (`a + b - c`) is one group: it stays on one
 * line or breaks before every operator. `^` binds too tightly to break around.
 */
function printBinary(path: AstPath<A.Binary>, print: Print): Doc {
  const e = path.node;
  if (e.op === '^' || e.op === '.^') return [print('left'), ` ${e.op} `, print('right')];
  const [first, ...rest] = chainParts(path, print);
  return group([first, indent(rest)]);
}

function chainParts(path: AstPath<A.Binary>, print: Print): Doc[] {
  const e = path.node;
  const head =
    e.left.kind === 'Binary' && samePrecedence(e.left.op, e.op)
      ? path.call((p) => chainParts(p as AstPath<A.Binary>, print), 'left')
      : [print('left')];
  return [...head, [line, e.op, ' ', print('right')]];
}

/** `(a, b, c)` on one line, or one per line, indented, when it does not fit. */
export function printList(path: AstPath, print: Print, key: string, open: string, close: string): Doc {
  return listDoc(path.map(print, key), open, close);
}

export function listDoc(items: Doc[], open: string, close: string): Doc {
  if (items.length === 0) return [open, close];
  return group([open, indent([softline, join([',', line], items)]), softline, close]);
}

/** A plain number, possibly signed, with no comments attached (comments need a line of their own). */
function isNumber(e: A.Expr): boolean {
  if ((e as { comments?: unknown[] }).comments?.length) return false;
  if (e.kind === 'Unary') return e.op !== '!' && isNumber(e.operand);
  return e.kind === 'IntLiteral' || e.kind === 'RealLiteral' || e.kind === 'ImagLiteral';
}

/** Array and row-vector literals; all-number ones (data, mostly) fill lines instead of one per line. */
function printElements(path: AstPath<A.ArrayExpr | A.RowVectorExpr>, print: Print, open: string, close: string): Doc {
  const elements = path.node.elements;
  if (elements.length < 2 || !elements.every(isNumber)) return printList(path, print, 'elements', open, close);
  const items = path.map(print, 'elements');
  const filled: Doc[] = [];
  items.forEach((item, i) => {
    if (i > 0) filled.push([',', line]);
    filled.push(item);
  });
  return group([open, indent([softline, fill(filled)]), softline, close]);
}

/** Call arguments; `conditional` puts `|` after the first (`normal_lpdf(y | mu, sigma)`). */
export function printArguments(path: AstPath, print: Print, key: string, conditional: boolean): Doc {
  const items = path.map(print, key);
  if (!conditional || items.length === 0) return listDoc(items, '(', ')');
  const [outcome, ...rest] = items;
  const body = rest.length > 0 ? [outcome, ' |', line, join([',', line], rest)] : [outcome, ' |'];
  return group(['(', indent([softline, body]), softline, ')']);
}
