// One pass from text to AST: lex, then parse while building the AST, and gather every problem
// found on the way into one list, one error per broken statement, in source order.
import { tokenMatcher, type IToken } from 'chevrotain';
import * as T from './tokens.js';
import type { Comment, FunctionDef, Program, Stmt } from './ast.js';
import type { Diagnostic } from './diagnostic.js';
import { lex, type Lexed } from './lex.js';
import { stanParser, type StartRule } from './parser.js';
import { describeParseError, describeStray, dropCascades, endOf, startOf, type RankedDiagnostic } from './syntax-errors.js';
import { AstBuilder } from './to-ast.js';

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
  try {
    return parseTokens(source, kind, lexed);
  } catch (e) {
    // Recursive descent has a depth limit: the JavaScript stack. Name the place instead of failing.
    if (!(e instanceof RangeError)) throw e;
    return { comments: lexed.comments, diagnostics: [tooDeep(lexed.tokens)] };
  }
}

function parseTokens(source: string, kind: FragmentKind, lexed: Lexed): Fragment {
  const parser = stanParser();
  const builder = new AstBuilder(source, lexed.comments);
  const value = parser.parseTokens(lexed.tokens, START_RULES[kind], builder);
  const ctx = { source, tokens: lexed.tokens };
  let parseErrors: RankedDiagnostic[] = [
    ...parser.errors.map((e) => describeParseError(e, ctx)),
    ...parser.strays.map((s) => describeStray(s.token, s.expected, ctx)),
  ];
  const cut = lexed.unterminatedCommentAt;
  if (cut !== undefined) parseErrors = parseErrors.filter((r) => r.anchor < cut);
  if (value && lexed.hasStrings) builder.misplacedStrings(value);
  const fragment: Fragment = { comments: lexed.comments, diagnostics: [] };
  if (value) {
    if (kind === 'program') fragment.program = value as Program;
    else fragment.items = value as Array<Stmt | FunctionDef>;
  }
  fragment.diagnostics = dropCascades([...lexed.diagnostics, ...parseErrors, ...builder.diagnostics], lexed.tokens);
  return fragment;
}

/** The bracket that opens the deepest nesting level, for the "nested too deeply" error. */
function tooDeep(tokens: IToken[]): Diagnostic {
  let depth = 0;
  let deepest = -1;
  let at: IToken | undefined;
  for (const t of tokens) {
    if (tokenMatcher(t, T.LParen) || tokenMatcher(t, T.LSquare) || tokenMatcher(t, T.LCurly)) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        at = t;
      }
    } else if (tokenMatcher(t, T.RParen) || tokenMatcher(t, T.RSquare) || tokenMatcher(t, T.RCurly)) {
      depth--;
    }
  }
  const start = at ? startOf(at) : { offset: 0, line: 1, column: 1 };
  return {
    severity: 'error',
    code: 'syntax/too-deep',
    message: `the program nests too deeply to parse (${Math.max(deepest, 0)} levels of brackets here); split the expression or statement into parts`,
    span: { start, end: at ? endOf(at) : start },
  };
}
