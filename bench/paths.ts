// Where the benchmark finds the repository (the models, the built CLI, the R script) whether it
// runs from bench/ as TypeScript or from dist/bench/ after `npm run build`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout root: the nearest folder above this file whose package.json is hstan's. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'hstan') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`bench: cannot find hstan's package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** The built CLI that `hstan sample` runs from. */
export function cliPath(root = repoRoot()): string {
  return join(root, 'dist', 'src', 'cli', 'main.js');
}

/**
 * The Node options the CLI is started with, read from the `hstan` npm script (`node FLAGS
 * dist/src/cli/main.js`), so the bench runs it as the README's commands do.
 */
export function cliNodeFlags(root = repoRoot()): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: { hstan?: string } };
  const m = /^node((?:\s+--\S+)*)\s+dist\/src\/cli\/main\.js$/.exec(pkg.scripts?.hstan ?? '');
  if (!m) throw new Error(`bench: package.json's "hstan" script is not \`node [--flags] dist/src/cli/main.js\``);
  return m[1].trim() === '' ? [] : m[1].trim().split(/\s+/);
}
