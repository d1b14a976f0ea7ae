// Parser errors in plain words. Chevrotain reports what it expected and in which rule; this
// module turns that, plus a look at the surrounding tokens (which bracket is still open, what
// came just before), into one sentence a Stan user can act on.
import { EOF, tokenMatcher, type IParserErrorMessageProvider, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import * as T from './tokens.js';
import type { Position, Span } from './ast.js';
import type { Diagnostic } from './diagnostic.js';

/** What Chevrotain knew when the error happened; carried through its message string as JSON. */
interface ErrorInfo {
  kind: 'mismatch' | 'noViable' | 'earlyExit' | 'redundant';
  rule: string;
  expected?: string;
}

export const structuredErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, ruleName }) =>
    JSON.stringify({ kind: 'mismatch', rule: ruleName, expected: expected.name }),
  buildNotAllInputParsedMessage: ({ ruleName }) => JSON.stringify({ kind: 'redundant', rule: ruleName }),
  buildNoViableAltMessage: ({ ruleName }) => JSON.stringify({ kind: 'noViable', rule: ruleName }),
  buildEarlyExitMessage: ({ ruleName }) => JSON.stringify({ kind: 'earlyExit', rule: ruleName }),
};

/** A diagnostic plus what the cascade filter needs: where the parser tripped, and whether that ended a statement. */
export interface RankedDiagnostic {
  diagnostic: Diagnostic;
  /** Offset of the offending token (the end of input for EOF). */
  anchor: number;
  /** A missing `;`: whatever comes next belongs to a new statement. */
  endsStatement?: boolean;
}

export interface TokenContext {
  source: string;
  tokens: IToken[];
}

export const BLOCK_LIST =
  'functions, data, transformed data, parameters, transformed parameters, model, generated quantities';

// ---------------------------------------------------------------------------
// Positions

function isReal(t: IToken | undefined): t is IToken {
  return t !== undefined && !Number.isNaN(t.startOffset) && !tokenMatcher(t, EOF);
}

export function startOf(t: IToken): Position {
  return { offset: t.startOffset, line: t.startLine ?? 1, column: t.startColumn ?? 1 };
}

export function endOf(t: IToken): Position {
  return { offset: (t.endOffset ?? t.startOffset) + 1, line: t.endLine ?? 1, column: (t.endColumn ?? 0) + 1 };
}

function tokenSpan(t: IToken): Span {
  return { start: startOf(t), end: endOf(t) };
}

function pointSpan(p: Position): Span {
  return { start: p, end: p };
}

/** Just after the last real token (or the start of the file). */
function endOfInput(ctx: TokenContext): Position {
  const last = ctx.tokens[ctx.tokens.length - 1];
  return last ? endOf(last) : { offset: 0, line: 1, column: 1 };
}

function at(p: Position): string {
  return `${p.line}:${p.column}`;
}

function show(t: IToken): string {
  if (!isReal(t)) return 'the end of the file';
  const image = t.image.length > 24 ? `${t.image.slice(0, 21)}...` : t.image;
  return `'${image}'`;
}

function labelOf(tokType: TokenType | undefined, name: string | undefined): string {
  return tokType?.LABEL ?? (name ? `'${name}'` : 'something else');
}

const tokenTypesByName = new Map(T.allTokens.map((t) => [t.name, t]));

// ---------------------------------------------------------------------------
// Bracket context

const OPENERS: Array<[TokenType, TokenType]> = [
  [T.LParen, T.RParen],
  [T.LSquare, T.RSquare],
  [T.LCurly, T.RCurly],
];

interface OpenBracket {
  token: IToken;
  index: number;
  depth: number;
}

/** Brackets still open just before `offset`, innermost last. */
function openBrackets(ctx: TokenContext, offset: number): OpenBracket[] {
  const stack: OpenBracket[] = [];
  const tokens = ctx.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.startOffset >= offset) break;
    for (const [open, close] of OPENERS) {
      if (tokenMatcher(t, open)) stack.push({ token: t, index: i, depth: stack.length });
      else if (tokenMatcher(t, close)) {
        const k = findLastIndex(stack, (b) => tokenMatcher(b.token, open));
        if (k >= 0) stack.length = k;
      }
    }
  }
  return stack;
}

function findLastIndex<X>(xs: X[], p: (x: X) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (p(xs[i])) return i;
  return -1;
}

