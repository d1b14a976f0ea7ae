// parseFile and #include: included files are parsed in place (blocks at the top level,
// functions in `functions`, statements elsewhere), their nodes carry their file, and every
// failure (missing file, cycle, syntax error inside an included file) is a diagnostic.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFile, parseWithIncludes } from '../src/frontend/parse.js';
import type * as A from '../src/frontend/ast.js';

let dir: string;

function write(rel: string, text: string): string {
  const path = join(dir, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hstan-include-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Every span-carrying object under `node`, with the property holding it. */
function spans(node: unknown, out: A.Span[] = []): A.Span[] {
  if (Array.isArray(node)) {
    for (const x of node) spans(x, out);
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'span' || k.endsWith('Span')) && v && typeof v === 'object') out.push(v as A.Span);
      else spans(v, out);
    }
  }
  return out;
}

describe('parseFile resolves #include', () => {
  test('blocks, functions and statements are spliced in where the #include stood', () => {
    const dataFile = write('parts/data_block.stan', 'data {\n  int N;\n  vector[N] y;\n}\n');
    const fnsFile = write('fns.stanfunctions', 'real sq(real x) {\n  return x * x;\n}\n#include "more.stanfunctions"\n');
    const moreFile = write('more.stanfunctions', 'real cube(real x) {\n  return x ^ 3;\n}\n');
    const likFile = write('lik.stan', 'y ~ normal(mu, 1);\nif (mu > 0) {\n  #include "nested.stan"\n}\n');
    const nestedFile = write('nested.stan', 'target += -mu;\n');
    const main = write(
      'main.stan',
      `functions {
  #include "fns.stanfunctions"
}
#include "parts/data_block.stan"
parameters {
  real mu;
}
model {
  #include "lik.stan"
  mu ~ normal(0, 1);
}
`,
    );
    const r = parseFile(main);
    expect(r.diagnostics).toEqual([]);
    const p = r.ast!;
    expect(p.includes).toEqual([]);
    expect(p.blocks.map((b) => b.name)).toEqual(['functions', 'data', 'parameters', 'model']);
    expect(p.blocks[1].span.file).toBe(dataFile);
    expect(p.blocks[2].span.file).toBeUndefined();

    const fns = p.blocks[0].items as A.FunctionDef[];
    expect(fns.map((f) => f.name)).toEqual(['sq', 'cube']);
    expect(fns[0].span.file).toBe(fnsFile);
    expect(fns[1].span.file).toBe(moreFile);
    expect(fns[1].nameSpan).toMatchObject({ start: { line: 1, column: 6 }, file: moreFile });

    const model = p.blocks[3].items as A.Stmt[];
    expect(model.map((s) => s.kind)).toEqual(['Tilde', 'If', 'Tilde']);
    expect(model[0].span.file).toBe(likFile);
    expect(model[2].span.file).toBeUndefined();
    const inner = ((model[1] as A.If).then as A.Block).statements;
    expect(inner.map((s) => s.kind)).toEqual(['TargetPlus']);
    expect(inner[0].span.file).toBe(nestedFile);

    // Every span inside included text names its file; none in the main file does.
    expect(spans(p.blocks[1]).every((s) => s.file === dataFile)).toBe(true);
    expect(spans(fns[1]).every((s) => s.file === moreFile)).toBe(true);
    expect(spans((p.blocks[3].items[2] as A.Tilde)).every((s) => s.file === undefined)).toBe(true);
    expect(Object.keys(r.sources).sort()).toEqual([dataFile, fnsFile, likFile, main, moreFile, nestedFile].sort());
  });

  test('include paths are searched after the including file\'s directory', () => {
    const lib = join(dir, 'lib');
    write('lib/helpers.stanfunctions', 'real two() {\n  return 2;\n}\n');
    const main = write('src/model.stan', 'functions {\n  #include <helpers.stanfunctions>\n}\nmodel {\n}\n');
    expect(parseFile(main).diagnostics.map((d) => d.message)).toEqual(["cannot find the included file 'helpers.stanfunctions'"]);
    const r = parseFile(main, { includePaths: [lib] });
    expect(r.diagnostics).toEqual([]);
    expect((r.ast!.blocks[0].items[0] as A.FunctionDef).name).toBe('two');
  });

  test('a missing include is an error at the #include line, naming where it looked', () => {
    const main = write('m.stan', 'model {\n  #include "nope.stan"\n}\n');
    const r = parseFile(main, { includePaths: ['/somewhere/else'] });
    expect(r.ast).toBeUndefined();
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0];
    expect(d).toMatchObject({ severity: 'error', code: 'include/not-found', message: "cannot find the included file 'nope.stan'", file: main });
    expect(d.span.start).toMatchObject({ line: 2, column: 3 });
    expect(d.notes).toEqual([`looked in: ${dir}, /somewhere/else`]);
  });

  test('a syntax error inside an included file is reported against that file', () => {
    const inc = write('bad.stan', 'x = ;\n');
    const main = write('m.stan', 'model {\n  real x;\n  #include "bad.stan"\n}\n');
    const r = parseFile(main);
    expect(r.ast).toBeUndefined();
    expect(r.diagnostics).toMatchObject([{ severity: 'error', file: inc, message: "expected an expression after '=' but found ';'" }]);
    expect(r.diagnostics[0].span.start).toMatchObject({ line: 1, column: 5 });
    expect(r.sources[inc]).toBe('x = ;\n');
  });

  test('an include cycle is an error, not a hang', () => {
    write('a.stan', '#include "b.stan"\n');
    write('b.stan', '#include "a.stan"\n');
    const main = write('m.stan', 'model {\n  #include "a.stan"\n}\n');
    const r = parseFile(main);
    expect(r.ast).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['include/cycle']);
    expect(r.diagnostics[0].message).toContain("'a.stan' includes itself");
  });

  test('blocks brought in by a top-level include are checked for order', () => {
    write('params.stan', 'parameters {\n  real mu;\n}\n');
    const main = write('m.stan', 'model {\n}\n#include "params.stan"\n');
    const r = parseFile(main);
    expect(r.ast).toBeUndefined();
    expect(r.diagnostics[0].message).toContain("'parameters' cannot follow 'model'");
  });

  test('an unreadable program file is a diagnostic', () => {
    const r = parseFile(join(dir, 'missing.stan'));
    expect(r.ast).toBeUndefined();
    expect(r.diagnostics).toMatchObject([{ severity: 'error', code: 'io/read', message: `cannot read '${join(dir, 'missing.stan')}': no such file` }]);
  });

  test('parseWithIncludes reads through a supplied reader', () => {
    const files: Record<string, string> = { '/virtual/inc.stan': 'int K;\n' };
    const r = parseWithIncludes('data {\n  #include "inc.stan"\n}\n', {
      filename: '/virtual/main.stan',
      readFile: (p) => {
        if (!(p in files)) throw new Error('ENOENT');
        return files[p];
      },
    });
    expect(r.diagnostics).toEqual([]);
    expect((r.ast!.blocks[0].items[0] as A.VarDecl).name).toBe('K');
  });
});
