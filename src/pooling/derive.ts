// Deriving the no-pooling and complete-pooling variants of a hierarchical program from the prior
// on its group parameter, by editing the program's text at the spans of the statements involved.
//
// Supported (PARAM a one-dimensional `vector`, `row_vector` or `array[] real` of group effects, MU
// and TAU scalar parameters):
//   centered           PARAM ~ normal(MU, TAU);   (or another location-scale family)
//   offset-multiplier  vector<offset=MU, multiplier=TAU>[J] PARAM;  PARAM ~ normal(MU, TAU);
//   transformed        PARAM = MU + TAU * Z;  in transformed parameters, with Z ~ std_normal()
//                      or Z ~ normal(0, 1)
// Complete pooling fixes every PARAM[j] to MU (a transformed parameter `rep_vector(MU, J)`);
// no pooling gives every PARAM[j] an independent normal(0, WIDE) prior (or none: flat). Parameters
// that only served the hierarchy (TAU, Z, and MU for no pooling) are dropped with their priors.
import type { Expr, Program, Span, Stmt, Tilde, VarDecl, BlockName } from '../frontend/ast.js';
import { findBlock } from '../frontend/ast.js';
import { parse } from '../frontend/parse.js';
import { formatDiagnostics } from '../frontend/diagnostic.js';
import { hierarchicalPriors, matchAffine, type HierarchicalPrior } from '../lower/hierarchy.js';
import { forEachStmt, rootName } from '../lower/scan.js';
import { references, type Reference } from './references.js';
import { SourceEdits } from './source-edits.js';

export class PoolingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoolingError';
  }
}

export const SUPPORTED_FORMS = [
  'PARAM ~ normal(MU, TAU);  with PARAM a parameter vector/array (other location-scale families too)',
  'vector<offset=MU, multiplier=TAU>[J] PARAM;  with  PARAM ~ normal(MU, TAU);',
  'vector[J] PARAM = MU + TAU * Z;  in transformed parameters, with  Z ~ std_normal();',
];

/** The prior of each group effect in the no-pooling variant: normal(0, sd), or `flat` (none). */
export type WideSd = number | 'flat';

export interface DerivedVariant {
  /** The variant program's text. */
  source: string;
  /** What the variant is, in words: `every theta[j] equals mu (complete pooling)`. */
  summary: string;
  /** What the derivation did, in words (one line each). */
  notes: string[];
}

/** What a derivation needs to know about the group parameter's hierarchy. */
export interface GroupPrior {
  param: string;
  form: HierarchicalPrior['form'];
  distribution: string;
  location: string;
  scale: string;
  /** The group size expression as written, e.g. `J`. */
  sizeText: string;
  /** The non-centered standard-normal parameter (transformed form only). */
  z?: string;
}

interface Analysis extends GroupPrior {
  source: string;
  program: Program;
  refs: Reference[];
  decl: VarDecl;
  /** The hierarchical `~` statement (centered and offset-multiplier forms). */
  tilde?: Tilde;
  /** The non-centered parameter's `Z ~ std_normal()` statement. */
  zPrior?: Stmt;
}

function list(items: readonly string[]): string {
  return items.map((s) => `  ${s}`).join('\n');
}

function unsupported(param: string, why: string): PoolingError {
  return new PoolingError(
    `cannot derive pooling variants for '${param}': ${why}.\n` +
      `hstan derives them from these forms of the group prior:\n${list(SUPPORTED_FORMS)}\n` +
      `For other models give the variants as files: --no-pooling FILE --complete-pooling FILE.`,
  );
}

function decls(program: Program, block: BlockName): VarDecl[] {
  return (findBlock(program, block)?.items ?? []).filter((s): s is VarDecl => s.kind === 'VarDecl');
}

function varName(e: Expr | undefined): string | undefined {
  if (!e) return undefined;
  if (e.kind === 'Paren') return varName(e.expr);
  return e.kind === 'Variable' ? e.name : undefined;
}

function isScalarReal(d: VarDecl | undefined): boolean {
  return !!d && d.type.base === 'real' && d.arrayDims.length === 0;
}

/** A vector, row vector or one-dimensional real array: its size expression. */
function groupSize(d: VarDecl): Expr | undefined {
  if (d.arrayDims.length === 1 && d.type.base === 'real') return d.arrayDims[0];
  if (d.arrayDims.length === 0 && (d.type.base === 'vector' || d.type.base === 'row_vector')) return d.type.sizes[0];
  return undefined;
}

function isLiteral(e: Expr | undefined, value: number): boolean {
  if (!e) return false;
  if (e.kind === 'Paren') return isLiteral(e.expr, value);
  return (e.kind === 'IntLiteral' || e.kind === 'RealLiteral') && e.value === value;
}