function innermost(ctx: TokenContext, offset: number, open?: TokenType): OpenBracket | undefined {
  const stack = openBrackets(ctx, offset);
  if (!open) return stack[stack.length - 1];
  const k = findLastIndex(stack, (b) => tokenMatcher(b.token, open));
  return k >= 0 ? stack[k] : undefined;
}

/** `the 'model' block opened at 4:1`, `the index started at 3:7`, `the '(' opened at 2:9`. */
function describeOpener(ctx: TokenContext, b: OpenBracket): string {
  const where = at(startOf(b.token));
  const before = ctx.tokens[b.index - 1];
  if (tokenMatcher(b.token, T.LCurly)) {
    if (b.depth === 0 && before && (tokenMatcher(before, T.BlockKw) || tokenMatcher(before, T.Identifier))) {
      // A block is said to open where its name starts: `model {` at 4:1.
      const first = ctx.tokens[b.index - 2];
      const header = first && tokenMatcher(first, T.BlockKw) ? [first, before] : [before];
      return `the '${header.map((t) => t.image).join(' ')}' block opened at ${at(startOf(header[0]))}`;
    }
    return `the '{' opened at ${where}`;
  }
  if (tokenMatcher(b.token, T.LSquare)) {
    if (before && endsExpression(before)) return `the index started at ${where}`;
    return `the '[' opened at ${where}`;
  }
  if (before && tokenMatcher(before, T.Identifier)) return `the call to '${before.image}' started at ${where}`;
  if (before && (tokenMatcher(before, T.If) || tokenMatcher(before, T.While))) {
    return `the condition of '${before.image}' started at ${where}`;
  }
  if (before && tokenMatcher(before, T.For)) return `the loop header started at ${where}`;
  return `the '(' opened at ${where}`;
}

/** Can this token end an expression (so a following `[` indexes it)? */
function endsExpression(t: IToken): boolean {
  return [T.Identifier, T.RSquare, T.RParen, T.Transpose, T.DotNumeral, T.IntLiteral, T.RealLiteral].some((k) =>
    tokenMatcher(t, k),
  );
}

/** Tokens after which a closing bracket is clearly missing rather than misplaced. */
function endsStatementArea(actual: IToken, prev: IToken | undefined): boolean {
  if (!isReal(actual)) return true;
  if ([T.Semicolon, T.LCurly, T.RCurly, T.AssignOp, T.Tilde].some((k) => tokenMatcher(actual, k))) return true;
  return isReal(prev) && (actual.startLine ?? 0) > (prev.endLine ?? 0);
}

// ---------------------------------------------------------------------------
// Wording

interface Worded {
  message: string;
  code: string;
  span: Span;
  notes?: string[];
  endsStatement?: boolean;
}

const ARROW_NOTE = "to compare with a negative number, put a space after '<': 'a < -1'";
const BOUNDS_NOTE = "inside '<lower=..., upper=...>' the first '>' ends the bounds: put comparisons in parentheses, like <lower=(a > b)>";

/** Does the declaration that `actual` is part of have `<...>` bounds? */
function boundsBefore(ctx: TokenContext, actual: IToken): boolean {
  let sawBoundWord = false;
  for (let i = ctx.tokens.indexOf(actual) - 1; i >= 0; i--) {
    const t = ctx.tokens[i];
    if (tokenMatcher(t, T.Semicolon) || tokenMatcher(t, T.LCurly) || tokenMatcher(t, T.RCurly)) break;
    if (tokenMatcher(t, T.BoundKw)) sawBoundWord = true;
  }
  return sawBoundWord;
}

/** One Chevrotain exception in words. */
export function describeParseError(e: IRecognitionException, ctx: TokenContext): RankedDiagnostic {
  let info: ErrorInfo;
  try {
    info = JSON.parse(e.message) as ErrorInfo;
  } catch {
    info = { kind: 'noViable', rule: '' };
  }
  const actual = e.token;
  const prev = (e as { previousToken?: IToken }).previousToken;
  const stack = e.context?.ruleStack ?? [];
  const worded = word(info, actual, isReal(prev) ? prev : undefined, stack, ctx);
  return {
    diagnostic: { severity: 'error', code: worded.code, message: worded.message, span: worded.span, notes: worded.notes },
    anchor: isReal(actual) ? actual.startOffset : ctx.source.length,
    endsStatement: worded.endsStatement,
  };
}

