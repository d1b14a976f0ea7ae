// Source text to tokens and comments, with every lexical problem as a diagnostic:
// stray characters, malformed numbers, unterminated comments and strings, illegal names.
import type { IToken } from 'chevrotain';
import * as T from './tokens.js';
import type { Comment } from './ast.js';
import type { Diagnostic } from './diagnostic.js';
import { endOf, startOf, type RankedDiagnostic } from './syntax-errors.js';

export interface Lexed {
  /** Tokens for the parser (comments and whitespace removed). */
  tokens: IToken[];
  comments: Comment[];
  diagnostics: RankedDiagnostic[];
  /** Offset of an unterminated `/*`: everything after it was swallowed, so later syntax errors are noise. */
  unterminatedCommentAt?: number;
  /** Whether any string literal occurs (strings are only legal in a few places). */
  hasStrings: boolean;
}

export function lex(source: string): Lexed {
  const result = T.stanLexer.tokenize(source);
  const diagnostics: RankedDiagnostic[] = [];
  const report = (t: IToken, code: string, message: string, severity: Diagnostic['severity'] = 'error', notes?: string[]) => {
    diagnostics.push({
      diagnostic: { severity, code, message, span: { start: startOf(t), end: endOf(t) }, notes },
      anchor: t.startOffset,
    });
  };

  for (const e of result.errors) {
    const text = source.slice(e.offset, e.offset + e.length);
    const ascii = /^[\x20-\x7e]*$/.test(text);
    const start = { offset: e.offset, line: e.line ?? 1, column: e.column ?? 1 };
    const end = { offset: e.offset + e.length, line: e.line ?? 1, column: (e.column ?? 1) + e.length };
    diagnostics.push({
      diagnostic: {
        severity: 'error',
        code: 'syntax/bad-character',
        message: `unexpected character${text.length > 1 ? 's' : ''} '${text}'`,
        span: { start, end },
        notes: ascii ? undefined : ['Stan code outside comments and strings must be plain ASCII'],
      },
      anchor: e.offset,
    });
  }

  let unterminatedCommentAt: number | undefined;
  const comments: Comment[] = [];
  for (const c of result.groups.comments ?? []) {
    const span = { start: startOf(c), end: endOf(c) };
    if (c.tokenType === T.UnterminatedComment) {
      unterminatedCommentAt = c.startOffset;
      const opener = { start: span.start, end: { ...span.start, offset: span.start.offset + 2, column: span.start.column + 2 } };
      diagnostics.push({
        diagnostic: {
          severity: 'error',
          code: 'syntax/unterminated-comment',
          message: `unterminated comment started at ${span.start.line}:${span.start.column}`,
          span: opener,
          notes: ["a '/*' comment must be closed with '*/'"],
        },
        anchor: c.startOffset,
      });
      continue;
    }
    if (c.tokenType === T.HashComment) {
      report(c, 'syntax/hash-comment', "'#' comments were removed in Stan 2.33: use '//' instead", 'warning');
    }
    comments.push({ kind: c.tokenType === T.BlockComment ? 'block' : 'line', text: c.image, span });
  }

  let hasStrings = false;
  for (const t of result.tokens) {
    switch (t.tokenType) {
      case T.StringLiteral:
        hasStrings = true;
        break;
      case T.BadNumber:
        report(t, 'syntax/bad-number', `a number like '${t.image}' is not valid`);
        break;
      case T.UnterminatedString:
        hasStrings = true;
        report(t, 'syntax/unterminated-string', 'unterminated string: a string must end with \'"\' on the same line');
        break;
      case T.UnderscoreIdentifier:
        report(t, 'syntax/bad-name', `'${t.image}' is not a valid name: names must start with a letter`);
        break;
      default:
        break;
    }
  }

  return { tokens: result.tokens, comments, diagnostics, unterminatedCommentAt, hasStrings };
}
