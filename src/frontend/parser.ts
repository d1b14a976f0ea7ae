// The Stan grammar as a Chevrotain CST parser. Rules follow stanc3's parser.mly, with
// deliberate widenings that let the CST-to-AST pass word the error instead of the parser:
// a declaration may be named by a reserved word; any expression may start a statement (the
// AST pass decides whether it was an assignment target, a call, `target +=`, or nonsense);
// infix operators form a flat chain grouped by precedence afterwards.
//
// Error recovery: Chevrotain repairs single missing or extra tokens in place; anything worse
// abandons the current statement (or block header) and skips to its end, so each broken
// statement yields one error and parsing carries on with the next one.
import { CstParser, EOF, isRecognitionException, tokenMatcher, type CstNode, type IOrAlt, type IToken } from 'chevrotain';
import * as T from './tokens.js';
import { structuredErrorMessages } from './syntax-errors.js';
import { closestName } from './suggest.js';
import { BLOCK_ORDER } from './ast.js';

/** A token where a statement, function or block should have started. */
export interface StrayToken {
  token: IToken;
  /** What was expected there. */
  expected: 'statement' | 'function' | 'block';
}

/** Entry points: a whole program, or the text of an `#include` in a given context. */
export type StartRule = 'program' | 'functionsOnly' | 'statementsOnly';

/** Tokens after which a skipped statement is certainly over and a new one begins. */
const STATEMENT_STARTERS = [
  T.For, T.While, T.If, T.Return, T.Break, T.Continue, T.Print, T.Reject, T.FatalError,
  T.Profile, T.DeclTypeKw, T.Array, T.Tuple, T.Include,
];

export class StanParser extends CstParser {
  strays: StrayToken[] = [];
  /** Set while parsing a misspelled block whose closest name is `functions`. */
  private unknownIsFunctions = false;

