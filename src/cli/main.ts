#!/usr/bin/env node
// The hstan command line: each command registers itself from src/cli/commands/.
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
