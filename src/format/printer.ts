// The prettier printer for the hstan AST: dispatch on the node, plus the comment hooks.
import type { AstPath, Doc, ParserOptions, Printer } from 'prettier';
import type * as A from '../frontend/ast.js';
import { handleComments } from './comment-placement.js';
import { isBlockComment, printAfter, printComment, printInlineComments, takeDangling } from './comment-print.js';
import { canAttachComment, childKeys, isParam, isTupleElementDecl, type FormatNode } from './nodes.js';
import { printBlock, printProgram, printProgramBlock } from './print-block.js';
import {
  printDeclType,
  printFunctionDef,
  printFunType,
  printParam,
  printTupleElementDecl,
} from './print-decl.js';
import { printExpr, type Print } from './print-expr.js';
import { printStmt } from './print-stmt.js';

/** Nodes whose printers place their own dangling comments. */
const OWN_DANGLING = new Set(['Program', 'ProgramBlock', 'Block']);

const STATEMENT_KINDS = [
  'VarDecl', 'Assign', 'Tilde', 'TargetPlus', 'JacobianPlus', 'For', 'ForEach', 'While', 'If', 'Break',
  'Continue', 'Return', 'Print', 'Reject', 'FatalError', 'Profile', 'CallStmt', 'Empty', 'Include',
];
const STATEMENTS = new Set(STATEMENT_KINDS);

/** Nodes printed on their own lines; prettier prints their leading and trailing comments. */
const LINE_LEVEL = new Set(['Program', 'ProgramBlock', 'FunctionDef', 'Block', ...STATEMENT_KINDS]);

function printNode(path: AstPath<FormatNode>, options: ParserOptions, print: Print): Doc {
  const node = path.node as FormatNode;
  if (isParam(node)) return printParam(path as AstPath<A.Param>, print);
  if (isTupleElementDecl(node)) return printTupleElementDecl(path as AstPath<A.TupleElementDecl>, print);
  const kind = (node as { kind?: string }).kind ?? '';
  switch (kind) {
    case 'Program':
      return printProgram(path as AstPath<A.Program>, options, print);
    case 'ProgramBlock':
      return printProgramBlock(path as AstPath<A.ProgramBlock>, options, print);
    case 'Block':
      return printBlock(path as AstPath<A.Block>, options, print);
    case 'FunctionDef':
      return printFunctionDef(path as AstPath<A.FunctionDef>, print);
    case 'DeclType':
      return printDeclType(path as AstPath<A.DeclType>, print);
    case 'FunType':
      return printFunType(path as AstPath<A.FunType>, print);
    default:
      if (STATEMENTS.has(kind)) return printStmt(path as AstPath<A.Stmt>, options, print);
      return printExpr(path as AstPath<A.Expr>, print);
  }
}

function printWithDangling(path: AstPath<FormatNode>, options: ParserOptions, print: Print): Doc {
  let doc = printNode(path, options, print);
  const kind = (path.node as { kind?: string }).kind ?? '';
  if (OWN_DANGLING.has(kind)) return doc;
  // A comment with nothing around it inside a leaf-like node, e.g. `f(/* none */)`.
  const dangling = takeDangling(path.node);
  if (dangling.length > 0) doc = [doc, printAfter(dangling)];
  return isLineLevel(path.node) ? doc : printInlineComments(path.node, doc);
}

function isLineLevel(node: object): boolean {
  return LINE_LEVEL.has((node as { kind?: string }).kind ?? '');
}

export const hstanPrinter: Printer<FormatNode> = {
  print: printWithDangling,
  willPrintOwnComments: (path) => !isLineLevel(path.node as object),
  getVisitorKeys: (node) => childKeys(node as object) as string[],
  canAttachComment: (node) => canAttachComment(node as object),
  isBlockComment: (node) => isBlockComment(node as A.Comment),
  printComment: (path) => printComment(path as AstPath<A.Comment>),
  handleComments: {
    ownLine: (comment, text, _options, ast) => handleComments.ownLine(comment, text, ast as A.Program),
    endOfLine: (comment, text, _options, ast) => handleComments.endOfLine(comment, text, ast as A.Program),
    remaining: (comment, text, _options, ast) => handleComments.remaining(comment, text, ast as A.Program),
  },
};
