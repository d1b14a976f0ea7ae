// `hstan check FILE...`: report syntax and type errors without compiling.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { check } from '../../check/index.js';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../../frontend/diagnostic.js';
import { parseWithIncludes } from '../../frontend/parse.js';

export interface CheckOptions {
  /** Directories searched for `#include` files after the program's own directory. */
  includePaths?: string[];
}

export interface CheckReport {
  /** Syntax diagnostics, then (when the program parsed) the type checker's. */
  diagnostics: Diagnostic[];
  /** Text of the program and of every file it includes, to show diagnostics against. */
  sources: Record<string, string>;
}

/**
 * Everything `hstan check` reports for one program: syntax with `#include`s resolved, then
 * types. A program with syntax errors is not type checked (a repaired tree only yields noise).
 */
export function checkSource(source: string, filename: string, options: CheckOptions = {}): CheckReport {
  const parsed = parseWithIncludes(source, { filename, includePaths: options.includePaths });
  if (!parsed.ast) return { diagnostics: parsed.diagnostics, sources: parsed.sources };
  const checked = check(parsed.ast, { filename });
  return { diagnostics: [...parsed.diagnostics, ...checked.diagnostics], sources: parsed.sources };
}

export interface CheckOutput {
  out: (text: string) => void;
  err: (text: string) => void;
}

/**
 * Check each file, printing diagnostics and `FILE: ok`. Returns the exit status: 0 clean,
 * 1 errors, 2 internal error. `checker` is replaceable for tests.
 */
export function runCheck(files: string[], options: CheckOptions, io: CheckOutput, checker = checkSource): number {
  let status = 0;
  for (const file of files) {
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
      io.err(`hstan: cannot read '${file}': ${reason}\n`);
      status = Math.max(status, 1);
      continue;
    }
    let report: CheckReport;
    try {
      report = checker(source, file, options);
    } catch (e) {
      io.err(`hstan: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
    const shown = report.diagnostics.map((d) => {
      const where = d.file ?? file;
      return formatDiagnostic(d, report.sources[where] ?? (where === file ? source : ''), where);
    });
    if (shown.length > 0) io.err(shown.join('\n\n') + '\n');
    if (hasErrors(report.diagnostics)) status = Math.max(status, 1);
    else io.out(`${file}: ok\n`);
  }
  return status;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function register(program: Command): void {
  program
    .command('check')
    .description('check programs for syntax and type errors without compiling them')
    .argument('<files...>', '.hstan or .stan programs')
    .option('-I, --include-path <dir>', 'also look for #include files in DIR (repeatable)', collect)
    .action((files: string[], opts: { includePath?: string[] }) => {
      const status = runCheck(files, { includePaths: opts.includePath ?? [] }, {
        out: (text) => process.stdout.write(text),
        err: (text) => process.stderr.write(text),
      });
      process.exitCode = Math.max(Number(process.exitCode ?? 0), status);
    });
}
