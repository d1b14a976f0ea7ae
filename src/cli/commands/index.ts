// Every CLI command lives in its own module and registers itself on the program.
import type { Command } from 'commander';

export type Register = (program: Command) => void;

export const commands: Register[] = [];
