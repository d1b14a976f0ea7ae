// Operator signatures, in the same reference notation as built-in functions so they share
// overload resolution and promotion rules. Names are Stan's own operator spellings.
import type { BinaryOp, UnaryOp } from '../frontend/ast.js';
import { signatures, showArgType, showReturnType, type Signature } from '../../stdlib/signatures/dsl.js';

const REAL_CONTAINERS = ['vector', 'row_vector', 'matrix'];
const COMPLEX_CONTAINERS = ['complex_vector', 'complex_row_vector', 'complex_matrix'];

/** `C op C`, `C op s`, `s op C` for every container C, with s the matching scalar. */
function containerScalar(name: string, op: { withScalarLeft: boolean; sameContainers: boolean }): string[] {
  const lines: string[] = [];
  const add = (containers: string[], scalar: string): void => {
    for (const c of containers) {
      if (op.sameContainers) lines.push(`${c} ${name}(${c} x, ${c} y)`);
      lines.push(`${c} ${name}(${c} x, ${scalar} y)`);
      if (op.withScalarLeft) lines.push(`${c} ${name}(${scalar} x, ${c} y)`);
    }
  };
  add(REAL_CONTAINERS, 'real');
  add(COMPLEX_CONTAINERS, 'complex');
  return lines;
}

const SCALAR_ARITH = ['int OP(int x, int y)', 'real OP(real x, real y)', 'complex OP(complex x, complex y)'];

function table(name: string, lines: string[]): Signature[] {
  return signatures(lines.map((l) => l.replace('OP', name)).join('\n'));
}

const ADD = [...SCALAR_ARITH, ...containerScalar('OP', { withScalarLeft: true, sameContainers: true })];

const MULTIPLY = [
  ...SCALAR_ARITH,
  ...containerScalar('OP', { withScalarLeft: true, sameContainers: false }),
  'real OP(row_vector x, vector y)',
  'matrix OP(vector x, row_vector y)',
  'vector OP(matrix x, vector y)',
  'row_vector OP(row_vector x, matrix y)',
  'matrix OP(matrix x, matrix y)',
  'complex OP(complex_row_vector x, complex_vector y)',
  'complex_matrix OP(complex_vector x, complex_row_vector y)',
  'complex_vector OP(complex_matrix x, complex_vector y)',
  'complex_row_vector OP(complex_row_vector x, complex_matrix y)',
  'complex_matrix OP(complex_matrix x, complex_matrix y)',
];

const DIVIDE = [
  ...SCALAR_ARITH,
  ...containerScalar('OP', { withScalarLeft: false, sameContainers: false }),
  'row_vector OP(row_vector b, matrix A)',
  'matrix OP(matrix B, matrix A)',
];

const ELEMENTWISE = [
  'real OP(real x, real y)',
  ...containerScalar('OP', { withScalarLeft: true, sameContainers: true }),
];

const COMPARE = ['int OP(int x, int y)', 'int OP(real x, real y)'];
const EQUALITY = [...COMPARE, 'int OP(complex x, complex y)'];
const INTEGER = ['int OP(int x, int y)'];
const LOGICAL = ['int OP(real x, real y)'];

const BINARY: Record<BinaryOp, Signature[]> = {
  '+': table('add', ADD),
  '-': table('subtract', ADD),
  '*': table('multiply', MULTIPLY),
  '/': table('divide', DIVIDE),
  '\\': table('mdivide_left', ['vector OP(matrix A, vector b)', 'matrix OP(matrix A, matrix B)']),
  '%': table('modulus', INTEGER),
  '%/%': table('int_divide', INTEGER),
  '.*': table('elt_multiply', ELEMENTWISE),
  './': table('elt_divide', ELEMENTWISE),
  '^': table('pow', ['R OP(T1 x, T2 y)', 'complex OP(complex x, complex y)']),
  '.^': table('pow', ['R OP(T1 x, T2 y)', 'complex OP(complex x, complex y)']),
  '<': table('less', COMPARE),
  '<=': table('less_or_equal', COMPARE),
  '>': table('greater', COMPARE),
  '>=': table('greater_or_equal', COMPARE),
  '==': table('equals', EQUALITY),
  '!=': table('not_equals', EQUALITY),
  '&&': table('logical_and', LOGICAL),
  '||': table('logical_or', LOGICAL),
};

const NEGATABLE = [
  'int OP(int x)',
  'real OP(real x)',
  'complex OP(complex x)',
  ...[...REAL_CONTAINERS, ...COMPLEX_CONTAINERS].map((c) => `${c} OP(${c} x)`),
];

const UNARY: Record<UnaryOp, Signature[]> = {
  '-': table('minus', NEGATABLE),
  '+': table('plus', NEGATABLE),
  '!': table('logical_negation', ['int OP(int x)', 'int OP(real x)']),
};

const TRANSPOSE = table('transpose', [
  'row_vector OP(vector x)',
  'vector OP(row_vector x)',
  'matrix OP(matrix x)',
  'complex_row_vector OP(complex_vector x)',
  'complex_vector OP(complex_row_vector x)',
  'complex_matrix OP(complex_matrix x)',
]);

export function binarySignatures(op: BinaryOp): readonly Signature[] {
  return BINARY[op];
}

export function unarySignatures(op: UnaryOp): readonly Signature[] {
  return UNARY[op];
}

export function transposeSignatures(): readonly Signature[] {
  return TRANSPOSE;
}

/** How a signature reads in operator messages: `vector * real → vector`, `-matrix → matrix`. */
export function showOperatorSignature(op: string, s: Signature): string {
  const t = s.args.map(showArgType);
  const ret = showReturnType(s.returns);
  if (op === "'") return `${t[0]}' → ${ret}`;
  if (t.length === 1) return `${op}${t[0]} → ${ret}`;
  return `${t[0]} ${op} ${t[1]} → ${ret}`;
}