  constructor() {
    super(T.allTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      errorMessageProvider: structuredErrorMessages,
    });
    this.performSelfAnalysis();
    // Repetitions end where the grammar says; what follows is handled by the explicit
    // stray-token logic below rather than by Chevrotain's token skipping inside loops.
    (this as unknown as { attemptInRepetitionRecovery: () => void }).attemptInRepetitionRecovery = () => {};
  }

  override reset(): void {
    super.reset();
    this.strays = [];
    this.unknownIsFunctions = false;
  }

  // -------------------------------------------------------------------------
  // Recovery helpers

  /** Run one statement-sized piece of grammar; on a syntax error skip to the end of that piece. */
  private recover(skip: (start: IToken) => void, parse: () => void): void {
    if (this.RECORDING_PHASE) {
      parse();
      return;
    }
    const start = this.LA(1);
    try {
      parse();
    } catch (e) {
      if (!(e instanceof Error) || !isRecognitionException(e)) throw e;
      skip(start);
    }
  }

  private at(tokType: typeof T.Semicolon): boolean {
    return tokenMatcher(this.LA(1), tokType);
  }

  /**
   * Skip the rest of a broken statement: through the next `;` or the `}` closing a body we
   * entered while skipping, stopping before the enclosing block's `}` or an obvious new statement.
   */
  private skipStatement = (start: IToken): void => {
    let depth = 0;
    // Tokens were consumed before the error: the next statement may begin right here.
    let moved = this.LA(1) !== start;
    for (;;) {
      const t = this.LA(1);
      if (tokenMatcher(t, EOF)) return;
      if (depth === 0 && moved && (STATEMENT_STARTERS.some((k) => tokenMatcher(t, k)) || this.atBlockHeader())) return;
      if (tokenMatcher(t, T.LCurly)) depth++;
      else if (tokenMatcher(t, T.RCurly)) {
        if (depth === 0) {
          if (!moved && t === start) this.SKIP_TOKEN();
          return;
        }
        depth--;
        if (depth === 0) {
          this.SKIP_TOKEN();
          return;
        }
      } else if (depth === 0 && tokenMatcher(t, T.Semicolon)) {
        this.SKIP_TOKEN();
        return;
      }
      this.SKIP_TOKEN();
      moved = true;
    }
  };

  /** Skip to the next block header at the top level. */
  private skipToBlock = (start: IToken): void => {
    let depth = 0;
    if (this.LA(1) === start) this.SKIP_TOKEN();
    for (;;) {
      const t = this.LA(1);
      if (tokenMatcher(t, EOF)) return;
      if (depth === 0 && (this.atBlockHeader() || tokenMatcher(t, T.Include))) return;
      if (tokenMatcher(t, T.LCurly)) depth++;
      else if (tokenMatcher(t, T.RCurly)) depth = Math.max(0, depth - 1);
      this.SKIP_TOKEN();
    }
  };

  /** `model {`, `transformed data {`, `generated quantities {`. */
  private atBlockHeader(): boolean {
    if (!tokenMatcher(this.LA(1), T.BlockKw)) return false;
    if (tokenMatcher(this.LA(2), T.LCurly)) return true;
    const second = this.LA(2);
    return (tokenMatcher(second, T.BlockKw) || tokenMatcher(second, T.Identifier)) && tokenMatcher(this.LA(3), T.LCurly);
  }

  /** Inside `{ }`: the list is over at `}`, at the end of input, or at a block header (unclosed block). */
  private atListEnd(): boolean {
    const t = this.LA(1);
    return tokenMatcher(t, T.RCurly) || tokenMatcher(t, EOF) || this.atBlockHeader();
  }

  private stray(expected: StrayToken['expected'], skip: (start: IToken) => void): void {
    const token = this.LA(1);
    this.strays.push({ token, expected });
    skip(token);
    if (this.LA(1) === token) this.SKIP_TOKEN(); // always make progress
  }

  private isTruncation(): boolean {
    const t = this.LA(1);
    return tokenMatcher(t, T.Identifier) && t.image === 'T' && tokenMatcher(this.LA(2), T.LSquare);
  }

  /**
   * OR alternatives are built once per call site and reused: building the array (and its
   * closures) on every call would dominate parsing time and garbage.
   */
  private readonly altCache: Array<IOrAlt<unknown>[] | undefined> = [];

  private alts(site: number, make: () => IOrAlt<unknown>[]): IOrAlt<unknown>[] {
    return (this.altCache[site] ??= make());
  }

  private rule(name: string, impl: () => void) {
    return this.RULE(name, impl, { resyncEnabled: false });
  }

  // -------------------------------------------------------------------------
  // Program and blocks

  program = this.rule('program', () => {
    for (;;) {
      this.MANY(() => {
        this.recover(this.skipToBlock, () => {
          this.OR(this.alts(1, () => [
            { ALT: () => this.CONSUME(T.Include) },
            { ALT: () => this.SUBRULE(this.functionsBlock) },
            { ALT: () => this.SUBRULE(this.programBlock) },
            { ALT: () => this.SUBRULE(this.unknownBlock) },
          ]));
        });
      });
      if (this.RECORDING_PHASE || this.at(EOF)) break;
      this.stray('block', this.skipToBlock);
    }
  });

  /** The text of an `#include` inside a `functions` block. */
  functionsOnly = this.rule('functionsOnly', () => {
    for (;;) {
      this.MANY(() => this.recover(this.skipStatement, () => this.SUBRULE(this.functionItem)));
      if (this.RECORDING_PHASE || this.at(EOF)) break;
      this.stray('function', this.skipStatement);
    }
  });

  /** The text of an `#include` among statements. */
  statementsOnly = this.rule('statementsOnly', () => {
    for (;;) {
      this.MANY(() => this.recover(this.skipStatement, () => this.SUBRULE(this.statement)));
      if (this.RECORDING_PHASE || this.at(EOF)) break;
      this.stray('statement', this.skipStatement);
    }
  });

  functionsBlock = this.rule('functionsBlock', () => {
    this.CONSUME(T.Functions);
    this.CONSUME(T.LCurly);
    for (;;) {
      this.MANY(() => this.recover(this.skipStatement, () => this.SUBRULE(this.functionItem)));
      if (this.RECORDING_PHASE || this.atListEnd()) break;
      this.stray('function', this.skipStatement);
    }
    this.CONSUME(T.RCurly);
  });

  functionItem = this.rule('functionItem', () => {
    this.OR(this.alts(2, () => [{ ALT: () => this.CONSUME(T.Include) }, { ALT: () => this.SUBRULE(this.functionDef) }]));
  });

  programBlock = this.rule('programBlock', () => {
    this.SUBRULE(this.blockName);
    this.CONSUME(T.LCurly);
    this.statementList();
    this.CONSUME(T.RCurly);
  });

  /** `data`, `transformed data`, ...; a misspelled second word is kept for the error message. */
  blockName = this.rule('blockName', () => {
    this.OR(this.alts(3, () => [
      { ALT: () => this.CONSUME(T.Data) },
      {
        ALT: () => {
          this.CONSUME(T.Transformed);
          this.OR2([
            { ALT: () => this.CONSUME2(T.Data) },
            { ALT: () => this.CONSUME(T.Parameters) },
            { ALT: () => this.CONSUME(T.Identifier) },
          ]);
        },
      },
      { ALT: () => this.CONSUME2(T.Parameters) },
      { ALT: () => this.CONSUME(T.Model) },
      {
        ALT: () => {
          this.CONSUME(T.Generated);
          this.OR3([{ ALT: () => this.CONSUME(T.Quantities) }, { ALT: () => this.CONSUME2(T.Identifier) }]);
        },
      },
    ]));
  });

  /** `modle { ... }`: reported by name; the body is still parsed so its errors are found too. */
  unknownBlock = this.rule('unknownBlock', () => {
    const words: string[] = [];
    this.AT_LEAST_ONE(() => {
      const t = this.CONSUME(T.Identifier);
      this.ACTION(() => words.push(t.image));
    });
    this.ACTION(() => {
      this.unknownIsFunctions = closestName(words.join(' '), BLOCK_ORDER) === 'functions';
    });
    this.CONSUME(T.LCurly);
    for (;;) {
      this.MANY(() =>
        this.recover(this.skipStatement, () => {
          this.OR({
            IGNORE_AMBIGUITIES: true,
            DEF: [
              { GATE: () => this.unknownIsFunctions, ALT: () => this.SUBRULE(this.functionItem) },
              { ALT: () => this.SUBRULE(this.statement) },
            ],
          });
        }),
      );
      if (this.RECORDING_PHASE || this.atListEnd()) break;
      this.stray('statement', this.skipStatement);
    }
    this.CONSUME(T.RCurly);
  });

  /** Statements up to the closing `}`; called from inside rules that consume the braces. */
  private statementList(): void {
    for (;;) {
      this.MANY(() => this.recover(this.skipStatement, () => this.SUBRULE(this.statement)));
      if (this.RECORDING_PHASE || this.atListEnd()) break;
      this.stray('statement', this.skipStatement);
    }
  }

  // -------------------------------------------------------------------------
  // Function definitions

  functionDef = this.rule('functionDef', () => {
    this.SUBRULE(this.returnType);
    this.SUBRULE(this.declIdentifier);
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.param);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.param);
      });
    });
    this.CONSUME(T.RParen);
    this.OR(this.alts(4, () => [{ ALT: () => this.SUBRULE(this.block) }, { ALT: () => this.CONSUME(T.Semicolon) }]));
  });

  returnType = this.rule('returnType', () => {
    this.OR(this.alts(5, () => [{ ALT: () => this.CONSUME(T.Void) }, { ALT: () => this.SUBRULE(this.funType) }]));
  });

  param = this.rule('param', () => {
    this.OPTION(() => this.CONSUME(T.Data));
    this.SUBRULE(this.funType);
    this.SUBRULE(this.declIdentifier);
  });

  /** Unsized types: `array[,] real`, `vector`, `tuple(real, vector)`, legacy `real[]`. */
  funType = this.rule('funType', () => {
    this.OR(this.alts(6, () => [
      {
        ALT: () => {
          this.CONSUME(T.Array);
          this.SUBRULE(this.unsizedDims);
          this.SUBRULE(this.funElementType);
        },
      },
      {
        ALT: () => {
          this.SUBRULE2(this.funElementType);
          this.OPTION(() => this.SUBRULE2(this.unsizedDims));
        },
      },
    ]));
  });

  funElementType = this.rule('funElementType', () => {
    this.OR(this.alts(7, () => [{ ALT: () => this.CONSUME(T.FunTypeKw) }, { ALT: () => this.SUBRULE(this.tupleFunType) }]));
  });

  tupleFunType = this.rule('tupleFunType', () => {
    this.CONSUME(T.Tuple);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.funType);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.OPTION(() => this.SUBRULE2(this.funType));
    });
    this.CONSUME(T.RParen);
  });

  unsizedDims = this.rule('unsizedDims', () => {
    this.CONSUME(T.LSquare);
    this.MANY(() => this.CONSUME(T.Comma));
    this.CONSUME(T.RSquare);
  });

  // -------------------------------------------------------------------------
  // Declarations

  varDecl = this.rule('varDecl', () => {
    this.OPTION(() => this.SUBRULE(this.arrayDims));
    this.SUBRULE(this.declType);
    this.SUBRULE(this.declarator);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.declarator);
    });
    this.CONSUME(T.Semicolon);
  });

  /** `x`, legacy `x[N]`, and an optional `= value`. */
  declarator = this.rule('declarator', () => {
    this.SUBRULE(this.declIdentifier);
    this.OPTION(() => this.SUBRULE(this.dimensions));
    this.OPTION2(() => {
      this.CONSUME(T.Assign);
      this.SUBRULE(this.expression);
    });
  });

  arrayDims = this.rule('arrayDims', () => {
    this.CONSUME(T.Array);
    this.SUBRULE(this.dimensions);
  });

  /** `[e, ...]` after a type or a legacy array name. */
  dimensions = this.rule('dimensions', () => {
    this.CONSUME(T.LSquare);
    this.SUBRULE(this.expression);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.expression);
    });
    this.CONSUME(T.RSquare);
  });

  declType = this.rule('declType', () => {
    this.OR(this.alts(8, () => [
      { ALT: () => this.SUBRULE(this.tupleDeclType) },
      {
        ALT: () => {
          this.CONSUME(T.DeclTypeKw);
          this.OPTION(() => this.SUBRULE(this.bounds));
          this.OPTION2(() => this.SUBRULE(this.dimensions));
        },
      },
    ]));
  });

  tupleDeclType = this.rule('tupleDeclType', () => {
    this.CONSUME(T.Tuple);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.tupleElement);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.OPTION(() => this.SUBRULE2(this.tupleElement));
    });
    this.CONSUME(T.RParen);
  });

  tupleElement = this.rule('tupleElement', () => {
    this.OPTION(() => this.SUBRULE(this.arrayDims));
    this.SUBRULE(this.declType);
  });

  bounds = this.rule('bounds', () => {
    this.CONSUME(T.Less);
    this.SUBRULE(this.bound);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.bound);
    });
    this.CONSUME(T.Greater);
  });

  /** `lower = e`: the value stops before comparisons, so `>` can close the bounds. */
  bound = this.rule('bound', () => {
    this.CONSUME(T.BoundKw);
    this.CONSUME(T.Assign);
    this.SUBRULE(this.boundExpression);
  });

  /** A name being declared; a reserved word is accepted here and reported by name later. */
  declIdentifier = this.rule('declIdentifier', () => {
    this.OR(this.alts(9, () => [{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.Keyword) }]));
  });

  // -------------------------------------------------------------------------
  // Statements

  /** Every alternative starts with a different token, so one token of lookahead picks it. */
  statement = this.rule('statement', () => {
    this.OR(this.alts(10, () => [
      { ALT: () => this.CONSUME(T.Include) },
      { ALT: () => this.SUBRULE(this.block) },
      { ALT: () => this.SUBRULE(this.varDecl) },
      { ALT: () => this.SUBRULE(this.ifStatement) },
      { ALT: () => this.SUBRULE(this.whileStatement) },
      { ALT: () => this.SUBRULE(this.forStatement) },
      { ALT: () => this.SUBRULE(this.breakStatement) },
      { ALT: () => this.SUBRULE(this.continueStatement) },
      { ALT: () => this.SUBRULE(this.returnStatement) },
      { ALT: () => this.SUBRULE(this.printStatement) },
      { ALT: () => this.SUBRULE(this.profileStatement) },
      { ALT: () => this.SUBRULE(this.emptyStatement) },
      { ALT: () => this.SUBRULE(this.expressionStatement) },
    ]));
  });

  block = this.rule('block', () => {
    this.CONSUME(T.LCurly);
    this.statementList();
    this.CONSUME(T.RCurly);
  });

  ifStatement = this.rule('ifStatement', () => {
    this.CONSUME(T.If);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
    this.SUBRULE(this.statement);
    // Greedy: an `else` belongs to the nearest `if`.
    this.OPTION(() => {
      this.CONSUME(T.Else);
      this.SUBRULE2(this.statement);
    });
  });

  whileStatement = this.rule('whileStatement', () => {
    this.CONSUME(T.While);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
    this.SUBRULE(this.statement);
  });

  /** `for (i in a:b)` or `for (x in container)`. */
  forStatement = this.rule('forStatement', () => {
    this.CONSUME(T.For);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.declIdentifier);
    this.CONSUME(T.In);
    this.SUBRULE(this.expression);
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE2(this.expression);
    });
    this.CONSUME(T.RParen);
    this.SUBRULE(this.statement);
  });

  breakStatement = this.rule('breakStatement', () => {
    this.CONSUME(T.Break);
    this.CONSUME(T.Semicolon);
  });

  continueStatement = this.rule('continueStatement', () => {
    this.CONSUME(T.Continue);
    this.CONSUME(T.Semicolon);
  });

  returnStatement = this.rule('returnStatement', () => {
    this.CONSUME(T.Return);
    this.OPTION(() => this.SUBRULE(this.expression));
    this.CONSUME(T.Semicolon);
  });

  /** `print(...)`, `reject(...)`, `fatal_error(...)`: expressions and strings. */
  printStatement = this.rule('printStatement', () => {
    this.OR(this.alts(11, () => [
      { ALT: () => this.CONSUME(T.Print) },
      { ALT: () => this.CONSUME(T.Reject) },
      { ALT: () => this.CONSUME(T.FatalError) },
    ]));
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.expression);
    });
    this.CONSUME(T.RParen);
    this.CONSUME(T.Semicolon);
  });

  profileStatement = this.rule('profileStatement', () => {
    this.CONSUME(T.Profile);
    this.CONSUME(T.LParen);
    this.CONSUME(T.StringLiteral);
    this.CONSUME(T.RParen);
    this.SUBRULE(this.block);
  });

  emptyStatement = this.rule('emptyStatement', () => {
    this.CONSUME(T.Semicolon);
  });

  /**
   * Assignment, `~` statement, `target +=`, `jacobian +=`, or a call: decided by what follows
   * the leading expression. The expression is spelled out here (rather than SUBRULE(expression))
   * so that its first operand cannot be a `{...}` array, which keeps `{` for blocks.
   */
  expressionStatement = this.rule('expressionStatement', () => {
    this.SUBRULE(this.leadingOperand);
    this.MANY(() => {
      this.CONSUME(T.BinaryOp);
      this.SUBRULE(this.operand);
    });
    this.OPTION(() => {
      this.CONSUME(T.Question);
      this.SUBRULE(this.expression);
      this.CONSUME(T.Colon);
      this.SUBRULE2(this.expression);
    });
    this.OPTION2(() => {
      this.OR(this.alts(12, () => [
        {
          ALT: () => {
            this.CONSUME(T.AssignOp);
            this.SUBRULE3(this.expression);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Tilde);
            this.CONSUME(T.Identifier);
            this.SUBRULE(this.callArgs);
            this.OPTION3({ GATE: () => this.isTruncation(), DEF: () => this.SUBRULE(this.truncation) });
          },
        },
      ]));
    });
    this.CONSUME(T.Semicolon);
  });

  /** `T[a, b]`, `T[a, ]`, `T[, b]`, `T[ , ]`. */
  truncation = this.rule('truncation', () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LSquare);
    this.OPTION(() => this.SUBRULE(this.expression));
    this.CONSUME(T.Comma);
    this.OPTION2(() => this.SUBRULE2(this.expression));
    this.CONSUME(T.RSquare);
  });

  // -------------------------------------------------------------------------
  // Expressions, loosest binding first (Stan reference manual, operator precedence table)

  /** `a + b * c < d || e`, optionally `? :`; the infix chain is grouped by precedence in operators.ts. */
  expression = this.rule('expression', () => {
    this.SUBRULE(this.operand);
    this.MANY(() => {
      this.CONSUME(T.BinaryOp);
      this.SUBRULE2(this.operand);
    });
    // Right associative: `a ? b : c ? d : e` is `a ? b : (c ? d : e)`.
    this.OPTION(() => {
      this.CONSUME(T.Question);
      this.SUBRULE(this.expression);
      this.CONSUME(T.Colon);
      this.SUBRULE2(this.expression);
    });
  });

  /** A bound's value: arithmetic only, so the `>` after it closes the bounds (as in stanc3). */
  boundExpression = this.rule('boundExpression', () => {
    this.SUBRULE(this.operand);
    this.MANY(() => {
      this.CONSUME(T.ArithmeticOp);
      this.SUBRULE2(this.operand);
    });
  });

  /**
   * Prefix operators, a primary with its postfixes, and an optional `^` exponent. `^` binds
   * tighter than the prefixes (`-a^b` is `-(a^b)`) and is right associative (`a^b^c` is
   * `a^(b^c)`); its exponent may carry its own sign (`a^-b`).
   */
  operand = this.rule('operand', () => {
    this.MANY(() => this.CONSUME(T.PrefixOp));
    this.OR(this.alts(13, () => [
      ...this.literalAlternatives(),
      {
        // `target()`: the log density accumulated so far
        ALT: () => {
          this.CONSUME(T.Target);
          this.CONSUME(T.LParen);
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.arrayExpr) },
    ]));
    this.MANY2(() => this.postfixOp());
    this.OPTION(() => {
      this.CONSUME(T.PowerOp);
      this.SUBRULE(this.operand);
    });
  });

  /** The first operand of a statement: as `operand`, but no `{...}` array, and `target` may stand alone (`target += e`). */
  leadingOperand = this.rule('leadingOperand', () => {
    this.MANY(() => this.CONSUME(T.PrefixOp));
    this.OR(this.alts(14, () => [
      ...this.literalAlternatives(),
      {
        ALT: () => {
          this.CONSUME(T.Target);
          this.OPTION2(() => {
            this.CONSUME(T.LParen);
            this.CONSUME(T.RParen);
          });
        },
      },
    ]));
    this.MANY2(() => this.postfixOp());
    this.OPTION(() => {
      this.CONSUME(T.PowerOp);
      this.SUBRULE(this.operand);
    });
  });

  /** Primaries shared by `operand` and `leadingOperand`. */
  private literalAlternatives(): IOrAlt<unknown>[] {
    return [
      { ALT: () => this.CONSUME(T.IntLiteral) },
      { ALT: () => this.CONSUME(T.RealLiteral) },
      { ALT: () => this.CONSUME(T.ImagLiteral) },
      { ALT: () => this.CONSUME(T.DotNumeral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      {
        ALT: () => {
          this.CONSUME(T.Identifier);
          this.OPTION3(() => this.SUBRULE(this.callArgs));
        },
      },
      { ALT: () => this.SUBRULE(this.parenOrTuple) },
      { ALT: () => this.SUBRULE(this.rowVectorExpr) },
    ];
  }

  /** Indexing, transpose, tuple projection `.1`. */
  private postfixOp(): void {
    this.OR2(this.alts(15, () => [
      { ALT: () => this.SUBRULE(this.indexSuffix) },
      { ALT: () => this.CONSUME(T.Transpose) },
      { ALT: () => this.CONSUME2(T.DotNumeral, { LABEL: 'projection' }) },
    ]));
  }

  indexSuffix = this.rule('indexSuffix', () => {
    this.CONSUME(T.LSquare);
    this.SUBRULE(this.index);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.index);
    });
    this.CONSUME(T.RSquare);
  });

  /** `e`, `a:b`, `a:`, `:b`, `:`, or nothing (all). */
  index = this.rule('index', () => {
    this.OPTION(() => this.SUBRULE(this.expression));
    this.OPTION2(() => {
      this.CONSUME(T.Colon);
      this.OPTION3(() => this.SUBRULE2(this.expression));
    });
  });

  /** `(args)` or the density form `(y | args)`. */
  callArgs = this.rule('callArgs', () => {
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.expression);
      this.OPTION2(() => {
        this.CONSUME(T.Bar);
        this.OPTION3(() => this.SUBRULE2(this.expression));
      });
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE3(this.expression);
      });
    });
    this.CONSUME(T.RParen);
  });

  /** `(e)`, or a tuple `(a, b, ...)` (a trailing comma makes a one-element tuple). */
  parenOrTuple = this.rule('parenOrTuple', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.OPTION(() => this.SUBRULE2(this.expression));
    });
    this.CONSUME(T.RParen);
  });

  arrayExpr = this.rule('arrayExpr', () => {
    this.CONSUME(T.LCurly);
    this.SUBRULE(this.expression);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.expression);
    });
    this.CONSUME(T.RCurly);
  });

  rowVectorExpr = this.rule('rowVectorExpr', () => {
    this.CONSUME(T.LSquare);
    this.OPTION(() => {
      this.SUBRULE(this.expression);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.expression);
      });
    });
    this.CONSUME(T.RSquare);
  });

  /** Parse `tokens` from `start`; errors land in `errors` and `strays`. */
  parseTokens(tokens: IToken[], start: StartRule): CstNode | undefined {
    this.input = tokens;
    return this[start]();
  }
}

let shared: StanParser | undefined;

/** Building the parser analyses the grammar (tens of ms), so one instance is reused. */
export function stanParser(): StanParser {
  shared ??= new StanParser();
  return shared;
}
