// Every fixture model type-checks clean, every expression in it gets a type and an origin, and
// the facts the lowering relies on (resolved densities, origins of locals) are Stan's.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '../src/frontend/parse.js';
import { check } from '../src/check/index.js';
import type { Expr, Program, Stmt, Tilde, VarDecl, Index } from '../src/frontend/ast.js';
import { showType } from '../src/check/types.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'logprob');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ name: f.replace(/\.json$/, ''), model: (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { model: string }).model }));

/** Every expression node, depth first, with statements visited in order. */
function expressions(program: Program): Expr[] {
  const out: Expr[] = [];
  const expr = (e: Expr | undefined): void => {
    if (!e) return;
    out.push(e);
    switch (e.kind) {
      case 'Unary':
      case 'Transpose':
        return expr(e.operand);
      case 'Binary':
        expr(e.left);
        return expr(e.right);
      case 'Conditional':
        expr(e.condition);
        expr(e.then);
        return expr(e.otherwise);
      case 'Indexed':
        expr(e.target);
        return e.indices.forEach(index);
      case 'Call':
        return e.args.forEach(expr);
      case 'ArrayExpr':
      case 'RowVectorExpr':
      case 'TupleExpr':
        return e.elements.forEach(expr);
      case 'TupleProjection':
        return expr(e.target);
      case 'Paren':
        return expr(e.expr);
      default:
        return;
    }
  };
  const index = (i: Index): void => {
    if (i.kind === 'Single') expr(i.expr);
    else {
      expr(i.lower);
      expr(i.upper);
    }
  };
  const decl = (d: VarDecl): void => {
    d.type.sizes.forEach(expr);
    d.arrayDims.forEach(expr);
    const b = d.type.bounds;
    if (b) [b.lower, b.upper, b.offset, b.multiplier].forEach(expr);
    expr(d.init);
  };
  const stmt = (s: Stmt): void => {
    switch (s.kind) {
      case 'VarDecl':
        return decl(s);
      case 'Assign':
        expr(s.target);
        return expr(s.value);
      case 'Tilde':
        expr(s.lhs);
        s.args.forEach(expr);
        expr(s.truncation?.lower);
        return expr(s.truncation?.upper);
      case 'TargetPlus':
      case 'JacobianPlus':
        return expr(s.expr);
      case 'For':
        expr(s.lower);
        expr(s.upper);
        return stmt(s.body);
      case 'ForEach':
        expr(s.collection);
        return stmt(s.body);
      case 'While':
        expr(s.condition);
        return stmt(s.body);
      case 'If':
        expr(s.condition);
        stmt(s.then);
        if (s.otherwise) stmt(s.otherwise);
        return;
      case 'Return':
        return expr(s.value);
      case 'Print':
      case 'Reject':
      case 'FatalError':
        return s.args.filter((a) => a.kind !== 'StringLiteral').forEach(expr);
      case 'Block':
        return s.statements.forEach(stmt);
      case 'Profile':
        return s.body.statements.forEach(stmt);
      case 'CallStmt':
        return expr(s.call);
      default:
        return;
    }
  };
  for (const block of program.blocks) {
    for (const item of block.items) {
      if (item.kind === 'FunctionDef') item.body?.statements.forEach(stmt);
      else stmt(item);
    }
  }
  return out;
}

function statements(program: Program): Stmt[] {
  const out: Stmt[] = [];
  const walk = (s: Stmt): void => {
    out.push(s);
    if (s.kind === 'Block') s.statements.forEach(walk);
    else if (s.kind === 'For' || s.kind === 'ForEach' || s.kind === 'While') walk(s.body);
    else if (s.kind === 'If') {
      walk(s.then);
      if (s.otherwise) walk(s.otherwise);
    }
  };
  for (const b of program.blocks) for (const i of b.items) if (i.kind !== 'FunctionDef') walk(i);
  return out;
}

function checked(source: string) {
  const parsed = parse(source, { filename: 'm.hstan' });
  expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return check(parsed.ast!, { filename: 'm.hstan' });
}

