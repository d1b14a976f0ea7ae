// `hstan functions [PATTERN]`: the built-in function signatures, written as Stan's functions
// reference writes them (`real normal_lpdf(reals y | reals mu, reals sigma)`).
import type { Command } from 'commander';
import { BUILTIN_NAMES, DEPRECATED_NAMES, builtinSignatures } from '../../../stdlib/signatures/index.js';

/** A PATTERN with `*` or `?` is a glob on the whole name; otherwise a substring. */
export function nameMatcher(pattern: string): (name: string) => boolean {
  if (!/[*?]/.test(pattern)) return (name) => name.includes(pattern);
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  const re = new RegExp(`^${body}$`);
  return (name) => re.test(name);
}

const LEGEND = [
  'reals: int, real, array[] int, array[] real, vector or row_vector;  ints: int or array[] int;',
  'vectors: vector, row_vector or arrays of them;  T: any real-valued type (element-wise);  U: any type.',
  'R / I: real / int, shaped like the T arguments, or an array when a vectorized argument is a container.',
];

/** The listing for the names `match` accepts (signatures as written in the reference, once each). */
export function listFunctions(match: (name: string) => boolean): string {
  const lines: string[] = [];
  for (const name of BUILTIN_NAMES) {
    if (!match(name)) continue;
    const seen = new Set<string>();
    for (const s of builtinSignatures(name)) {
      if (seen.has(s.text)) continue;
      seen.add(s.text);
      lines.push(s.text);
    }
  }
  const deprecated = DEPRECATED_NAMES.filter(([old]) => match(old)).map(([old, now]) => `${old}  (removed from Stan; use ${now})`);
  if (deprecated.length) lines.push('', 'Deprecated:', ...deprecated);
  if (lines.length === 0) return '';
  if (lines.some((l) => /\b[TURI]\b|\breals\b|\bints\b|\bvectors\b/.test(l))) lines.push('', ...LEGEND);
  return lines.join('\n') + '\n';
}

export function register(program: Command): void {
  program
    .command('functions')
    .description('List built-in function signatures matching PATTERN (a substring, or a glob with * and ?)')
    .argument('[pattern]', 'part of a function name, or a glob such as "*_lpdf"')
    .option('--all', 'list every built-in function')
    .action((pattern: string | undefined, opts: { all?: boolean }) => {
      if (!pattern && !opts.all) {
        process.stderr.write("hstan functions: give a PATTERN (e.g. 'normal' or '*_rng'), or --all for everything\n");
        process.exitCode = 1;
        return;
      }
      const out = listFunctions(opts.all || !pattern ? () => true : nameMatcher(pattern));
      if (!out) {
        process.stderr.write(`hstan functions: no built-in function matches '${pattern}'\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(out);
    });
}
