// What the checker knows while walking: lexical scopes, the origin (data/parameter) of each
// local, the user functions, and where it is (block, function, loop depth).
import type { BlockName, FunctionDef, Origin, Span, VarDecl } from '../frontend/ast.js';
import type { Diagnostic } from '../frontend/diagnostic.js';
import type { Signature } from '../../stdlib/signatures/index.js';
import type { StanType } from './types.js';

/** global: top-level of data/TD/parameters/TP/GQ; local: everything declared in statements. */
export type VarKind = 'global' | 'local' | 'loop' | 'argument';

export interface VarInfo {
  name: string;
  /** Undefined when the declaration itself was ill-typed (suppresses follow-on errors). */
  type: StanType | undefined;
  kind: VarKind;
  /** Block of the declaration ('functions' for arguments and locals of function bodies). */
  block: BlockName;
  span: Span;
  /** Fixed origin (globals, arguments, loop variables); locals use the origin table. */
  origin?: Origin;
  /** Key of a local in the origin table. */
  decl?: object;
}

export class Scope {
  private readonly vars = new Map<string, VarInfo>();
  constructor(readonly parent?: Scope) {}

  lookup(name: string): VarInfo | undefined {
    return this.vars.get(name) ?? this.parent?.lookup(name);
  }

  declare(info: VarInfo): void {
    this.vars.set(info.name, info);
  }

  /** Every visible name (for suggestions). */
  names(): string[] {
    const out = [...this.vars.keys()];
    return this.parent ? out.concat(this.parent.names()) : out;
  }
}

/**
 * Origins of locals, keyed by declaration. A local is 'parameter' once anything
 * parameter-dependent is assigned to it; reads before that assignment (in source order) are
 * fixed up by re-running the check until the table stops changing.
 */
export class OriginTable {
  private readonly table = new Map<object, Origin>();
  changed = false;

  get(key: object): Origin {
    return this.table.get(key) ?? 'data';
  }

  /** Record `origin` for the local `key` (first sight registers it as data). */
  raise(key: object, origin: Origin): void {
    if (!this.table.has(key)) this.table.set(key, 'data');
    if (origin === 'parameter' && this.table.get(key) !== 'parameter') {
      this.table.set(key, 'parameter');
      this.changed = true;
    }
  }

  /** Final origins of declared locals. */
  entries(): Map<object, Origin> {
    return this.table;
  }
}

export function lub(...origins: Array<Origin | undefined>): Origin {
  return origins.includes('parameter') ? 'parameter' : 'data';
}

/** What a function's name suffix allows its body to do. */
export type FunctionKind = 'plain' | 'lp' | 'rng' | 'lpdf' | 'lpmf' | 'jacobian';

export function functionKind(name: string): FunctionKind {
  if (name.endsWith('_lp')) return 'lp';
  if (name.endsWith('_rng')) return 'rng';
  if (name.endsWith('_lpdf') || name.endsWith('_lupdf')) return 'lpdf';
  if (name.endsWith('_lpmf') || name.endsWith('_lupmf')) return 'lpmf';
  if (name.endsWith('_jacobian')) return 'jacobian';
  return 'plain';
}

export interface UserFunction {
  name: string;
  def: FunctionDef;
  params: Array<{ name: string; type: StanType; dataOnly: boolean }>;
  /** `void` for void functions. */
  returns: StanType;
  sig: Signature;
  /** A body was seen (forward declarations alone are not). */
  defined: boolean;
}

export interface State {
  diagnostics: Diagnostic[];
  /** User overloads by name, in definition order (the index is `ResolvedCall.signature`). */
  functions: Map<string, UserFunction[]>;
  origins: OriginTable;
  /** Warnings from one-time rewrites (deprecated forms), kept across origin passes. */
  sticky: Diagnostic[];
  /** Root scope with globals; read for suggestions. */
  root: Scope;
}

export interface Ctx {
  block: BlockName;
  /** The function whose body is being checked, if any. */
  fn?: { name: string; kind: FunctionKind; returns: StanType };
  loopDepth: number;
  /** Checking the sizes of a top-level declaration (they must be data, no RNGs). */
  inSizes: boolean;
  /** Origin of the enclosing conditions: assignments under a parameter-dependent branch depend on parameters. */
  control: Origin;
  scope: Scope;
}

export function report(st: State, d: Diagnostic): void {
  st.diagnostics.push(d);
}

/** The origin of a variable read. */
export function originOf(st: State, v: VarInfo): Origin {
  return v.origin ?? (v.decl ? st.origins.get(v.decl) : 'data');
}

export type { VarDecl };