function text(source: string, span: Span): string {
  return source.slice(span.start.offset, span.end.offset);
}

function parseProgram(source: string, filename: string): Program {
  const parsed = parse(source, { filename });
  if (!parsed.ast) throw new PoolingError(formatDiagnostics(parsed.diagnostics, source, filename));
  return parsed.ast;
}

/** Top-level model statements that state a prior on `name` alone: `name ~ ...`, `target += f_lpdf(name | ...)`. */
function ownPriors(program: Program, name: string): Stmt[] {
  const model = (findBlock(program, 'model')?.items ?? []) as Stmt[];
  return model.filter((s) => {
    if (s.kind === 'Tilde') return varName(s.lhs) === name;
    if (s.kind === 'TargetPlus' && s.expr.kind === 'Call' && s.expr.conditional) return varName(s.expr.args[0]) === name;
    return false;
  });
}

/** Why no hierarchical prior was found: quote the prior the program does state, if any. */
function describePrior(program: Program, source: string, param: string, filename: string): string {
  const stated: Tilde[] = [];
  forEachStmt((findBlock(program, 'model')?.items ?? []) as Stmt[], (s) => {
    if (s.kind === 'Tilde' && rootName(s.lhs) === param) stated.push(s);
  });
  if (stated.length === 0) return `${filename} states no prior on it with '~'`;
  const s = stated[0];
  const quoted = `'${text(source, s.span)}' (line ${s.span.start.line})`;
  if (varName(s.lhs) !== param) return `its prior ${quoted} is stated element by element; write it for the whole container`;
  return `its prior ${quoted} is not a location-scale prior whose scale is a parameter`;
}

/**
 * PARAM's hierarchical prior as `hierarchicalPriors` finds it, with the roles in `Z * TAU` read
 * from the declarations: the syntax alone cannot tell which factor is the scale.
 */
export function groupHierarchy(program: Program, param: string): (HierarchicalPrior & { z?: string }) | undefined {
  const h = hierarchicalPriors(program).find((x) => x.effect === param);
  if (!h || h.form !== 'transformed') return h;
  const decl = decls(program, 'transformed parameters').find((d) => d.name === param);
  const m = decl?.init && matchAffine(decl.init);
  if (!m) return h;
  const params = new Map(decls(program, 'parameters').map((d) => [d.name, d]));
  const swap = isScalarReal(params.get(m.z)) && !isScalarReal(params.get(m.scale));
  return { ...h, scale: swap ? m.z : m.scale, z: swap ? m.scale : m.z };
}

/** Find PARAM's hierarchical prior and check it is a form the derivations handle. */
export function analyzeGroupPrior(source: string, param: string, filename = '<input>'): GroupPrior {
  const a = analyze(source, param, filename);
  return { param, form: a.form, distribution: a.distribution, location: a.location, scale: a.scale, sizeText: a.sizeText, z: a.z };
}

function analyze(source: string, param: string, filename: string): Analysis {
  const program = parseProgram(source, filename);
  const params = new Map(decls(program, 'parameters').map((d) => [d.name, d]));
  const tps = new Map(decls(program, 'transformed parameters').map((d) => [d.name, d]));
  const decl = params.get(param) ?? tps.get(param);
  if (!decl) {
    const known = [...params.keys(), ...tps.keys()];
    throw new PoolingError(
      `'${param}' is not a parameter or transformed parameter of ${filename}` +
        (known.length ? `; it has ${known.join(', ')}` : ''),
    );
  }
  const h = groupHierarchy(program, param);
  if (!h) throw unsupported(param, describePrior(program, source, param, filename));
  const size = groupSize(decl);
  if (!size) throw unsupported(param, `it is declared '${text(source, decl.type.span)}'${decl.arrayDims.length ? ' with array dimensions' : ''}, not a vector or a one-dimensional real array`);
  if (!h.location) throw unsupported(param, 'the location of its prior is not a single variable (complete pooling needs a shared parameter to pool to)');
  if (!isScalarReal(params.get(h.location))) throw unsupported(param, `the location '${h.location}' of its prior is not a scalar real parameter`);
  if (!isScalarReal(params.get(h.scale))) throw unsupported(param, `the scale '${h.scale}' of its prior is not a scalar real parameter`);
  const base: Analysis = {
    param, form: h.form, distribution: h.distribution, location: h.location, scale: h.scale,
    sizeText: text(source, size.span), source, program, refs: references(program), decl,
  };
  if (h.form === 'transformed') {
    const z = h.z!;
    const zDecl = params.get(z);
    if (!zDecl || !groupSize(zDecl)) throw unsupported(param, `'${z}' in '${text(source, decl.init!.span)}' is not a parameter vector`);
    const zPriors = ownPriors(program, z);
    const standard = zPriors.find(
      (s) => s.kind === 'Tilde' && (s.distribution === 'std_normal' || (s.distribution === 'normal' && isLiteral(s.args[0], 0) && isLiteral(s.args[1], 1))),
    );
    if (!standard || zPriors.length !== 1) throw unsupported(param, `'${z}' needs exactly one prior, '${z} ~ std_normal();'`);
    return { ...base, z, zPrior: standard };
  }
  const model = (findBlock(program, 'model')?.items ?? []) as Stmt[];
  const tilde = model.find(
    (s): s is Tilde => s.kind === 'Tilde' && varName(s.lhs) === param && s.distribution === h.distribution && s.args.some((a) => varName(a) === h.scale),
  );
  if (!tilde) throw unsupported(param, `its prior '${param} ~ ${h.distribution}(...)' is inside a loop or conditional, not a top-level model statement`);
  return { ...base, tilde };
}

