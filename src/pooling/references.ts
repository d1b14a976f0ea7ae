// Where each variable is read in a program: every `Variable` node, with the block and the
// top-level statement it sits in, so a derivation can tell whether a parameter it drops is used
// anywhere else.
import type { BlockName, Program, Stmt, FunctionDef } from '../frontend/ast.js';

export interface Reference {
  name: string;
  /** Offset of the reference in the source. */
  offset: number;
  block: BlockName;
  /** The top-level item of the block that contains it. */
  item: Stmt | FunctionDef;
}

/** Keys that hold no program text: spans, and the checker's type annotations. */
const SKIP = new Set(['span', 'nameSpan', 'variableSpan', 'distributionSpan', 'resolved', 'origin']);

function visit(node: unknown, found: (name: string, offset: number) => void): void {
  if (Array.isArray(node)) {
    for (const x of node) visit(x, found);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (o.kind === 'Variable' && typeof o.name === 'string') {
    found(o.name, (o.span as { start: { offset: number } }).start.offset);
    return;
  }
  for (const [key, value] of Object.entries(o)) {
    if (SKIP.has(key)) continue;
    // `type` is a declaration's written type (walk it: sizes, bounds) or an expression's
    // checked StanType (no program text).
    if (key === 'type' && (value as { kind?: string } | undefined)?.kind !== 'DeclType' && (value as { kind?: string } | undefined)?.kind !== 'FunType') continue;
    visit(value, found);
  }
}

/** Every variable reference in the program, in source order. */
export function references(program: Program): Reference[] {
  const out: Reference[] = [];
  for (const block of program.blocks) {
    for (const item of block.items) {
      visit(item, (name, offset) => out.push({ name, offset, block: block.name, item }));
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}
