// Comments can sit anywhere between two tokens. For a model with functions, loops, if/else
// chains, truncation and density calls, put a comment in every such place, one at a time, as an
// end-of-line comment, a comment on its own line and an inline block comment: formatting must
// keep it (and every other comment, in order), change nothing else, and be a fixed point.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatSource } from '../src/format/format.js';
import { parse } from '../src/frontend/parse.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Where each token of a (comment-free) Stan program starts, by a tokenizer of our own. */
function tokenStarts(source: string): number[] {
  const token = /"[^"]*"|[A-Za-z][A-Za-z0-9_]*|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+|%\/%|\.[*\/^]|[<>=!+\-*\/]=|&&|\|\||\S/g;
  return [...source.matchAll(token)].map((m) => m.index!);
}
const model: string = JSON.parse(readFileSync(join(here, 'fixtures/logprob/functions_control.json'), 'utf8')).model;

function shape(source: string): unknown {
  const { ast } = parse(source);
  if (!ast) throw new Error(`does not parse:\n${source}`);
  return JSON.parse(JSON.stringify(ast, (k, v) => (k === 'span' || k.endsWith('Span') || k === 'comments' ? undefined : v)));
}

function comments(source: string): string[] {
  return (parse(source).ast?.comments ?? []).map((c) => c.text.trimEnd());
}

const placements: Array<[string, (k: number) => string]> = [
  ['end of line', (k) => ` // note ${k}\n`],
  ['own line', (k) => `\n// note ${k}\n`],
  ['inline block', (k) => ` /* note ${k} */ `],
];

test.each(placements)('a comment (%s) before any token survives formatting', async (_name, comment) => {
  const starts = [...tokenStarts(model), model.length];
  expect(starts.length).toBeGreaterThan(200);
  const problems: string[] = [];
  for (let k = 0; k < starts.length; k++) {
    const at = starts[k];
    const input = model.slice(0, at) + comment(k) + model.slice(at);
    const once = await formatSource(input);
    const twice = await formatSource(once);
    if (twice !== once) problems.push(`not idempotent, comment before token ${k}:\n${once}\n---\n${twice}`);
    else if (JSON.stringify(comments(once)) !== JSON.stringify(comments(input))) {
      problems.push(`comments changed, comment before token ${k}:\n${once}`);
    } else if (JSON.stringify(shape(once)) !== JSON.stringify(shape(input))) problems.push(`program changed, token ${k}`);
  }
  expect(problems).toEqual([]);
});