/**
 * Drops parameters that only served the hierarchy: their declarations and priors go, and so do
 * the generated quantities that read them (and what reads those). A parameter still used by the
 * model or transformed parameters is kept, and a note says so.
 */
function dropUnused(a: Analysis, edits: SourceEdits, candidates: string[], notes: string[]): void {
  const params = new Map(decls(a.program, 'parameters').map((d) => [d.name, d]));
  const gqDecls = new Map(decls(a.program, 'generated quantities').map((d) => [d.name, d]));
  const queue = [...new Set(candidates)];
  const done = new Set<string>();
  const droppedGq: string[] = [];
  while (queue.length) {
    const name = queue.shift()!;
    if (done.has(name)) continue;
    done.add(name);
    const decl = params.get(name) ?? gqDecls.get(name);
    if (!decl) continue;
    const priors = params.has(name) ? ownPriors(a.program, name) : [];
    const within = (r: Reference) =>
      edits.covers(r.offset) ||
      (r.offset >= decl.span.start.offset && r.offset < decl.span.end.offset) ||
      priors.some((p) => r.offset >= p.span.start.offset && r.offset < p.span.end.offset);
    const uses = a.refs.filter((r) => r.name === name && !within(r));
    const needed = uses.find((r) => r.block !== 'generated quantities');
    if (needed) {
      const line = a.source.slice(0, needed.offset).split('\n').length;
      notes.push(`kept ${name}: the ${needed.block} block still uses it (line ${line})`);
      continue;
    }
    edits.remove(decl.span);
    for (const p of priors) edits.remove(p.span);
    if (params.has(name)) notes.push(`removed parameter ${name}${priors.length ? ' and its prior' : ''}`);
    else droppedGq.push(name);
    for (const r of uses) {
      // A generated quantity that reads a dropped variable goes with it.
      edits.remove(r.item.span);
      if (r.item.kind === 'VarDecl') queue.push(r.item.name);
      else if (!droppedGq.includes('(statements)')) droppedGq.push('(statements)');
    }
  }
  const gq = findBlock(a.program, 'generated quantities');
  if (gq && gq.items.length > 0 && gq.items.every((s) => edits.covers(s.span.start.offset))) edits.remove(gq.span);
  const named = droppedGq.filter((n) => n !== '(statements)');
  if (droppedGq.length) {
    notes.push(`removed generated quantities that read dropped parameters${named.length ? `: ${named.join(', ')}` : ''}`);
  }
}

function header(kind: string, filename: string, param: string, what: string): string {
  return `// ${kind} variant of ${filename.replace(/^.*[\\/]/, '')}, derived by \`hstan pooling --group ${param}\`:\n// ${what}.\n`;
}

/** Other parameters in the hierarchical prior's arguments (e.g. student_t's degrees of freedom). */
function priorArgParams(a: Analysis): string[] {
  const params = new Set(decls(a.program, 'parameters').map((d) => d.name));
  const args = a.tilde ? a.tilde.args : [];
  return args.map(varName).filter((n): n is string => !!n && params.has(n));
}

