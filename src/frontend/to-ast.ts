// The one place where the concrete syntax tree becomes the AST of ast.ts. It also reports what
// the grammar deliberately lets through so it can be named precisely: reserved words used as
// names, misspelled or misordered blocks, the removed `real y[N]` array form, sizes that do not
// fit the type, assignments to things that are not variables, expressions used as statements.
import type { CstElement, CstNode, IToken } from 'chevrotain';
import type * as A from './ast.js';
import { BLOCK_ORDER } from './ast.js';
import type { Diagnostic } from './diagnostic.js';
import { groupByPrecedence, type INFIX_PRECEDENCE } from './operators.js';
import { closestName } from './suggest.js';
import { BLOCK_LIST, endOf, startOf, type RankedDiagnostic } from './syntax-errors.js';

const INT_MAX = 2147483647;

// ---------------------------------------------------------------------------
// CST access

function isToken(e: CstElement): e is IToken {
  return (e as IToken).image !== undefined;
}

function subs(n: CstNode, key: string): CstNode[] {
  return (n.children[key] ?? []) as CstNode[];
}

function sub(n: CstNode, key: string): CstNode | undefined {
  return subs(n, key)[0];
}

function toks(n: CstNode, key: string): IToken[] {
  return (n.children[key] ?? []) as IToken[];
}

function tok(n: CstNode, key: string): IToken | undefined {
  return toks(n, key)[0];
}

/** The first child kind added to a node (Chevrotain adds kinds in the order first met). */
function firstKey(n: CstNode): string | undefined {
  for (const k in n.children) return k;
  return undefined;
}

function offsetOf(e: CstElement): number {
  return isToken(e) ? e.startOffset : (firstTok(e)?.startOffset ?? Number.NaN);
}

/** Children of several kinds in source order (the CST groups them by kind). */
function inOrder(n: CstNode, keys: string[]): CstElement[] {
  const all: CstElement[] = [];
  let kinds = 0;
  for (const k of keys) {
    const list = n.children[k];
    if (list) {
      all.push(...list);
      kinds++;
    }
  }
  return kinds < 2 ? all : all.sort((a, b) => offsetOf(a) - offsetOf(b));
}

function tokenSpan(t: IToken): A.Span {
  return { start: startOf(t), end: endOf(t) };
}

function hasPosition(t: IToken): boolean {
  return t.startOffset >= 0; // false for NaN: tokens inserted by error recovery
}

/**
 * The first real token under `n`. Chevrotain adds a node's child kinds in the order they are
 * first met, so the first kind's first child starts the node; scanning all kinds is only needed
 * when that child was inserted by error recovery.
 */
function firstTok(n: CstNode): IToken | undefined {
  const key = firstKey(n);
  if (key === undefined) return undefined;
  const e = n.children[key][0];
  const quick = isToken(e) ? e : firstTok(e);
  if (quick && hasPosition(quick)) return quick;
  let best: IToken | undefined;
  for (const k in n.children) {
    for (const c of n.children[k]) {
      const t = isToken(c) ? c : firstTok(c);
      if (t && hasPosition(t) && (best === undefined || t.startOffset < best.startOffset)) best = t;
    }
  }
  return best;
}

/** The last real token under `n`: descend into the child that starts last. */
function lastTok(n: CstNode): IToken | undefined {
  let lastChild: CstElement | undefined;
  let lastStart = -1;
  for (const k in n.children) {
    const list = n.children[k];
    for (let i = list.length - 1; i >= 0; i--) {
      const start = offsetOf(list[i]);
      if (start >= 0) {
        if (start > lastStart) {
          lastStart = start;
          lastChild = list[i];
        }
        break;
      }
    }
  }
  if (lastChild === undefined) return undefined;
  return isToken(lastChild) ? lastChild : lastTok(lastChild);
}

const NOWHERE: A.Position = { offset: NaN, line: NaN, column: NaN };

function nodeSpan(n: CstNode): A.Span {
  const first = firstTok(n);
  const last = lastTok(n);
  return { start: first ? startOf(first) : NOWHERE, end: last ? endOf(last) : NOWHERE };
}

/** From the start of token `a` to the end of token `b` (either may be a recovery insertion). */
function between(a: IToken | undefined, b: IToken | undefined): A.Span {
  return { start: startOrNowhere(a), end: endOrNowhere(b) };
}

function startOrNowhere(t: IToken | undefined): A.Position {
  return t && t.startOffset >= 0 ? startOf(t) : NOWHERE;
}

function endOrNowhere(t: IToken | undefined): A.Position {
  return t && (t.endOffset ?? -1) >= 0 ? endOf(t) : NOWHERE;
}

function join(a: A.Span, b: A.Span): A.Span {
  return { start: a.start, end: b.end };
}

// ---------------------------------------------------------------------------
// Type facts needed for size checks

