// The .hstan vocabulary: every token of Stan's lexer, plus error tokens that let the lexer
// name a bad number, an unterminated comment or string, instead of failing character by character.
import { createToken, Lexer, type TokenType } from 'chevrotain';

// ---------------------------------------------------------------------------
// Categories (no pattern of their own): the parser consumes "any keyword" or "any type".

/** Every reserved word; a declaration may still try to use one as a name (reported later). */
export const Keyword = createToken({ name: 'Keyword', pattern: Lexer.NA, label: 'a reserved word' });
/** Base types of sized declarations: `real`, `vector`, `simplex`, ... */
export const DeclTypeKw = createToken({ name: 'DeclType', pattern: Lexer.NA, label: 'a type' });
/** Base types of unsized function argument and return types. */
export const FunTypeKw = createToken({ name: 'FunType', pattern: Lexer.NA, label: 'a type' });
/** Top-level block words. */
export const BlockKw = createToken({ name: 'BlockWord', pattern: Lexer.NA, label: 'a block name' });
/** `lower`, `upper`, `offset`, `multiplier`. */
export const BoundKw = createToken({ name: 'BoundWord', pattern: Lexer.NA, label: "'lower', 'upper', 'offset' or 'multiplier'" });

/**
 * Operator classes. Infix operators are parsed as a flat chain and grouped by precedence when
 * the AST is built (see operators.ts), which keeps the parser shallow and fast.
 */
export const BinaryOp = createToken({ name: 'BinaryOp', pattern: Lexer.NA, label: 'an operator' });
/** The infix operators allowed in `<lower=..., upper=...>` without parentheses. */
export const ArithmeticOp = createToken({ name: 'ArithmeticOp', pattern: Lexer.NA, label: 'an arithmetic operator' });
export const PrefixOp = createToken({ name: 'PrefixOp', pattern: Lexer.NA, label: "'-', '!' or '+'" });
export const PowerOp = createToken({ name: 'PowerOp', pattern: Lexer.NA, label: "'^' or '.^'" });
export const AssignOp = createToken({ name: 'AssignOp', pattern: Lexer.NA, label: "'=' or a compound assignment" });

// ---------------------------------------------------------------------------
// Trivia

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\r\n\f\v]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\r\n]*/, group: 'comments' });
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: /\/\*[\s\S]*?\*\//,
  group: 'comments',
  line_breaks: true,
});
/** `/*` with no `*\/` before the end of the file. */
export const UnterminatedComment = createToken({
  name: 'UnterminatedComment',
  pattern: /\/\*[\s\S]*/,
  group: 'comments',
  line_breaks: true,
});
/** `#include path`, `#include "path"` or `#include <path>`; the path is optional so a bare one can be reported. */
export const Include = createToken({
  name: 'Include',
  pattern: /#include(?![A-Za-z0-9_])(?:[ \t]+(?:"[^"\r\n]*"|<[^>\r\n]*>|[^\s]+))?/,
  start_chars_hint: ['#'],
  label: "'#include'",
});
/** Pre-2.33 `#` line comment: kept as a comment, reported as removed syntax. */
export const HashComment = createToken({ name: 'HashComment', pattern: /#[^\r\n]*/, group: 'comments' });

// ---------------------------------------------------------------------------
// Literals. A number glued to letters, digits or a second fraction ("1.2.3", "2x") is one
// BadNumber token so the error names the whole thing; it parses as a real literal afterwards.

const DIGITS = '[0-9]+(?:_[0-9]+)*';
const EXPONENT = `[eE][+-]?${DIGITS}`;
const NOT_WORD = '(?![A-Za-z0-9_])';
/** After a number that starts with a digit: no word character and no second fraction. */
const NUMBER_END = '(?![A-Za-z0-9_]|\\.[0-9])';
const REAL_BODY = `${DIGITS}\\.(?:${DIGITS})?(?:${EXPONENT})?|\\.${DIGITS}(?:${EXPONENT})|${DIGITS}(?:${EXPONENT})`;

export const RealLiteral = createToken({
  name: 'RealLiteral',
  pattern: new RegExp(`(?:${REAL_BODY})${NUMBER_END}`),
  start_chars_hint: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.'],
  label: 'a number',
});
export const ImagLiteral = createToken({
  name: 'ImagLiteral',
  pattern: new RegExp(`(?:${REAL_BODY}|\\.${DIGITS}|${DIGITS})i${NOT_WORD}`),
  start_chars_hint: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.'],
  label: 'an imaginary number',
});
export const IntLiteral = createToken({
  name: 'IntLiteral',
  pattern: new RegExp(`${DIGITS}${NUMBER_END}`),
  start_chars_hint: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  label: 'an integer',
});
/** `.5`: a real literal, or the tuple projection `.1` after an expression (`x.1`). */
export const DotNumeral = createToken({
  name: 'DotNumeral',
  pattern: new RegExp(`\\.${DIGITS}${NOT_WORD}`),
  start_chars_hint: ['.'],
  label: 'a number',
});
export const BadNumber = createToken({
  name: 'BadNumber',
  pattern: /(?:[0-9]|\.[0-9])(?:[eE][+-]|[A-Za-z0-9_.])*/,
  start_chars_hint: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.'],
  categories: [RealLiteral],
  label: 'a number',
});
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /"[^"\r\n]*"/, label: 'a string' });
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /"[^"\r\n]*/,
  categories: [StringLiteral],
  label: 'a string',
});

