// The front end's entry points. None of them throws on bad input: every problem, including an
// unreadable file, comes back as a diagnostic.
import { readFileSync } from 'node:fs';
import type { Program } from './ast.js';
import { hasErrors, type Diagnostic } from './diagnostic.js';
import { resolveIncludes, type IncludeOptions } from './include.js';
import { parseFragment } from './parse-source.js';

export interface ParseOptions {
  /** Named in diagnostics (`Diagnostic.file`). */
  filename?: string;
}

export interface ParseResult {
  /** Absent when any diagnostic is an error. */
  ast: Program | undefined;
  /** Errors and warnings in source order. */
  diagnostics: Diagnostic[];
}

export interface ParseFileResult extends ParseResult {
  /** Text of the program and of every included file, by path, for showing diagnostics. */
  sources: Record<string, string>;
}

/** Parse a whole program. `#include` lines stay in the AST as Include nodes. */
export function parse(source: string, options: ParseOptions = {}): ParseResult {
  const { filename } = options;
  let diagnostics: Diagnostic[];
  let ast: Program | undefined;
  try {
    const fragment = parseFragment(source, 'program');
    diagnostics = fragment.diagnostics;
    ast = fragment.program;
  } catch (e) {
    diagnostics = [internalError(e)];
  }
  if (filename !== undefined) diagnostics = diagnostics.map((d) => (d.file ? d : { ...d, file: filename }));
  return { ast: hasErrors(diagnostics) ? undefined : ast, diagnostics };
}

/** Parse a program and splice in the files its `#include` lines name. */
export function parseWithIncludes(
  source: string,
  options: ParseOptions & IncludeOptions = {},
): ParseFileResult {
  const { filename } = options;
  const sources: Record<string, string> = filename !== undefined ? { [filename]: source } : {};
  const result = parse(source, { filename });
  if (!result.ast) return { ...result, sources };
  let diagnostics = result.diagnostics;
  try {
    const resolved = resolveIncludes(result.ast, filename, options);
    diagnostics = [...diagnostics, ...resolved.diagnostics];
    Object.assign(sources, resolved.sources);
  } catch (e) {
    diagnostics = [...diagnostics, internalError(e)];
  }
  return { ast: hasErrors(diagnostics) ? undefined : result.ast, diagnostics, sources };
}

/** Read, parse and resolve includes of a `.hstan`/`.stan` file. */
export function parseFile(path: string, options: IncludeOptions = {}): ParseFileResult {
  let source: string;
  try {
    source = (options.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(path);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((e as Error).message ?? e);
    const start = { offset: 0, line: 1, column: 1 };
    return {
      ast: undefined,
      diagnostics: [{ severity: 'error', code: 'io/read', message: `cannot read '${path}': ${reason}`, span: { start, end: start }, file: path }],
      sources: {},
    };
  }
  return parseWithIncludes(source, { ...options, filename: path });
}

function internalError(e: unknown): Diagnostic {
  const start = { offset: 0, line: 1, column: 1 };
  const message = e instanceof Error ? e.message : String(e);
  return { severity: 'error', code: 'internal/parser', message: `internal error in the parser: ${message}`, span: { start, end: start } };
}