const SCALARS = new Set(['int', 'real', 'complex']);
const ONE_SIZE = new Set([
  'vector', 'row_vector', 'complex_vector', 'complex_row_vector', 'simplex', 'sum_to_zero_vector',
  'ordered', 'positive_ordered', 'unit_vector', 'cholesky_factor_corr', 'corr_matrix', 'cov_matrix',
]);
const TWO_SIZES = new Set(['matrix', 'complex_matrix', 'sum_to_zero_matrix', 'column_stochastic_matrix', 'row_stochastic_matrix']);
/** Types that take `<lower, upper>` or `<offset, multiplier>`; the rest carry their own constraint. */
const BOUNDABLE = new Set(['int', 'real', 'complex', 'vector', 'row_vector', 'matrix', 'complex_vector', 'complex_row_vector', 'complex_matrix']);

const LITERAL_KEYS = ['IntLiteral', 'RealLiteral', 'DotNumeral', 'ImagLiteral', 'StringLiteral'];

const PRINT_KINDS: Record<string, 'Print' | 'Reject' | 'FatalError'> = {
  print: 'Print',
  reject: 'Reject',
  fatal_error: 'FatalError',
};

type NameRole = 'variable' | 'function' | 'argument' | 'loop variable';

// ---------------------------------------------------------------------------

export interface AstResult<T> {
  value: T;
  diagnostics: RankedDiagnostic[];
}

/** CST of the `program` rule to a Program. */
export function programFromCst(cst: CstNode, source: string, comments: A.Comment[]): AstResult<A.Program> {
  const b = new AstBuilder(source);
  return { value: b.program(cst, comments), diagnostics: b.diagnostics };
}

/** CST of `functionsOnly` / `statementsOnly` (the text of an `#include`) to its items. */
export function itemsFromCst(cst: CstNode, source: string): AstResult<Array<A.Stmt | A.FunctionDef>> {
  const b = new AstBuilder(source);
  return { value: b.items(cst), diagnostics: b.diagnostics };
}

/**
 * Blocks out of order or repeated. Run on the parsed program and again after `#include`s
 * splice in blocks from other files.
 */
