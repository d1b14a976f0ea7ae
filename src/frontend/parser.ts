// The Stan grammar as a Chevrotain parser whose actions hand each construct's pieces to the
// AST builder (to-ast.ts). Rules follow stanc3's parser.mly, with deliberate widenings that
// let the builder word the error instead of the parser: a declaration may be named by a
// reserved word; any expression may start a statement (the builder decides whether it was an
// assignment target, a call, `target +=`, or nonsense); infix operators form a flat chain
// grouped by precedence afterwards.
//
// While Chevrotain records the grammar (once, at construction) rules run without input and
// their results are placeholders, so every builder call is skipped in that phase.
//
// Error recovery: Chevrotain repairs single missing or extra tokens in place; anything worse
// abandons the current statement (or block header) and skips to its end, so each broken
// statement yields one error and parsing carries on with the next one.
import { EmbeddedActionsParser, EOF, isRecognitionException, tokenMatcher, type IOrAlt, type IToken } from 'chevrotain';
import * as T from './tokens.js';
import type * as A from './ast.js';
import { BLOCK_ORDER } from './ast.js';
import { structuredErrorMessages } from './syntax-errors.js';
import { closestName } from './suggest.js';
import type { AstBuilder, Bound, CallArgs, Declarator, Dims, IndexParts, Postfix } from './to-ast.js';

/** A token where a statement, function or block should have started. */
export interface StrayToken {
  token: IToken;
  /** What was expected there. */
  expected: 'statement' | 'function' | 'block';
}

/** Entry points: a whole program, or the text of an `#include` in a given context. */
export type StartRule = 'program' | 'functionsOnly' | 'statementsOnly';

/** What a rule returns while the grammar is being recorded; never used. */
const RECORDING = undefined as never;

type ArrayPrefix = { keyword: IToken; dims: Dims };
type TupleParts = { elements: A.FunType[]; commas: number; open: IToken; close: IToken };

/** Tokens after which a skipped statement is certainly over and a new one begins. */
const STATEMENT_STARTERS = [
  T.For, T.While, T.If, T.Return, T.Break, T.Continue, T.Print, T.Reject, T.FatalError,
  T.Profile, T.DeclTypeKw, T.Array, T.Tuple, T.Include,
];

