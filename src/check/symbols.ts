// What the checker tells later passes about the program's names: the top-level variables of
// each block with their declarations, the user functions, and the origin of every local.
import type { BlockName, DeclType, Expr, FunctionDef, Origin, VarDecl } from '../frontend/ast.js';
import type { StanType } from './types.js';

export interface VariableSymbol {
  name: string;
  block: BlockName;
  decl: VarDecl;
  /** The declared type: base, sizes (AST expressions), bounds/offset/multiplier. */
  declType: DeclType;
  /** `array[...]` sizes, outermost first. */
  arrayDims: Expr[];
  /** Unsized type, array dimensions included. */
  type: StanType;
}

export interface FunctionOverload {
  params: Array<{ name: string; type: StanType; dataOnly: boolean }>;
  /** `{ kind: 'void' }` for void functions. */
  returns: StanType;
  /** The definition (with body). */
  def: FunctionDef;
}

export interface FunctionSymbol {
  name: string;
  /** In definition order; `ResolvedCall.signature` indexes this list. */
  overloads: FunctionOverload[];
}

export interface ProgramSymbols {
  /** Top-level variables of data, transformed data, parameters, transformed parameters and generated quantities, in order. */
  variables: VariableSymbol[];
  /** The same, per block (model-block declarations are locals and not listed). */
  blocks: Record<BlockName, VariableSymbol[]>;
  byName: Map<string, VariableSymbol>;
  functions: FunctionSymbol[];
  /** Origin of every local declaration (model block, nested blocks, function bodies). */
  localOrigins: Map<VarDecl, Origin>;
}

export function emptySymbols(): ProgramSymbols {
  return {
    variables: [],
    blocks: {
      functions: [],
      data: [],
      'transformed data': [],
      parameters: [],
      'transformed parameters': [],
      model: [],
      'generated quantities': [],
    },
    byName: new Map(),
    functions: [],
    localOrigins: new Map(),
  };
}

export function addVariable(symbols: ProgramSymbols, block: BlockName, decl: VarDecl, type: StanType): void {
  if (symbols.byName.has(decl.name)) return;
  const v: VariableSymbol = { name: decl.name, block, decl, declType: decl.type, arrayDims: decl.arrayDims, type };
  symbols.variables.push(v);
  symbols.blocks[block].push(v);
  symbols.byName.set(decl.name, v);
}