export function blockOrderDiagnostics(blocks: readonly A.ProgramBlock[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<A.BlockName, A.ProgramBlock>();
  let latest: A.ProgramBlock | undefined;
  for (const block of blocks) {
    const first = seen.get(block.name);
    const header = { start: block.span.start, end: block.span.start };
    if (first) {
      out.push({
        severity: 'error',
        code: 'syntax/duplicate-block',
        message: `there can be only one '${block.name}' block; the first one is at ${first.span.start.line}:${first.span.start.column}`,
        span: header,
      });
      continue;
    }
    seen.set(block.name, block);
    if (latest && BLOCK_ORDER.indexOf(block.name) < BLOCK_ORDER.indexOf(latest.name)) {
      out.push({
        severity: 'error',
        code: 'syntax/block-order',
        message: `blocks must come in the order ${BLOCK_LIST}: '${block.name}' cannot follow '${latest.name}'`,
        span: header,
      });
      continue;
    }
    latest = block;
  }
  return out;
}

class AstBuilder {
  readonly diagnostics: RankedDiagnostic[] = [];

  constructor(private readonly source: string) {}

  private report(severity: Diagnostic['severity'], span: A.Span, code: string, message: string, notes?: string[]): void {
    this.diagnostics.push({ diagnostic: { severity, code, message, span, notes }, anchor: span.start.offset });
  }

  private error(span: A.Span, code: string, message: string, notes?: string[]): void {
    this.report('error', span, code, message, notes);
  }

  private text(n: CstNode): string {
    const span = nodeSpan(n);
    if (Number.isNaN(span.start.offset) || Number.isNaN(span.end.offset)) return '';
    return this.source.slice(span.start.offset, span.end.offset).replace(/\s+/g, ' ');
  }

  // -------------------------------------------------------------------------
  // Program and blocks

  program(n: CstNode, comments: A.Comment[]): A.Program {
    const blocks: A.ProgramBlock[] = [];
    const includes: A.Include[] = [];
    for (const item of inOrder(n, ['Include', 'functionsBlock', 'programBlock', 'unknownBlock'])) {
      if (isToken(item)) includes.push(this.include(item));
      else if (item.name === 'functionsBlock') {
        const span = between(tok(item, 'Functions'), tok(item, 'RCurly'));
        blocks.push({ kind: 'ProgramBlock', name: 'functions', items: this.functionItems(item), span });
      } else if (item.name === 'programBlock') {
        const block = this.programBlock(item);
        if (block) blocks.push(block);
      } else this.unknownBlock(item);
    }
    for (const d of blockOrderDiagnostics(blocks)) this.diagnostics.push({ diagnostic: d, anchor: d.span.start.offset });
    return { kind: 'Program', blocks, comments, includes, span: this.wholeSource() };
  }

  items(n: CstNode): Array<A.Stmt | A.FunctionDef> {
    if (n.name === 'functionsOnly') return this.functionItems(n);
    return subs(n, 'statement').flatMap((s) => this.statement(s));
  }

  private wholeSource(): A.Span {
    const lines = this.source.split(/\r\n|\r|\n/);
    const last = lines[lines.length - 1];
    return {
      start: { offset: 0, line: 1, column: 1 },
      end: { offset: this.source.length, line: lines.length, column: last.length + 1 },
    };
  }

  private functionItems(n: CstNode): Array<A.FunctionDef | A.Include> {
    return subs(n, 'functionItem').map((item) => this.functionItem(item));
  }

  private functionItem(n: CstNode): A.FunctionDef | A.Include {
    const inc = tok(n, 'Include');
    return inc ? this.include(inc) : this.functionDef(sub(n, 'functionDef')!);
  }

  private programBlock(n: CstNode): A.ProgramBlock | undefined {
    const header = sub(n, 'blockName')!;
    const words = inOrder(header, ['Data', 'Transformed', 'Parameters', 'Model', 'Generated', 'Quantities', 'Identifier'])
      .map((t) => (t as IToken).image)
      .join(' ');
    const items = subs(n, 'statement').flatMap((s) => this.statement(s));
    if (!(BLOCK_ORDER as readonly string[]).includes(words)) {
      this.unknownBlockName(words, nodeSpan(header));
      return undefined;
    }
    return { kind: 'ProgramBlock', name: words as A.BlockName, items, span: { start: nodeSpan(header).start, end: endOrNowhere(tok(n, 'RCurly')) } };
  }

  private unknownBlock(n: CstNode): void {
    const words = toks(n, 'Identifier');
    this.unknownBlockName(words.map((t) => t.image).join(' '), join(tokenSpan(words[0]), tokenSpan(words[words.length - 1])));
    // The body is still built so that its own errors are reported.
    for (const item of inOrder(n, ['functionItem', 'statement'])) {
      const node = item as CstNode;
      if (node.name === 'functionItem') this.functionItem(node);
      else this.statement(node);
    }
  }

  private unknownBlockName(words: string, span: A.Span): void {
    const guess = closestName(words, BLOCK_ORDER);
    const message = guess
      ? `unknown block '${words}' — did you mean '${guess}'?`
      : `unknown block '${words}': the blocks are ${BLOCK_LIST}`;
    this.error(span, 'syntax/unknown-block', message);
  }

  private include(t: IToken): A.Include {
    const rest = t.image.slice('#include'.length).trim();
    const path = /^".*"$|^<.*>$/.test(rest) ? rest.slice(1, -1) : rest;
    const span = tokenSpan(t);
    if (path === '') this.error(span, 'syntax/include-path', "'#include' needs a file name, like '#include \"helpers.stan\"'");
    return { kind: 'Include', path, span };
  }

  // -------------------------------------------------------------------------
  // Functions

  private functionDef(n: CstNode): A.FunctionDef {
    const ret = sub(n, 'returnType')!;
    const funTypeNode = sub(ret, 'funType');
    const returnType = funTypeNode ? this.funType(funTypeNode) : null;
    if (returnType?.legacyArray) this.legacyFunType(funTypeNode!, undefined);
    const name = this.declIdentifier(sub(n, 'declIdentifier')!, 'function');
    const params = subs(n, 'param').map((p) => this.param(p));
    const bodyNode = sub(n, 'block');
    const body = bodyNode ? this.block(bodyNode) : undefined;
    const start = returnType ? returnType.span.start : startOrNowhere(tok(ret, 'Void'));
    const end = body ? body.span.end : endOrNowhere(tok(n, 'Semicolon'));
    return { kind: 'FunctionDef', returnType, name: name.name, nameSpan: name.span, params, body, span: { start, end } };
  }

  private param(n: CstNode): A.Param {
    const typeNode = sub(n, 'funType')!;
    const type = this.funType(typeNode);
    const name = this.declIdentifier(sub(n, 'declIdentifier')!, 'argument');
    if (type.legacyArray) this.legacyFunType(typeNode, name.name);
    const data = tok(n, 'Data');
    const span = { start: data ? startOrNowhere(data) : type.span.start, end: name.span.end };
    return { dataOnly: data !== undefined, type, name: name.name, span };
  }

  private funType(n: CstNode): A.FunType {
    const dimsNode = sub(n, 'unsizedDims');
    const arrayDims = dimsNode ? toks(dimsNode, 'Comma').length + 1 : 0;
    const elem = sub(n, 'funElementType')!;
    const kw = tok(elem, 'FunType');
    const tuple = sub(elem, 'tupleFunType');
    const array = tok(n, 'Array');
    const elemSpan = kw ? tokenSpan(kw) : between(tok(tuple!, 'Tuple'), tok(tuple!, 'RParen'));
    const start = array ? startOrNowhere(array) : elemSpan.start;
    const end = dimsNode && !array ? endOrNowhere(tok(dimsNode, 'RSquare')) : elemSpan.end;
    const type: A.FunType = { kind: 'FunType', base: kw ? (kw.image as A.FunType['base']) : 'tuple', arrayDims, span: { start, end } };
    if (tuple) {
      type.elements = subs(tuple, 'funType').map((t) => this.funType(t));
      this.checkTupleArity(type.elements.length, toks(tuple, 'Comma').length, elemSpan);
    }
    if (dimsNode && !tok(n, 'Array')) type.legacyArray = true;
    return type;
  }

  /** `real[] x` → `array[] real x`. */
  private legacyFunType(n: CstNode, name: string | undefined): void {
    const elem = this.text(sub(n, 'funElementType')!);
    const dims = this.text(sub(n, 'unsizedDims')!);
    const suffix = name ? ` ${name}` : '';
    this.report(
      'warning',
      nodeSpan(n),
      'syntax/legacy-array',
      `\`${elem}${dims}${suffix}\` is the removed array syntax; write \`array${dims} ${elem}${suffix}\``,
    );
  }

  private declIdentifier(n: CstNode, role: NameRole): { name: string; span: A.Span } {
    const ident = tok(n, 'Identifier');
    const t = ident ?? tok(n, 'Keyword')!;
    const span = tokenSpan(t);
    if (!ident) {
      this.error(span, 'syntax/reserved-word', `'${t.image}' is a reserved word and cannot name a ${role}`);
    } else if (t.image.endsWith('__')) {
      this.error(span, 'syntax/reserved-name', `'${t.image}' ends in '__', which is reserved for names the compiler makes`);
    }
    return { name: t.image, span };
  }

  // -------------------------------------------------------------------------
  // Declarations

  private varDecl(n: CstNode): A.VarDecl[] {
    const arrayDimsNode = sub(n, 'arrayDims');
    const typeNode = sub(n, 'declType')!;
    const start = arrayDimsNode ? startOrNowhere(tok(arrayDimsNode, 'Array')) : this.declTypeStart(typeNode);
    const span = { start, end: endOrNowhere(tok(n, 'Semicolon')) };
    return subs(n, 'declarator').map((d) => {
      const name = this.declIdentifier(sub(d, 'declIdentifier')!, 'variable');
      const legacyNode = sub(d, 'dimensions');
      const initNode = sub(d, 'expression');
      const decl: A.VarDecl = {
        kind: 'VarDecl',
        type: this.declType(typeNode),
        arrayDims: arrayDimsNode ? this.dimensions(sub(arrayDimsNode, 'dimensions')!) : [],
        name: name.name,
        nameSpan: name.span,
        span,
      };
      if (legacyNode) {
        const dims = this.text(legacyNode).replace(/^\[\s*|\s*\]$/g, '');
        if (arrayDimsNode) {
          this.error(nodeSpan(legacyNode), 'syntax/mixed-array', `'${name.name}' has sizes both in 'array[...]' and after its name; use 'array[...]' only`);
        } else {
          decl.arrayDims = this.dimensions(legacyNode);
          decl.legacyArray = true;
          const type = this.text(typeNode);
          this.report(
            'warning',
            join(nodeSpan(typeNode), nodeSpan(legacyNode)),
            'syntax/legacy-array',
            `\`${type} ${name.name}[${dims}]\` is the removed array syntax; write \`array[${dims}] ${type} ${name.name}\``,
          );
        }
      }
      if (initNode) decl.init = this.expr(initNode);
      return decl;
    });
  }

  private dimensions(n: CstNode): A.Expr[] {
    return subs(n, 'expression').map((e) => this.expr(e));
  }

  private declTypeStart(n: CstNode): A.Position {
    const tupleNode = sub(n, 'tupleDeclType');
    return startOrNowhere(tupleNode ? tok(tupleNode, 'Tuple') : tok(n, 'DeclType'));
  }

  private declType(n: CstNode): A.DeclType {
    const tupleNode = sub(n, 'tupleDeclType');
    if (tupleNode) {
      const span = between(tok(tupleNode, 'Tuple'), tok(tupleNode, 'RParen'));
      const elements = subs(tupleNode, 'tupleElement').map((el) => {
        const dimsNode = sub(el, 'arrayDims');
        const type = this.declType(sub(el, 'declType')!);
        const start = dimsNode ? startOrNowhere(tok(dimsNode, 'Array')) : type.span.start;
        return {
          type,
          arrayDims: dimsNode ? this.dimensions(sub(dimsNode, 'dimensions')!) : [],
          span: { start, end: type.span.end },
        };
      });
      this.checkTupleArity(elements.length, toks(tupleNode, 'Comma').length, span);
      return { kind: 'DeclType', base: 'tuple', sizes: [], elements, span };
    }
    const kw = tok(n, 'DeclType')!;
    const base = kw.image as A.BaseTypeName;
    const sizesNode = sub(n, 'dimensions');
    const boundsNode = sub(n, 'bounds');
    const last = sizesNode ? tok(sizesNode, 'RSquare') : boundsNode ? tok(boundsNode, 'Greater') : kw;
    const span = between(kw, last);
    const sizes = sizesNode ? this.dimensions(sizesNode) : [];
    const type: A.DeclType = { kind: 'DeclType', base, sizes, span };
    this.checkSizes(base, sizes.length, sizesNode ? between(tok(sizesNode, 'LSquare'), tok(sizesNode, 'RSquare')) : tokenSpan(kw));
    if (boundsNode) type.bounds = this.bounds(boundsNode, base);
    return type;
  }

  private checkSizes(base: string, count: number, span: A.Span): void {
    if (SCALARS.has(base)) {
      if (count > 0) this.error(span, 'syntax/type-sizes', `'${base}' takes no size; for an array write 'array[N] ${base}'`);
      return;
    }
    if (base === 'cholesky_factor_cov') {
      if (count < 1 || count > 2) this.error(span, 'syntax/type-sizes', `'cholesky_factor_cov' needs one or two sizes, like 'cholesky_factor_cov[M]' or 'cholesky_factor_cov[M, N]'`);
      return;
    }
    const want = ONE_SIZE.has(base) ? 1 : TWO_SIZES.has(base) ? 2 : 0;
    if (count === want) return;
    const example = want === 1 ? `'${base}[N]'` : `'${base}[N, M]'`;
    const what = want === 1 ? 'one size' : 'two sizes';
    this.error(span, 'syntax/type-sizes', `'${base}' needs ${what}, like ${example}`);
  }

  private bounds(n: CstNode, base: string): A.Bounds {
    const span = between(tok(n, 'Less'), tok(n, 'Greater'));
    const out: A.Bounds = { span };
    if (!BOUNDABLE.has(base)) {
      this.error(span, 'syntax/bounds', `'${base}' cannot have bounds: its constraint is part of the type`);
    }
    for (const b of subs(n, 'bound')) {
      const word = tok(b, 'BoundWord')!.image as 'lower' | 'upper' | 'offset' | 'multiplier';
      const value = this.chain(sub(b, 'boundExpression')!, 'ArithmeticOp', false);
      if (out[word]) this.error(nodeSpan(b), 'syntax/bounds', `'${word}' is given twice`);
      out[word] = value;
    }
    const range = out.lower !== undefined || out.upper !== undefined;
    const affine = out.offset !== undefined || out.multiplier !== undefined;
    if (range && affine) {
      this.error(span, 'syntax/bounds', "bounds cannot mix 'lower'/'upper' with 'offset'/'multiplier'");
    } else if (affine && base === 'int') {
      this.error(span, 'syntax/bounds', "'int' can only have 'lower' and 'upper' bounds");
    }
    return out;
  }

  /** `tuple(a, b)`, or `tuple(a, )` for one element; never empty commas or a lone element. */
  private checkTupleArity(elements: number, commas: number, span: A.Span): void {
    if (elements === 1 && commas === 1) return;
    if (elements >= 2 && commas === elements - 1) return;
    const message =
      elements === 1 && commas === 0
        ? "a tuple needs at least two elements (write '(x, )' for a one-element tuple)"
        : 'a tuple needs one element between each pair of commas, and a trailing comma only when it has one element';
    this.error(span, 'syntax/tuple', message);
  }

  // -------------------------------------------------------------------------
  // Statements

  private statement(n: CstNode): A.Stmt[] {
    const inc = tok(n, 'Include');
    if (inc) return [this.include(inc)];
    const key = firstKey(n);
    const c = key === undefined ? undefined : (n.children[key][0] as CstNode | undefined);
    if (key === undefined || !c) return [];
    const upToSemicolon = (first: IToken | undefined) => between(first, tok(c, 'Semicolon'));
    switch (key) {
      case 'block':
        return [this.block(c)];
      case 'varDecl':
        return this.varDecl(c);
      case 'ifStatement': {
        const [thenNode, elseNode] = subs(c, 'statement');
        const then = this.body(thenNode);
        const otherwise = elseNode ? this.body(elseNode) : undefined;
        const span = { start: startOrNowhere(tok(c, 'If')), end: (otherwise ?? then).span.end };
        const stmt: A.If = { kind: 'If', condition: this.expr(sub(c, 'expression')!), then, span };
        if (otherwise) stmt.otherwise = otherwise;
        return [stmt];
      }
      case 'whileStatement': {
        const body = this.body(sub(c, 'statement')!);
        const span = { start: startOrNowhere(tok(c, 'While')), end: body.span.end };
        return [{ kind: 'While', condition: this.expr(sub(c, 'expression')!), body, span }];
      }
      case 'forStatement':
        return [this.forStatement(c)];
      case 'breakStatement':
        return [{ kind: 'Break', span: upToSemicolon(tok(c, 'Break')) }];
      case 'continueStatement':
        return [{ kind: 'Continue', span: upToSemicolon(tok(c, 'Continue')) }];
      case 'returnStatement': {
        const value = sub(c, 'expression');
        const span = upToSemicolon(tok(c, 'Return'));
        return [value ? { kind: 'Return', value: this.expr(value), span } : { kind: 'Return', span }];
      }
      case 'printStatement': {
        const word = tok(c, 'Print') ?? tok(c, 'Reject') ?? tok(c, 'FatalError');
        const args = subs(c, 'expression').map((e) => this.expr(e, true));
        return [{ kind: PRINT_KINDS[word!.image], args, span: upToSemicolon(word) }];
      }
      case 'profileStatement': {
        const nameTok = tok(c, 'StringLiteral')!;
        const body = this.block(sub(c, 'block')!);
        const span = { start: startOrNowhere(tok(c, 'Profile')), end: body.span.end };
        return [{ kind: 'Profile', name: unquote(nameTok.image), body, span }];
      }
      case 'emptyStatement':
        return [{ kind: 'Empty', span: upToSemicolon(tok(c, 'Semicolon')) }];
      case 'expressionStatement': {
        const s = this.expressionStatement(c);
        return s ? [s] : [];
      }
      default:
        return [];
    }
  }

  /** The body of if/while/for: one statement (several declarations become a block). */
  private body(n: CstNode): A.Stmt {
    const stmts = this.statement(n);
    if (stmts.length === 1) return stmts[0];
    if (stmts.length === 0) return { kind: 'Empty', span: nodeSpan(n) };
    return { kind: 'Block', statements: stmts, span: join(stmts[0].span, stmts[stmts.length - 1].span) };
  }

  private block(n: CstNode): A.Block {
    const span = between(tok(n, 'LCurly'), tok(n, 'RCurly'));
    return { kind: 'Block', statements: subs(n, 'statement').flatMap((s) => this.statement(s)), span };
  }

  private forStatement(n: CstNode): A.For | A.ForEach {
    const v = this.declIdentifier(sub(n, 'declIdentifier')!, 'loop variable');
    const [first, second] = subs(n, 'expression');
    const body = this.body(sub(n, 'statement')!);
    const span = { start: startOrNowhere(tok(n, 'For')), end: body.span.end };
    if (second) {
      return { kind: 'For', variable: v.name, variableSpan: v.span, lower: this.expr(first), upper: this.expr(second), body, span };
    }
    return { kind: 'ForEach', variable: v.name, variableSpan: v.span, collection: this.expr(first), body, span };
  }

  private expressionStatement(n: CstNode): A.Stmt | undefined {
    const question = tok(n, 'Question');
    const exprs = subs(n, 'expression');
    const rhsNode = question ? exprs[2] : exprs[0];
    const opTok = tok(n, 'AssignOp');
    const semicolon = endOrNowhere(tok(n, 'Semicolon'));
    if (opTok?.image === '+=' && this.isBareTarget(n)) {
      const target = tok(sub(n, 'leadingOperand')!, 'Target');
      return { kind: 'TargetPlus', expr: this.expr(rhsNode), span: { start: startOrNowhere(target), end: semicolon } };
    }
    const lhs = this.leadingExpression(n);
    const span = { start: lhs.span.start, end: semicolon };
    if (opTok) {
      let op = opTok.image as A.AssignOp;
      if (opTok.image === '<-') {
        this.error(tokenSpan(opTok), 'syntax/arrow-assign', "'<-' was removed from Stan: use '=' for assignment");
        op = '=';
      }
      const value = this.expr(rhsNode);
      if (op === '+=' && lhs.kind === 'Variable' && lhs.name === 'jacobian') {
        return { kind: 'JacobianPlus', expr: value, span };
      }
      if (!isAssignable(lhs)) {
        this.error(
          lhs.span,
          'syntax/not-assignable',
          `cannot assign to this expression: the left side of '${op}' must be a variable, possibly indexed (x[i]) or a tuple element (x.1)`,
        );
      }
      return { kind: 'Assign', target: lhs, op, value, span };
    }
    const tilde = tok(n, 'Tilde');
    if (tilde) {
      const dist = tok(n, 'Identifier')!;
      const argsNode = sub(n, 'callArgs')!;
      const args = this.callArgs(argsNode);
      if (args.conditional) {
        this.error(
          tokenSpan(tok(argsNode, 'Bar')!),
          'syntax/tilde-bar',
          `a '~' statement lists the distribution's parameters without '|': write 'y ~ ${dist.image}(mu, sigma)'`,
        );
      }
      const stmt: A.Tilde = {
        kind: 'Tilde',
        lhs,
        distribution: dist.image,
        distributionSpan: tokenSpan(dist),
        args: args.args,
        span,
      };
      const trunc = sub(n, 'truncation');
      if (trunc) stmt.truncation = this.truncation(trunc);
      return stmt;
    }
    if (lhs.kind === 'Call') return { kind: 'CallStmt', call: lhs, span };
    this.error(
      lhs.span,
      'syntax/not-a-statement',
      "this expression is not a statement: assign it with '=', use it in a '~' statement, or call a function",
    );
    return undefined;
  }

  /** The statement's leading expression: a leading operand, infix operators, maybe `? :`. */
  private leadingExpression(n: CstNode): A.Expr {
    const question = tok(n, 'Question');
    const first = this.operand(sub(n, 'leadingOperand')!, false);
    const ops = toks(n, 'BinaryOp');
    const condition =
      ops.length === 0
        ? first
        : groupByPrecedence(
            [first, ...subs(n, 'operand').map((o) => this.operand(o, false))],
            ops.map((t) => t.image as keyof typeof INFIX_PRECEDENCE),
          );
    if (!question) return condition;
    const [thenNode, elseNode] = subs(n, 'expression');
    const otherwise = this.expr(elseNode);
    return { kind: 'Conditional', condition, then: this.expr(thenNode), otherwise, span: join(condition.span, otherwise.span) };
  }

  /** `target` alone before `+=`. */
  private isBareTarget(n: CstNode): boolean {
    if (tok(n, 'BinaryOp') || tok(n, 'Question')) return false;
    const lead = sub(n, 'leadingOperand')!;
    if (tok(lead, 'PrefixOp') || tok(lead, 'PowerOp') || sub(lead, 'indexSuffix') || tok(lead, 'Transpose') || tok(lead, 'projection')) {
      return false;
    }
    return tok(lead, 'Target') !== undefined && tok(lead, 'LParen') === undefined;
  }

  private truncation(n: CstNode): A.Truncation {
    const comma = tok(n, 'Comma')!;
    const out: A.Truncation = { span: between(tok(n, 'Identifier'), tok(n, 'RSquare')) };
    for (const e of subs(n, 'expression')) {
      const value = this.expr(e);
      if (offsetOf(e) < comma.startOffset) out.lower = value;
      else out.upper = value;
    }
    return out;
  }

  // -------------------------------------------------------------------------
  // Expressions

  /** `allowString`: only the direct arguments of print/reject/fatal_error may be strings. */
  private expr(n: CstNode, allowString = false): A.Expr {
    const question = tok(n, 'Question');
    const condition = this.chain(n, 'BinaryOp', allowString && !question);
    if (!question) return condition;
    const [thenNode, elseNode] = subs(n, 'expression');
    const then = this.expr(thenNode);
    const otherwise = this.expr(elseNode);
    return { kind: 'Conditional', condition, then, otherwise, span: join(condition.span, otherwise.span) };
  }

  /** `a op b op c ...` (an infix chain or a bound's value), grouped by precedence. */
  private chain(n: CstNode, opKey: string, allowString: boolean): A.Expr {
    const operands = subs(n, 'operand');
    const ops = toks(n, opKey);
    if (ops.length === 0) return this.operand(operands[0], allowString);
    return groupByPrecedence(
      operands.map((o) => this.operand(o, false)),
      ops.map((t) => t.image as keyof typeof INFIX_PRECEDENCE),
    );
  }

  /** `operand` and `leadingOperand`: prefixes, a primary, postfixes, an optional `^` exponent. */
  private operand(n: CstNode, allowString: boolean): A.Expr {
    const prefixes = toks(n, 'PrefixOp');
    const power = tok(n, 'PowerOp');
    const postfixes = inOrder(n, ['indexSuffix', 'Transpose', 'projection']);
    let e = this.primary(n, allowString && prefixes.length === 0 && postfixes.length === 0 && !power);
    for (const p of postfixes) {
      if (!isToken(p)) {
        e = { kind: 'Indexed', target: e, indices: this.indices(p), span: join(e.span, between(tok(p, 'LSquare'), tok(p, 'RSquare'))) };
      } else if (p.image === "'") {
        e = { kind: 'Transpose', operand: e, span: join(e.span, tokenSpan(p)) };
      } else {
        e = { kind: 'TupleProjection', target: e, index: Number(p.image.slice(1).replace(/_/g, '')), span: join(e.span, tokenSpan(p)) };
      }
    }
    if (power) {
      const exponent = this.operand(sub(n, 'operand')!, false);
      e = { kind: 'Binary', op: power.image as A.BinaryOp, left: e, right: exponent, span: join(e.span, exponent.span) };
    }
    for (let i = prefixes.length - 1; i >= 0; i--) {
      e = { kind: 'Unary', op: prefixes[i].image as A.UnaryOp, operand: e, span: join(tokenSpan(prefixes[i]), e.span) };
    }
    return e;
  }

  private indices(n: CstNode): A.Index[] {
    // Separators in order, so an empty position (`x[, 1]`) gets a zero-width span where it stands.
    const separators = [tok(n, 'LSquare')!, ...toks(n, 'Comma')];
    return subs(n, 'index').map((ix, i): A.Index => {
      const colon = tok(ix, 'Colon');
      const exprs = subs(ix, 'expression').map((e) => this.expr(e));
      if (!colon) {
        if (exprs.length === 1) return { kind: 'Single', expr: exprs[0], span: exprs[0].span };
        const at = endOrNowhere(separators[i] ?? separators[0]);
        return { kind: 'Slice', span: { start: at, end: at } };
      }
      const slice: A.Index = { kind: 'Slice', span: tokenSpan(colon) };
      for (const e of exprs) {
        if (e.span.start.offset < colon.startOffset) slice.lower = e;
        else slice.upper = e;
      }
      slice.span = { start: slice.lower ? slice.lower.span.start : startOrNowhere(colon), end: slice.upper ? slice.upper.span.end : endOrNowhere(colon) };
      return slice;
    });
  }

  /** The primary inside an `operand` or `leadingOperand` node. */
  private primary(n: CstNode, allowString: boolean): A.Expr {
    const name = tok(n, 'Identifier');
    if (name) {
      const argsNode = sub(n, 'callArgs');
      if (!argsNode) return { kind: 'Variable', name: name.image, span: tokenSpan(name) };
      const { args, conditional } = this.callArgs(argsNode);
      const span = between(name, tok(argsNode, 'RParen'));
      return { kind: 'Call', name: name.image, nameSpan: tokenSpan(name), args, conditional, span };
    }
    const target = tok(n, 'Target');
    if (target) {
      const close = tok(n, 'RParen');
      if (!close) {
        this.error(tokenSpan(target), 'syntax/bare-target', "'target' is read with 'target()' and added to with 'target += ...'");
      }
      return { kind: 'Call', name: 'target', nameSpan: tokenSpan(target), args: [], conditional: false, span: between(target, close ?? target) };
    }
    for (const key of LITERAL_KEYS) {
      const t = tok(n, key);
      if (t) return this.literal(key, t, allowString);
    }
    const key = n.children.parenOrTuple ? 'parenOrTuple' : n.children.arrayExpr ? 'arrayExpr' : 'rowVectorExpr';
    const c = sub(n, key)!;
    switch (key) {
      case 'parenOrTuple': {
        const elements = subs(c, 'expression').map((e) => this.expr(e));
        const commas = toks(c, 'Comma').length;
        const span = between(tok(c, 'LParen'), tok(c, 'RParen'));
        if (commas === 0) return { kind: 'Paren', expr: elements[0], span };
        this.checkTupleArity(elements.length, commas, span);
        return { kind: 'TupleExpr', elements, span };
      }
      case 'arrayExpr':
        return { kind: 'ArrayExpr', elements: subs(c, 'expression').map((e) => this.expr(e)), span: between(tok(c, 'LCurly'), tok(c, 'RCurly')) };
      case 'rowVectorExpr': {
        const elements = subs(c, 'expression').map((e) => this.expr(e));
        const span = between(tok(c, 'LSquare'), tok(c, 'RSquare'));
        if (elements.length === 0) {
          this.error(span, 'syntax/empty-row-vector', "'[ ]' is not a valid expression: a row vector needs at least one element");
        }
        return { kind: 'RowVectorExpr', elements, span };
      }
      default:
        throw new Error(`unexpected primary '${key}'`);
    }
  }

  private literal(key: string, t: IToken, allowString: boolean): A.Expr {
    const span = tokenSpan(t);
    const digits = t.image.replace(/_/g, '');
    switch (key) {
      case 'IntLiteral': {
        const value = Number(digits);
        if (value > INT_MAX) {
          this.error(span, 'syntax/int-too-large', `the integer '${t.image}' is too large: Stan's int holds at most ${INT_MAX} (write '${t.image}.0' for a real)`);
        }
        return { kind: 'IntLiteral', text: t.image, value, span };
      }
      case 'RealLiteral':
      case 'DotNumeral':
        return { kind: 'RealLiteral', text: t.image, value: Number(digits), span };
      case 'ImagLiteral':
        return { kind: 'ImagLiteral', text: t.image, value: Number(digits.slice(0, -1)), span };
      case 'StringLiteral':
        if (!allowString) {
          this.error(span, 'syntax/string', 'a string can only be an argument of print, reject or fatal_error');
        }
        return { kind: 'StringLiteral', text: t.image, value: unquote(t.image), span };
      default:
        throw new Error(`unexpected literal '${key}'`);
    }
  }

  private callArgs(n: CstNode): { args: A.Expr[]; conditional: boolean } {
    return { args: subs(n, 'expression').map((e) => this.expr(e)), conditional: tok(n, 'Bar') !== undefined };
  }
}

function unquote(image: string): string {
  return image.endsWith('"') && image.length >= 2 ? image.slice(1, -1) : image.slice(1);
}

/** Variables, their elements (`x[i]`, `x.1`) and tuples of those (`(a, b) = f()`). */
function isAssignable(e: A.Expr): boolean {
  switch (e.kind) {
    case 'Variable':
      return true;
    case 'Indexed':
    case 'TupleProjection':
      return isAssignable(e.target);
    case 'TupleExpr':
      return e.elements.every(isAssignable);
    default:
      return false;
  }
}
