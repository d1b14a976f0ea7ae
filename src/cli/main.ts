#!/usr/bin/env node
// The hstan command line: each command registers itself from src/cli/commands/.
// `npm run hstan` starts it with one V8 helper thread (`--v8-pool-size=1`; Node's default is
// four): on a two-core machine the sampler's thread otherwise waits its turn behind V8's compile
// and GC tasks, which stalled the sampling of a small model by 10–20 ms in 50 (eight schools'
// sampling phase, median 43 → 35 ms). The bin's shebang stays plain `node`: `env -S`, which
// would carry the option, is missing from BusyBox and older coreutils.
import { Command } from 'commander';
import { commandsFor, type Register } from './commands/index.js';
import { VERSION } from '../version.js';

export function buildProgram(commands: readonly Register[]): Command {
  const program = new Command();
  program
    .name('hstan')
    .description('Compile Stan programs (.hstan) and sample their posteriors with NUTS')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run `hstan help COMMAND` for its options)')
    .configureOutput({ outputError: (text, write) => write(text) });
  for (const register of commands) register(program);
  return program;
}

await buildProgram(await commandsFor(process.argv)).parseAsync(process.argv);
