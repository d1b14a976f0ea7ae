// Where comments go. prettier attaches each comment to the nearest node (leading, trailing, or
// dangling when a node has no children around it); these hooks fix the places where its
// defaults would move a comment across a brace or between `}` and `else`:
//   `model { // note`, `if (c) // note\n{`  → stays right after the `{` ('open' marker)
//   `}\n// note\nelse {`                     → stays between `}` and `else` ('else' marker)
//   `for (...) // note\n  x = 1;`           → goes with the body, not into the loop header
import type { AstPath, Doc } from 'prettier';
import { builders } from 'prettier/doc';
import type * as A from '../frontend/ast.js';
import { isBlockLike, isCompound } from './nodes.js';
import { isNextLineEmpty, startsLine } from './text.js';

const { breakParent, hardline, lineSuffix } = builders;

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

interface WithComments {
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

/** The first character of code at or after `offset`, skipping blanks and comments. */
function nextCodeChar(text: string, offset: number): string {
  let i = offset;
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else if (text.startsWith('//', i) || (text[i] === '#' && !text.startsWith('#include', i))) {
      while (i < text.length && text[i] !== '\n') i++;
    } else {
      return text.charAt(i);
    }
  }
}

/** The last character of code before `offset`, skipping blanks and comments. */
function previousCodeChar(text: string, offset: number): string {
  let i = offset - 1;
  for (;;) {
    while (i >= 0 && /\s/.test(text[i])) i--;
    if (i < 0) return '';
    if (text[i] === '/' && text[i - 1] === '*') {
      i = text.lastIndexOf('/*', i - 2) - 1;
      continue;
    }
    // A line comment ending this line: continue before it.
    const lineStart = text.lastIndexOf('\n', i) + 1;
    const lineText = text.slice(lineStart, i + 1);
    const slashes = lineText.indexOf('//');
    const hash = /^\s*#(?!include)/.test(lineText) ? lineText.indexOf('#') : -1;
    const cut = [slashes, hash].filter((k) => k >= 0);
    if (cut.length === 0) return text[i];
    i = lineStart + Math.min(...cut) - 1;
  }
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

function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|#[^\n]*/g, '');
}

export const handleComments = {
  ownLine: (c: AttachedComment, text: string, program: A.Program): boolean =>
    elseGap(c, text) || inHeader(c, text, program) || atOpenBrace(c, text) || midStatement(c, text, program),
  endOfLine: (c: AttachedComment, text: string, program: A.Program): boolean =>
    elseGap(c, text) || inHeader(c, text, program) || atOpenBrace(c, text) || midStatement(c, text, program),
  remaining: (c: AttachedComment, text: string, program: A.Program): boolean =>
    elseGap(c, text) || inHeader(c, text, program) || atOpenBrace(c, text),
};

/**
 * Marks where a line comment starts in the laid-out text, so that `separateLineComments` can
 * find two of them on one line (a private-use character: never in Stan code).
 */
const LINE_MARK = '\uE000';

/** The comment as it appears in the output (line comments lose trailing blanks and get a mark). */
export function commentText(comment: A.Comment): string {
  return comment.kind === 'line' ? LINE_MARK + comment.text.trimEnd() : comment.text;
}

/**
 * A line comment runs to the end of its line, so a second one on the same output line would
 * become part of the first. prettier defers trailing line comments to the end of the line, and
 * comments from different places in a statement can meet there: each later one moves to its own
 * line, indented like the code it precedes. Then the marks are removed.
 */
export function separateLineComments(text: string): string {
  if (!text.includes(LINE_MARK)) return text;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(eol);
  const out: string[] = [];
  lines.forEach((lineText, i) => {
    const first = lineText.indexOf(LINE_MARK);
    const second = first < 0 ? -1 : lineText.indexOf(LINE_MARK, first + 1);
    if (second < 0) {
      out.push(lineText.replace(LINE_MARK, ''));
      return;
    }
    const own = /^[ \t]*/.exec(lineText)![0];
    const next = lines.slice(i + 1).find((l) => l.trim() !== '');
    const nextIndent = next === undefined ? '' : /^[ \t]*/.exec(next)![0];
    const opensBlock = lineText.slice(0, first).trimEnd().endsWith('{');
    const indentation = opensBlock && nextIndent.length > own.length ? nextIndent : own;
    const [head, ...rest] = lineText.split(LINE_MARK);
    out.push((head + rest[0]).trimEnd());
    for (const c of rest.slice(1)) out.push(indentation + c.trim());
  });
  return out.join(eol);
}

export function printComment(path: AstPath<A.Comment>): Doc {
  return commentText(path.node);
}

export function isBlockComment(node: A.Comment): boolean {
  return node.kind === 'block';
}

/** Dangling comments of `node` with that marker (none: unmarked ones), marked as printed. */
export function takeDangling(node: object, marker?: AttachedComment['marker']): AttachedComment[] {
  const out = ((node as WithComments).comments ?? []).filter((c) => !c.leading && !c.trailing && c.marker === marker && !c.printed);
  for (const c of out) c.printed = true;
  return out;
}

/**
 * Comments right after a `{` (or anything else they follow on its line): the first stays on that
 * line; later ones go on their own lines (`ownLines`, indented by the caller) when they were on
 * their own lines or follow a line comment, which would otherwise swallow them.
 */
export function printOpenComments(comments: AttachedComment[], text: string): { sameLine: Doc[]; ownLines: Doc[] } {
  const sameLine: Doc[] = [];
  const ownLines: Doc[] = [];
  let previous: AttachedComment | undefined;
  for (const c of comments) {
    const own = ownLines.length > 0 || (previous !== undefined && (previous.kind === 'line' || startsLine(text, c.span.start.offset)));
    if (own) ownLines.push(commentText(c));
    else sameLine.push(' ', commentText(c));
    previous = c;
  }
  return { sameLine, ownLines };
}

/**
 * Comments attached to a node inside a line (an expression, a type, a parameter), printed by the
 * printer rather than prettier so a block comment never breaks the line: `/* a *\/ x /* b *\/`.
 * A line comment still ends its line: before the node it is followed by a line break, after it
 * it is deferred to the end of the line.
 */
export function printInlineComments(node: object, doc: Doc): Doc {
  const comments = (node as WithComments).comments ?? [];
  const leading = comments.filter((c) => c.leading && !c.printed);
  const trailing = comments.filter((c) => c.trailing && !c.printed);
  if (leading.length === 0 && trailing.length === 0) return doc;
  for (const c of [...leading, ...trailing]) c.printed = true;
  const before = leading.map((c) => (c.kind === 'line' ? [commentText(c), hardline] : [commentText(c), ' ']));
  return [before, doc, printAfter(trailing)];
}

/** Comments printed after a node on its line, e.g. dangling ones of `f(/* none *\/)`. */
export function printAfter(comments: AttachedComment[]): Doc[] {
  return comments.map((c) => (c.kind === 'line' ? [lineSuffix([' ', commentText(c)]), breakParent] : [' ', commentText(c)]));
}

/** Each comment on its own line, keeping one blank line where the source had blank lines. */
export function printOwnLines(comments: AttachedComment[], text: string): Doc[] {
  const out: Doc[] = [];
  comments.forEach((c, i) => {
    if (i > 0) out.push(hardline);
    if (i > 0 && isNextLineEmpty(text, comments[i - 1].span.end.offset)) out.push(hardline);
    out.push(commentText(c));
  });
  return out;
}
