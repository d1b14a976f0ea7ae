// The front end's public surface: parsing entry points, the AST, diagnostics.
export * from './ast.js';
export * from './diagnostic.js';
export { parse, parseFile, parseWithIncludes } from './parse.js';
export type { ParseOptions, ParseResult, ParseFileResult } from './parse.js';
export { resolveIncludes } from './include.js';
export type { IncludeOptions, ResolvedIncludes } from './include.js';
export { RESERVED_WORDS } from './tokens.js';
export { closestName, editDistance } from './suggest.js';