export class StanParser extends EmbeddedActionsParser {
  strays: StrayToken[] = [];
  /** Builds the nodes of the current parse. */
  private b!: AstBuilder;
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
  private recover(skip: (start: IToken) => void, parse: () => unknown): void {
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

  private rule<F extends (...args: never[]) => unknown>(name: string, impl: F) {
    return this.RULE(name, impl, { resyncEnabled: false });
  }

  private get recording(): boolean {
    return this.RECORDING_PHASE;
  }

  private pushAll<X>(into: X[], items: X[]): void {
    if (!this.recording) for (const x of items) into.push(x);
  }

  private include(t: IToken): A.Include {
    return this.recording ? RECORDING : this.b.include(t);
  }

  private literal(t: IToken): A.Expr {
    return this.recording ? RECORDING : this.b.literal(t);
  }

  // -------------------------------------------------------------------------
  // Program and blocks

  program = this.rule('program', (): A.Program => {
    const items: Array<A.ProgramBlock | A.Include> = [];
    for (;;) {
      this.MANY(() => {
        this.recover(this.skipToBlock, () => {
          const item = this.OR(
            this.alts(1, () => [
              { ALT: () => this.include(this.CONSUME(T.Include)) },
              { ALT: () => this.SUBRULE(this.functionsBlock) },
              { ALT: () => this.SUBRULE(this.programBlock) },
              { ALT: () => this.SUBRULE(this.unknownBlock) },
            ]),
          ) as A.ProgramBlock | A.Include | undefined;
          if (item) items.push(item);
        });
      });
      if (this.recording || this.at(EOF)) break;
      this.stray('block', this.skipToBlock);
    }
    return this.recording ? RECORDING : this.b.program(items);
  });

  /** The text of an `#include` inside a `functions` block. */
  functionsOnly = this.rule('functionsOnly', (): Array<A.FunctionDef | A.Include> => {
    const items: Array<A.FunctionDef | A.Include> = [];
    for (;;) {
      this.MANY(() => this.recover(this.skipStatement, () => items.push(this.SUBRULE(this.functionItem))));
      if (this.recording || this.at(EOF)) break;
      this.stray('function', this.skipStatement);
    }
    return items;
  });

  /** The text of an `#include` among statements. */
  statementsOnly = this.rule('statementsOnly', (): A.Stmt[] => {
    const items: A.Stmt[] = [];
    for (;;) {
      this.MANY(() => this.recover(this.skipStatement, () => this.pushAll(items, this.SUBRULE(this.statement))));
      if (this.recording || this.at(EOF)) break;
      this.stray('statement', this.skipStatement);
    }
    return items;
  });

  functionsBlock = this.rule('functionsBlock', (): A.ProgramBlock => {
    const keyword = this.CONSUME(T.Functions);
    this.CONSUME(T.LCurly);
    const items: Array<A.FunctionDef | A.Include> = [];
    for (;;) {
      this.MANY(() => this.recover(this.skipStatement, () => items.push(this.SUBRULE(this.functionItem))));
      if (this.recording || this.atListEnd()) break;
      this.stray('function', this.skipStatement);
    }
    const close = this.CONSUME(T.RCurly);
    return this.recording ? RECORDING : this.b.functionsBlock(keyword, items, close);
  });

  functionItem = this.rule('functionItem', (): A.FunctionDef | A.Include =>
    this.OR(
      this.alts(2, () => [
        { ALT: () => this.include(this.CONSUME(T.Include)) },
        { ALT: () => this.SUBRULE(this.functionDef) },
      ]),
    ) as A.FunctionDef | A.Include,
  );

  programBlock = this.rule('programBlock', (): A.ProgramBlock | undefined => {
    const words = this.SUBRULE(this.blockName);
    this.CONSUME(T.LCurly);
    const items = this.statementList();
    const close = this.CONSUME(T.RCurly);
    return this.recording ? RECORDING : this.b.programBlock(words, items, close);
  });

  /** `data`, `transformed data`, ...; a misspelled second word is kept for the error message. */
  blockName = this.rule('blockName', (): IToken[] =>
    this.OR(
      this.alts(3, () => [
        { ALT: () => [this.CONSUME(T.Data)] },
        {
          ALT: () => {
            const first = this.CONSUME(T.Transformed);
            const second = this.OR2(
              this.alts(4, () => [
                { ALT: () => this.CONSUME2(T.Data) },
                { ALT: () => this.CONSUME(T.Parameters) },
                { ALT: () => this.CONSUME(T.Identifier) },
              ]),
            ) as IToken;
            return [first, second];
          },
        },
        { ALT: () => [this.CONSUME2(T.Parameters)] },
        { ALT: () => [this.CONSUME(T.Model)] },
        {
          ALT: () => {
            const first = this.CONSUME(T.Generated);
            const second = this.OR3(
              this.alts(5, () => [{ ALT: () => this.CONSUME(T.Quantities) }, { ALT: () => this.CONSUME2(T.Identifier) }]),
            ) as IToken;
            return [first, second];
          },
        },
      ]),
    ) as IToken[],
  );

  /** `modle { ... }`: reported by name; the body is still parsed so its errors are found too. */
  unknownBlock = this.rule('unknownBlock', (): undefined => {
    const words: IToken[] = [];
    this.AT_LEAST_ONE(() => {
      words.push(this.CONSUME(T.Identifier));
    });
    this.CONSUME(T.LCurly);
    // Only now is it a block: `x = 3;` at the top level is reported as a stray statement instead.
    if (!this.recording) {
      this.b.unknownBlock(words);
      this.unknownIsFunctions = closestName(words.map((t) => t.image).join(' '), BLOCK_ORDER) === 'functions';
    }
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
      if (this.recording || this.atListEnd()) break;
      this.stray('statement', this.skipStatement);
    }
    this.CONSUME(T.RCurly);
    return undefined;
  });

  /** Statements up to the closing `}`; called from inside rules that consume the braces. */
  private statementList(): A.Stmt[] {
    const items: A.Stmt[] = [];
    for (;;) {
      this.MANY(() => this.recover(this.skipStatement, () => this.pushAll(items, this.SUBRULE(this.statement))));
      if (this.recording || this.atListEnd()) break;
      this.stray('statement', this.skipStatement);
    }
    return items;
  }

  // -------------------------------------------------------------------------
  // Function definitions

