// grammar/: the generated references match the parser, and the TextMate grammar is valid,
// knows every reserved word, and highlights the constructs it promises.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { grammarMarkdown, syntaxDiagramsHtml } from '../src/frontend/grammar-docs.js';
import { StanParser } from '../src/frontend/parser.js';
import { RESERVED_WORDS } from '../src/frontend/tokens.js';

const grammarDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'grammar');
const read = (name: string) => readFileSync(join(grammarDir, name), 'utf8');

describe('generated grammar references', () => {
  const parser = new StanParser();

  test('grammar.md is what the generator produces from the current parser', () => {
    expect(read('grammar.md')).toBe(grammarMarkdown(parser));
  });

  test('syntax-diagrams.html is what the generator produces, and is self-contained', () => {
    const html = read('syntax-diagrams.html');
    expect(html).toBe(syntaxDiagramsHtml(parser));
    expect(html).not.toMatch(/<script src=|<link rel='stylesheet'|https?:\/\/unpkg/);
    expect(html).toContain('drawDiagramsFromSerializedGrammar');
  });

  test('every parser rule appears in grammar.md', () => {
    const md = read('grammar.md');
    for (const rule of Object.keys(parser.getGAstProductions())) expect(md).toMatch(new RegExp(`^${rule} ::=`, 'm'));
  });
});

interface Pattern {
  name?: string;
  match?: string;
  begin?: string;
  end?: string;
  patterns?: Pattern[];
  captures?: Record<string, { name: string }>;
}

describe('hstan.tmLanguage.json', () => {
  const grammar = JSON.parse(read('hstan.tmLanguage.json')) as {
    scopeName: string;
    fileTypes: string[];
    patterns: Array<{ include: string }>;
    repository: Record<string, Pattern>;
  };

  function all(p: Pattern): Pattern[] {
    return [p, ...(p.patterns ?? []).flatMap(all)];
  }
  const patterns = Object.values(grammar.repository).flatMap(all);

  /**
   * Scope of the token starting `text`, as a TextMate engine picks it at position 0: the first
   * pattern (in include order) that matches there; a capture's scope stands for the pattern's.
   */
  function scopeOf(text: string): string | undefined {
    for (const { include } of grammar.patterns) {
      for (const p of all(grammar.repository[include.slice(1)])) {
        const re = p.match ?? p.begin;
        if (!re || p.patterns) continue;
        if (new RegExp(re, 'y').exec(text)) return p.name ?? p.captures?.['1']?.name;
      }
    }
    return undefined;
  }

  test('identifies the language and file types', () => {
    expect(grammar.scopeName).toBe('source.hstan');
    expect(grammar.fileTypes).toEqual(expect.arrayContaining(['hstan', 'stan']));
  });

  test('every include resolves and every regex compiles', () => {
    for (const { include } of grammar.patterns) expect(grammar.repository[include.slice(1)]).toBeDefined();
    for (const p of patterns) {
      for (const re of [p.match, p.begin, p.end]) if (re) expect(() => new RegExp(re)).not.toThrow();
    }
  });

  test('every reserved word is highlighted as a keyword, type, block or constraint', () => {
    for (const word of RESERVED_WORDS) {
      const scope = scopeOf(word);
      expect([word, scope && /keyword|storage|variable\.language/.test(scope)]).toEqual([word, true]);
    }
  });

  test.each([
    ['// note', 'comment.line.double-slash.hstan'],
    ['"text"', 'string.quoted.double.hstan'],
    ['1.5e-3', 'constant.numeric.float.hstan'],
    ['.5', 'constant.numeric.float.hstan'],
    ['42', 'constant.numeric.integer.hstan'],
    ['2i', 'constant.numeric.imaginary.hstan'],
    ['normal_lpdf(', 'entity.name.function.hstan'],
    ['~ normal', 'keyword.operator.sampling.hstan'],
    ['target +=', 'variable.language.target.hstan'],
    ['transformed parameters {', 'keyword.other.block.hstan entity.name.section.hstan'],
    ['simplex', 'storage.type.constrained.hstan'],
    ['.*', 'keyword.operator.arithmetic.hstan'],
    ['<-', 'invalid.deprecated.assignment.hstan'],
  ])('%s → %s', (text, scope) => {
    expect(scopeOf(text)).toBe(scope);
  });

  test('the distribution after ~ gets its own scope', () => {
    const tilde = grammar.repository.tilde;
    const m = new RegExp(tilde.match!).exec('y ~ normal(mu, sigma);')!;
    expect(m[2]).toBe('normal');
    expect(tilde.captures!['2'].name).toBe('entity.name.function.distribution.hstan');
  });
});