// ---------------------------------------------------------------------------
// Identifiers and keywords

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z][A-Za-z0-9_]*/, label: 'a name' });
/** `_x`: not a legal Stan name, but lexed as one so the error is about the name, not the character. */
export const UnderscoreIdentifier = createToken({
  name: 'UnderscoreIdentifier',
  pattern: /_[A-Za-z0-9_]*/,
  categories: [Identifier],
  label: 'a name',
});

/** Every reserved word, in the order they are lexed. */
export const keywordTokens: TokenType[] = [];

function keyword(word: string, name: string, categories: TokenType[] = []): TokenType {
  const t = createToken({
    name,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: [Keyword, ...categories],
    label: `'${word}'`,
  });
  keywordTokens.push(t);
  return t;
}

// Program blocks ("transformed data" is two words; the parser joins them).
export const Functions = keyword('functions', 'Functions', [BlockKw]);
export const Data = keyword('data', 'Data', [BlockKw]);
export const Transformed = keyword('transformed', 'Transformed', [BlockKw]);
export const Parameters = keyword('parameters', 'Parameters', [BlockKw]);
export const Model = keyword('model', 'Model', [BlockKw]);
export const Generated = keyword('generated', 'Generated', [BlockKw]);
export const Quantities = keyword('quantities', 'Quantities', [BlockKw]);

// Control flow
export const If = keyword('if', 'If');
export const Else = keyword('else', 'Else');
export const While = keyword('while', 'While');
export const For = keyword('for', 'For');
export const In = keyword('in', 'In');
export const Break = keyword('break', 'Break');
export const Continue = keyword('continue', 'Continue');
export const Return = keyword('return', 'Return');

// Built-in statements
export const Print = keyword('print', 'Print');
export const Reject = keyword('reject', 'Reject');
export const FatalError = keyword('fatal_error', 'FatalError');
export const Profile = keyword('profile', 'Profile');
export const Target = keyword('target', 'Target');

// Types
export const Void = keyword('void', 'Void');
export const Array = keyword('array', 'Array');
export const Tuple = keyword('tuple', 'Tuple');
export const ComplexRowVector = keyword('complex_row_vector', 'ComplexRowVector', [DeclTypeKw, FunTypeKw]);
export const ComplexVector = keyword('complex_vector', 'ComplexVector', [DeclTypeKw, FunTypeKw]);
export const ComplexMatrix = keyword('complex_matrix', 'ComplexMatrix', [DeclTypeKw, FunTypeKw]);
export const Int = keyword('int', 'Int', [DeclTypeKw, FunTypeKw]);
export const Real = keyword('real', 'Real', [DeclTypeKw, FunTypeKw]);
export const Complex = keyword('complex', 'Complex', [DeclTypeKw, FunTypeKw]);
export const RowVector = keyword('row_vector', 'RowVector', [DeclTypeKw, FunTypeKw]);
export const RowStochasticMatrix = keyword('row_stochastic_matrix', 'RowStochasticMatrix', [DeclTypeKw]);
export const Vector = keyword('vector', 'Vector', [DeclTypeKw, FunTypeKw]);
export const Matrix = keyword('matrix', 'Matrix', [DeclTypeKw, FunTypeKw]);
export const Ordered = keyword('ordered', 'Ordered', [DeclTypeKw]);
export const PositiveOrdered = keyword('positive_ordered', 'PositiveOrdered', [DeclTypeKw]);
export const Simplex = keyword('simplex', 'Simplex', [DeclTypeKw]);
export const UnitVector = keyword('unit_vector', 'UnitVector', [DeclTypeKw]);
export const SumToZeroVector = keyword('sum_to_zero_vector', 'SumToZeroVector', [DeclTypeKw]);
export const SumToZeroMatrix = keyword('sum_to_zero_matrix', 'SumToZeroMatrix', [DeclTypeKw]);
export const CholeskyFactorCorr = keyword('cholesky_factor_corr', 'CholeskyFactorCorr', [DeclTypeKw]);
export const CholeskyFactorCov = keyword('cholesky_factor_cov', 'CholeskyFactorCov', [DeclTypeKw]);
export const CorrMatrix = keyword('corr_matrix', 'CorrMatrix', [DeclTypeKw]);
export const CovMatrix = keyword('cov_matrix', 'CovMatrix', [DeclTypeKw]);
export const ColumnStochasticMatrix = keyword('column_stochastic_matrix', 'ColumnStochasticMatrix', [DeclTypeKw]);

// Bounds
export const Lower = keyword('lower', 'Lower', [BoundKw]);
export const Upper = keyword('upper', 'Upper', [BoundKw]);
export const Offset = keyword('offset', 'Offset', [BoundKw]);
export const Multiplier = keyword('multiplier', 'Multiplier', [BoundKw]);

