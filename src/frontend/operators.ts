// Stan's operator precedence (reference manual, "Operator precedence table"; stanc3 parser.mly).
// The parser reads `a op b op c ...` as a flat chain; `groupByPrecedence` builds the tree.
import type { BinaryOp, Expr } from './ast.js';

/**
 * Binding strength of the left-associative infix operators, loosest first. `?:` (right
 * associative) is looser than all of these; prefix `-` `!` `+` are tighter; `^` and `.^`
 * (right associative) tighter still; postfix `'`, indexing and calls tightest.
 */
export const INFIX_PRECEDENCE: Readonly<Record<Exclude<BinaryOp, '^' | '.^'>, number>> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
  '.*': 6,
  './': 6,
  '\\': 7,
  '%/%': 7,
};

/** Rows of the precedence table, loosest first, for documentation. */
export const PRECEDENCE_TABLE: ReadonlyArray<{ operators: string[]; associativity: string; placement: string }> = [
  { operators: ['? :'], associativity: 'right', placement: 'ternary infix' },
  { operators: ['||'], associativity: 'left', placement: 'binary infix' },
  { operators: ['&&'], associativity: 'left', placement: 'binary infix' },
  { operators: ['==', '!='], associativity: 'left', placement: 'binary infix' },
  { operators: ['<', '<=', '>', '>='], associativity: 'left', placement: 'binary infix' },
  { operators: ['+', '-'], associativity: 'left', placement: 'binary infix' },
  { operators: ['*', '/', '%', '.*', './'], associativity: 'left', placement: 'binary infix' },
  { operators: ['\\', '%/%'], associativity: 'left', placement: 'binary infix' },
  { operators: ['!', '-', '+'], associativity: 'n/a', placement: 'unary prefix' },
  { operators: ['^', '.^'], associativity: 'right', placement: 'binary infix' },
  { operators: ["'"], associativity: 'n/a', placement: 'unary postfix' },
  { operators: ['()', '[]', '.n'], associativity: 'left', placement: 'call, index, tuple projection' },
];

/**
 * Fold `operands[0] ops[0] operands[1] ...` into a tree that respects precedence; all these
 * operators are left associative. Precedence climbing, linear in the chain length.
 */
export function groupByPrecedence(operands: Expr[], ops: Array<keyof typeof INFIX_PRECEDENCE>): Expr {
  let i = 0; // next operator; operands[i + 1] follows ops[i]
  const parse = (left: Expr, minPrecedence: number): Expr => {
    while (i < ops.length && INFIX_PRECEDENCE[ops[i]] >= minPrecedence) {
      const op = ops[i];
      const precedence = INFIX_PRECEDENCE[op];
      i++;
      let right = operands[i];
      while (i < ops.length && INFIX_PRECEDENCE[ops[i]] > precedence) right = parse(right, precedence + 1);
      left = { kind: 'Binary', op, left, right, span: { start: left.span.start, end: right.span.end } };
    }
    return left;
  };
  return parse(operands[0], 0);
}