  functionDef = this.rule('functionDef', (): A.FunctionDef => {
    const returnType = this.SUBRULE(this.returnType);
    const name = this.SUBRULE(this.declIdentifier);
    this.CONSUME(T.LParen);
    const params: A.Param[] = [];
    this.OPTION(() => {
      params.push(this.SUBRULE(this.param));
      this.MANY(() => {
        this.CONSUME(T.Comma);
        params.push(this.SUBRULE2(this.param));
      });
    });
    this.CONSUME(T.RParen);
    const end = this.OR(
      this.alts(6, () => [{ ALT: () => this.SUBRULE(this.block) }, { ALT: () => this.CONSUME(T.Semicolon) }]),
    ) as A.Block | IToken;
    if (this.recording) return RECORDING;
    const body = 'kind' in end ? end : undefined;
    return this.b.functionDef(returnType, name, params, body, body ? undefined : (end as IToken));
  });

  /** A FunType, or the `void` token. */
  returnType = this.rule('returnType', (): A.FunType | IToken =>
    this.OR(
      this.alts(7, () => [{ ALT: () => this.CONSUME(T.Void) }, { ALT: () => this.SUBRULE(this.funType) }]),
    ) as A.FunType | IToken,
  );

  param = this.rule('param', (): A.Param => {
    const data = this.OPTION(() => this.CONSUME(T.Data));
    const type = this.SUBRULE(this.funType);
    const name = this.SUBRULE(this.declIdentifier);
    return this.recording ? RECORDING : this.b.param(data, type, name);
  });

  /** Unsized types: `array[,] real`, `vector`, `tuple(real, vector)`, legacy `real[]`. */
  funType = this.rule('funType', (): A.FunType =>
    this.OR(
      this.alts(8, () => [
        {
          ALT: () => {
            const array = this.CONSUME(T.Array);
            const dims = this.SUBRULE(this.unsizedDims);
            const element = this.SUBRULE(this.funElementType);
            return this.recording ? RECORDING : this.b.funType(array, dims, this.tupleOrKeyword(element));
          },
        },
        {
          ALT: () => {
            const element = this.SUBRULE2(this.funElementType);
            const dims = this.OPTION(() => this.SUBRULE2(this.unsizedDims));
            return this.recording ? RECORDING : this.b.funType(undefined, dims, this.tupleOrKeyword(element));
          },
        },
      ]),
    ) as A.FunType,
  );

  private tupleOrKeyword(element: IToken | TupleParts) {
    if (!('elements' in element)) return element;
    return { elements: element.elements, commas: element.commas, span: { start: startOfToken(element.open), end: endOfToken(element.close) } };
  }

  funElementType = this.rule('funElementType', (): IToken | TupleParts =>
    this.OR(
      this.alts(9, () => [{ ALT: () => this.CONSUME(T.FunTypeKw) }, { ALT: () => this.SUBRULE(this.tupleFunType) }]),
    ) as IToken | TupleParts,
  );

  tupleFunType = this.rule('tupleFunType', (): TupleParts => {
    const open = this.CONSUME(T.Tuple);
    this.CONSUME(T.LParen);
    const elements = [this.SUBRULE(this.funType)];
    let commas = 0;
    this.MANY(() => {
      this.CONSUME(T.Comma);
      commas++;
      const element = this.OPTION(() => this.SUBRULE2(this.funType));
      if (element) elements.push(element);
    });
    const close = this.CONSUME(T.RParen);
    return { elements, commas, open, close };
  });

  unsizedDims = this.rule('unsizedDims', (): { count: number; close: IToken } => {
    this.CONSUME(T.LSquare);
    let count = 1;
    this.MANY(() => {
      this.CONSUME(T.Comma);
      count++;
    });
    const close = this.CONSUME(T.RSquare);
    return { count, close };
  });

  // -------------------------------------------------------------------------
  // Declarations

  varDecl = this.rule('varDecl', (): A.VarDecl[] => {
    const array = this.OPTION(() => this.SUBRULE(this.arrayDims));
    const type = this.SUBRULE(this.declType);
    const declarators = [this.SUBRULE(this.declarator)];
    this.MANY(() => {
      this.CONSUME(T.Comma);
      declarators.push(this.SUBRULE2(this.declarator));
    });
    const semicolon = this.CONSUME(T.Semicolon);
    return this.recording ? RECORDING : this.b.varDecl(array, type, declarators, semicolon);
  });

  /** `x`, legacy `x[N]`, and an optional `= value`. */
  declarator = this.rule('declarator', (): Declarator => {
    const name = this.SUBRULE(this.declIdentifier);
    const legacy = this.OPTION(() => this.SUBRULE(this.dimensions));
    const init = this.OPTION2(() => {
      this.CONSUME(T.Assign);
      return this.SUBRULE(this.expression);
    });
    return { name, legacy, init };
  });

