// Format a Stan program with prettier and the hstan plugin (no plugin lookup on disk).
import { format } from 'prettier';
import { formatDiagnostics, hasErrors, sortDiagnostics } from '../frontend/diagnostic.js';
import type { Program } from '../frontend/ast.js';
import { parse } from '../frontend/parse.js';
import { canonicalizeProgram } from './canonicalize.js';
import { HstanSyntaxError } from './parse.js';
import plugin from './prettier-plugin.js';
import { sameProgram } from './same-program.js';

export interface FormatOptions {
  /** Named in syntax errors. */
  filename?: string;
  /** Line width to fit code into (default 80). */
  printWidth?: number;
  /** Rewrite removed syntax into modern Stan. */
  canonicalize?: boolean;
}

/** The program does not parse; `message` is the diagnostics, worded and located for people. */
export class FormatSyntaxError extends Error {
  constructor(
    message: string,
    readonly filename: string,
  ) {
    super(message);
    this.name = 'FormatSyntaxError';
  }
}

/** The printed program would not mean what the source means: a formatter bug, never the user's. */
export class FormatVerificationError extends Error {
  constructor(filename: string) {
    super(`formatting '${filename}' would change the program (a bug in hstan's formatter); nothing was changed`);
    this.name = 'FormatVerificationError';
  }
}

export async function formatSource(source: string, options: FormatOptions = {}): Promise<string> {
  const filename = options.filename ?? '<input>';
  const formatted = await prettierFormat(source, options, filename);
  verify(source, formatted, options, filename);
  return formatted;
}

/** The formatted text must parse to the same program, with every comment still there. */
function verify(source: string, formatted: string, options: FormatOptions, filename: string): void {
  const parsed = parse(source).ast;
  const after = parse(formatted).ast;
  if (!parsed || !after) throw new FormatVerificationError(filename);
  const before = options.canonicalize ? canonicalizeProgram(parsed) : parsed;
  const texts = (p: Program) => p.comments.map((c) => c.text.trimEnd()).sort();
  if (!sameProgram(before, after) || texts(before).join('\n') !== texts(after).join('\n')) {
    throw new FormatVerificationError(filename);
  }
}

async function prettierFormat(source: string, options: FormatOptions, filename: string): Promise<string> {
  try {
    return await format(source, {
      parser: 'hstan',
      plugins: [plugin],
      printWidth: options.printWidth ?? 80,
      canonicalize: options.canonicalize === true,
    } as Parameters<typeof format>[1]);
  } catch (e) {
    if (e instanceof HstanSyntaxError) {
      const errors = sortDiagnostics(e.diagnostics.filter((d) => d.severity === 'error'));
      const shown = hasErrors(errors) ? errors : e.diagnostics;
      throw new FormatSyntaxError(formatDiagnostics(shown, e.source, filename), filename);
    }
    throw e;
  }
}