/** The reserved words as written, for messages and editor grammars. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(
  keywordTokens.map((t) => String(t.LABEL).slice(1, -1)),
);

// ---------------------------------------------------------------------------
// Operators and punctuation (longest spelling first where they share a prefix)

function punct(name: string, text: string, categories: TokenType[] = []): TokenType {
  return createToken({ name, pattern: text, label: `'${text}'`, categories });
}

export const IntDivide = punct('IntDivide', '%/%', [BinaryOp, ArithmeticOp]);
export const Percent = punct('Percent', '%', [BinaryOp, ArithmeticOp]);
export const EltTimesAssign = punct('EltTimesAssign', '.*=', [AssignOp]);
export const EltDivideAssign = punct('EltDivideAssign', './=', [AssignOp]);
export const EltTimes = punct('EltTimes', '.*', [BinaryOp, ArithmeticOp]);
export const EltDivide = punct('EltDivide', './', [BinaryOp, ArithmeticOp]);
export const EltPow = punct('EltPow', '.^', [PowerOp]);
export const OrOr = punct('OrOr', '||', [BinaryOp]);
export const AndAnd = punct('AndAnd', '&&', [BinaryOp]);
export const EqEq = punct('EqEq', '==', [BinaryOp]);
export const NotEq = punct('NotEq', '!=', [BinaryOp]);
export const LessEq = punct('LessEq', '<=', [BinaryOp]);
export const GreaterEq = punct('GreaterEq', '>=', [BinaryOp]);
/** Removed `<-` assignment; lexed (as an assignment) so it can be reported with a hint. */
export const ArrowAssign = punct('ArrowAssign', '<-', [AssignOp]);
export const PlusAssign = punct('PlusAssign', '+=', [AssignOp]);
export const MinusAssign = punct('MinusAssign', '-=', [AssignOp]);
export const TimesAssign = punct('TimesAssign', '*=', [AssignOp]);
export const DivideAssign = punct('DivideAssign', '/=', [AssignOp]);
export const Assign = punct('Assign', '=', [AssignOp]);
export const Less = punct('Less', '<', [BinaryOp]);
export const Greater = punct('Greater', '>', [BinaryOp]);
export const Plus = punct('Plus', '+', [BinaryOp, ArithmeticOp, PrefixOp]);
export const Minus = punct('Minus', '-', [BinaryOp, ArithmeticOp, PrefixOp]);
export const Star = punct('Star', '*', [BinaryOp, ArithmeticOp]);
export const Slash = punct('Slash', '/', [BinaryOp, ArithmeticOp]);
export const Backslash = punct('Backslash', '\\', [BinaryOp, ArithmeticOp]);
export const Hat = punct('Hat', '^', [PowerOp]);
export const Bang = punct('Bang', '!', [PrefixOp]);
export const Transpose = punct('Transpose', "'");
export const Question = punct('Question', '?');
export const Colon = punct('Colon', ':');
export const Tilde = punct('Tilde', '~');
export const Bar = punct('Bar', '|');
export const Comma = punct('Comma', ',');
export const Semicolon = punct('Semicolon', ';');
export const LParen = punct('LParen', '(');
export const RParen = punct('RParen', ')');
export const LSquare = punct('LSquare', '[');
export const RSquare = punct('RSquare', ']');
export const LCurly = punct('LCurly', '{');
export const RCurly = punct('RCurly', '}');

/** Lexing order matters: Chevrotain takes the first pattern that matches. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  Include,
  HashComment,
  StringLiteral,
  UnterminatedString,
  ImagLiteral,
  RealLiteral,
  IntLiteral,
  DotNumeral,
  BadNumber,
  // A keyword that is a prefix of another ('in' of 'int') must come after it.
  ...[...keywordTokens].sort((a, b) => String(b.LABEL).length - String(a.LABEL).length),
  Identifier,
  UnderscoreIdentifier,
  IntDivide,
  Percent,
  EltTimesAssign,
  EltDivideAssign,
  EltTimes,
  EltDivide,
  EltPow,
  OrOr,
  AndAnd,
  EqEq,
  NotEq,
  LessEq,
  GreaterEq,
  ArrowAssign,
  PlusAssign,
  MinusAssign,
  TimesAssign,
  DivideAssign,
  Assign,
  Less,
  Greater,
  Plus,
  Minus,
  Star,
  Slash,
  Backslash,
  Hat,
  Bang,
  Transpose,
  Question,
  Colon,
  Tilde,
  Bar,
  Comma,
  Semicolon,
  LParen,
  RParen,
  LSquare,
  RSquare,
  LCurly,
  RCurly,
  // Categories last: they match nothing themselves but the parser must know them.
  Keyword,
  DeclTypeKw,
  FunTypeKw,
  BlockKw,
  BoundKw,
  BinaryOp,
  ArithmeticOp,
  PrefixOp,
  PowerOp,
  AssignOp,
];

export const stanLexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: true });
