// The prettier parser of the plugin: source text to the hstan AST, or a prettier-style syntax
// error (with `loc`, so prettier can show a code frame) that also carries hstan's diagnostics.
import type * as A from '../frontend/ast.js';
import { parse } from '../frontend/parse.js';
import { hasErrors, type Diagnostic } from '../frontend/diagnostic.js';
import { canonicalizeProgram } from './canonicalize.js';

export class HstanSyntaxError extends SyntaxError {
  /** 1-based line and column, as prettier expects of a parser error. */
  readonly loc: { start: { line: number; column: number }; end: { line: number; column: number } };

  constructor(
    readonly diagnostics: Diagnostic[],
    readonly source: string,
  ) {
    const first = diagnostics.find((d) => d.severity === 'error') ?? diagnostics[0];
    super(first ? first.message : 'the program could not be parsed');
    this.name = 'HstanSyntaxError';
    const span = first?.span;
    this.loc = {
      start: { line: span?.start.line ?? 1, column: span?.start.column ?? 1 },
      end: { line: span?.end.line ?? 1, column: span?.end.column ?? 1 },
    };
  }
}

export interface HstanParseOptions {
  canonicalize?: boolean;
}

/** The AST prettier prints; comments get prettier's `value` so its own messages can name them. */
export function parseForFormatting(text: string, options: HstanParseOptions = {}): A.Program {
  const { ast, diagnostics } = parse(text);
  if (!ast || hasErrors(diagnostics)) throw new HstanSyntaxError(diagnostics, text);
  const program = options.canonicalize ? canonicalizeProgram(ast) : ast;
  return { ...program, comments: program.comments.map((c) => ({ ...c, value: c.text }) as A.Comment) };
}
