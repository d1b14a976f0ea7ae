// The checker's driver: functions first, then each program block in order, each block seeing
// the globals of the blocks before it. Repeats until local origins settle (see OriginTable).
import type { FunctionDef, Program, VarDecl } from '../frontend/ast.js';
import type { Diagnostic } from '../frontend/diagnostic.js';
import { sortDiagnostics } from '../frontend/diagnostic.js';
import { type Ctx, type State, OriginTable, Scope, report } from './context.js';
import { checkVarDecl } from './declarations.js';
import * as E from './errors.js';
import { checkFunctionBodies, collectFunctions } from './functions.js';
import { checkStmt } from './statements.js';
import { type ProgramSymbols, addVariable, emptySymbols } from './symbols.js';

const NO_SPAN = { start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } };

/** Origins only ever go data → parameter, so passes are bounded; this is a safety net. */
const MAX_PASSES = 64;

function runPass(program: Program, origins: OriginTable, sticky: Diagnostic[]): { diagnostics: Diagnostic[]; symbols: ProgramSymbols } {
  const st: State = { diagnostics: [], functions: new Map(), origins, sticky, root: new Scope() };
  const symbols = emptySymbols();

  const defs: FunctionDef[] = [];
  for (const block of program.blocks) {
    if (block.name !== 'functions') continue;
    for (const item of block.items) {
      if (item.kind === 'FunctionDef') defs.push(item);
      else if (item.kind !== 'Include' && item.kind !== 'Empty') report(st, E.nonFunctionInFunctionsBlock(item.span));
    }
  }
  collectFunctions(st, defs);
  checkFunctionBodies(st, defs, new Scope());

  for (const block of program.blocks) {
    if (block.name === 'functions') continue;
    // Model-block declarations are locals: invisible to generated quantities.
    const scope = block.name === 'model' ? new Scope(st.root) : st.root;
    const ctx: Ctx = { block: block.name, loopDepth: 0, inSizes: false, control: 'data', scope };
    const declarationsOnly = block.name === 'data' || block.name === 'parameters';
    for (const item of block.items) {
      if (item.kind === 'FunctionDef') {
        report(st, E.statementInDeclarationBlock(block.name, item.span));
      } else if (item.kind === 'VarDecl' && block.name !== 'model') {
        const type = checkVarDecl(st, ctx, item, { global: true });
        addVariable(symbols, block.name, item, type);
      } else if (declarationsOnly) {
        if (item.kind !== 'Include' && item.kind !== 'Empty') report(st, E.statementInDeclarationBlock(block.name, item.span));
      } else {
        checkStmt(st, ctx, item);
      }
    }
  }

  for (const [name, overloads] of st.functions) {
    symbols.functions.push({
      name,
      overloads: overloads.map((f) => ({ params: f.params, returns: f.returns, def: f.def })),
    });
  }
  for (const [decl, origin] of origins.entries()) symbols.localOrigins.set(decl as VarDecl, origin);
  return { diagnostics: st.diagnostics, symbols };
}

export interface CheckResult {
  /** The same tree, annotated in place. */
  program: Program;
  diagnostics: Diagnostic[];
  symbols: ProgramSymbols;
}

export interface CheckOptions {
  filename?: string;
}

/** Type-check `program`: annotate it and report every error and warning. Never throws. */
export function check(program: Program, options: CheckOptions = {}): CheckResult {
  const origins = new OriginTable();
  const sticky: Diagnostic[] = [];
  let result: { diagnostics: Diagnostic[]; symbols: ProgramSymbols } = { diagnostics: [], symbols: emptySymbols() };
  try {
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      origins.changed = false;
      result = runPass(program, origins, sticky);
      if (!origins.changed) break;
    }
  } catch (e) {
    // A checker bug must still come out as a diagnostic, not a stack trace.
    result.diagnostics.push({
      severity: 'error',
      code: 'internal/checker',
      message: `Internal error in the type checker: ${(e as Error).message}. Please report this with the program.`,
      span: program?.span ?? NO_SPAN,
    });
  }
  const all = sortDiagnostics([...sticky, ...result.diagnostics]);
  const diagnostics = options.filename ? all.map((d) => (d.file ? d : { ...d, file: options.filename })) : all;
  return { program, diagnostics, symbols: result.symbols };
}