function word(info: ErrorInfo, actual: IToken, prev: IToken | undefined, stack: string[], ctx: TokenContext): Worded {
  const here = isReal(actual) ? tokenSpan(actual) : pointSpan(endOfInput(ctx));
  const afterPrev = prev ? pointSpan(endOf(prev)) : here;

  if (isReal(actual) && tokenMatcher(actual, T.ArrowAssign)) {
    return { code: 'syntax/arrow-assign', message: "'<-' was removed from Stan: use '=' for assignment", span: here, notes: [ARROW_NOTE] };
  }

  if (!isReal(actual)) {
    const open = innermost(ctx, ctx.source.length + 1);
    const message = open
      ? `unexpected end of file: ${describeOpener(ctx, open)} is not closed`
      : `unexpected end of file: expected ${expectedPhrase(info)}`;
    return { code: 'syntax/unexpected-eof', message, span: here, endsStatement: true };
  }

  if (info.kind === 'mismatch') return wordMismatch(info, actual, prev, stack, ctx, here, afterPrev);
  return wordNoViable(info, actual, prev, stack, here);
}

function expectedPhrase(info: ErrorInfo): string {
  if (info.expected) return labelOf(tokenTypesByName.get(info.expected), info.expected);
  return RULE_NOUNS[info.rule] ?? 'more input';
}

const RULE_NOUNS: Record<string, string> = {
  statement: 'a statement',
  expression: 'an expression',
  primary: 'an expression',
  declType: 'a type',
  funType: 'a type',
  declIdentifier: 'a name',
};

/** What a `(`-list is, for "expected ',' or ')' in ...". */
const PAREN_LISTS = new Set(['callArgs', 'printStatement', 'functionDef', 'parenOrTuple', 'tupleDeclType', 'tupleFunType']);
const SQUARE_NOUNS: Record<string, string> = {
  indexSuffix: 'the index',
  dimensions: 'the sizes',
  rowVectorExpr: 'the row vector',
  truncation: 'the truncation',
  unsizedDims: 'the array dimensions',
};

function wordMismatch(
  info: ErrorInfo,
  actual: IToken,
  prev: IToken | undefined,
  stack: string[],
  ctx: TokenContext,
  here: Span,
  afterPrev: Span,
): Worded {
  const rule = info.rule;
  const after = prev ? ` after '${prev.image}'` : '';
  const missing = endsStatementArea(actual, prev);
  switch (info.expected) {
    case T.Semicolon.name: {
      const what = rule === 'varDecl' ? 'the declaration' : 'the statement';
      const notes = rule === 'varDecl' && tokenMatcher(actual, T.BinaryOp) && boundsBefore(ctx, actual) ? [BOUNDS_NOTE] : undefined;
      return { code: 'syntax/expected-semicolon', message: `expected ';' after ${what}`, span: afterPrev, endsStatement: true, notes };
    }
    case T.RSquare.name: {
      const open = innermost(ctx, actual.startOffset, T.LSquare);
      const where = open ? ` started at ${at(startOf(open.token))}` : '';
      const noun = SQUARE_NOUNS[rule] ?? "the '['";
      if (missing) return { code: 'syntax/unclosed-bracket', message: `missing ']' to close ${noun}${where}`, span: afterPrev };
      return { code: 'syntax/expected-token', message: `expected ',' or ']' in ${noun}${where}, but found ${show(actual)}`, span: here };
    }
    case T.RParen.name: {
      const open = innermost(ctx, actual.startOffset, T.LParen);
      const noun = open ? describeOpener(ctx, open) : "the '('";
      if (missing) return { code: 'syntax/unclosed-bracket', message: `missing ')' to close ${noun}`, span: afterPrev };
      if (PAREN_LISTS.has(rule)) {
        return { code: 'syntax/expected-token', message: `expected ',' or ')' in ${noun}, but found ${show(actual)}`, span: here };
      }
      return { code: 'syntax/expected-token', message: `expected ')' to close ${noun}, but found ${show(actual)}`, span: here };
    }
    case T.RCurly.name: {
      const open = innermost(ctx, actual.startOffset, T.LCurly);
      const noun = open ? describeOpener(ctx, open) : "the '{'";
      if (rule === 'arrayExpr' && !missing) {
        return { code: 'syntax/expected-token', message: `expected ',' or '}' in the array expression, but found ${show(actual)}`, span: here };
      }
      return { code: 'syntax/unclosed-bracket', message: `missing '}' to close ${noun}`, span: afterPrev, endsStatement: true };
    }
    case T.Greater.name: {
      const open = lastBefore(ctx, actual.startOffset, T.Less);
      const where = open ? ` started at ${at(startOf(open))}` : '';
      if (missing || tokenMatcher(actual, T.Identifier) || tokenMatcher(actual, T.LSquare)) {
        return { code: 'syntax/unclosed-bracket', message: `missing '>' to close the bounds${where}`, span: afterPrev };
      }
      return { code: 'syntax/expected-token', message: `expected ',' or '>' in the bounds${where}, but found ${show(actual)}`, span: here };
    }
    case T.LParen.name:
      return { code: 'syntax/expected-token', message: `expected '('${after}`, span: afterPrev };
    case T.LCurly.name:
      if (rule === 'unknownBlock') {
        const first = headerStart(ctx, actual);
        return {
          code: 'syntax/expected-block',
          message: `expected a program block (${BLOCK_LIST}) but found ${show(first)}`,
          span: tokenSpan(first),
        };
      }
      return { code: 'syntax/expected-token', message: `expected '{'${after}, but found ${show(actual)}`, span: here };
    case T.In.name:
      return { code: 'syntax/expected-token', message: `expected 'in'${prev ? ` after the loop variable '${prev.image}'` : ''}, but found ${show(actual)}`, span: here };
    case T.Colon.name:
      return { code: 'syntax/expected-token', message: `expected ':' to complete the conditional expression 'a ? b : c', but found ${show(actual)}`, span: here };
    case T.Assign.name:
      return { code: 'syntax/expected-token', message: `expected '='${after}, but found ${show(actual)}`, span: here };
    case T.Identifier.name:
      if (rule === 'expressionStatement') {
        return { code: 'syntax/expected-token', message: `expected a distribution name after '~', but found ${show(actual)}`, span: here };
      }
      break;
    case T.StringLiteral.name:
      if (rule === 'profileStatement') {
        return { code: 'syntax/expected-token', message: `expected the profile's name in quotes, like profile("name"), but found ${show(actual)}`, span: here };
      }
      break;
    case T.Comma.name:
      if (rule === 'truncation') {
        return {
          code: 'syntax/expected-token',
          message: `expected ',' in the truncation: write T[lower, upper], T[lower, ] or T[, upper]`,
          span: here,
        };
      }
      break;
    case T.BoundKw.name:
      return { code: 'syntax/expected-token', message: `expected 'lower', 'upper', 'offset' or 'multiplier' in the bounds, but found ${show(actual)}`, span: here };
    default:
      break;
  }
  const expected = labelOf(tokenTypesByName.get(info.expected ?? ''), info.expected);
  return { code: 'syntax/expected-token', message: `expected ${expected}${after}, but found ${show(actual)}`, span: here };
}

