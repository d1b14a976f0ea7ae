// Every CLI command lives in its own module and registers itself on the program. Modules load
// on demand: `hstan sample` need not construct the parser or load prettier in the main thread
// (its worker compiles the model), which took about 0.5 s of every run's start-up.
import type { Command } from 'commander';

export type Register = (program: Command) => void;

const loaders: Record<string, () => Promise<{ register: Register }>> = {
  sample: () => import('./sample.js'),
  'log-density': () => import('./log-density.js'),
  compile: () => import('./compile.js'),
  summary: () => import('./summary.js'),
  functions: () => import('./functions.js'),
  check: () => import('./check.js'),
  format: () => import('./format.js'),
  pooling: () => import('./pooling.js'),
};

/** The commands to register for `argv`: the one named, or all of them (help, unknown commands). */
export async function commandsFor(argv: readonly string[]): Promise<Register[]> {
  const name = argv[2];
  const names = name !== undefined && name in loaders ? [name] : Object.keys(loaders);
  const modules = await Promise.all(names.map((n) => loaders[n]()));
  return modules.map((m) => m.register);
}
