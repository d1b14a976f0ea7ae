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

/** Between a statement's header and the `{` of its body: keep it after the `{`. */
function beforeBodyBlock(c: AttachedComment): boolean {
  const f = c.followingNode as A.Stmt | undefined;
  if (!isCompound(c.enclosingNode) || f?.kind !== 'Block') return false;
  return attach(f, c, 'dangling', 'open');
}

/** On the `{` line of a block, before its first statement. */
function afterOpenBrace(c: AttachedComment, text: string): boolean {
  const block = c.enclosingNode;
  if (!isBlockLike(block) || c.precedingNode) return false;
  const brace = text.indexOf('{', block.span.start.offset);
  if (brace < 0 || brace > c.span.start.offset || /[\r\n]/.test(text.slice(brace, c.span.start.offset))) return false;
  return attach(block, c, 'dangling', 'open');
}

/** At the end of a loop or `if` header whose body is a single statement on the next line. */
function beforeBodyStatement(c: AttachedComment): boolean {
  const e = c.enclosingNode as A.Stmt | undefined;
  const f = c.followingNode;
  if (!f || !e) return false;
  const isBody =
    ((e.kind === 'For' || e.kind === 'ForEach' || e.kind === 'While') && f === e.body) ||
    (e.kind === 'If' && (f === e.then || f === e.otherwise));
  return isBody ? attach(f, c, 'leading') : false;
}

/**
 * On its own line before an operator or comma (`a\n// note\n+ b`): printed before the operator
 * it would end that line in the next run and move again, so it goes after the code it follows.
 */
function beforePunctuation(c: AttachedComment, text: string): boolean {
  const p = c.precedingNode as { span: A.Span } | undefined;
  const f = c.followingNode as { span: A.Span } | undefined;
  if (!p || !f) return false;
  const gap = withoutComments(text.slice(c.span.end.offset, f.span.start.offset));
  return /^[\s(]*$/.test(gap) ? false : attach(p, c, 'trailing');
}

function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|#[^\n]*/g, '');
}

export const handleComments = {
  ownLine: (c: AttachedComment, text: string): boolean =>
    elseGap(c, text) || beforeBodyBlock(c) || beforePunctuation(c, text),
  endOfLine: (c: AttachedComment, text: string): boolean =>
    elseGap(c, text) || beforeBodyBlock(c) || afterOpenBrace(c, text) || beforeBodyStatement(c),
  remaining: (c: AttachedComment, text: string): boolean => afterOpenBrace(c, text),
};

/** The comment as it appears in the output (line comments lose trailing blanks). */
export function commentText(comment: A.Comment): string {
  return comment.kind === 'line' ? comment.text.trimEnd() : comment.text;
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
