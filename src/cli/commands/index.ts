// Every CLI command lives in its own module and registers itself on the program.
import type { Command } from 'commander';
import { register as summary } from './summary.js';

export type Register = (program: Command) => void;

export const commands: Register[] = [summary];
