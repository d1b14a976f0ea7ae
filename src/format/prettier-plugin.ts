// A prettier 3 plugin for Stan programs (.hstan, .stan):
//   prettier --plugin hstan/prettier --write model.hstan
// The parser is hstan's own; the printer follows `stanc --auto-format`'s layout.
import type { Parser, Plugin, SupportLanguage, SupportOptions } from 'prettier';
import type * as A from '../frontend/ast.js';
import { locEnd, locStart, type FormatNode } from './nodes.js';
import { parseForFormatting } from './parse.js';
import { hstanPrinter } from './printer.js';

export const languages: SupportLanguage[] = [
  {
    name: 'hstan',
    parsers: ['hstan'],
    extensions: ['.hstan', '.stan'],
    vscodeLanguageIds: ['stan'],
  },
];

export const parsers: Record<string, Parser<FormatNode>> = {
  hstan: {
    astFormat: 'hstan-ast',
    parse: (text, options) => parseForFormatting(text, { canonicalize: (options as { canonicalize?: boolean }).canonicalize === true }),
    locStart: (node) => locStart(node as { span: A.Span }),
    locEnd: (node) => locEnd(node as { span: A.Span }),
  },
};

export const printers = { 'hstan-ast': hstanPrinter };

export const options: SupportOptions = {
  canonicalize: {
    type: 'boolean',
    category: 'hstan',
    default: false,
    description: 'Rewrite removed Stan syntax (real y[N], real[], fabs, normal_log, increment_log_prob, ...) into modern Stan.',
  },
};

const plugin: Plugin<FormatNode> = { languages, parsers, printers, options };

export default plugin;