  arrayDims = this.rule('arrayDims', (): ArrayPrefix => {
    const keyword = this.CONSUME(T.Array);
    const dims = this.SUBRULE(this.dimensions);
    return { keyword, dims };
  });

  /** `[e, ...]` after a type or a legacy array name. */
  dimensions = this.rule('dimensions', (): Dims => {
    const open = this.CONSUME(T.LSquare);
    const exprs = [this.SUBRULE(this.expression)];
    this.MANY(() => {
      this.CONSUME(T.Comma);
      exprs.push(this.SUBRULE2(this.expression));
    });
    const close = this.CONSUME(T.RSquare);
    return { exprs, open, close };
  });

  declType = this.rule('declType', (): A.DeclType =>
    this.OR(
      this.alts(10, () => [
        { ALT: () => this.SUBRULE(this.tupleDeclType) },
        {
          ALT: () => {
            const keyword = this.CONSUME(T.DeclTypeKw);
            const bounds = this.OPTION(() => this.SUBRULE(this.bounds));
            const sizes = this.OPTION2(() => this.SUBRULE(this.dimensions));
            return this.recording ? RECORDING : this.b.declType(keyword, bounds, sizes);
          },
        },
      ]),
    ) as A.DeclType,
  );

  tupleDeclType = this.rule('tupleDeclType', (): A.DeclType => {
    const keyword = this.CONSUME(T.Tuple);
    this.CONSUME(T.LParen);
    const elements = [this.SUBRULE(this.tupleElement)];
    let commas = 0;
    this.MANY(() => {
      this.CONSUME(T.Comma);
      commas++;
      const element = this.OPTION(() => this.SUBRULE2(this.tupleElement));
      if (element) elements.push(element);
    });
    const close = this.CONSUME(T.RParen);
    return this.recording ? RECORDING : this.b.tupleDeclType(keyword, elements, commas, close);
  });

  tupleElement = this.rule('tupleElement', (): A.TupleElementDecl => {
    const array = this.OPTION(() => this.SUBRULE(this.arrayDims));
    const type = this.SUBRULE(this.declType);
    return this.recording ? RECORDING : this.b.tupleElement(array, type);
  });

  bounds = this.rule('bounds', (): { items: Bound[]; open: IToken; close: IToken } => {
    const open = this.CONSUME(T.Less);
    const items = [this.SUBRULE(this.bound)];
    this.MANY(() => {
      this.CONSUME(T.Comma);
      items.push(this.SUBRULE2(this.bound));
    });
    const close = this.CONSUME(T.Greater);
    return { items, open, close };
  });

  /** `lower = e`: the value stops before comparisons, so `>` can close the bounds. */
  bound = this.rule('bound', (): Bound => {
    const word = this.CONSUME(T.BoundKw);
    this.CONSUME(T.Assign);
    const value = this.SUBRULE(this.boundExpression);
    return { word, value };
  });

