// `parse` must never throw and must always explain itself: random garbage, token soup,
// truncated and mutated fixture models all come back as diagnostics with sane positions.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '../src/frontend/parse.js';
import { formatDiagnostic, type Diagnostic } from '../src/frontend/diagnostic.js';
import { mulberry32 } from './helpers/programs.js';

const fixtureDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'logprob');
const models = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => (JSON.parse(readFileSync(join(fixtureDir, f), 'utf8')) as { model: string }).model);

const rng = mulberry32;

const WORDS = [
  'data', 'model', 'parameters', 'transformed', 'generated', 'quantities', 'functions', 'real', 'int', 'vector',
  'matrix', 'array', 'tuple', 'simplex', 'lower', 'upper', 'offset', 'for', 'in', 'while', 'if', 'else', 'return',
  'target', 'print', 'T', 'x', 'y', 'mu', 'normal', 'normal_lpdf', '1', '2.5', '.5', '1e3', '2i', '"s"', '{', '}',
  '(', ')', '[', ']', '<', '>', '=', '+=', '<-', '~', '|', ',', ';', ':', '?', '+', '-', '*', '/', '^', "'", '.*',
  '\\', '%/%', '!', '&&', '||', '==', '#include "x"', '/*', '*/', '//', '@', '\n',
];
const CHARS = 'abcxyzT019_.,;:(){}[]<>=+-*/^\'"!&|?~%\\#@$ \n\t';

function assertSane(source: string, result: ReturnType<typeof parse>): void {
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (result.ast === undefined) expect(errors.length).toBeGreaterThan(0);
  else expect(errors).toEqual([]);
  for (const d of result.diagnostics) checkDiagnostic(source, d);
}

function checkDiagnostic(source: string, d: Diagnostic): void {
  const { start, end } = d.span;
  const ok =
    Number.isInteger(start.line) &&
    Number.isInteger(start.column) &&
    start.line >= 1 &&
    start.column >= 1 &&
    start.offset >= 0 &&
    start.offset <= source.length &&
    end.offset >= start.offset &&
    !d.code.startsWith('internal') &&
    d.message.length > 0;
  if (!ok) throw new Error(`bad diagnostic for ${JSON.stringify(source)}: ${JSON.stringify(d)}`);
  expect(() => formatDiagnostic(d, source, 'f.stan')).not.toThrow();
}

describe('parse never throws and always explains', () => {
  test('random characters', () => {
    const next = rng(1);
    for (let i = 0; i < 150; i++) {
      const n = 1 + Math.floor(next() * 80);
      let s = '';
      for (let k = 0; k < n; k++) s += CHARS[Math.floor(next() * CHARS.length)];
      assertSane(s, parse(s));
    }
  });

  test('random token soup, also inside a block', () => {
    const next = rng(2);
    for (let i = 0; i < 150; i++) {
      const n = 1 + Math.floor(next() * 40);
      const words: string[] = [];
      for (let k = 0; k < n; k++) words.push(WORDS[Math.floor(next() * WORDS.length)]);
      const soup = words.join(' ');
      assertSane(soup, parse(soup));
      const inBlock = `model {\n${soup}\n}`;
      assertSane(inBlock, parse(inBlock));
    }
  });

  test('fixture models cut inside their last block always report an error', () => {
    const next = rng(3);
    let cuts = 0;
    for (const model of models) {
      const close = model.lastIndexOf('}');
      const open = model.lastIndexOf('{', model.lastIndexOf('\n}') >= 0 ? model.lastIndexOf('\n}') : close);
      const blockStart = model.slice(0, close).search(/\n(model|generated quantities|transformed parameters|parameters|data|transformed data) \{[^}]*$/);
      const from = Math.max(open, blockStart) + 1;
      for (let k = 0; k < 20; k++) {
        const at = from + Math.floor(next() * (close - from));
        const cut = model.slice(0, at);
        const r = parse(cut);
        assertSane(cut, r);
        expect(r.ast).toBeUndefined();
        cuts++;
      }
    }
    expect(cuts).toBeGreaterThanOrEqual(200);
  });

  test('fixture models cut anywhere', () => {
    const next = rng(4);
    for (const model of models) {
      for (let k = 0; k < 10; k++) {
        const cut = model.slice(0, Math.floor(next() * model.length));
        assertSane(cut, parse(cut));
      }
    }
  });

  test('fixture models with single characters deleted, inserted or replaced', () => {
    const next = rng(5);
    for (const model of models) {
      for (let k = 0; k < 15; k++) {
        const at = Math.floor(next() * model.length);
        const ch = CHARS[Math.floor(next() * CHARS.length)];
        const op = Math.floor(next() * 3);
        const mutated =
          op === 0 ? model.slice(0, at) + model.slice(at + 1) : op === 1 ? model.slice(0, at) + ch + model.slice(at) : model.slice(0, at) + ch + model.slice(at + 1);
        assertSane(mutated, parse(mutated));
      }
    }
  });

  test('deep nesting and long inputs stay fast', () => {
    const deep = `model { x = ${'('.repeat(200)}1${')'.repeat(200)}; }`;
    assertSane(deep, parse(deep));
    const unclosed = `model { x = ${'f('.repeat(300)}1; }`;
    const t0 = performance.now();
    assertSane(unclosed, parse(unclosed));
    const garbage = '} ) ] ; '.repeat(5000);
    assertSane(garbage, parse(garbage));
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  test('non-string junk in the middle of valid code', () => {
    for (const junk of ['\u0000', '\uFEFF', '\u00e9', '😀', '\r', '\r\n', '\\', '`']) {
      const source = `data {\n  int N;${junk}\n}\nmodel {\n}`;
      assertSane(source, parse(source));
    }
  });
});
