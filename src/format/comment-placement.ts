// Where comments attach. prettier hangs each comment on the nearest node (leading, trailing, or
// dangling when nothing is around it); these hooks override its choice where that choice would
// move the comment on every run or merge it into another one:
//   `model { // note`, `if (c) // note\n{`   → right after the body's `{` ('open' marker)
//   `}\n// note\nelse {`                     → between `}` and `else` ('else' marker)
//   `for (...) // note\n  x = 1;`            → above the single-statement body
//   `x = a + b // note\n[1];`                → after the statement
// The goal is a fixed point: formatted code keeps its comments where the next run puts them.
import type * as A from '../frontend/ast.js';
import { isBlockLike, isCompound } from './nodes.js';
import { nextCodeChar, previousCodeChar, withoutComments } from './text.js';

/** A comment as prettier decorates it while attaching and printing. */
export interface AttachedComment extends A.Comment {
  leading?: boolean;
  trailing?: boolean;
  printed?: boolean;
  marker?: 'open' | 'else';
  enclosingNode?: object;
  precedingNode?: object;
  followingNode?: object;
}

export interface WithComments {
  comments?: AttachedComment[];
}

function attach(node: object, comment: AttachedComment, how: 'leading' | 'trailing' | 'dangling', marker?: AttachedComment['marker']): true {
  comment.leading = how === 'leading';
  comment.trailing = how === 'trailing';
  if (marker) comment.marker = marker;
  comment.printed = false;
  ((node as WithComments).comments ??= []).push(comment);
  return true;
}

/** Between an `if`'s branch and the `else` keyword (after `else`, it goes with the else branch). */
function elseGap(c: AttachedComment, text: string): boolean {
  const e = c.enclosingNode as A.If | undefined;
  if (e?.kind !== 'If' || !e.otherwise || c.precedingNode !== e.then || c.followingNode !== e.otherwise) return false;
  if (/\belse\b/.test(withoutComments(text.slice(e.then.span.end.offset, c.span.start.offset)))) return false;
  return attach(e, c, 'dangling', 'else');
}

/** The body that comes after `offset` when `offset` is in the header of `node` (a compound statement). */
function bodyAfter(node: object | undefined, offset: number): A.Stmt | undefined {
  if (!isCompound(node)) return undefined;
  const e = node as A.If | A.For | A.ForEach | A.While | A.Profile | A.FunctionDef;
  if (e.kind === 'If') {
    if (offset < e.then.span.start.offset) return e.then;
    const other = e.otherwise;
    return other && offset >= e.then.span.end.offset && offset < other.span.start.offset ? other : undefined;
  }
  return e.body && offset < e.body.span.start.offset ? e.body : undefined;
}

/** The statements and function definitions holding `offset`, outermost first, found from the root down. */
function statementsAt(program: A.Program, offset: number): Array<A.Stmt | A.FunctionDef> {
  const contains = (n: { span: A.Span }) => n.span.start.offset <= offset && offset < n.span.end.offset;
  let items: Array<A.Stmt | A.FunctionDef | A.ProgramBlock> = program.blocks;
  const path: Array<A.Stmt | A.FunctionDef> = [];
  for (;;) {
    const node = items.find(contains);
    if (!node) return path;
    if (node.kind !== 'ProgramBlock') path.push(node);
    switch (node.kind) {
      case 'ProgramBlock':
        items = node.items;
        break;
      case 'Block':
        items = node.statements;
        break;
      case 'If':
        items = node.otherwise ? [node.then, node.otherwise] : [node.then];
        break;
      case 'For':
      case 'ForEach':
      case 'While':
      case 'Profile':
        items = [node.body];
        break;
      case 'FunctionDef':
        items = node.body ? [node.body] : [];
        break;
      default:
        return path;
    }
  }
}

/**
 * In a statement's header (`real f(real x) // note`, `for (i in 1:N) // note`, `if (c)\n// note\n{`),
 * however deep in it: the comment goes with the body, right after its `{` or above its single
 * statement. Left to the default it would trail some node mid-header, and the next run would
 * find it elsewhere.
 */
function inHeader(c: AttachedComment, text: string, program: A.Program): boolean {
  const offset = c.span.start.offset;
  const body = bodyAfter(statementsAt(program, offset).at(-1), offset);
  if (!body) return false;
  // A block comment cannot swallow code, so it stays inside the header (`f(real x /* m */)`)
  // unless only the header's closing parenthesis separates it from the body.
  // (A block comment prettier put right before the body's `{` counts as outside the header.)
  const rest = withoutComments(text.slice(c.span.end.offset, body.span.start.offset));
  if (c.kind === 'block' && /[^)\s]/.test(rest) && c.followingNode !== body) return false;
  return body.kind === 'Block' ? attach(body, c, 'dangling', 'open') : attach(body, c, 'leading');
}

/**
 * Whether the comment sits where an infix chain or a conditional can break (`a // note\n+ b`,
 * `a + // note\nb`): trailing the operand before it, it ends that line when the chain breaks
 * there, which it then keeps doing.
 */
