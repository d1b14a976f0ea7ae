// Precompiled models: `hstan compile` writes the lowered program as an ES module whose default
// export takes the runtime namespace, so an app ships the runtime and the module, not the compiler.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import * as runtime from '../runtime/api.js';
import { VERSION } from '../version.js';
import { compile, Model } from './compile.js';
import { str } from '../lower/emit.js';
import type { ModelHints } from '../diagnostics/index.js';

export interface CompiledModuleMeta {
  hstanVersion: string;
  name: string;
  blocks: { parameters: number; transformed: number; data: string[] };
  hints: ModelHints;
}

/**
 * Every character JavaScript ends a line at: program text shown in `//` comments is split at
 * all of them, or a U+2028 in a Stan comment would end the JS comment and run what follows.
 */
const JS_LINE_BREAK = /\r\n|[\r\n\u2028\u2029]/;

function commentText(text: string): string {
  return text.split(JS_LINE_BREAK).join(' ');
}

/** The ES module text for a compiled model. */
export function moduleText(model: Model, meta: { blocks: CompiledModuleMeta['blocks'] }, source = ''): string {
  const info: CompiledModuleMeta = { hstanVersion: VERSION, name: model.name, blocks: meta.blocks, hints: model.hints };
  return [
    `// ${commentText(model.name)}: lowered by hstan ${VERSION}. Load with \`loadCompiledModel(await import(...))\` from 'hstan'.`,
    ...(source ? ['// Source:', ...source.split(JS_LINE_BREAK).map((l) => '//   ' + l)] : []),
    `export const hstan = JSON.parse(${str(JSON.stringify(info))});`,
    '',
    'export default function lowered($) {',
    model.code,
    '}',
    '',
  ].join('\n');
}

/** A Model from an imported compiled module. */
export function loadCompiledModel(mod: { hstan: CompiledModuleMeta; default: (r: typeof runtime) => unknown }): Model {
  if (!mod || typeof mod.default !== 'function' || !mod.hstan) {
    throw new Error('not an hstan compiled model (expected `export const hstan` and a default export)');
  }
  const instantiate = mod.default(runtime) as ConstructorParameters<typeof Model>[2];
  return new Model(mod.hstan.name, '', instantiate, mod.hstan.blocks, [], mod.hstan.hints);
}

/** Load a model from a `.hstan`/`.stan` program or a module written by `hstan compile`. */
export async function loadModelFile(path: string): Promise<Model> {
  if (/\.(m?js)$/.test(path)) {
    return loadCompiledModel(await import(pathToFileURL(resolve(path)).href));
  }
  const source = readFileSync(path, 'utf8');
  return compile(source, { filename: path });
}
