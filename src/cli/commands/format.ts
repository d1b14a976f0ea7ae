// `hstan format [--check] [--write] [--canonicalize] [--print-width N] FILE...`: format Stan
// programs in stanc's canonical style. Prints to stdout by default; `--write` rewrites the files
// in place; `--check` lists the files that are not formatted and exits 1 (for CI).
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { formatSource, FormatSyntaxError, FormatVerificationError } from '../../format/format.js';
import { writeFileAtomic } from '../../output/atomic.js';

export interface FormatCommandOptions {
  check?: boolean;
  write?: boolean;
  canonicalize?: boolean;
  printWidth?: number;
}

export interface FormatCommandResult {
  /** 0: done (or, with --check, nothing to change); 1: files to change or bad input; 2: internal error. */
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Files whose formatted text differs from their contents (rewritten with --write). */
  changed: string[];
}

function readSource(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new FormatInputError(`hstan: cannot read '${path}': ${reason}`);
  }
}

class FormatInputError extends Error {}

/** The whole command, without touching the process: what to print and the exit status. */
export async function runFormat(files: readonly string[], options: FormatCommandOptions = {}): Promise<FormatCommandResult> {
  const result: FormatCommandResult = { exitCode: 0, stdout: '', stderr: '', changed: [] };
  const fail = (message: string, code: number) => {
    result.stderr += message.endsWith('\n') ? message : message + '\n';
    result.exitCode = Math.max(result.exitCode, code);
  };
  if (options.check && options.write) {
    fail('hstan: use either --check (report unformatted files) or --write (rewrite them), not both', 1);
    return result;
  }
  if (files.length === 0) {
    fail('hstan: give at least one .hstan or .stan file', 1);
    return result;
  }
  for (const file of files) {
    let formatted: string;
    let source: string;
    try {
      source = readSource(file);
      formatted = await formatSource(source, { filename: file, printWidth: options.printWidth, canonicalize: options.canonicalize });
    } catch (e) {
      if (e instanceof FormatSyntaxError || e instanceof FormatInputError) fail(e.message, 1);
      else if (e instanceof FormatVerificationError) fail(`hstan: ${e.message}`, 2);
      else fail(`hstan: internal error while formatting '${file}': ${e instanceof Error ? e.message : String(e)}`, 2);
      continue;
    }
    const differs = formatted !== source;
    if (differs) result.changed.push(file);
    if (options.check) continue;
    if (options.write) {
      if (differs) {
        writeFileAtomic(file, formatted);
        result.stdout += `${file}\n`;
      }
      continue;
    }
    result.stdout += formatted;
  }
  if (options.check && result.changed.length > 0) {
    result.stdout += result.changed.map((f) => `${f}\n`).join('');
    const n = result.changed.length;
    fail(`${n} file${n === 1 ? '' : 's'} would be reformatted; run 'hstan format --write' to fix`, 1);
  }
  return result;
}

function printWidth(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 20 || n > 1000) throw new InvalidArgumentError('give a whole number from 20 to 1000.');
  return n;
}

export function register(program: Command): void {
  program
    .command('format')
    .description("format Stan programs in stanc's canonical style (prints to stdout unless --write or --check)")
    .argument('<files...>', '.hstan or .stan programs')
    .option('--check', 'list the files that are not formatted and exit 1 if there are any (for CI)')
    .option('--write', 'rewrite the files in place')
    .option('--canonicalize', 'also rewrite removed syntax (real y[N], real[], fabs, normal_log, ...) into modern Stan')
    .option('--print-width <n>', 'line width to fit code into', printWidth, 80)
    .action(async (files: string[], opts: FormatCommandOptions) => {
      const result = await runFormat(files, opts);
      process.stdout.write(result.stdout);
      process.stderr.write(result.stderr);
      if (result.exitCode !== 0) process.exitCode = result.exitCode;
    });
}
