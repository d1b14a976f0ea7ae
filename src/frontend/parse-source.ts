// One pass from text to AST: lex, parse, build the AST, and gather every problem found on the
// way into one list, one error per broken statement, in source order.
import type { CstNode } from 'chevrotain';
import type { Comment, FunctionDef, Program, Stmt } from './ast.js';
import type { Diagnostic } from './diagnostic.js';
import { lex } from './lex.js';
import { stanParser, type StartRule } from './parser.js';
import { describeParseError, describeStray, dropCascades, type RankedDiagnostic } from './syntax-errors.js';
import { itemsFromCst, programFromCst } from './to-ast.js';

/** What the text is: a whole program, or the contents of an `#include` in a functions block or among statements. */
export type FragmentKind = 'program' | 'functions' | 'statements';

const START_RULES: Record<FragmentKind, StartRule> = {
  program: 'program',
  functions: 'functionsOnly',
  statements: 'statementsOnly',
};

export interface Fragment {
  program?: Program;
  items?: Array<Stmt | FunctionDef>;
  comments: Comment[];
  /** Sorted by position; errors mean `program`/`items` must not be trusted. */
  diagnostics: Diagnostic[];
}

export function parseFragment(source: string, kind: FragmentKind): Fragment {
  const lexed = lex(source);
  const parser = stanParser();
  const cst = parser.parseTokens(lexed.tokens, START_RULES[kind]);
  const ctx = { source, tokens: lexed.tokens };
  let parseErrors: RankedDiagnostic[] = [
    ...parser.errors.map((e) => describeParseError(e, ctx)),
    ...parser.strays.map((s) => describeStray(s.token, s.expected, ctx)),
  ];
  const cut = lexed.unterminatedCommentAt;
  if (cut !== undefined) parseErrors = parseErrors.filter((r) => r.anchor < cut);

  const ranked = [...lexed.diagnostics, ...parseErrors];
  const fragment: Fragment = { comments: lexed.comments, diagnostics: [] };
  if (cst) {
    try {
      build(cst, kind, source, lexed.comments, fragment, ranked);
    } catch (e) {
      // A CST repaired after syntax errors may not have the shape the builder expects; the
      // syntax errors already explain the problem. Without them this is a bug worth reporting.
      if (parseErrors.length === 0 && !lexed.diagnostics.some((d) => d.diagnostic.severity === 'error')) throw e;
      fragment.program = undefined;
      fragment.items = undefined;
    }
  }
  fragment.diagnostics = dropCascades(ranked, lexed.tokens);
  return fragment;
}

function build(
  cst: CstNode,
  kind: FragmentKind,
  source: string,
  comments: Comment[],
  into: Fragment,
  ranked: RankedDiagnostic[],
): void {
  if (kind === 'program') {
    const built = programFromCst(cst, source, comments);
    into.program = built.value;
    ranked.push(...built.diagnostics);
  } else {
    const built = itemsFromCst(cst, source);
    into.items = built.value;
    ranked.push(...built.diagnostics);
  }
}