describe.each(fixtures)('fixture $name', ({ model }) => {
  test('checks clean and annotates every expression', () => {
    const r = checked(model);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.span.start.line}: ${d.message}`)).toEqual([]);
    const missing = expressions(r.program).filter((e) => e.type === undefined || e.origin === undefined);
    expect(missing.map((e) => `${e.kind} at ${e.span.start.line}:${e.span.start.column}`)).toEqual([]);
  });

  test('every ~ statement resolves to a density', () => {
    const r = checked(model);
    for (const s of statements(r.program).filter((s): s is Tilde => s.kind === 'Tilde')) {
      expect(s.resolved?.name).toBe(`${s.distribution}_${s.resolved?.name.endsWith('_lpmf') ? 'lpmf' : 'lpdf'}`);
    }
  });
});

const fixture = (name: string) => fixtures.find((f) => f.name === name)!.model;

/** Resolved density of the `~` statement whose left side is variable `lhs` (the first one). */
function tildeOn(program: Program, lhs: string): Tilde {
  return statements(program).find((s): s is Tilde => s.kind === 'Tilde' && s.lhs.kind === 'Variable' && s.lhs.name === lhs)!;
}

describe('facts about particular fixtures', () => {
  test('eight schools (non-centered): theta = mu + tau * eta is a vector depending on parameters', () => {
    const r = checked(fixture('eight_schools_noncentered'));
    const theta = r.symbols.byName.get('theta')!;
    expect(theta.block).toBe('transformed parameters');
    expect(showType(theta.type)).toBe('vector');
    expect(theta.decl.init?.type).toEqual({ kind: 'vector' });
    expect(theta.decl.init?.origin).toBe('parameter');
    expect(r.symbols.byName.get('y')!.block).toBe('data');
    expect(showType(r.symbols.byName.get('y')!.type)).toBe('array[] real');
    expect(tildeOn(r.program, 'eta').resolved?.name).toBe('std_normal_lpdf');
    expect(tildeOn(r.program, 'y').resolved?.argTypes.map(showType)).toEqual(['array[] real', 'vector', 'array[] real']);
    // J is data, so the size of theta is data.
    expect(theta.declType.sizes[0].origin).toBe('data');
  });

  test('discrete families resolve to _lpmf with int arrays', () => {
    const r = checked(fixture('glm_counts'));
    expect(tildeOn(r.program, 'y').resolved?.name).toBe('poisson_log_lpmf');
    expect(tildeOn(r.program, 'z').resolved?.name).toBe('bernoulli_logit_lpmf');
    expect(tildeOn(r.program, 'y').resolved?.argTypes.map(showType)).toEqual(['array[] int', 'vector']);
  });

  test('radon: a local filled from parameters in a loop is a parameter; loop indices over data are data', () => {
    const r = checked(fixture('radon_loop'));
    const yHat = [...r.symbols.localOrigins.entries()].find(([d]) => d.name === 'y_hat');
    expect(yHat?.[1]).toBe('parameter');
    const loops = statements(r.program).filter((s) => s.kind === 'For');
    for (const l of loops) if (l.kind === 'For') expect(l.upper.origin).toBe('data');
    // a[county[i]]: an int-array index read from data, single index
    const idx = expressions(r.program).find((e) => e.kind === 'Indexed' && e.target.kind === 'Variable' && e.target.name === 'county');
    expect(idx?.type).toEqual({ kind: 'int' });
    expect(idx?.origin).toBe('data');
  });

  test('functions_control: user density via ~, the int counter stays data, the accumulator becomes a parameter', () => {
    const r = checked(fixture('functions_control'));
    const t = tildeOn(r.program, 'y_mean');
    expect(t.resolved).toMatchObject({ source: 'user', name: 'my_normal_lpdf', signature: 0 });
    const origins = new Map([...r.symbols.localOrigins.entries()].map(([d, o]) => [d.name, o]));
    expect(origins.get('k')).toBe('data');
    expect(origins.get('acc')).toBe('parameter');
    // Reads of acc before its first parameter assignment (in source order) are fixed up too.
    const accReads = expressions(r.program).filter((e) => e.kind === 'Variable' && e.name === 'acc');
    expect(accReads.length).toBeGreaterThan(0);
    for (const e of accReads) expect(e.origin).toBe('parameter');
    expect(r.symbols.functions.map((f) => f.name).sort()).toEqual(['center', 'half_sq', 'my_normal_lpdf']);
    expect(t.resolved?.argTypes.map(showType)).toEqual(['real', 'real', 'real']);
  });

  test('partial pooling: mu[group] is a multi-index keeping the vector', () => {
    const r = checked(fixture('partial_pooling_groups'));
    const e = expressions(r.program).find((x) => x.kind === 'Indexed' && x.target.kind === 'Variable' && x.target.name === 'mu');
    expect(e?.type).toEqual({ kind: 'vector' });
    expect(e?.kind === 'Indexed' && e.indices[0].kind === 'Single' && e.indices[0].multi).toBe(true);
  });

  test('ordinal: u - [0.5, 0.5, 0.5]\' is a vector; categorical_logit resolves per element', () => {
    const r = checked(fixture('ordinal_categorical'));
    const tr = expressions(r.program).find((x) => x.kind === 'Transpose');
    expect(tr?.type).toEqual({ kind: 'vector' });
    const rv = expressions(r.program).find((x) => x.kind === 'RowVectorExpr');
    expect(rv?.type).toEqual({ kind: 'row_vector' });
    expect(rv?.origin).toBe('data');
  });

  test('multivariate: constrained parameters are matrices/vectors and resolve to multivariate densities', () => {
    const r = checked(fixture('multivariate'));
    expect(showType(r.symbols.byName.get('L_Omega')!.type)).toBe('matrix');
    expect(showType(r.symbols.byName.get('w')!.type)).toBe('vector');
    expect(r.symbols.byName.get('L_Omega')!.declType.base).toBe('cholesky_factor_corr');
    expect(tildeOn(r.program, 'y').resolved?.name).toBe('multi_normal_cholesky_lpdf');
    expect(tildeOn(r.program, 'Sigma').resolved?.name).toBe('inv_wishart_lpdf');
  });

  test('gp: the covariance local depends on parameters', () => {
    const r = checked(fixture('gp_regression'));
    const origins = new Map([...r.symbols.localOrigins.entries()].map(([d, o]) => [d.name, o]));
    expect(origins.get('K')).toBe('parameter');
    expect(origins.get('L_K')).toBe('parameter');
  });
});
