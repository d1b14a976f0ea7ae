// `#include` resolution: each include is replaced by the parsed contents of its file, parsed
// as what may stand where it is (blocks at the top level, function definitions in `functions`,
// statements elsewhere). Spans of spliced nodes carry the file they came from.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type * as A from './ast.js';
import type { Diagnostic } from './diagnostic.js';
import { parseFragment, type FragmentKind } from './parse-source.js';
import { blockOrderDiagnostics } from './to-ast.js';

export interface IncludeOptions {
  /** Directories searched after the including file's own directory. */
  includePaths?: string[];
  /** Reads a file as UTF-8 text; throws if it does not exist. Defaults to the file system. */
  readFile?: (path: string) => string;
}

export interface ResolvedIncludes {
  diagnostics: Diagnostic[];
  /** Text of every file read, by path, so diagnostics in included files can show their line. */
  sources: Record<string, string>;
}

/** Replace the includes of `program` (parsed from `file`) in place. */
export function resolveIncludes(program: A.Program, file: string | undefined, options: IncludeOptions = {}): ResolvedIncludes {
  const resolver = new IncludeResolver(options);
  resolver.program(program, file);
  return { diagnostics: resolver.diagnostics, sources: resolver.sources };
}

class IncludeResolver {
  readonly diagnostics: Diagnostic[] = [];
  readonly sources: Record<string, string> = {};
  private readonly readFile: (path: string) => string;
  /** Files being included right now, outermost first, to catch cycles. */
  private readonly chain: string[] = [];

  constructor(private readonly options: IncludeOptions) {
    this.readFile = options.readFile ?? ((p) => readFileSync(p, 'utf8'));
  }

  program(program: A.Program, file: string | undefined): void {
    if (file) this.chain.push(resolve(file));
    for (const block of program.blocks) {
      block.items = this.items(block.items, file, block.name === 'functions' ? 'functions' : 'statements');
    }
    const remaining: A.Include[] = [];
    let spliced = false;
    for (const inc of program.includes) {
      const fragment = this.load(inc, file, 'program');
      if (!fragment?.program) {
        remaining.push(inc);
        continue;
      }
      // Blocks from the included file stand where the #include stood.
      const at = program.blocks.findIndex((b) => !b.span.file && b.span.start.offset > inc.span.start.offset);
      program.blocks.splice(at < 0 ? program.blocks.length : at, 0, ...fragment.program.blocks);
      remaining.push(...fragment.program.includes);
      spliced = true;
    }
    program.includes = remaining;
    if (spliced) {
      for (const d of blockOrderDiagnostics(program.blocks)) this.diagnostics.push(file ? { ...d, file } : d);
    }
    if (file) this.chain.pop();
  }

  /** A list of block items or statements with each include replaced by what its file holds. */
  private items<T extends A.Stmt | A.FunctionDef>(items: T[], file: string | undefined, kind: FragmentKind): T[] {
    const out: T[] = [];
    for (const item of items) {
      if (item.kind === 'Include') {
        const fragment = this.load(item, file, kind);
        if (fragment?.items) out.push(...(fragment.items as T[]));
        else out.push(item);
        continue;
      }
      this.nested(item, file);
      out.push(item);
    }
    return out;
  }

  /** Includes inside nested statements (blocks, loop and branch bodies, function bodies). */
  private nested(node: A.Stmt | A.FunctionDef, file: string | undefined): void {
    switch (node.kind) {
      case 'FunctionDef':
        if (node.body) this.nested(node.body, file);
        break;
      case 'Block':
        node.statements = this.items(node.statements, file, 'statements');
        break;
      case 'Profile':
        this.nested(node.body, file);
        break;
      case 'If':
        node.then = this.body(node.then, file);
        if (node.otherwise) node.otherwise = this.body(node.otherwise, file);
        break;
      case 'For':
      case 'ForEach':
      case 'While':
        node.body = this.body(node.body, file);
        break;
      default:
        break;
    }
  }

  private body(stmt: A.Stmt, file: string | undefined): A.Stmt {
    if (stmt.kind !== 'Include') {
      this.nested(stmt, file);
      return stmt;
    }
    const statements = this.items([stmt], file, 'statements');
    return statements.length === 1 ? statements[0] : { kind: 'Block', statements, span: stmt.span };
  }

  /** Find, read and parse one included file; includes inside it are resolved relative to it. */
  private load(inc: A.Include, from: string | undefined, kind: FragmentKind) {
    const where = from ? { file: from } : {};
    if (inc.path === '') return undefined; // already reported by the parser
    const dirs = [from ? dirname(from) : process.cwd(), ...(this.options.includePaths ?? [])];
    const candidates = isAbsolute(inc.path) ? [inc.path] : dirs.map((d) => resolve(d, inc.path));
    let path: string | undefined;
    let text: string | undefined;
    for (const candidate of candidates) {
      try {
        text = this.readFile(candidate);
        path = candidate;
        break;
      } catch {
        // try the next directory
      }
    }
    if (path === undefined || text === undefined) {
      this.diagnostics.push({
        severity: 'error',
        code: 'include/not-found',
        message: `cannot find the included file '${inc.path}'`,
        span: inc.span,
        notes: [`looked in: ${[...new Set(isAbsolute(inc.path) ? [dirname(inc.path)] : dirs)].join(', ')}`],
        ...where,
      });
      return undefined;
    }
    if (this.chain.includes(path)) {
      this.diagnostics.push({
        severity: 'error',
        code: 'include/cycle',
        message: `'${inc.path}' includes itself: ${[...this.chain.slice(this.chain.indexOf(path)), path].join(' -> ')}`,
        span: inc.span,
        ...where,
      });
      return undefined;
    }
    this.sources[path] = text;
    const fragment = parseFragment(text, kind);
    for (const d of fragment.diagnostics) this.diagnostics.push({ ...d, file: path });
    if (fragment.diagnostics.some((d) => d.severity === 'error')) return undefined;
    markFile(fragment.program ?? fragment.items, path);
    if (fragment.program) {
      this.program(fragment.program, path);
    } else if (fragment.items) {
      this.chain.push(path);
      fragment.items = this.items(fragment.items, path, kind);
      this.chain.pop();
    }
    return fragment;
  }
}

/** Set `file` on every span under `node`. */
function markFile(node: unknown, file: string): void {
  if (Array.isArray(node)) {
    for (const x of node) markFile(x, file);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  if (isSpan(obj)) {
    (obj as unknown as A.Span).file = file;
    return;
  }
  for (const value of Object.values(obj)) markFile(value, file);
}

function isSpan(obj: Record<string, unknown>): boolean {
  const start = obj.start as Record<string, unknown> | undefined;
  return start !== undefined && typeof start === 'object' && typeof start.offset === 'number' && 'end' in obj;
}
