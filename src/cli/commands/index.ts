// Every CLI command lives in its own module and registers itself on the program.
import type { Command } from 'commander';
import { register as summary } from './summary.js';
import { register as sample } from './sample.js';
import { register as compile } from './compile.js';
import { register as logDensity } from './log-density.js';
import { register as functions } from './functions.js';
import { register as check } from './check.js';
import { register as format } from './format.js';
import { register as pooling } from './pooling.js';

export type Register = (program: Command) => void;

export const commands: Register[] = [sample, logDensity, compile, summary, functions, check, format, pooling];
