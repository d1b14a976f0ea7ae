// How every command reports failure: one clear message on stderr, exit status 1, no stack trace.
import { InvalidArgumentError } from 'commander';

/** A mistake in how a command was called. */
export class UsageError extends Error {}

const KNOWN = new Set(['CompileError', 'DataError', 'RuntimeError', 'RejectError', 'FatalRuntimeError', 'UsageError',
  'InitializationError', 'SamplerError', 'BackendError', 'StanCsvError', 'DiagnosticsError', 'ConstraintError', 'LoweringError']);

/** The message a user should see for an error thrown by a command. */
export function describeError(e: unknown): { text: string; internal: boolean } {
  // By name, not instanceof: importing the compiler here would load the parser into every command's start-up.
  if (e instanceof Error && e.name === 'CompileError') return { text: e.message, internal: false };
  if (e instanceof Error && (KNOWN.has(e.name) || KNOWN.has(e.constructor.name) || e instanceof UsageError)) {
    return { text: `hstan: ${e.message}`, internal: false };
  }
  if (e instanceof Error && 'code' in e && typeof (e as NodeJS.ErrnoException).code === 'string' && (e as NodeJS.ErrnoException).path) {
    return { text: `hstan: ${e.message}`, internal: false };
  }
  return { text: `hstan: internal error: ${e instanceof Error ? e.message : String(e)}`, internal: true };
}

/** Run a command's action; print any failure without a stack trace and set the exit status. */
export function action<A extends unknown[]>(fn: (...args: A) => void | Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      const { text, internal } = describeError(e);
      process.stderr.write(text + '\n');
      process.exitCode = internal ? 2 : 1;
    }
  };
}

// Option parsers run inside commander, outside any action(): they throw commander's
// InvalidArgumentError, which it prints as a usage error (exit 1) instead of a stack trace.

/** A whole-number option, at least `min`. */
export function intOption(name: string, min = 0): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number ≥ ${min}, got '${raw}'`);
    return n;
  };
}

export function numberOption(name: string, lo: number, hi: number): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n <= lo || n >= hi) throw new InvalidArgumentError(`${name} must be a number between ${lo} and ${hi}, got '${raw}'`);
    return n;
  };
}
