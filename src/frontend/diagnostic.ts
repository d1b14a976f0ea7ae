// Errors and warnings are values with a span; one function words them for people.
import type { Span } from './ast.js';

export type Severity = 'error' | 'warning' | 'note';

export interface Diagnostic {
  severity: Severity;
  /** Stable machine-readable code, e.g. 'syntax/expected-semicolon', 'type/undeclared'. */
  code: string;
  /** One sentence in plain words. */
  message: string;
  span: Span;
  /** File the span refers to (the program's file unless the span says otherwise). */
  file?: string;
  /** Extra lines shown under the code frame (hints, available signatures). */
  notes?: string[];
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/**
 * `file:line:col: error: message`, then the source line with a caret under the span, then notes.
 * `source` is the text the span points into.
 */
export function formatDiagnostic(d: Diagnostic, source: string, filename = '<input>'): string {
  const file = d.span.file ?? d.file ?? filename;
  const { line, column } = d.span.start;
  const head = `${file}:${line}:${column}: ${d.severity}: ${d.message}`;
  const lines = source.split(/\r?\n/);
  const text = lines[line - 1];
  const out = [head];
  if (text !== undefined && !d.span.file) {
    const gutter = String(line);
    const width =
      d.span.end.line === line ? Math.max(1, d.span.end.column - column) : Math.max(1, text.length - column + 1);
    out.push(`${gutter} | ${text}`);
    out.push(`${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, column - 1))}${'^'.repeat(width)}`);
  }
  for (const note of d.notes ?? []) out.push(`  note: ${note}`);
  return out.join('\n');
}

export function formatDiagnostics(ds: readonly Diagnostic[], source: string, filename?: string): string {
  return ds.map((d) => formatDiagnostic(d, source, filename)).join('\n\n');
}

/** Order by position so users read errors top to bottom. */
export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort((a, b) => a.span.start.offset - b.span.start.offset);
}
