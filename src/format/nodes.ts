// What the formatter needs to know about AST objects in general: where they are in the text,
// which properties hold children (for prettier's comment attachment), and which objects are
// printed through prettier's `print` so that comments may be attached to them.
import type * as A from '../frontend/ast.js';

/** Any object of the AST that the printer visits, including the kind-less helpers. */
export type FormatNode =
  | A.Program
  | A.ProgramBlock
  | A.Stmt
  | A.FunctionDef
  | A.Param
  | A.FunType
  | A.DeclType
  | A.TupleElementDecl
  | A.Bounds
  | A.Truncation
  | A.Index
  | A.Expr
  | A.Comment;

interface Spanned {
  span: A.Span;
}

export function locStart(node: Spanned): number {
  return node.span.start.offset;
}

export function locEnd(node: Spanned): number {
  return node.span.end.offset;
}

export function isParam(node: object): node is A.Param {
  return 'dataOnly' in node && 'type' in node && 'name' in node;
}

export function isTupleElementDecl(node: object): node is A.TupleElementDecl {
  return !('kind' in node) && 'type' in node && 'arrayDims' in node;
}

/** Child properties by node kind, in printing order. */
const CHILD_KEYS: Record<string, readonly string[]> = {
  Program: ['blocks', 'includes'],
  ProgramBlock: ['items'],
  Block: ['statements'],
  FunctionDef: ['returnType', 'params', 'body'],
  FunType: ['elements'],
  DeclType: ['bounds', 'sizes', 'elements'],
  VarDecl: ['type', 'arrayDims', 'init'],
  Assign: ['target', 'value'],
  Tilde: ['lhs', 'args', 'truncation'],
  TargetPlus: ['expr'],
  JacobianPlus: ['expr'],
  For: ['lower', 'upper', 'body'],
  ForEach: ['collection', 'body'],
  While: ['condition', 'body'],
  If: ['condition', 'then', 'otherwise'],
  Return: ['value'],
  Print: ['args'],
  Reject: ['args'],
  FatalError: ['args'],
  Profile: ['body'],
  CallStmt: ['call'],
  Unary: ['operand'],
  Binary: ['left', 'right'],
  Conditional: ['condition', 'then', 'otherwise'],
  Transpose: ['operand'],
  Indexed: ['target', 'indices'],
  Call: ['args'],
  ArrayExpr: ['elements'],
  RowVectorExpr: ['elements'],
  TupleExpr: ['elements'],
  TupleProjection: ['target'],
  Paren: ['expr'],
  Single: ['expr'],
  Slice: ['lower', 'upper'],
};

const NO_CHILDREN: readonly string[] = [];
const BOUND_KEYS: readonly string[] = ['lower', 'upper', 'offset', 'multiplier'];

/** prettier's `getVisitorKeys`: the properties of `node` that hold child nodes. */
export function childKeys(node: object): readonly string[] {
  const kind = (node as { kind?: unknown }).kind;
  if (typeof kind === 'string') return CHILD_KEYS[kind] ?? NO_CHILDREN;
  if (isParam(node)) return ['type'];
  if (isTupleElementDecl(node)) return ['type', 'arrayDims'];
  // Bounds and Truncation: kind-less holders of optional expressions.
  return BOUND_KEYS;
}

/** Kinds printed through prettier's `print`, so comments attached to them get printed. */
const ATTACHABLE = new Set([
  'ProgramBlock', 'FunctionDef', 'FunType', 'DeclType',
  // statements
  'VarDecl', 'Assign', 'Tilde', 'TargetPlus', 'JacobianPlus', 'For', 'ForEach', 'While', 'If', 'Break',
  'Continue', 'Return', 'Print', 'Reject', 'FatalError', 'Block', 'Profile', 'CallStmt', 'Empty', 'Include',
  // expressions; not Binary: chains are printed flat (print-expr.ts), so their comments go to operands
  'IntLiteral', 'RealLiteral', 'ImagLiteral', 'StringLiteral', 'Variable', 'Unary', 'Conditional',
  'Transpose', 'Indexed', 'Call', 'ArrayExpr', 'RowVectorExpr', 'TupleExpr', 'TupleProjection', 'Paren',
]);

export function canAttachComment(node: object): boolean {
  const kind = (node as { kind?: unknown }).kind;
  if (typeof kind === 'string') return ATTACHABLE.has(kind);
  return isParam(node);
}

const COMPOUND = new Set(['If', 'For', 'ForEach', 'While', 'Profile', 'FunctionDef']);

/** Statements (and function definitions) that own a body. */
export function isCompound(node: object | undefined): boolean {
  return node !== undefined && COMPOUND.has((node as { kind?: string }).kind ?? '');
}

export function isBlockLike(node: object | undefined): node is A.Block | A.ProgramBlock {
  const kind = (node as { kind?: string } | undefined)?.kind;
  return kind === 'Block' || kind === 'ProgramBlock';
}