/** Every PARAM[j] fixed to the population location. */
export function deriveCompletePooling(source: string, param: string, filename = '<input>'): DerivedVariant {
  const a = analyze(source, param, filename);
  const edits = new SourceEdits(source);
  const notes: string[] = [];
  const fill = completeFill(a);
  if (a.form === 'transformed') {
    edits.replace(a.decl.init!.span, fill);
    notes.push(`${param} = ${fill} (was ${text(source, a.decl.init!.span)})`);
    dropUnused(a, edits, [a.z!, a.scale], notes);
  } else {
    edits.remove(a.decl.span);
    edits.remove(a.tilde!.span);
    insertTransformed(a, edits, `${declType(a)} ${param} = ${fill}; // complete pooling: every group shares ${a.location}`);
    notes.push(`${param} is now a transformed parameter, ${fill}; its prior '${text(source, a.tilde!.span)}' is removed`);
    dropUnused(a, edits, priorArgParams(a).filter((n) => n !== a.location), notes);
  }
  const what = `every ${param}[j] equals ${a.location} (complete pooling)`;
  return { source: header('Complete-pooling', filename, param, what) + edits.apply(), summary: what, notes };
}

/** Every PARAM[j] with its own wide prior, learning nothing from the other groups. */
export function deriveNoPooling(source: string, param: string, wideSd: WideSd, filename = '<input>'): DerivedVariant {
  if (wideSd !== 'flat' && !(Number.isFinite(wideSd) && wideSd > 0)) {
    throw new PoolingError(`the no-pooling prior sd must be a positive number or 'flat', got '${wideSd}'`);
  }
  const a = analyze(source, param, filename);
  const edits = new SourceEdits(source);
  const notes: string[] = [];
  const sd = wideSd === 'flat' ? '' : literal(wideSd);
  let what: string;
  if (a.form === 'transformed') {
    const init = wideSd === 'flat' ? a.z! : `${sd} * ${a.z}`;
    edits.replace(a.decl.init!.span, init);
    if (wideSd === 'flat') edits.remove(a.zPrior!.span);
    notes.push(`${param} = ${init} (was ${text(source, a.decl.init!.span)})${wideSd === 'flat' ? `; ${a.z}'s prior removed (flat)` : ''}`);
    what = wideSd === 'flat' ? `every ${param}[j] has a flat prior (no pooling)` : `every ${param}[j] ~ normal(0, ${sd}) independently (no pooling)`;
  } else {
    const old = text(source, a.tilde!.span);
    if (wideSd === 'flat') {
      edits.remove(a.tilde!.span);
      notes.push(`removed '${old}': ${param} has a flat prior`);
      what = `every ${param}[j] has a flat prior (no pooling)`;
    } else {
      edits.replace(a.tilde!.span, `${text(source, a.tilde!.lhs.span)} ~ normal(0, ${sd});`);
      notes.push(`'${old}' became '${param} ~ normal(0, ${sd})'`);
      what = `every ${param}[j] ~ normal(0, ${sd}) independently (no pooling)`;
    }
    const b = a.decl.type.bounds;
    if (b && (b.offset || b.multiplier)) {
      edits.replace(b.span, '');
      notes.push(`removed <${text(source, b.span).replace(/^<|>$/g, '')}> from the declaration of ${param}`);
    }
  }
  dropUnused(a, edits, [a.scale, a.location, ...priorArgParams(a)], notes);
  return { source: header('No-pooling', filename, param, what) + edits.apply(), summary: what, notes };
}

/** A number as Stan source (an int literal is fine as a scale): 100, 2.5, 1e-8. */
function literal(x: number): string {
  return String(Number(x.toPrecision(6))).replace('e+', 'e');
}

function completeFill(a: Analysis): string {
  const base = a.decl.type.base;
  if (a.decl.arrayDims.length === 1) return `rep_array(${a.location}, ${a.sizeText})`;
  return `${base === 'row_vector' ? 'rep_row_vector' : 'rep_vector'}(${a.location}, ${a.sizeText})`;
}

/** PARAM's declared type without offset/multiplier (which name dropped parameters). */
function declType(a: Analysis): string {
  const b = a.decl.type.bounds;
  const keep = b && (b.lower || b.upper) ? text(a.source, b.span) : '';
  if (a.decl.arrayDims.length === 1) return `array[${a.sizeText}] real${keep}`;
  return `${a.decl.type.base}${keep}[${a.sizeText}]`;
}

/** Add a declaration at the top of transformed parameters (creating the block if needed). */
function insertTransformed(a: Analysis, edits: SourceEdits, line: string): void {
  const tp = findBlock(a.program, 'transformed parameters');
  if (tp) {
    const open = a.source.indexOf('{', tp.span.start.offset);
    edits.insert(open + 1, `\n  ${line}`);
    return;
  }
  const params = findBlock(a.program, 'parameters')!;
  // Separate the new block from its neighbours as the program separates its blocks.
  const gap = /^\r?\n[ \t]*\r?\n/.test(a.source.slice(params.span.end.offset)) ? '\n\n' : '\n';
  edits.insert(params.span.end.offset, `${gap}transformed parameters {\n  ${line}\n}`);
}
