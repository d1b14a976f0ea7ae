// How much data each group has, when the data say: the number of observations indexed to the
// group (`PARAM[group]`, `PARAM[county[i]]`), or the number of binomial trials of the group.
import type { Expr, Program, Stmt, VarDecl } from '../frontend/ast.js';
import { findBlock } from '../frontend/ast.js';
import { forEachStmt, rootName } from '../lower/scan.js';

export interface GroupSizes {
  sizes: number[];
  /** What the sizes count, for the table and the plot's legend. */
  label: string;
}

const BINOMIAL = new Set(['binomial', 'binomial_logit', 'beta_binomial', 'binomial_logit_glm']);

function walkExprs(node: unknown, visit: (e: Expr) => void): void {
  if (Array.isArray(node)) {
    for (const x of node) walkExprs(x, visit);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (typeof o.kind === 'string' && 'span' in o) visit(o as unknown as Expr);
  for (const [key, value] of Object.entries(o)) {
    if (key === 'span' || key === 'resolved' || (key === 'type' && (value as { kind?: string })?.kind !== 'DeclType')) continue;
    walkExprs(value, visit);
  }
}

function mentions(e: Expr, name: string): boolean {
  let found = false;
  walkExprs(e, (x) => {
    if (x.kind === 'Variable' && x.name === name) found = true;
  });
  return found;
}

function intArray(data: Record<string, unknown>, name: string): number[] | undefined {
  const v = data[name];
  return Array.isArray(v) && v.every((x) => Number.isInteger(x)) ? (v as number[]) : undefined;
}

/** Group sizes of PARAM (J groups) from the program's use of its data, or undefined when it cannot tell. */
export function groupSizes(program: Program, data: Record<string, unknown>, param: string, J: number): GroupSizes | undefined {
  const dataDecls = new Map(
    (findBlock(program, 'data')?.items ?? []).filter((s): s is VarDecl => s.kind === 'VarDecl').map((d) => [d.name, d]),
  );
  const isIntData = (name: string | undefined) => !!name && dataDecls.get(name)?.type.base === 'int';
  const all = program.blocks.flatMap((b) => b.items);

  // 1. An integer data array used as PARAM's index: count each group's observations.
  let indexName: string | undefined;
  walkExprs(all, (e) => {
    if (indexName || e.kind !== 'Indexed' || rootName(e.target) !== param || e.target.kind !== 'Variable') return;
    const first = e.indices[0];
    if (first?.kind !== 'Single') return;
    const name = rootName(first.expr);
    if (isIntData(name) && dataDecls.get(name!)!.arrayDims.length === 1) indexName = name;
  });
  const index = indexName ? intArray(data, indexName) : undefined;
  if (index && index.length !== J && index.every((k) => k >= 1 && k <= J)) {
    const sizes = new Array<number>(J).fill(0);
    for (const k of index) sizes[k - 1]++;
    return { sizes, label: `observations per group (${indexName})` };
  }

  // 2. Binomial trials of a likelihood whose probability involves PARAM.
  let trials: string | undefined;
  forEachStmt(all.filter((s): s is Stmt => s.kind !== 'FunctionDef'), (s) => {
    if (trials || s.kind !== 'Tilde' || !BINOMIAL.has(s.distribution)) return;
    const [n, ...rest] = s.args;
    if (rest.some((a) => mentions(a, param)) && n?.kind === 'Variable' && isIntData(n.name)) trials = n.name;
  });
  if (trials) {
    const v = data[trials];
    if (Number.isInteger(v)) return { sizes: new Array<number>(J).fill(v as number), label: `trials per group (${trials})` };
    const arr = intArray(data, trials);
    if (arr && arr.length === J) return { sizes: arr, label: `trials per group (${trials})` };
  }
  return undefined;
}