function atBreakPoint(node: unknown, c: AttachedComment): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some((n) => atBreakPoint(n, c));
  const e = node as A.Expr;
  const between = (a: A.Expr, b: A.Expr) => a.span.end.offset <= c.span.start.offset && c.span.end.offset <= b.span.start.offset;
  if (e.kind === 'Binary' && e.op !== '^' && e.op !== '.^' && between(e.left, e.right)) return true;
  if (e.kind === 'Conditional' && (between(e.condition, e.then) || between(e.then, e.otherwise))) return true;
  return Object.entries(node).some(([k, v]) => k !== 'span' && k !== 'comments' && typeof v === 'object' && atBreakPoint(v, c));
}

const LISTS = new Set(['Call', 'ArrayExpr', 'RowVectorExpr', 'TupleExpr', 'Print', 'Reject', 'FatalError', 'FunctionDef']);

/** Directly among the items of a list that breaks one item per line (arguments, elements, parameters). */
function inList(c: AttachedComment): boolean {
  const e = c.enclosingNode as A.Stmt | A.Expr | A.FunctionDef | undefined;
  if (!e) return false;
  if (e.kind === 'Tilde') {
    const offset = c.span.start.offset;
    return offset >= e.distributionSpan.end.offset && (!e.truncation || offset < e.truncation.span.start.offset);
  }
  return LISTS.has(e.kind);
}

/**
 * A line comment in the middle of a simple statement (`x = a + // note`): prettier would keep it
 * with some inner node and force the groups around that node to break, which the next run would
 * undo. It trails the statement instead. Comments among the items of a list (`f(a, // note`)
 * stay with their item: the list breaks one item per line and keeps them there.
 */
function midStatement(c: AttachedComment, text: string, program: A.Program): boolean {
  if (c.kind !== 'line') return false;
  const previous = previousCodeChar(text, c.span.start.offset);
  const next = nextCodeChar(text, c.span.end.offset);
  if (inList(c)) {
    // Ends an item (`f(a, // note` comes below; `f(a // note\n, b)`, `f(a, b // note\n)`): the
    // comment trails the item and the list breaks right after it.
    if (next === ',' || next === '|') return false;
    if (next === ')' || next === ']' || next === '}') return c.precedingNode ? attach(c.precedingNode, c, 'trailing') : false;
    // First in the list (`normal( // note`): above the first item, not after what precedes the list.
    if ((previous === '(' || previous === '{') && c.followingNode && !')]};'.includes(next)) return attach(c.followingNode, c, 'leading');
    if ((previous === ',' || previous === '|') && !')]};'.includes(next)) return false;
  }
  // Right after `=`, `+=` or `~` (`x = // note`): above the value, which then starts a line.
  if ((previous === '=' || previous === '~') && c.followingNode) return attach(c.followingNode, c, 'leading');
  const path = statementsAt(program, c.span.start.offset);
  let i = path.length - 1;
  const stmt = path[i];
  if (!stmt || isCompound(stmt) || stmt.kind === 'Block') return false;
  if (atBreakPoint(stmt, c)) return c.precedingNode ? attach(c.precedingNode, c, 'trailing') : false;
  // A loop or branch body ends where its statement ends: the comment trails the whole statement,
  // so it does not push a one-line `for (...) x = 1;` apart.
  while (i > 0 && path[i - 1].kind !== 'Block' && path[i - 1].span.end.offset === path[i].span.end.offset) i--;
  const parent = path[i - 1];
  if (parent?.kind === 'If' && parent.otherwise && parent.then === path[i]) return attach(parent, c, 'dangling', 'else');
  return attach(path[i], c, 'trailing');
}

/**
 * Between a program block's name and its `{` (`model // note\n{`), or on the `{` line of a block
 * before its first statement: right after the `{`.
 */
function atOpenBrace(c: AttachedComment, text: string): boolean {
  const block = c.enclosingNode;
  if (!isBlockLike(block) || c.precedingNode) return false;
  const brace = text.indexOf('{', block.span.start.offset);
  if (brace < 0) return false;
  const sameLine = brace < c.span.start.offset && !/[\r\n]/.test(text.slice(brace, c.span.start.offset));
  return brace > c.span.start.offset || sameLine ? attach(block, c, 'dangling', 'open') : false;
}

export const handleComments = {
  ownLine: (c: AttachedComment, text: string, program: A.Program): boolean =>
    elseGap(c, text) || inHeader(c, text, program) || atOpenBrace(c, text) || midStatement(c, text, program),
  endOfLine: (c: AttachedComment, text: string, program: A.Program): boolean =>
    elseGap(c, text) || inHeader(c, text, program) || atOpenBrace(c, text) || midStatement(c, text, program),
  remaining: (c: AttachedComment, text: string, program: A.Program): boolean =>
    elseGap(c, text) || inHeader(c, text, program) || atOpenBrace(c, text),
};
