// `hstan compile MODEL [-o MODEL.js]`: the lowered model as an ES module.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { compile } from '../../model/compile.js';
import { moduleText } from '../../model/module.js';
import { writeFileAtomic } from '../../output/atomic.js';
import { action } from '../fail.js';

export function compileToModule(path: string): string {
  const source = readFileSync(path, 'utf8');
  const model = compile(source, { filename: path });
  return moduleText(model, { blocks: model.blockSizes }, source);
}

export function register(program: Command): void {
  program
    .command('compile')
    .description('lower a model to an ES module that needs only the hstan runtime')
    .argument('<model>', '.hstan program')
    .option('-o, --output <file>', 'where to write the module (default: MODEL.js beside the model)')
    .action(
      action((model: string, opts: { output?: string }) => {
        const out = opts.output ?? model.replace(/\.(hstan|stan)$/, '') + '.js';
        writeFileAtomic(out, compileToModule(model));
        process.stdout.write(`${out}\n`);
      }),
    );
}
