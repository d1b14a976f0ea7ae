// Printing comments: their text, the places the printers put them (after a `{`, inline around
// an expression, on lines of their own), and the final check that no two line comments share a
// line, where the second would become part of the first.
import type { AstPath, Doc } from 'prettier';
import { builders } from 'prettier/doc';
import type * as A from '../frontend/ast.js';
import type { AttachedComment, WithComments } from './comment-placement.js';
import { isNextLineEmpty, startsLine } from './text.js';

const { breakParent, hardline, lineSuffix } = builders;

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
