// Public API of the type checker.
import { parse } from '../frontend/parse.js';
import type { Program } from '../frontend/ast.js';
import type { Diagnostic } from '../frontend/diagnostic.js';
import { hasErrors } from '../frontend/diagnostic.js';
import { check } from './program.js';
import type { ProgramSymbols } from './symbols.js';

export { check, type CheckResult, type CheckOptions } from './program.js';
export type { ProgramSymbols, VariableSymbol, FunctionSymbol, FunctionOverload } from './symbols.js';
export { matchSignature, resolve, type Match, type Candidate } from './resolve.js';
export { alwaysReturns } from './functions.js';
export { declaredType, baseType, funType, isConstrained } from './declarations.js';

export interface SourceCheck {
  /** Absent when the source did not parse. */
  program?: Program;
  /** Parse diagnostics, then (if it parsed) checker diagnostics. */
  diagnostics: Diagnostic[];
  symbols?: ProgramSymbols;
}

/** Parse and check source text. Syntax errors stop before type checking (a broken tree only produces noise). */
export function checkSource(source: string, filename = '<input>'): SourceCheck {
  const parsed = parse(source, { filename });
  if (!parsed.ast || hasErrors(parsed.diagnostics)) return { program: parsed.ast, diagnostics: parsed.diagnostics };
  const checked = check(parsed.ast, { filename });
  return { program: checked.program, diagnostics: [...parsed.diagnostics, ...checked.diagnostics], symbols: checked.symbols };
}
