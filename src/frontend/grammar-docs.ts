// Readable grammar references generated from the parser itself, so they cannot drift from it:
// grammar/grammar.md (EBNF-style listing) and grammar/syntax-diagrams.html (railroad diagrams).
// Regenerate after a build with `node dist/src/frontend/grammar-docs.js [OUTPUT_DIR]`.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  Alternation,
  Alternative,
  createSyntaxDiagramsCode,
  Lexer,
  NonTerminal,
  Option,
  Repetition,
  RepetitionMandatory,
  RepetitionMandatoryWithSeparator,
  RepetitionWithSeparator,
  Terminal,
  type IProduction,
  type Rule,
  type TokenType,
} from 'chevrotain';
import { PRECEDENCE_TABLE } from './operators.js';
import { StanParser } from './parser.js';
import * as T from './tokens.js';

/** How a token appears in the listing: its spelling when fixed, otherwise its name. */
function terminalText(t: TokenType): string {
  if (t.PATTERN === Lexer.NA) return t.name; // a token class, listed below
  const label = t.LABEL ?? t.name;
  if (label === "'''") return `"'"`;
  return label.startsWith("'") ? label : t.name;
}

function production(p: IProduction): string {
  if (p instanceof Terminal) return terminalText(p.terminalType);
  if (p instanceof NonTerminal) return p.nonTerminalName;
  if (p instanceof Option) return `[ ${sequence(p.definition)} ]`;
  if (p instanceof Repetition) return `{ ${sequence(p.definition)} }`;
  if (p instanceof RepetitionMandatory) return `( ${sequence(p.definition)} )+`;
  if (p instanceof RepetitionWithSeparator) return `[ ${sequence(p.definition)} { ${terminalText(p.separator)} ${sequence(p.definition)} } ]`;
  if (p instanceof RepetitionMandatoryWithSeparator) return `${sequence(p.definition)} { ${terminalText(p.separator)} ${sequence(p.definition)} }`;
  if (p instanceof Alternation) return `( ${p.definition.map((alt) => sequence((alt as Alternative).definition)).join(' | ')} )`;
  if (p instanceof Alternative) return sequence(p.definition);
  return '?';
}

function sequence(ps: IProduction[]): string {
  return ps.length === 0 ? 'ε' : ps.map(production).join(' ');
}

/** `name ::= ...`, one alternative per line when the rule is a single choice. */
function ruleText(rule: Rule): string {
  const only = rule.definition.length === 1 ? rule.definition[0] : undefined;
  if (only instanceof Alternation) {
    const alts = only.definition.map((alt) => sequence((alt as Alternative).definition));
    return `${rule.name} ::=\n    ${alts.join('\n  | ')}`;
  }
  return `${rule.name} ::= ${sequence(rule.definition)}`;
}

function describeTokenPattern(t: TokenType): string {
  const pattern = t.PATTERN;
  if (typeof pattern === 'string') return `'${pattern}'`;
  if (pattern instanceof RegExp) return `/${pattern.source}/`;
  return '(category)';
}