function wordNoViable(info: ErrorInfo, actual: IToken, prev: IToken | undefined, stack: string[], here: Span): Worded {
  const rule = info.rule;
  const parent = stack[stack.length - 2];
  const reserved = tokenMatcher(actual, T.Keyword) ? ` (${show(actual)} is a reserved word)` : '';
  switch (rule) {
    case 'statement':
      if (tokenMatcher(actual, T.Else)) return { code: 'syntax/else-without-if', message: "'else' without a matching 'if'", span: here };
      return { code: 'syntax/expected-statement', message: `expected a statement but found ${show(actual)}`, span: here };
    case 'operand':
    case 'leadingOperand': {
      const afterOp = prev && isOperator(prev) ? ` after '${prev.image}'` : '';
      return { code: 'syntax/expected-expression', message: `expected an expression${afterOp} but found ${show(actual)}${reserved}`, span: here };
    }
    case 'declIdentifier': {
      const what =
        parent === 'functionDef' ? 'a function name' : parent === 'param' ? 'an argument name' : parent === 'forStatement' ? 'a loop variable name' : 'a variable name';
      return { code: 'syntax/expected-name', message: `expected ${what} but found ${show(actual)}`, span: here };
    }
    case 'declType':
    case 'tupleElement':
    case 'funType':
    case 'funElementType':
    case 'returnType':
      return { code: 'syntax/expected-type', message: `expected a type but found ${show(actual)}`, span: here };
    case 'blockName':
      if (prev && tokenMatcher(prev, T.Transformed)) {
        return { code: 'syntax/unknown-block', message: `expected 'data' or 'parameters' after 'transformed', but found ${show(actual)}`, span: here };
      }
      if (prev && tokenMatcher(prev, T.Generated)) {
        return { code: 'syntax/unknown-block', message: `expected 'quantities' after 'generated', but found ${show(actual)}`, span: here };
      }
      break;
    case 'functionDef':
      return { code: 'syntax/expected-token', message: `expected '{' or ';' after the function's argument list, but found ${show(actual)}`, span: here };
    case 'functionItem':
      return { code: 'syntax/expected-function', message: `expected a function definition but found ${show(actual)}`, span: here };
    case 'printStatement':
      break;
    default:
      break;
  }
  return { code: 'syntax/unexpected-token', message: `unexpected ${show(actual)}${reserved}`, span: here };
}

