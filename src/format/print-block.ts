// The program, its blocks, and `{ ... }` statement lists: two-space indents, one blank line
// between program blocks, and one blank line kept wherever the source had blank lines between
// statements.
import type { AstPath, Doc, ParserOptions } from 'prettier';
import { builders, printer } from 'prettier/doc';
import type * as A from '../frontend/ast.js';
import { printOpenComments, printOwnLines, separateLineComments, takeDangling } from './comment-print.js';
import type { Print } from './print-expr.js';
import { isNextLineEmpty } from './text.js';

const { hardline, indent, join } = builders;

/** Items of a list, one per line; a blank line where the source had one or more. */
function printSequence(path: AstPath, options: ParserOptions, print: Print, key: string): Doc[] {
  const items = (path.node as unknown as Record<string, Array<{ span: A.Span }>>)[key];
  const parts: Doc[] = [];
  path.each((_p, i) => {
    if (i > 0) {
      parts.push(hardline);
      const previous = items[i - 1].span.end.offset;
      // Declarators of one `real a, b;` share a span: no blank line between them.
      if (items[i].span.start.offset >= previous && isNextLineEmpty(options.originalText, previous)) parts.push(hardline);
    }
    parts.push(print());
  }, key);
  return parts;
}

/** `{`, the statements indented, `}`; `empty` when there is nothing inside, comments included. */
function printBraced(path: AstPath, options: ParserOptions, print: Print, key: string, empty: Doc): Doc {
  const node = path.node as object;
  const { sameLine, ownLines } = printOpenComments(takeDangling(node, 'open'), options.originalText);
  const rest = takeDangling(node);
  const inner: Doc[] = [];
  if (ownLines.length > 0) inner.push(join(hardline, ownLines));
  if ((node as Record<string, unknown[]>)[key].length > 0) inner.push(printSequence(path, options, print, key));
  if (rest.length > 0) inner.push(printOwnLines(rest, options.originalText));
  if (sameLine.length === 0 && inner.length === 0) return empty;
  return ['{', sameLine, inner.length > 0 ? indent([hardline, join(hardline, inner)]) : '', hardline, '}'];
}

export function printBlock(path: AstPath<A.Block>, options: ParserOptions, print: Print): Doc {
  return printBraced(path, options, print, 'statements', '{}');
}

export function printProgramBlock(path: AstPath<A.ProgramBlock>, options: ParserOptions, print: Print): Doc {
  return [path.node.name, ' ', printBraced(path, options, print, 'items', ['{', hardline, '}'])];
}

/**
 * Blocks and top-level `#include` lines in source order, then a final newline. The program is
 * laid out here (not left to prettier) so line comments that meet on one line can be separated.
 */
export function printProgram(path: AstPath<A.Program>, options: ParserOptions, print: Print): Doc {
  const text = options.originalText;
  const items: Array<{ node: A.ProgramBlock | A.Include; doc: Doc }> = [
    ...path.map((p) => ({ node: p.node as A.ProgramBlock, doc: print() }), 'blocks'),
    ...path.map((p) => ({ node: p.node as A.Include, doc: print() }), 'includes'),
  ].sort((a, b) => a.node.span.start.offset - b.node.span.start.offset);
  const parts: Doc[] = [];
  items.forEach((item, i) => {
    if (i > 0) {
      const previous = items[i - 1].node;
      const bothIncludes = previous.kind === 'Include' && item.node.kind === 'Include';
      parts.push(hardline);
      if (!bothIncludes || isNextLineEmpty(text, previous.span.end.offset)) parts.push(hardline);
    }
    parts.push(item.doc);
  });
  const loose = takeDangling(path.node);
  if (loose.length > 0) {
    if (parts.length > 0) parts.push(hardline, hardline);
    parts.push(printOwnLines(loose, text));
  }
  if (parts.length === 0) return '';
  return separateLineComments(printer.printDocToString([parts, hardline], options).formatted);
}
