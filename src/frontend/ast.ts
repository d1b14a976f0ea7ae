// The .hstan abstract syntax tree: discriminated unions with a source span on every node.
// The parser builds it; the checker annotates expressions (`type`, `origin`) in place of a
// second tree, because every later pass wants the same shape plus those two facts.
import type { StanType } from '../check/types.js';

export interface Position {
  /** 0-based character offset into the source. */
  offset: number;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

export interface Span {
  start: Position;
  /** Exclusive end. */
  end: Position;
  /** Source file, when it differs from the program's own (text spliced in by #include). */
  file?: string;
}

export interface Comment {
  kind: 'line' | 'block';
  /** The comment's full text, delimiters included (`// ...`, `/* ... *\/`). */
  text: string;
  span: Span;
}

// ---------------------------------------------------------------------------
// Expressions

/** Whether a value can depend on parameters; filled by the checker. */
export type Origin = 'data' | 'parameter';

interface ExprBase {
  span: Span;
  /** Set by the type checker. */
  type?: StanType;
  /** Set by the type checker: 'data' when the value is fixed once data is read. */
  origin?: Origin;
}

export interface IntLiteral extends ExprBase {
  kind: 'IntLiteral';
  /** Source text, e.g. "10". */
  text: string;
  value: number;
}

export interface RealLiteral extends ExprBase {
  kind: 'RealLiteral';
  /** Source text, e.g. "1e-3", ".5". */
  text: string;
  value: number;
}

export interface ImagLiteral extends ExprBase {
  kind: 'ImagLiteral';
  /** Source text including the trailing i, e.g. "2.5i". */
  text: string;
  /** The imaginary part. */
  value: number;
}

export interface StringLiteral extends ExprBase {
  kind: 'StringLiteral';
  /** Source text including the quotes. */
  text: string;
  /** Unquoted contents. */
  value: string;
}

export interface Variable extends ExprBase {
  kind: 'Variable';
  name: string;
}

export type UnaryOp = '-' | '+' | '!';

export interface Unary extends ExprBase {
  kind: 'Unary';
  op: UnaryOp;
  operand: Expr;
}

export type BinaryOp =
  | '||' | '&&'
  | '==' | '!='
  | '<' | '<=' | '>' | '>='
  | '+' | '-'
  | '*' | '/' | '%' | '%/%' | '\\' | '.*' | './'
  | '^' | '.^';

export interface Binary extends ExprBase {
  kind: 'Binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

export interface Conditional extends ExprBase {
  kind: 'Conditional';
  condition: Expr;
  then: Expr;
  otherwise: Expr;
}

/** Postfix `'`. */
export interface Transpose extends ExprBase {
  kind: 'Transpose';
  operand: Expr;
}

/**
 * One position inside `[...]`. Syntax alone cannot tell a single index from a multi-index
 * (`a[idx]` with `idx` an int array): the checker decides and records it in `multi`.
 */
export type Index =
  | { kind: 'Single'; expr: Expr; span: Span; multi?: boolean }
  /** `a:b`, `a:`, `:b`, `:` */
  | { kind: 'Slice'; lower?: Expr; upper?: Expr; span: Span };

export interface Indexed extends ExprBase {
  kind: 'Indexed';
  target: Expr;
  indices: Index[];
}

export interface Call extends ExprBase {
  kind: 'Call';
  name: string;
  nameSpan: Span;
  args: Expr[];
  /** True for the density form `f(y | theta...)`: args[0] is left of the bar. */
  conditional: boolean;
  /** Set by the checker: which function the call resolved to (a built-in or a user function). */
  resolved?: ResolvedCall;
}

export interface ResolvedCall {
  /** 'builtin' for stdlib, 'user' for the program's functions block. */
  source: 'builtin' | 'user';
  /** The name actually called, after renames (e.g. `foo_lupdf` → `foo_lpdf`, deprecated names). */
  name: string;
  /** Index of the matched signature in the stdlib entry or among the user overloads. */
  signature: number;
  /** Argument types after promotion to the signature. */
  argTypes: StanType[];
}

/** `{a, b, c}` */
export interface ArrayExpr extends ExprBase {
  kind: 'ArrayExpr';
  elements: Expr[];
}

/** `[a, b, c]`: a row vector, or a matrix when the elements are row vectors. */
export interface RowVectorExpr extends ExprBase {
  kind: 'RowVectorExpr';
  elements: Expr[];
}

/** `(a, b)` with at least two elements. */
export interface TupleExpr extends ExprBase {
  kind: 'TupleExpr';
  elements: Expr[];
}

/** `x.1`: 1-based tuple element. */
export interface TupleProjection extends ExprBase {
  kind: 'TupleProjection';
  target: Expr;
  index: number;
}

/** Parentheses are kept so the formatter can print what the user wrote. */
export interface Paren extends ExprBase {
  kind: 'Paren';
  expr: Expr;
}

export type Expr =
  | IntLiteral
  | RealLiteral
  | ImagLiteral
  | StringLiteral
  | Variable
  | Unary
  | Binary
  | Conditional
  | Transpose
  | Indexed
  | Call
  | ArrayExpr
  | RowVectorExpr
  | TupleExpr
  | TupleProjection
  | Paren;

// ---------------------------------------------------------------------------
// Types as written in declarations

/** Unsized element types of declarations. */
export type BaseTypeName =
  | 'int' | 'real' | 'complex'
  | 'vector' | 'row_vector' | 'matrix'
  | 'complex_vector' | 'complex_row_vector' | 'complex_matrix'
  | 'simplex' | 'sum_to_zero_vector' | 'ordered' | 'positive_ordered' | 'unit_vector'
  | 'sum_to_zero_matrix'
  | 'cholesky_factor_corr' | 'cholesky_factor_cov' | 'corr_matrix' | 'cov_matrix'
  | 'column_stochastic_matrix' | 'row_stochastic_matrix'
  | 'tuple';

/** `<lower=a, upper=b>` or `<offset=a, multiplier=b>`; any subset. */
export interface Bounds {
  lower?: Expr;
  upper?: Expr;
  offset?: Expr;
  multiplier?: Expr;
  span: Span;
}

/** A sized declaration type, e.g. `vector<lower=0>[N]`, `matrix[R, C]`, `tuple(real, array[2] int)`. */
export interface DeclType {
  kind: 'DeclType';
  base: BaseTypeName;
  /** Size expressions of the base type: vector-like [n], matrix-like [rows, cols], cholesky_factor_cov [M] or [M, N]. */
  sizes: Expr[];
  bounds?: Bounds;
  /** Element declarations of a tuple, each possibly an array. */
  elements?: TupleElementDecl[];
  span: Span;
}

export interface TupleElementDecl {
  type: DeclType;
  arrayDims: Expr[];
  span: Span;
}

export interface VarDecl {
  kind: 'VarDecl';
  type: DeclType;
  /** `array[N, M]` sizes, outermost first (also filled from the legacy `real y[N, M]` form). */
  arrayDims: Expr[];
  name: string;
  nameSpan: Span;
  init?: Expr;
  /** True when written in the pre-2.33 form `real y[N]`. */
  legacyArray?: boolean;
  span: Span;
}

/** Unsized types of function arguments and returns, e.g. `array[,] real`, `data vector`. */
export interface FunType {
  kind: 'FunType';
  base: 'int' | 'real' | 'complex' | 'vector' | 'row_vector' | 'matrix'
    | 'complex_vector' | 'complex_row_vector' | 'complex_matrix' | 'tuple';
  arrayDims: number;
  elements?: FunType[];
  /** True when written in the legacy form `real[]`. */
  legacyArray?: boolean;
  span: Span;
}

export interface Param {
  dataOnly: boolean;
  type: FunType;
  name: string;
  span: Span;
}

export interface FunctionDef {
  kind: 'FunctionDef';
  /** `null` for `void`. */
  returnType: FunType | null;
  name: string;
  nameSpan: Span;
  params: Param[];
  /** Absent for a forward declaration (`real f(real x);`). */
  body?: Block;
  span: Span;
}

// ---------------------------------------------------------------------------
// Statements

export type AssignOp = '=' | '+=' | '-=' | '*=' | '/=' | '.*=' | './=';

export interface Assign {
  kind: 'Assign';
  /** A Variable, Indexed or TupleProjection chain rooted at a variable (or a TupleExpr for unpacking). */
  target: Expr;
  op: AssignOp;
  value: Expr;
  span: Span;
}

export interface Truncation {
  lower?: Expr;
  upper?: Expr;
  span: Span;
}

/** `y ~ normal(mu, sigma) T[a, b];` */
export interface Tilde {
  kind: 'Tilde';
  lhs: Expr;
  distribution: string;
  distributionSpan: Span;
  args: Expr[];
  truncation?: Truncation;
  span: Span;
  /** Set by the checker: the density function it resolved to (e.g. normal_lupdf's implementation). */
  resolved?: ResolvedCall;
}

/** `target += e;` */
export interface TargetPlus {
  kind: 'TargetPlus';
  expr: Expr;
  span: Span;
}

/** `jacobian += e;` (Stan 2.36, inside transformed parameters or `_jacobian` functions) */
export interface JacobianPlus {
  kind: 'JacobianPlus';
  expr: Expr;
  span: Span;
}

export interface For {
  kind: 'For';
  variable: string;
  variableSpan: Span;
  lower: Expr;
  upper: Expr;
  body: Stmt;
  span: Span;
}

/** `for (x in container)` */
export interface ForEach {
  kind: 'ForEach';
  variable: string;
  variableSpan: Span;
  collection: Expr;
  body: Stmt;
  span: Span;
}

export interface While {
  kind: 'While';
  condition: Expr;
  body: Stmt;
  span: Span;
}

export interface If {
  kind: 'If';
  condition: Expr;
  then: Stmt;
  otherwise?: Stmt;
  span: Span;
}

export interface Break { kind: 'Break'; span: Span }
export interface Continue { kind: 'Continue'; span: Span }

export interface Return {
  kind: 'Return';
  value?: Expr;
  span: Span;
}

/** print / reject / fatal_error: arguments are expressions or string literals. */
export interface Print { kind: 'Print'; args: Expr[]; span: Span }
export interface Reject { kind: 'Reject'; args: Expr[]; span: Span }
export interface FatalError { kind: 'FatalError'; args: Expr[]; span: Span }

export interface Block {
  kind: 'Block';
  statements: Stmt[];
  span: Span;
}

export interface Profile {
  kind: 'Profile';
  name: string;
  body: Block;
  span: Span;
}

/** A call to a void function as a statement: `foo(x);` */
export interface CallStmt {
  kind: 'CallStmt';
  call: Call;
  span: Span;
}

/** A lone `;`. */
export interface Empty { kind: 'Empty'; span: Span }

/** `#include path` left in place when includes are not resolved. */
export interface Include {
  kind: 'Include';
  path: string;
  span: Span;
}

export type Stmt =
  | VarDecl
  | Assign
  | Tilde
  | TargetPlus
  | JacobianPlus
  | For
  | ForEach
  | While
  | If
  | Break
  | Continue
  | Return
  | Print
  | Reject
  | FatalError
  | Block
  | Profile
  | CallStmt
  | Empty
  | Include;

// ---------------------------------------------------------------------------
// Program

export type BlockName =
  | 'functions'
  | 'data'
  | 'transformed data'
  | 'parameters'
  | 'transformed parameters'
  | 'model'
  | 'generated quantities';

export const BLOCK_ORDER: readonly BlockName[] = [
  'functions',
  'data',
  'transformed data',
  'parameters',
  'transformed parameters',
  'model',
  'generated quantities',
];

export interface ProgramBlock {
  kind: 'ProgramBlock';
  name: BlockName;
  /** The functions block holds FunctionDef (and Include) items; the others statements. */
  items: Array<Stmt | FunctionDef>;
  span: Span;
}

export interface Program {
  kind: 'Program';
  /** Present blocks in source order (which is also BLOCK_ORDER order in a valid program). */
  blocks: ProgramBlock[];
  /** Every comment in the source, in order, for the formatter. */
  comments: Comment[];
  /** Top-level `#include` lines outside any block. */
  includes: Include[];
  span: Span;
}

export type Node = Expr | Stmt | FunctionDef | ProgramBlock | Program | DeclType | FunType;

/** The block with that name, if the program has it. */
export function findBlock(program: Program, name: BlockName): ProgramBlock | undefined {
  return program.blocks.find((b) => b.name === name);
}