function isOperator(t: IToken): boolean {
  return [T.BinaryOp, T.PrefixOp, T.PowerOp, T.AssignOp, T.Question, T.Colon, T.Tilde].some((k) => tokenMatcher(t, k));
}

function lastBefore(ctx: TokenContext, offset: number, tokType: TokenType): IToken | undefined {
  let found: IToken | undefined;
  for (const t of ctx.tokens) {
    if (t.startOffset >= offset) break;
    if (tokenMatcher(t, tokType)) found = t;
    else if (tokenMatcher(t, T.Semicolon) || tokenMatcher(t, T.LCurly) || tokenMatcher(t, T.RCurly)) found = undefined;
  }
  return found;
}

/** First word of a would-be block header that ends just before `actual`. */
function headerStart(ctx: TokenContext, actual: IToken): IToken {
  const i = ctx.tokens.indexOf(actual);
  let j = i - 1;
  while (j > 0 && tokenMatcher(ctx.tokens[j - 1], T.Identifier)) j--;
  return ctx.tokens[Math.max(0, j)] ?? actual;
}

// ---------------------------------------------------------------------------
// Tokens the statement and block loops could not place

export function describeStray(token: IToken, expected: 'statement' | 'function' | 'block', ctx: TokenContext): RankedDiagnostic {
  const span = isReal(token) ? tokenSpan(token) : pointSpan(endOfInput(ctx));
  const anchor = isReal(token) ? token.startOffset : ctx.source.length;
  const make = (code: string, message: string, notes?: string[]): RankedDiagnostic => ({
    diagnostic: { severity: 'error', code, message, span, notes },
    anchor,
  });
  if (tokenMatcher(token, T.ArrowAssign)) return make('syntax/arrow-assign', "'<-' was removed from Stan: use '=' for assignment", [ARROW_NOTE]);
  if (expected === 'block') {
    if (tokenMatcher(token, T.RCurly)) return make('syntax/unmatched-brace', "this '}' has no matching '{'");
    return make('syntax/expected-block', `expected a program block (${BLOCK_LIST}) but found ${show(token)}`);
  }
  if (tokenMatcher(token, T.Else)) return make('syntax/else-without-if', "'else' without a matching 'if'");
  if (expected === 'function') return make('syntax/expected-function', `expected a function definition but found ${show(token)}`);
  return make('syntax/expected-statement', `expected a statement but found ${show(token)}`);
}

// ---------------------------------------------------------------------------
// One error per statement

/**
 * Keep the first error of each statement: after an error, later errors are dropped until a
 * `;`, `{` or `}` shows the parser has moved on (or the error itself ended the statement).
 * Warnings are never dropped.
 */
export function dropCascades(ranked: RankedDiagnostic[], tokens: IToken[]): Diagnostic[] {
  const boundaries: number[] = [];
  for (const t of tokens) {
    if (tokenMatcher(t, T.Semicolon) || tokenMatcher(t, T.LCurly) || tokenMatcher(t, T.RCurly)) boundaries.push(t.startOffset);
  }
  const hasBoundary = (from: number, to: number): boolean => {
    let lo = 0;
    let hi = boundaries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (boundaries[mid] < from) lo = mid + 1;
      else hi = mid;
    }
    return lo < boundaries.length && boundaries[lo] < to;
  };
  const end = tokens.length > 0 ? (tokens[tokens.length - 1].endOffset ?? 0) + 1 : 0;
  for (const r of ranked) if (Number.isNaN(r.anchor)) r.anchor = end;
  const sorted = [...ranked].sort((a, b) => a.anchor - b.anchor || a.diagnostic.span.start.offset - b.diagnostic.span.start.offset);
  const kept: Diagnostic[] = [];
  let last: RankedDiagnostic | undefined;
  for (const r of sorted) {
    if (r.diagnostic.severity !== 'error') {
      kept.push(r.diagnostic);
      continue;
    }
    if (last) {
      if (r.anchor === last.anchor) continue;
      if (!last.endsStatement && !hasBoundary(last.anchor, r.anchor)) continue;
    }
    kept.push(r.diagnostic);
    last = r;
  }
  return kept.sort((a, b) => a.span.start.offset - b.span.start.offset);
}
