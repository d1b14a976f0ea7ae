// compile(source) → Model: parse, check, lower, and bind the lowered program to the runtime.
import { parse } from '../frontend/parse.js';
import { check } from '../check/index.js';
import type { Diagnostic } from '../frontend/diagnostic.js';
import { formatDiagnostics, hasErrors } from '../frontend/diagnostic.js';
import type { Program, VarDecl } from '../frontend/ast.js';
import { findBlock } from '../frontend/ast.js';
import { lowerProgram, LoweringError } from '../lower/codegen.js';
import * as runtime from '../runtime/api.js';
import { ModelInstance, Lowered } from './instance.js';
import { parseDataJson } from '../runtime/data.js';
import { sampleInstance, SampleOptions } from './sample.js';
import type { Fit } from './fit.js';
import type { ModelHints } from '../diagnostics/index.js';
import { modelHints } from '../lower/hierarchy.js';

export class CompileError extends Error {
  constructor(
    message: string,
    readonly diagnostics: Diagnostic[],
  ) {
    super(message);
    this.name = 'CompileError';
  }
}

export interface CompileOptions {
  filename?: string;
}

type Instantiate = (data: Record<string, unknown>) => Lowered;

/** A compiled program, ready to be given data. */
export class Model {
  constructor(
    readonly name: string,
    /** The generated JavaScript (body of the model factory). */
    readonly code: string,
    private readonly instantiateFn: Instantiate,
    readonly blockSizes: { parameters: number; transformed: number; data: string[] },
    /** Warnings from the compiler (deprecations, integer division, …). */
    readonly warnings: Diagnostic[] = [],
    /** What the program shows of its hierarchical structure (for diagnostics' advice). */
    readonly hints: ModelHints = {},
  ) {}

  /** Sample the posterior given `data`: NUTS with Stan's adaptation, all chains batched. */
  sample(options: SampleOptions & { data?: Record<string, unknown> | string } = {}): Fit {
    const { data, ...rest } = options;
    return sampleInstance(this.instantiate(data ?? {}), this.name, rest, this.hints).fit;
  }

  /** Read and check data (an object in Stan JSON layout, or JSON text), run transformed data. */
  instantiate(data: Record<string, unknown> | string = {}): ModelInstance {
    const input = typeof data === 'string' ? parseDataJson(data) : data;
    const lowered = this.instantiateFn(input);
    const known = new Set(this.blockSizes.data);
    const extra = Object.keys(input).filter((k) => !known.has(k));
    const notes = extra.length ? [`the data has variables the program does not declare, ignored: ${extra.join(', ')}`] : [];
    return new ModelInstance(lowered, this.blockSizes, notes);
  }
}

/** Build the model factory from lowered code; the code can only reach the runtime namespace. */
export function bindLowered(body: string): Instantiate {
  // The body is generated from the checked AST with every identifier mangled and every literal
  // encoded (src/lower/emit.ts), so program text cannot inject code here.
  const factory = new Function('$', body) as ($: typeof runtime) => Instantiate;
  return factory(runtime);
}

export function blockSizes(program: Program): { parameters: number; transformed: number; data: string[] } {
  const decls = (name: Parameters<typeof findBlock>[1]) =>
    (findBlock(program, name)?.items ?? []).filter((s): s is VarDecl => s.kind === 'VarDecl');
  return {
    parameters: decls('parameters').length,
    transformed: decls('transformed parameters').length,
    data: decls('data').map((d) => d.name),
  };
}

/** Parse, type-check and lower a program. Throws CompileError (with all diagnostics) on errors. */
export function compile(source: string, options: CompileOptions = {}): Model {
  const filename = options.filename ?? '<input>';
  const parsed = parse(source, { filename });
  if (!parsed.ast || hasErrors(parsed.diagnostics)) {
    throw new CompileError(formatDiagnostics(parsed.diagnostics, source, filename), parsed.diagnostics);
  }
  const checked = check(parsed.ast, { filename });
  const all = [...parsed.diagnostics, ...checked.diagnostics];
  if (hasErrors(all)) throw new CompileError(formatDiagnostics(all.filter((d) => d.severity === 'error'), source, filename), all);
  let body: string;
  try {
    body = lowerProgram(checked.program).body;
  } catch (e) {
    if (e instanceof LoweringError) {
      throw new CompileError(`${filename}:${e.line}:${e.column}: error: ${e.message}`, all);
    }
    throw e;
  }
  const name = filename.replace(/^.*[\\/]/, '').replace(/\.(hstan|stan)$/, '');
  return new Model(
    name, body, bindLowered(body), blockSizes(checked.program), all.filter((d) => d.severity !== 'error'), modelHints(checked.program),
  );
}
