// Format a Stan program with prettier and the hstan plugin (no plugin lookup on disk).
import { format } from 'prettier';
import { formatDiagnostics, hasErrors, sortDiagnostics } from '../frontend/diagnostic.js';
import { HstanSyntaxError } from './parse.js';
import plugin from './prettier-plugin.js';

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

export async function formatSource(source: string, options: FormatOptions = {}): Promise<string> {
  const filename = options.filename ?? '<input>';
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
