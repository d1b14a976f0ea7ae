// Statements to docs: one per line, `{` on the header's line, `} else {`, single-statement
// bodies beside their header when they fit and indented on the next line when not.
import type { AstPath, Doc, ParserOptions } from 'prettier';
import { builders } from 'prettier/doc';
import type * as A from '../frontend/ast.js';
import { commentText, takeDangling } from './comment-print.js';
import { printVarDecl } from './print-decl.js';
import { printArguments, printRange, type Print } from './print-expr.js';
import { startsLine } from './text.js';

const { group, hardline, indent, line } = builders;

export function printStmt(path: AstPath<A.Stmt>, options: ParserOptions, print: Print): Doc {
  const s = path.node;
  switch (s.kind) {
    case 'VarDecl':
      return printVarDecl(path as AstPath<A.VarDecl>, print);
    case 'Assign':
      return [print('target'), ' ', s.op, ' ', print('value'), ';'];
    case 'Tilde':
      return [
        print('lhs'),
        ' ~ ',
        s.distribution,
        printArguments(path, print, 'args', false),
        s.truncation ? [' ', printTruncation(s.truncation, print)] : '',
        ';',
      ];
    case 'TargetPlus':
      return ['target += ', print('expr'), ';'];
    case 'JacobianPlus':
      return ['jacobian += ', print('expr'), ';'];
    case 'For':
      return withBody(['for (', s.variable, ' in ', printRange(print('lower'), print('upper')), ')'], path, print, 'body');
    case 'ForEach':
      return withBody(['for (', s.variable, ' in ', print('collection'), ')'], path, print, 'body');
    case 'While':
      return withBody(['while (', print('condition'), ')'], path, print, 'body');
    case 'If':
      return printIf(path as AstPath<A.If>, options, print);
    case 'Break':
      return 'break;';
    case 'Continue':
      return 'continue;';
    case 'Return':
      return s.value ? ['return ', print('value'), ';'] : 'return;';
    case 'Print':
      return ['print', printArguments(path, print, 'args', false), ';'];
    case 'Reject':
      return ['reject', printArguments(path, print, 'args', false), ';'];
    case 'FatalError':
      return ['fatal_error', printArguments(path, print, 'args', false), ';'];
    case 'Profile':
      return ['profile("', s.name, '") ', print('body')];
    case 'CallStmt':
      return [print('call'), ';'];
    case 'Empty':
      return ';';
    case 'Include':
      return includeText(s, options.originalText);
    case 'Block':
      throw new Error('blocks are printed by printBlock');
  }
}

/** stanc's spelling: `T[a, b]`, `T[a, ]`, `T[ , b]`. */
function printTruncation(t: A.Truncation, print: Print): Doc {
  const lower = t.lower ? print(['truncation', 'lower']) : ' ';
  const upper = t.upper ? [' ', print(['truncation', 'upper'])] : ' ';
  return ['T[', lower, ',', upper, ']'];
}

/** `#include` lines are kept as written (quoted, bracketed or bare path). */
function includeText(s: A.Include, text: string): string {
  const written = text.slice(s.span.start.offset, s.span.end.offset);
  const rest = written.slice('#include'.length).trim();
  return rest ? `#include ${rest}` : '#include';
}

/**
 * A header and its body: a block follows after a space; any other statement stays beside the
 * header when both fit on the line, and goes indented on the next line when not (also when the
 * header itself had to break).
 */
function withBody(header: Doc[], path: AstPath, print: Print, key: string): Doc {
  const body = (path.node as Record<string, A.Stmt>)[key];
  if (body.kind === 'Block') return [...header, ' ', print(key)];
  return group([...header, indent([line, print(key)])]);
}

function printIf(path: AstPath<A.If>, options: ParserOptions, print: Print): Doc {
  const s = path.node;
  const parts: Doc[] = [withBody(['if (', print('condition'), ')'], path, print, 'then')];
  if (!s.otherwise) return parts;
  // Comments between the branch and `else` stay there, so `else` starts its own line after them.
  const between = takeDangling(s, 'else');
  between.forEach((c, i) => {
    const ownLine = startsLine(options.originalText, c.span.start.offset) || (i > 0 && between[i - 1].kind === 'line');
    parts.push(ownLine ? hardline : ' ', commentText(c));
  });
  // `} /* note */ else {` stays on one line; a line comment, or one on its own line, needs the break.
  const breakBeforeElse =
    s.then.kind !== 'Block' || between.some((c) => c.kind === 'line' || startsLine(options.originalText, c.span.start.offset));
  parts.push(breakBeforeElse ? hardline : ' ', 'else');
  parts.push(s.otherwise.kind === 'If' ? [' ', print('otherwise')] : withBody([], path, print, 'otherwise'));
  return parts;
}