  /** A name being declared; a reserved word is accepted here and reported by name later. */
  declIdentifier = this.rule('declIdentifier', (): IToken =>
    this.OR(
      this.alts(11, () => [{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.Keyword) }]),
    ) as IToken,
  );

  // -------------------------------------------------------------------------
  // Statements

  /** Every alternative starts with a different token, so one token of lookahead picks it. */
  statement = this.rule('statement', (): A.Stmt[] =>
    this.OR(
      this.alts(12, () => [
        { ALT: () => [this.include(this.CONSUME(T.Include))] },
        { ALT: () => [this.SUBRULE(this.block)] },
        { ALT: () => this.SUBRULE(this.varDecl) },
        { ALT: () => [this.SUBRULE(this.ifStatement)] },
        { ALT: () => [this.SUBRULE(this.whileStatement)] },
        { ALT: () => [this.SUBRULE(this.forStatement)] },
        { ALT: () => [this.SUBRULE(this.breakStatement)] },
        { ALT: () => [this.SUBRULE(this.continueStatement)] },
        { ALT: () => [this.SUBRULE(this.returnStatement)] },
        { ALT: () => [this.SUBRULE(this.printStatement)] },
        { ALT: () => [this.SUBRULE(this.profileStatement)] },
        { ALT: () => [this.SUBRULE(this.emptyStatement)] },
        {
          ALT: () => {
            const s = this.SUBRULE(this.expressionStatement);
            return s ? [s] : [];
          },
        },
      ]),
    ) as A.Stmt[],
  );

  block = this.rule('block', (): A.Block => {
    const open = this.CONSUME(T.LCurly);
    const statements = this.statementList();
    const close = this.CONSUME(T.RCurly);
    return this.recording ? RECORDING : this.b.block(open, statements, close);
  });

  ifStatement = this.rule('ifStatement', (): A.If => {
    const keyword = this.CONSUME(T.If);
    this.CONSUME(T.LParen);
    const condition = this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
    const then = this.SUBRULE(this.statement);
    // Greedy: an `else` belongs to the nearest `if`.
    const otherwise = this.OPTION(() => {
      this.CONSUME(T.Else);
      return this.SUBRULE2(this.statement);
    });
    if (this.recording) return RECORDING;
    return this.b.ifStatement(keyword, condition, this.b.body(then, keyword), otherwise && this.b.body(otherwise, keyword));
  });

  whileStatement = this.rule('whileStatement', (): A.While => {
    const keyword = this.CONSUME(T.While);
    this.CONSUME(T.LParen);
    const condition = this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
    const body = this.SUBRULE(this.statement);
    return this.recording ? RECORDING : this.b.whileStatement(keyword, condition, this.b.body(body, keyword));
  });

  /** `for (i in a:b)` or `for (x in container)`. */
  forStatement = this.rule('forStatement', (): A.For | A.ForEach => {
    const keyword = this.CONSUME(T.For);
    this.CONSUME(T.LParen);
    const variable = this.SUBRULE(this.declIdentifier);
    this.CONSUME(T.In);
    const first = this.SUBRULE(this.expression);
    const second = this.OPTION(() => {
      this.CONSUME(T.Colon);
      return this.SUBRULE2(this.expression);
    });
    this.CONSUME(T.RParen);
    const body = this.SUBRULE(this.statement);
    return this.recording ? RECORDING : this.b.forStatement(keyword, variable, first, second, this.b.body(body, keyword));
  });

  breakStatement = this.rule('breakStatement', (): A.Break => {
    const keyword = this.CONSUME(T.Break);
    const semicolon = this.CONSUME(T.Semicolon);
    return this.recording ? RECORDING : (this.b.simple('Break', keyword, semicolon) as A.Break);
  });

  continueStatement = this.rule('continueStatement', (): A.Continue => {
    const keyword = this.CONSUME(T.Continue);
    const semicolon = this.CONSUME(T.Semicolon);
    return this.recording ? RECORDING : (this.b.simple('Continue', keyword, semicolon) as A.Continue);
  });

  returnStatement = this.rule('returnStatement', (): A.Return => {
    const keyword = this.CONSUME(T.Return);
    const value = this.OPTION(() => this.SUBRULE(this.expression));
    const semicolon = this.CONSUME(T.Semicolon);
    return this.recording ? RECORDING : this.b.returnStatement(keyword, value, semicolon);
  });

  /** `print(...)`, `reject(...)`, `fatal_error(...)`: expressions and strings. */
  printStatement = this.rule('printStatement', (): A.Print | A.Reject | A.FatalError => {
    const keyword = this.OR(
      this.alts(13, () => [
        { ALT: () => this.CONSUME(T.Print) },
        { ALT: () => this.CONSUME(T.Reject) },
        { ALT: () => this.CONSUME(T.FatalError) },
      ]),
    ) as IToken;
    this.CONSUME(T.LParen);
    const args = [this.SUBRULE(this.expression)];
    this.MANY(() => {
      this.CONSUME(T.Comma);
      args.push(this.SUBRULE2(this.expression));
    });
    this.CONSUME(T.RParen);
    const semicolon = this.CONSUME(T.Semicolon);
    return this.recording ? RECORDING : this.b.printStatement(keyword, args, semicolon);
  });

  profileStatement = this.rule('profileStatement', (): A.Profile => {
    const keyword = this.CONSUME(T.Profile);
    this.CONSUME(T.LParen);
    const name = this.CONSUME(T.StringLiteral);
    this.CONSUME(T.RParen);
    const body = this.SUBRULE(this.block);
    return this.recording ? RECORDING : this.b.profile(keyword, name, body);
  });

  emptyStatement = this.rule('emptyStatement', (): A.Empty => {
    const semicolon = this.CONSUME(T.Semicolon);
    return this.recording ? RECORDING : (this.b.simple('Empty', semicolon, semicolon) as A.Empty);
  });

  /**
   * Assignment, `~` statement, `target +=`, `jacobian +=`, or a call: decided by what follows
   * the leading expression. The expression is spelled out here (rather than SUBRULE(expression))
   * so that its first operand cannot be a `{...}` array, which keeps `{` for blocks.
   */
  expressionStatement = this.rule('expressionStatement', (): A.Stmt | undefined => {
    if (!this.recording) this.b.bareTarget = undefined;
    const operands = [this.SUBRULE(this.leadingOperand)];
    const ops: IToken[] = [];
    this.MANY(() => {
      ops.push(this.CONSUME(T.BinaryOp));
      operands.push(this.SUBRULE(this.operand));
    });
    const ternary = this.OPTION(() => {
      this.CONSUME(T.Question);
      const then = this.SUBRULE(this.expression);
      this.CONSUME(T.Colon);
      const otherwise = this.SUBRULE2(this.expression);
      return { then, otherwise };
    });
    const tail = this.OPTION2(
      () =>
        this.OR(
          this.alts(14, () => [
            {
              ALT: () => {
                const op = this.CONSUME(T.AssignOp);
                const value = this.SUBRULE3(this.expression);
                return { op, value };
              },
            },
            {
              ALT: () => {
                this.CONSUME(T.Tilde);
                const dist = this.CONSUME(T.Identifier);
                const args = this.SUBRULE(this.callArgs);
                const truncation = this.OPTION3({ GATE: () => this.isTruncation(), DEF: () => this.SUBRULE(this.truncation) });
                return { dist, args, truncation };
              },
            },
          ]),
        ) as { op: IToken; value: A.Expr } | { dist: IToken; args: CallArgs; truncation?: A.Truncation },
    );
    const semicolon = this.CONSUME(T.Semicolon);
    if (this.recording) return RECORDING;
    let lhs = this.b.chain(operands, ops);
    if (ternary) lhs = this.b.conditional(lhs, ternary.then, ternary.otherwise);
    let stmt: A.Stmt | undefined;
    if (!tail) stmt = this.b.expressionAlone(lhs, semicolon);
    else if ('op' in tail) stmt = this.b.assignment(lhs, tail.op, tail.value, semicolon);
    else stmt = this.b.tilde(lhs, tail.dist, tail.args, tail.truncation, semicolon);
    this.b.endStatement();
    return stmt;
  });

  /** `T[a, b]`, `T[a, ]`, `T[, b]`, `T[ , ]`. */
  truncation = this.rule('truncation', (): A.Truncation => {
    const t = this.CONSUME(T.Identifier);
    this.CONSUME(T.LSquare);
    const lower = this.OPTION(() => this.SUBRULE(this.expression));
    this.CONSUME(T.Comma);
    const upper = this.OPTION2(() => this.SUBRULE2(this.expression));
    const close = this.CONSUME(T.RSquare);
    return this.recording ? RECORDING : this.b.truncation(t, lower, upper, close);
  });

  // -------------------------------------------------------------------------
  // Expressions (operator precedence: operators.ts)

  /** `a + b * c < d || e`, optionally `? :`; the infix chain is grouped by precedence. */
  expression = this.rule('expression', (): A.Expr => {
    const operands = [this.SUBRULE(this.operand)];
    const ops: IToken[] = [];
    this.MANY(() => {
      ops.push(this.CONSUME(T.BinaryOp));
      operands.push(this.SUBRULE2(this.operand));
    });
    // Right associative: `a ? b : c ? d : e` is `a ? b : (c ? d : e)`.
    const ternary = this.OPTION(() => {
      this.CONSUME(T.Question);
      const then = this.SUBRULE(this.expression);
      this.CONSUME(T.Colon);
      const otherwise = this.SUBRULE2(this.expression);
      return { then, otherwise };
    });
    if (this.recording) return RECORDING;
    const condition = this.b.chain(operands, ops);
    return ternary ? this.b.conditional(condition, ternary.then, ternary.otherwise) : condition;
  });

  /** A bound's value: arithmetic only, so the `>` after it closes the bounds (as in stanc3). */
  boundExpression = this.rule('boundExpression', (): A.Expr => {
    const operands = [this.SUBRULE(this.operand)];
    const ops: IToken[] = [];
    this.MANY(() => {
      ops.push(this.CONSUME(T.ArithmeticOp));
      operands.push(this.SUBRULE2(this.operand));
    });
    return this.recording ? RECORDING : this.b.chain(operands, ops);
  });

  /**
   * Prefix operators, a primary with its postfixes, and an optional `^` exponent. `^` binds
   * tighter than the prefixes (`-a^b` is `-(a^b)`) and is right associative (`a^b^c` is
   * `a^(b^c)`); its exponent may carry its own sign (`a^-b`).
   */
  operand = this.rule('operand', (): A.Expr => {
    let prefixes: IToken[] | undefined;
    this.MANY(() => {
      (prefixes ??= []).push(this.CONSUME(T.PrefixOp));
    });
    const primary = this.OR(
      this.alts(15, () => [
        ...this.primaryAlternatives(),
        {
          // `target()`: the log density accumulated so far
          ALT: () => {
            const keyword = this.CONSUME(T.Target);
            this.CONSUME(T.LParen);
            const close = this.CONSUME(T.RParen);
            return this.recording ? RECORDING : this.b.target(keyword, close);
          },
        },
        { ALT: () => this.SUBRULE(this.arrayExpr) },
      ]),
    ) as A.Expr;
    let postfixes: Postfix[] | undefined;
    this.MANY2(() => {
      (postfixes ??= []).push(this.postfixOp());
    });
    let power: IToken | undefined;
    const exponent = this.OPTION(() => {
      power = this.CONSUME(T.PowerOp);
      return this.SUBRULE(this.operand);
    });
    return this.recording ? RECORDING : this.b.operand(prefixes ?? NONE, primary, postfixes ?? NONE, power, exponent);
  });

  /** The first operand of a statement: as `operand`, but no `{...}` array, and `target` may stand alone (`target += e`). */
  leadingOperand = this.rule('leadingOperand', (): A.Expr => {
    let prefixes: IToken[] | undefined;
    this.MANY(() => {
      (prefixes ??= []).push(this.CONSUME(T.PrefixOp));
    });
    const primary = this.OR(
      this.alts(16, () => [
        ...this.primaryAlternatives(),
        {
          ALT: () => {
            const keyword = this.CONSUME(T.Target);
            const close = this.OPTION2(() => {
              this.CONSUME(T.LParen);
              return this.CONSUME(T.RParen);
            });
            return this.recording ? RECORDING : this.b.target(keyword, close);
          },
        },
      ]),
    ) as A.Expr;
    let postfixes: Postfix[] | undefined;
    this.MANY2(() => {
      (postfixes ??= []).push(this.postfixOp());
    });
    let power: IToken | undefined;
    const exponent = this.OPTION(() => {
      power = this.CONSUME(T.PowerOp);
      return this.SUBRULE(this.operand);
    });
    return this.recording ? RECORDING : this.b.operand(prefixes ?? NONE, primary, postfixes ?? NONE, power, exponent);
  });

  /** Primaries shared by `operand` and `leadingOperand`. */
  private primaryAlternatives(): IOrAlt<unknown>[] {
    return [
      { ALT: () => this.literal(this.CONSUME(T.IntLiteral)) },
      { ALT: () => this.literal(this.CONSUME(T.RealLiteral)) },
      { ALT: () => this.literal(this.CONSUME(T.ImagLiteral)) },
      { ALT: () => this.literal(this.CONSUME(T.DotNumeral)) },
      { ALT: () => this.literal(this.CONSUME(T.StringLiteral)) },
      {
        ALT: () => {
          const name = this.CONSUME(T.Identifier);
          const args = this.OPTION3(() => this.SUBRULE(this.callArgs));
          return this.recording ? RECORDING : this.b.variableOrCall(name, args);
        },
      },
      { ALT: () => this.SUBRULE(this.parenOrTuple) },
      { ALT: () => this.SUBRULE(this.rowVectorExpr) },
    ];
  }

  /** Indexing, transpose, tuple projection `.1`. */
  private postfixOp(): Postfix {
    return this.OR2(
      this.alts(17, () => [
        { ALT: () => this.SUBRULE(this.indexSuffix) },
        { ALT: () => this.CONSUME(T.Transpose) },
        { ALT: () => this.CONSUME2(T.DotNumeral) },
      ]),
    ) as Postfix;
  }

  indexSuffix = this.rule('indexSuffix', (): { indices: A.Index[]; close: IToken } => {
    const open = this.CONSUME(T.LSquare);
    const first = this.SUBRULE(this.index);
    const indices = [this.recording ? RECORDING : this.b.index(first, open)];
    this.MANY(() => {
      const comma = this.CONSUME(T.Comma);
      const parts = this.SUBRULE2(this.index);
      indices.push(this.recording ? RECORDING : this.b.index(parts, comma));
    });
    const close = this.CONSUME(T.RSquare);
    return { indices, close };
  });

  /** `e`, `a:b`, `a:`, `:b`, `:`, or nothing (all). */
  index = this.rule('index', (): IndexParts => {
    const before = this.OPTION(() => this.SUBRULE(this.expression));
    let colon: IToken | undefined;
    const after = this.OPTION2(() => {
      colon = this.CONSUME(T.Colon);
      return this.OPTION3(() => this.SUBRULE2(this.expression));
    });
    return { before, colon, after };
  });

  /** `(args)` or the density form `(y | args)`. */
  callArgs = this.rule('callArgs', (): CallArgs => {
    this.CONSUME(T.LParen);
    const args: A.Expr[] = [];
    let bar: IToken | undefined;
    this.OPTION(() => {
      args.push(this.SUBRULE(this.expression));
      this.OPTION2(() => {
        bar = this.CONSUME(T.Bar);
        this.OPTION3(() => {
          args.push(this.SUBRULE2(this.expression));
        });
      });
      this.MANY(() => {
        this.CONSUME(T.Comma);
        args.push(this.SUBRULE3(this.expression));
      });
    });
    const close = this.CONSUME(T.RParen);
    return { args, bar, close };
  });

  /** `(e)`, or a tuple `(a, b, ...)` (a trailing comma makes a one-element tuple). */
  parenOrTuple = this.rule('parenOrTuple', (): A.Expr => {
    const open = this.CONSUME(T.LParen);
    const elements = [this.SUBRULE(this.expression)];
    let commas = 0;
    this.MANY(() => {
      this.CONSUME(T.Comma);
      commas++;
      const element = this.OPTION(() => this.SUBRULE2(this.expression));
      if (element) elements.push(element);
    });
    const close = this.CONSUME(T.RParen);
    return this.recording ? RECORDING : this.b.parenOrTuple(open, elements, commas, close);
  });

  arrayExpr = this.rule('arrayExpr', (): A.Expr => {
    const open = this.CONSUME(T.LCurly);
    const elements = [this.SUBRULE(this.expression)];
    this.MANY(() => {
      this.CONSUME(T.Comma);
      elements.push(this.SUBRULE2(this.expression));
    });
    const close = this.CONSUME(T.RCurly);
    return this.recording ? RECORDING : this.b.arrayExpr(open, elements, close);
  });

  rowVectorExpr = this.rule('rowVectorExpr', (): A.Expr => {
    const open = this.CONSUME(T.LSquare);
    const elements: A.Expr[] = [];
    this.OPTION(() => {
      elements.push(this.SUBRULE(this.expression));
      this.MANY(() => {
        this.CONSUME(T.Comma);
        elements.push(this.SUBRULE2(this.expression));
      });
    });
    const close = this.CONSUME(T.RSquare);
    return this.recording ? RECORDING : this.b.rowVectorExpr(open, elements, close);
  });

  /** Parse `tokens` from `start`, building nodes with `builder`; errors land in `errors` and `strays`. */
  parseTokens<S extends StartRule>(tokens: IToken[], start: S, builder: AstBuilder): ReturnType<StanParser[S]> | undefined {
    this.input = tokens;
    this.b = builder;
    return this[start]() as ReturnType<StanParser[S]> | undefined;
  }
}

/** Shared and never mutated: most operands have no prefixes or postfixes. */
const NONE: never[] = [];

function startOfToken(t: IToken): A.Position {
  return t.startOffset >= 0 ? { offset: t.startOffset, line: t.startLine ?? 1, column: t.startColumn ?? 1 } : { offset: NaN, line: NaN, column: NaN };
}

function endOfToken(t: IToken): A.Position {
  return (t.endOffset ?? -1) >= 0
    ? { offset: (t.endOffset ?? 0) + 1, line: t.endLine ?? 1, column: (t.endColumn ?? 0) + 1 }
    : { offset: NaN, line: NaN, column: NaN };
}

let shared: StanParser | undefined;

/** Building the parser analyses the grammar (tens of ms), so one instance is reused. */
export function stanParser(): StanParser {
  shared ??= new StanParser();
  return shared;
}