/** Members of each token class the grammar refers to by name. */
function tokenClasses(): string[] {
  const categories = [T.Keyword, T.DeclTypeKw, T.FunTypeKw, T.BlockKw, T.BoundKw, T.BinaryOp, T.ArithmeticOp, T.PrefixOp, T.PowerOp, T.AssignOp];
  const lines: string[] = [];
  for (const category of categories) {
    const members = T.allTokens.filter((t) => (t.CATEGORIES ?? []).includes(category) && t !== category);
    lines.push(`- **${category.name}**: ${members.map((m) => `\`${String(m.LABEL).replace(/^'|'$/g, '')}\``).join(', ')}`);
  }
  return lines;
}

const LITERAL_TOKENS = [
  T.Identifier,
  T.IntLiteral,
  T.RealLiteral,
  T.DotNumeral,
  T.ImagLiteral,
  T.StringLiteral,
  T.Include,
  T.LineComment,
  T.BlockComment,
];

export function grammarMarkdown(parser: StanParser): string {
  const rules = Object.values(parser.getGAstProductions());
  const out: string[] = [
    '# The .hstan grammar',
    '',
    'Generated from the Chevrotain parser (`src/frontend/parser.ts`) by `src/frontend/grammar-docs.ts`;',
    'do not edit by hand. Notation: `[ x ]` optional, `{ x }` zero or more, `( x )+` one or more,',
    '`a | b` choice, `ε` nothing; quoted text is literal, other capitalised names are token classes.',
    '',
    'The grammar is deliberately a little wider than Stan in a few places so that mistakes get a',
    'precise message from the AST builder (`src/frontend/to-ast.ts`) instead of a generic parse error:',
    'a reserved word may appear where a name is declared; any expression may start a statement',
    '(assignment targets, `target +=` and `jacobian +=` are sorted out afterwards); block names and',
    'type sizes are checked after parsing; infix operators are read as a flat chain and grouped by',
    'the precedence table below.',
    '',
    '## Operator precedence (loosest first)',
    '',
    '| operators | associativity | placement |',
    '| --- | --- | --- |',
    ...PRECEDENCE_TABLE.map((row) => `| ${row.operators.map((o) => `\`${o.replace(/\|/g, '\\|')}\``).join(' ')} | ${row.associativity} | ${row.placement} |`),
    '',
    'Inside `<lower=..., upper=...>` and `<offset=..., multiplier=...>` a bound is a `boundExpression`:',
    'comparisons and logical operators need parentheses there, because `>` closes the bounds.',
    '',
    '## Rules',
    '',
    '```',
    rules.map(ruleText).join('\n\n'),
    '```',
    '',
    '## Token classes',
    '',
    ...tokenClasses(),
    '',
    '## Tokens with patterns',
    '',
    ...LITERAL_TOKENS.map((t) => `- **${t.name}**: \`${describeTokenPattern(t)}\``),
    '',
    'Whitespace and comments (`// ...`, `/* ... */`) may appear between any two tokens. Names must',
    'start with a letter and may not end in `__`; reserved words cannot name anything.',
    '',
  ];
  return out.join('\n');
}

/** The chevrotain package root, found from its entry point (its diagrams assets live there). */
function chevrotainRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.resolve('chevrotain')));
  while (!existsSync(join(dir, 'diagrams', 'diagrams.css'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the chevrotain package directory');
    dir = up;
  }
  return dir;
}

/**
 * Railroad diagrams as one self-contained HTML file: the diagram scripts and stylesheet that
 * Chevrotain's generator would load from a CDN are inlined from the installed package.
 */
export function syntaxDiagramsHtml(parser: StanParser): string {
  const base = 'HSTAN_RESOURCES/';
  const html = createSyntaxDiagramsCode(parser.getSerializedGastProductions(), { resourceBase: base, css: `${base}diagrams.css` });
  const root = join(chevrotainRoot(), 'diagrams');
  const read = (rel: string) => readFileSync(join(root, rel), 'utf8');
  const inlined = html
    .replace(/<script src='HSTAN_RESOURCES\/([^']+)'><\/script>/g, (_, rel: string) => `<script>\n${read(rel)}\n</script>`)
    .replace(/<link rel='stylesheet' href='HSTAN_RESOURCES\/diagrams\.css'>/, () => `<style>\n${read('diagrams.css')}\n</style>`);
  if (inlined.includes('HSTAN_RESOURCES')) throw new Error('a diagram resource was not inlined');
  return inlined.replace('<!-- This is a generated file -->', '<!-- Generated by src/frontend/grammar-docs.ts from the hstan parser; do not edit. -->');
}

export function writeGrammarDocs(outDir: string): string[] {
  const parser = new StanParser();
  mkdirSync(outDir, { recursive: true });
  const files = [join(outDir, 'grammar.md'), join(outDir, 'syntax-diagrams.html')];
  writeFileSync(files[0], grammarMarkdown(parser));
  writeFileSync(files[1], syntaxDiagramsHtml(parser));
  return files;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const f of writeGrammarDocs(process.argv[2] ?? 'grammar')) console.log(`wrote ${f}`);
}
