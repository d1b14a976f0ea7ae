// The prettier plugin used directly through prettier's API (as `prettier --plugin hstan/prettier`
// does), and the AST comparison that guards `formatSource` against printer bugs.
import { format } from 'prettier';
import plugin, { languages } from '../src/format/prettier-plugin.js';
import { sameProgram } from '../src/format/same-program.js';
import { parse } from '../src/frontend/parse.js';

function ast(source: string) {
  const { ast } = parse(source);
  if (!ast) throw new Error(`does not parse: ${source}`);
  return ast;
}

describe('the prettier plugin', () => {
  test('declares the hstan language for .hstan and .stan files', () => {
    expect(languages).toEqual([expect.objectContaining({ name: 'hstan', parsers: ['hstan'], extensions: ['.hstan', '.stan'] })]);
  });

  test('formats through prettier.format, with the canonicalize option', async () => {
    const source = 'data { int N; real y[N]; }\nmodel { target += fabs(y[1]); }\n';
    expect(await format(source, { parser: 'hstan', plugins: [plugin] })).toBe(
      'data {\n  int N;\n  real y[N];\n}\n\nmodel {\n  target += fabs(y[1]);\n}\n',
    );
    expect(await format(source, { parser: 'hstan', plugins: [plugin], canonicalize: true } as object)).toBe(
      'data {\n  int N;\n  array[N] real y;\n}\n\nmodel {\n  target += abs(y[1]);\n}\n',
    );
  });

  test('a syntax error is a prettier-style error with a location', async () => {
    const error = await format('model {\n  y ~ normal(0, 1)\n}\n', { parser: 'hstan', plugins: [plugin] }).then(
      () => undefined,
      (e: unknown) => e as { name: string; message: string; loc: { start: { line: number; column: number } } },
    );
    expect(error).toBeDefined();
    expect(error!.name).toBe('HstanSyntaxError');
    // Just after `normal(0, 1)`, where the `;` is missing.
    expect(error!.loc.start).toEqual({ line: 2, column: 19 });
    expect(error!.message).toMatch(/;/);
  });
});

describe('sameProgram', () => {
  test('ignores layout and comments', () => {
    expect(sameProgram(ast('model{x=(a+b)*c;}'), ast('model {\n  // note\n  x = (a + b) * c; /* more */\n}\n'))).toBe(true);
    expect(sameProgram(ast('data { real a, b; }'), ast('data {\n  real a;\n  real b;\n}'))).toBe(true);
  });

  test('sees dropped parentheses, changed names, operators and literals', () => {
    expect(sameProgram(ast('model { x = (a); }'), ast('model { x = a; }'))).toBe(false);
    expect(sameProgram(ast('model { x = a; }'), ast('model { y = a; }'))).toBe(false);
    expect(sameProgram(ast('model { x = a - b; }'), ast('model { x = a + b; }'))).toBe(false);
    expect(sameProgram(ast('model { x = 1.0; }'), ast('model { x = 1.; }'))).toBe(false);
    expect(sameProgram(ast('model { x ~ normal(0, 1) T[0, ]; }'), ast('model { x ~ normal(0, 1) T[, 0]; }'))).toBe(false);
  });
});
