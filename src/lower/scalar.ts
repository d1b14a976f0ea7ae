// Lowering to the scalar backend (src/runtime/scalar): the transformed parameters and model
// blocks as one function over a single chain, where every active real is a tape node and
// loops stay loops. Each op is a few typed-array writes, so a scalar loop over N costs O(N)
// cheap steps instead of N dispatches of batched ops.
//
// Data-only code (whole statements or sub-expressions) is lowered by the batched generator,
// which runs it on data values as it does in transformed data. Activity is static: parameters,
// transformed parameters and every local that is ever assigned an active value are active.
// Built-ins run natively when they have a scalar form (element kernels, univariate densities)
// and through the bridge otherwise; constructs this lowering does not know make the whole
// program fall back to the batched density (`scalarDensity` is then left out).
import type { Expr, Stmt, VarDecl, Index, Call, Tilde } from '../frontend/ast.js';
import type { StanType } from '../check/types.js';
import { varName, str, Writer } from './emit.js';
import { forEachStmt, readsOf, rootName, walkExpr } from './scan.js';
import { builtin } from '../../stdlib/impl/index.js';
import type { WithScalarForm } from '../../stdlib/impl/types.js';
import type { CodeGenerator } from './codegen.js';

/** A construct the scalar lowering does not handle: the program keeps the batched density. */
export class Unsupported extends Error {}

type Mode = 'd' | 's' | 'c';

const REAL_KINDS = new Set(['real', 'vector', 'row_vector', 'matrix']);

function typeOf(e: Expr): StanType {
  if (!e.type) throw new Unsupported('untyped expression');
  return e.type;
}

function realValued(t: StanType): boolean {
  if (t.kind === 'array') return realValued(t.element);
  return REAL_KINDS.has(t.kind);
}

const isScalarType = (t: StanType) => t.kind === 'int' || t.kind === 'real';

/** The scalar form (element kernel or density spec) of a built-in, if it has one. */
export function scalarForm(name: string) {
  return (builtin(name) as WithScalarForm | undefined)?.scalar;
}

export class ScalarGenerator {
  private readonly w = new Writer();
  private readonly active = new Set<string>();
  private readonly kernels = new Map<string, string>();
  /** Module constants (kernels, densities, shapes) by their code, each bound once. */
  private readonly constants = new Map<string, string>();
  private readonly header: string[] = [];
  private tmp = 0;
  /**
   * Inside a lifted fill loop: the typed array and size of each one-dimensional container the
   * loop reads by element, bound to consts before the loop, so element reads are inline checks
   * and loads whatever V8 decides to inline (a call per read made radon's loop 1.5× slower in
   * some processes).
   */
  private hoisted: Map<string, { arr: string; n: string }> | null = null;

  constructor(
    private readonly base: CodeGenerator,
    private readonly params: VarDecl[],
    private readonly tp: Stmt[],
    /** The model block, or generated quantities when `generate`. */
    private readonly model: Stmt[],
    private readonly generate = false,
  ) {}

  /**
   * The text of `function scalarParamsTP($jacobian) {...}` (parameters and transformed
   * parameters, returned in declaration order) and `function scalarDensity($jacobian) {...}`
   * (which calls it, then runs the model block); or, with `generate`, of
   * `function scalarGenerate() {...}` returning every output's value. With `shared`,
   * scalarGenerate calls the density's scalarParamsTP instead of a copy of its own: code that
   * every leapfrog step has made hot, where a copy would start cold when sampling starts and
   * run slow for many of the draws. Throws Unsupported.
   */
  lower(shared = false): string {
    for (const p of this.params) this.active.add(p.name);
    for (const s of this.tp) if (s.kind === 'VarDecl') this.active.add(s.name);
    this.inferActivity([...this.tp, ...this.model]);
    const w = this.w;
    const names = [...this.params, ...this.tp].filter((s): s is VarDecl => s.kind === 'VarDecl').map((d) => varName(d.name));
    if (!this.generate || !shared) {
      w.open(this.generate ? 'function scalarGenerateParamsTP($jacobian) {' : 'function scalarParamsTP($jacobian) {');
      w.line('const S = $.S, T = S.T;');
      this.params.forEach((p, i) => {
        const b = p.type.bounds;
        const dataBounds = !b || [b.lower, b.upper, b.offset, b.multiplier].every((e) => !e || !this.needsScalar(e));
        const bounds = dataBounds ? 'null' : this.boundsAV(p);
        w.line(`const ${varName(p.name)} = S.param($layout.entries[${i}], ${bounds}, $jacobian);`);
      });
      for (const s of this.tp) this.stmt(s);
      for (const s of this.tp) if (s.kind === 'VarDecl') this.checkDeclared(s, 'transformed parameters');
      w.line(`return [${names.join(', ')}];`);
      w.close();
    }
    w.open(this.generate ? 'function scalarGenerate() {' : 'function scalarDensity($jacobian) {');
    w.line('const S = $.S, T = S.T;');
    if (this.generate) w.line('const $jacobian = false;');
    const from = this.generate && !shared ? 'scalarGenerateParamsTP' : 'scalarParamsTP';
    // Indexed reads, not destructuring (which goes through the iterator protocol).
    w.line(`const $ptp = ${from}($jacobian);`);
    names.forEach((n, i) => w.line(`const ${n} = $ptp[${i}];`));
    for (const s of this.model) this.stmt(s);
    if (this.generate) {
      for (const s of this.model) if (s.kind === 'VarDecl') this.checkDeclared(s, 'generated quantities');
      // Each output's value: numbers and tensors as the batched generate returns them, and
      // active containers as they are (their values stay on the tape until the row is written).
      const outs = [...this.params, ...this.tp, ...this.model].filter((s): s is VarDecl => s.kind === 'VarDecl');
      w.line(`return [${outs.map((o) => {
        const v = varName(o.name);
        return this.active.has(o.name) && o.arrayDims.length === 0 && o.type.base === 'real' ? `S.v(${v})` : v;
      }).join(', ')}];`);
    }
    w.close();
    const { code, names: runtime } = bindRuntimeNames(w.toString());
    const bound = [...runtime].sort().map((n) => `const S_${n} = $.S.${n};`);
    return [...this.header, ...bound, code].join('\n');
  }

  // -------------------------------------------------------------------------
  // Activity

  private inferActivity(stmts: Stmt[]): void {
    for (let changed = true; changed; ) {
      changed = false;
      forEachStmt(stmts, (s) => {
        let name: string | undefined;
        let value: Expr | undefined;
        if (s.kind === 'VarDecl' && s.init) [name, value] = [s.name, s.init];
        else if (s.kind === 'Assign') [name, value] = [rootName(s.target), s.value];
        else if (s.kind === 'ForEach') [name, value] = [s.variable, s.collection];
        if (!name || !value || this.active.has(name)) return;
        if (this.isActive(value)) {
          this.active.add(name);
          changed = true;
        }
      });
    }
  }

  /** Reads an active variable (so the batched generator cannot lower it). */
  private needsScalar(e: Expr): boolean {
    for (const n of readsOf(e)) if (this.active.has(n)) return true;
    let lp = false;
    walkExpr(e, (x) => {
      if (x.kind === 'Call') {
        const name = x.resolved?.name ?? x.name;
        if (name === 'target' || name === 'get_lp' || name.endsWith('_lp')) lp = true;
      }
    });
    return lp;
  }

  /** An active value: real-valued and reading active variables. */
  private isActive(e: Expr): boolean {
    return !!e.type && realValued(e.type) && this.needsScalar(e);
  }

  private modeOf(e: Expr): Mode {
    if (!this.isActive(e)) return 'd';
    return isScalarType(typeOf(e)) ? 's' : 'c';
  }

  private stmtNeedsScalar(s: Stmt): boolean {
    let needs = false;
    forEachStmt([s], (x) => {
      switch (x.kind) {
        case 'Tilde':
        case 'TargetPlus':
        case 'JacobianPlus':
          needs = true;
          return;
        case 'VarDecl':
          if (this.active.has(x.name)) needs = true;
          for (const e of [x.init, ...x.arrayDims, ...x.type.sizes]) if (e && this.needsScalar(e)) needs = true;
          return;
        case 'Assign': {
          const n = rootName(x.target);
          if (!n || this.active.has(n) || this.needsScalar(x.value) || this.needsScalar(x.target)) needs = true;
          return;
        }
        default:
          for (const e of stmtExprs(x)) if (this.needsScalar(e)) needs = true;
      }
    });
    return needs;
  }

  // -------------------------------------------------------------------------
  // Statements

  /** Loop nesting depth: loops at depth 0 get a function of their own. */
  private depth = 0;

  private stmt(s: Stmt): void {
    if (s.kind === 'For' && this.stmtNeedsScalar(s) && (this.liftDensityLoop(s) || this.liftAssignLoop(s))) return;
    if ((s.kind === 'For' || s.kind === 'ForEach' || s.kind === 'While') && this.depth === 0 && this.stmtNeedsScalar(s)) {
      // TurboFan inlines calls into a function only up to a budget: one function per top-level
      // loop keeps the tape ops of each loop body inlined (measured 2× on a 919-row loop).
      this.w.open('(() => {');
      this.depth++;
      try {
        this.stmtInner(s);
      } finally {
        this.depth--;
      }
      this.w.close('})();');
      return;
    }
    this.stmtInner(s);
  }

  private stmtInner(s: Stmt): void {
    if (!this.stmtNeedsScalar(s)) {
      this.base.stmtInScalar(s, this.w);
      return;
    }
    const w = this.w;
    switch (s.kind) {
      case 'VarDecl':
        return this.varDecl(s);
      case 'Assign':
        return this.assign(s);
      case 'Tilde':
        return this.tilde(s);
      case 'TargetPlus':
        return this.targetPlus(s.expr, '');
      case 'JacobianPlus':
        return this.targetPlus(s.expr, 'if ($jacobian) ');
      case 'For': {
        const v = varName(s.variable);
        const hi = `$hi${this.tmp++}`;
        w.open(`for (let ${v} = ${this.data(s.lower)}, ${hi} = ${this.data(s.upper)}; ${v} <= ${hi}; ${v}++) {`);
        this.body(s.body);
        w.close();
        return;
      }
      case 'ForEach': {
        const m = this.modeOf(s.collection);
        const v = varName(s.variable);
        const kind = str(typeOf(s.collection).kind);
        if (m === 'd') {
          w.open(`for (const ${v} of $.elements(${this.data(s.collection)}, ${kind})) {`);
        } else {
          const e = `$e${this.tmp++}`;
          w.open(`for (const ${e} of S.elements(${this.av(s.collection)}, ${kind})) {`);
          const elemScalar = this.elementIsScalar(typeOf(s.collection));
          w.line(`const ${v} = ${elemScalar ? `S.unbox(${e})` : e};`);
        }
        this.body(s.body);
        w.close();
        return;
      }
      case 'While':
        w.open(`while (${this.cond(s.condition)}) {`);
        this.body(s.body);
        w.close();
        return;
      case 'If':
        w.open(`if (${this.cond(s.condition)}) {`);
        this.body(s.then);
        if (s.otherwise) {
          w.close('} else {');
          w.open('');
          this.body(s.otherwise);
        }
        w.close();
        return;
      case 'Block':
        w.open('{');
        for (const x of s.statements) this.stmt(x);
        w.close();
        return;
      case 'Profile':
        w.open(`{ // profile ${str(s.name)}`);
        for (const x of s.body.statements) this.stmt(x);
        w.close();
        return;
      case 'Print':
        w.line(`$.print([${s.args.map((a) => this.snapshot(a)).join(', ')}]);`);
        return;
      case 'Reject':
        w.line(`throw $.reject([${s.args.map((a) => this.snapshot(a)).join(', ')}]);`);
        return;
      case 'FatalError':
        w.line(`throw $.fatal([${s.args.map((a) => this.snapshot(a)).join(', ')}]);`);
        return;
      case 'CallStmt':
        w.line(`${this.call(s.call, true)};`);
        return;
      default:
        throw new Unsupported(`statement ${s.kind}`);
    }
  }

  /**
   * `for (i in lo:hi) y[i] ~ f(mu[i], sigma);` (or `target += f_lpdf(...)`) as one density call
   * over the ranges: arguments are either `v[i]` of a one-dimensional variable or scalars that
   * do not depend on i. Active scalars then get one summed partial instead of one per element.
   */
  private liftDensityLoop(s: Extract<Stmt, { kind: 'For' }>): boolean {
    const body = loopBody(s);
    let name: string;
    let args: Expr[];
    if (body.kind === 'Tilde' && !body.truncation && body.resolved?.source === 'builtin') {
      name = body.resolved.name;
      args = [body.lhs, ...body.args];
    } else if (body.kind === 'TargetPlus') {
      const e = body.expr.kind === 'Paren' ? body.expr.expr : body.expr;
      if (e.kind !== 'Call' || e.resolved?.source !== 'builtin') return false;
      name = e.resolved.name;
      args = e.args;
    } else return false;
    const spec = this.density(name);
    if (!spec || this.needsScalar(s.lower) || this.needsScalar(s.upper)) return false;
    const loopVar = s.variable;
    const lifted: { letter: string; code: (lo: string, hi: string) => string }[] = [];
    // Arguments computed from i (`a[g[i]] + x[i] * b`) are filled into a vector first.
    const fills: { tmp: string; value: Expr }[] = [];
    for (const a of args) {
      if (!isScalarType(typeOf(a))) return false;
      if (!readsOf(a).has(loopVar)) {
        const m = this.modeOf(a);
        lifted.push({ letter: m === 'd' ? 'n' : 'N', code: () => this.raw(a) });
        continue;
      }
      const name = loopElementOf(a, loopVar);
      if (name !== null) {
        const v = varName(name);
        lifted.push({ letter: this.active.has(name) ? 'V' : 'v', code: (lo, hi) => `S.range(${v}, ${lo}, ${hi})` });
        continue;
      }
      if (this.modeOf(a) !== 's' || !this.forwardable(a)) return false;
      const tmp = `$m${this.tmp++}`;
      fills.push({ tmp, value: a });
      lifted.push({ letter: 'V', code: () => tmp });
    }
    if (!lifted.some((l) => l.letter === 'v' || l.letter === 'V')) return false;
    const pattern = lifted.map((l) => l.letter).join('');
    // Int arguments are immutable when each is a literal, a data variable or an element of one.
    const cacheable = args.every((a) => {
      if (a.type?.kind !== 'int') return true;
      const x = a.kind === 'Paren' ? a.expr : a;
      return this.isImmutableData(x) || (x.kind === 'Indexed' && this.isImmutableData(x.target));
    });
    const f = this.header1(`$.S.compiledDensity(${spec}, ${str(name)}, ${str(pattern)}, ${cacheable})`);
    const lo = `$lo${this.tmp}`, hi = `$hi${this.tmp++}`;
    const w = this.w;
    const own = fills.length > 0 && this.depth === 0;
    if (own) w.open('(() => {');
    w.open(`{ // lifted: for (${loopVar} in ...) ${name}`);
    w.line(`const ${lo} = ${this.data(s.lower)}, ${hi} = ${this.data(s.upper)};`);
    w.open(`if (${hi} >= ${lo}) {`);
    for (const { tmp, value } of fills) {
      w.line(`const ${tmp} = S.declare([${hi} - ${lo} + 1]);`);
      this.fillLoop(varName(loopVar), lo, hi, value, tmp, `(${varName(loopVar)} - ${lo} + 1)`);
    }
    w.line(`${f}.t(${lifted.map((l) => l.code(lo, hi)).join(', ')});`);
    w.close();
    w.close();
    if (own) w.close('})();');
    return true;
  }

  /**
   * A vector-valued elementwise expression (`mu + tau * eta`, `exp(a) ./ s`) given to a whole
   * vector: one node per element, filled by one loop over the element expression
   * (`mu + tau * eta[k]`), instead of a node per operation and element and a vector between
   * operations. `assignTo` is the code before the value (`let v_theta = `). Sizes that do not
   * match take the operation-by-operation route, which reports them as Stan does.
   */
  private liftElementwise(e: Expr, shape: string, name: string, assignTo: string): boolean {
    const t = typeOf(e);
    if ((t.kind !== 'vector' && t.kind !== 'row_vector') || this.modeOf(e) !== 'c') return false;
    // A plain variable is copied (its nodes shared), not recomputed.
    let bare = e;
    while (bare.kind === 'Paren') bare = bare.expr;
    if (bare.kind === 'Variable') return false;
    const vectors = new Set<string>();
    if (!this.elementwise(e, vectors) || vectors.size === 0) return false;
    const k = `elem${this.tmp++}__`;
    const element = elementExpr(e, k);
    if (!this.forwardable(element)) return false;
    const w = this.w;
    const names = [...vectors].map(varName);
    const n = `$len${this.tmp}`, tmp = `$el${this.tmp++}`;
    // A function of its own, as for top-level loops: it keeps the loop's tape writes inlined.
    w.open(`${assignTo}(() => { // lifted: ${name} = elementwise`);
    w.line(`const ${n} = ${names[0]}.size;`);
    const same = names.slice(1).map((x) => `${x}.size === ${n}`);
    if (same.length) w.line(`if (!(${same.join(' && ')})) return S.own(${this.av(e)}, ${shape}, ${str(name)});`);
    w.line(`const ${tmp} = S.declare([${n}]);`);
    const lo = `$lo${this.tmp}`, hi = `$hi${this.tmp++}`;
    w.line(`const ${lo} = 1, ${hi} = ${n};`);
    this.fillLoop(varName(k), lo, hi, element, tmp, varName(k));
    w.line(`return S.own(${tmp}, ${shape}, ${str(name)});`);
    w.close('})();');
    return true;
  }

  /**
   * Whether a vector-valued `e` is elementwise arithmetic over vector variables and scalars
   * that do not depend on the element: + and - of any two, * and / by a scalar, .* and ./,
   * unary minus, and one-argument built-ins with a scalar kernel. Collects the vector variables.
   */
  private elementwise(e: Expr, vectors: Set<string>): boolean {
    const t = typeOf(e);
    if (isScalarType(t)) {
      // Scalars are re-read for each element: only cheap ones (no calls).
      let cheap = true;
      walkExpr(e, (x) => {
        if (x.kind === 'Call' || x.kind === 'Conditional') cheap = false;
      });
      return cheap && (t.kind === 'real' || t.kind === 'int');
    }
    if (t.kind !== 'vector' && t.kind !== 'row_vector') return false;
    switch (e.kind) {
      case 'Variable':
        vectors.add(e.name);
        return true;
      case 'Paren':
        return this.elementwise(e.expr, vectors);
      case 'Unary':
        return (e.op === '-' || e.op === '+') && this.elementwise(e.operand, vectors);
      case 'Binary': {
        const l = isScalarType(typeOf(e.left)), r = isScalarType(typeOf(e.right));
        const ok = e.op === '+' || e.op === '-' || e.op === '.*' || e.op === './' ? true
          : e.op === '*' ? l || r
          : e.op === '/' ? r
          : false;
        return ok && this.elementwise(e.left, vectors) && this.elementwise(e.right, vectors);
      }
      case 'Call': {
        if (e.resolved?.source !== 'builtin' || e.args.length !== 1) return false;
        const form = scalarForm(e.resolved.name);
        return !!form?.kernel && (form.arity === undefined || form.arity === 1) && this.elementwise(e.args[0], vectors);
      }
      default:
        return false;
    }
  }

  /**
   * `for (i in lo:hi) v[i] = <arithmetic>;` as one loop that writes the tape's arrays directly:
   * each element is one node whose partials come from the expression's forward form. The
   * generic route makes a node per operation through calls V8 does not inline (a 919-row
   * regression line measured 3× slower).
   */
  private liftAssignLoop(s: Extract<Stmt, { kind: 'For' }>): boolean {
    const body = loopBody(s);
    if (body.kind !== 'Assign' || this.needsScalar(s.lower) || this.needsScalar(s.upper)) return false;
    const target = body.target;
    const name = loopElementOf(target, s.variable);
    if (name === null || !this.active.has(name) || typeOf(target).kind !== 'real') return false;
    const ops: Record<string, string> = { '=': '', '+=': '+', '-=': '-', '*=': '*', '/=': '/' };
    const op = ops[body.op];
    if (op === undefined) return false;
    const value: Expr = op === '' ? body.value
      : ({ kind: 'Binary', op, left: target, right: body.value, span: body.span, type: typeOf(target) } as unknown as Expr);
    if (!this.forwardable(value)) return false;
    const w = this.w;
    const own = this.depth === 0;
    if (own) w.open('(() => {');
    const lo = `$lo${this.tmp}`, hi = `$hi${this.tmp++}`;
    w.open(`{ // lifted: for (${s.variable} in ...) ${name}[${s.variable}] = ...`);
    w.line(`const ${lo} = ${this.data(s.lower)}, ${hi} = ${this.data(s.upper)};`);
    this.fillLoop(varName(s.variable), lo, hi, value, varName(name), varName(s.variable));
    w.close();
    if (own) w.close('})();');
    return true;
  }

  /**
   * The loop of a lifted fill: for each i in lo..hi, one node holding `value` goes into
   * `into.idx[slot - 1]` (slot is an expression of i; indices are checked as set1 does).
   */
  private fillLoop(i: string, lo: string, hi: string, value: Expr, into: string, slot: string): void {
    const w = this.w;
    // Edges per node, known before the loop (the forward form is written inside it).
    const k = this.leafCount(value);
    const n = `$n${this.tmp}`, e = `$e${this.tmp++}`;
    w.open(`if (${hi} >= ${lo}) {`);
    w.line(`T.reserve(${hi} - ${lo} + 1, (${hi} - ${lo} + 1) * ${k});`);
    w.line(`const val = T.val, start = T.start, ein = T.ein, epart = T.epart, $ix = ${into}.idx, $size = ${into}.size;`);
    w.line(`let ${n} = T.n, ${e} = T.e;`);
    this.hoisted = new Map();
    this.hoistReads(value);
    w.open(`for (let ${i} = ${lo}; ${i} <= ${hi}; ${i}++) {`);
    const f = this.fwd(value);
    w.line(`val[${n}] = ${f.val};`);
    w.line(`start[${n}] = ${e};`);
    f.parts.forEach((p, j) => w.line(`ein[${e} + ${j}] = ${p.node}; epart[${e} + ${j}] = ${p.d};`));
    if (k) w.line(`${e} += ${k};`);
    // Out of range: hand the tape back in a consistent state and let set1 raise Stan's index error.
    w.line(`if (${slot} < 1 || ${slot} > $size) { T.n = ${n} + 1; T.e = ${e}; S.set1(${into}, ${slot}, ${n}); }`);
    w.line(`$ix[${slot} - 1] = ${n}++;`);
    w.close();
    this.hoisted = null;
    w.line(`T.n = ${n}; T.e = ${e};`);
    w.close();
  }

  /**
   * Binds the element array (`val` of data, `idx` of active values) and size of every
   * one-dimensional variable `value` reads as `x[int]`, before a fill loop. None of them
   * changes inside the loop: its body is one element assignment, into an array it only
   * writes in place.
   */
  private hoistReads(value: Expr): void {
    walkExpr(value, (e) => {
      if (e.kind === 'Indexed' && e.target.kind === 'Variable' && e.indices.length === 1) {
        const i = e.indices[0];
        if (i.kind === 'Single' && !i.multi && typeOf(i.expr).kind === 'int' && !this.needsScalar(i.expr)) {
          const name = e.target.name;
          const active = this.modeOf(e.target) === 'c';
          const t = typeOf(e.target);
          const oneDim = t.kind === 'vector' || t.kind === 'row_vector' || (t.kind === 'array' && t.dims === 1 && isScalarType(t.element));
          if (oneDim && !this.hoisted!.has(name) && (active || isScalarType(typeOf(e)))) {
            const arr = `$h${this.tmp}`, n = `$hn${this.tmp++}`;
            this.w.line(`const ${arr} = ${varName(name)}.${active ? 'idx' : 'val'}, ${n} = ${varName(name)}.size;`);
            this.hoisted!.set(name, { arr, n });
          }
        }
      }
    });
  }

  /** Arithmetic over data, active scalars, elements of active variables and one-argument kernels. */
  private forwardable(e: Expr): boolean {
    const m = this.modeOf(e);
    if (m === 'd') return !this.needsScalar(e);
    if (m !== 's') return false;
    switch (e.kind) {
      case 'Variable':
        return true;
      case 'Paren':
        return this.forwardable(e.expr);
      case 'Unary':
        return (e.op === '-' || e.op === '+') && this.forwardable(e.operand);
      case 'Binary':
        return ['+', '-', '*', '/', '.*', './'].includes(e.op) && isScalarType(typeOf(e.left)) && isScalarType(typeOf(e.right))
          && this.forwardable(e.left) && this.forwardable(e.right);
      case 'Indexed':
        return e.target.kind === 'Variable' && this.modeOf(e.target) === 'c' && (e.indices.length === 1 || e.indices.length === 2)
          && e.indices.every((i) => i.kind === 'Single' && !i.multi && typeOf(i.expr).kind === 'int' && !this.needsScalar(i.expr));
      case 'Call': {
        if (e.resolved?.source !== 'builtin' || e.args.length !== 1) return false;
        const form = scalarForm(e.resolved.name);
        return !!form?.kernel && (form.arity === undefined || form.arity === 1) && isScalarType(typeOf(e.args[0]))
          && this.forwardable(e.args[0]);
      }
      default:
        return false;
    }
  }

  /** The number of active reads in a `forwardable` expression: the edges of its node. */
  private leafCount(e: Expr): number {
    if (this.modeOf(e) === 'd') return 0;
    switch (e.kind) {
      case 'Paren':
        return this.leafCount(e.expr);
      case 'Unary':
        return this.leafCount(e.operand);
      case 'Binary':
        return this.leafCount(e.left) + this.leafCount(e.right);
      case 'Call':
        return this.leafCount(e.args[0]);
      default:
        return 1;
    }
  }

  /**
   * Forward form of a `forwardable` expression, written as consts into the current block: the
   * code of its value, and its partial with respect to each active node it reads (one per
   * occurrence; the sweep adds repeated inputs).
   */
  private fwd(e: Expr): { val: string; parts: { node: string; d: string }[] } {
    const w = this.w;
    const t = () => `$f${this.tmp++}`;
    const scale = (parts: { node: string; d: string }[], f: string) => parts.map((p) => ({ node: p.node, d: p.d === '1' ? f : `${p.d} * ${f}` }));
    if (this.modeOf(e) === 'd') {
      const v = t();
      w.line(`const ${v} = ${this.data(e)};`);
      return { val: v, parts: [] };
    }
    switch (e.kind) {
      case 'Variable': {
        const v = t();
        w.line(`const ${v} = val[${varName(e.name)}];`);
        return { val: v, parts: [{ node: varName(e.name), d: '1' }] };
      }
      case 'Paren':
        return this.fwd(e.expr);
      case 'Unary': {
        const a = this.fwd(e.operand);
        if (e.op === '+') return a;
        return { val: `(-${a.val})`, parts: negated(a.parts) };
      }
      case 'Indexed': {
        const node = t(), v = t();
        const idx = e.indices.map((i) => this.data((i as { expr: Expr }).expr));
        const target = varName((e.target as { name: string }).name);
        const h = idx.length === 1 ? this.hoisted?.get((e.target as { name: string }).name) : undefined;
        if (h) {
          // The index once, then the inline read; out of range, el1 raises Stan's error.
          const k = t();
          w.line(`const ${k} = ${idx[0]};`);
          w.line(`const ${node} = ${k} >= 1 && ${k} <= ${h.n} ? ${h.arr}[${k} - 1] : S.el1(${target}, ${k});`);
        } else {
          w.line(`const ${node} = ${idx.length === 1 ? `S.el1(${target}, ${idx[0]})` : `S.el2(${target}, ${idx[0]}, ${idx[1]})`};`);
        }
        w.line(`const ${v} = val[${node}];`);
        return { val: v, parts: [{ node, d: '1' }] };
      }
      case 'Binary': {
        const a = this.fwd(e.left), b = this.fwd(e.right);
        const v = t();
        switch (e.op) {
          case '+':
            w.line(`const ${v} = ${a.val} + ${b.val};`);
            return { val: v, parts: [...a.parts, ...b.parts] };
          case '-':
            w.line(`const ${v} = ${a.val} - ${b.val};`);
            return { val: v, parts: [...a.parts, ...negated(b.parts)] };
          case '*':
          case '.*':
            w.line(`const ${v} = ${a.val} * ${b.val};`);
            return { val: v, parts: [...scale(a.parts, b.val), ...scale(b.parts, a.val)] };
          default: {
            // a / b: ∂/∂a = 1 / b, ∂/∂b = -(a / b) / b.
            const inv = t();
            w.line(`const ${inv} = 1 / ${b.val}, ${v} = ${a.val} / ${b.val};`);
            return { val: v, parts: [...scale(a.parts, inv), ...scale(b.parts, `(-${v} * ${inv})`)] };
          }
        }
      }
      case 'Call': {
        const a = this.fwd(e.args[0]);
        const k = this.kernel((e as Call).resolved!.name);
        const x = this.header1('new Float64Array(4)');
        const d = this.header1('new Float64Array(4) /* partials */');
        const v = t(), g = t();
        w.line(`${x}[0] = ${a.val};`);
        w.line(`const ${v} = ${k}(${x}, ${d}), ${g} = ${d}[0];`);
        return { val: v, parts: scale(a.parts, g) };
      }
      default:
        throw new Unsupported(`lifted expression ${e.kind}`);
    }
  }

  private body(s: Stmt): void {
    if (s.kind === 'Block') for (const x of s.statements) this.stmt(x);
    else this.stmt(s);
  }

  private elementIsScalar(t: StanType): boolean {
    if (t.kind === 'array') return t.dims === 1 && isScalarType(t.element);
    return true; // vectors and matrices iterate over their (scalar) elements
  }

  private varDecl(d: VarDecl): void {
    const v = varName(d.name);
    const t = d.type;
    if (t.elements || t.base.startsWith('complex')) throw new Unsupported('tuple or complex local');
    if (!this.active.has(d.name)) {
      // A data local whose sizes or initial value read active variables (e.g. `int n = size(theta)`).
      if (d.arrayDims.length === 0 && t.base === 'int' && d.init) {
        this.w.line(`let ${v} = ${this.data(d.init)};`);
        return;
      }
      throw new Unsupported('data local computed from parameters');
    }
    const scalar = d.arrayDims.length === 0 && t.base === 'real';
    if (scalar) {
      this.w.line(`let ${v} = ${d.init ? this.node(d.init) : 'T.nan'};`);
      return;
    }
    let shape = `$.declShape(${this.base.declSpec(d)})`;
    // Sizes of data only: the shape is computed once, with the data.
    const sizes = [...d.arrayDims, ...t.sizes];
    if (sizes.every((e) => [...readsOf(e)].every((n) => this.base.isBlockData(n)))) shape = this.header1(shape);
    if (d.init && d.arrayDims.length === 0 && this.liftElementwise(d.init, shape, d.name, `let ${v} = `)) return;
    if (d.init) {
      // A fresh value (an operation's result) is taken over; a variable's value is copied.
      const fresh = this.modeOf(d.init) === 'c' && isFresh(d.init);
      this.w.line(`let ${v} = S.${fresh ? 'own' : 'toAct'}(${this.av(d.init)}, ${shape}, ${str(d.name)});`);
    } else this.w.line(`let ${v} = S.declare(${shape});`);
  }

  private assign(s: Extract<Stmt, { kind: 'Assign' }>): void {
    const target = s.target;
    const name = rootName(target);
    if (!name || !this.active.has(name)) throw new Unsupported('assignment into data from parameters');
    const opMap: Record<string, string> = { '+=': '+', '-=': '-', '*=': '*', '/=': '/', '.*=': '.*', './=': './' };
    const value: Expr =
      s.op === '='
        ? s.value
        : ({ kind: 'Binary', op: opMap[s.op], left: target, right: s.value, span: s.span, type: typeOf(target) } as unknown as Expr);
    const v = varName(name);
    if (target.kind === 'Variable') {
      if (isScalarType(typeOf(target))) this.w.line(`${v} = ${this.node(value)};`);
      else if (!this.liftElementwise(value, `${v}.shape`, name, `${v} = `)) {
        this.w.line(`${v} = S.toAct(${this.av(value)}, ${v}.shape, ${str(name)});`);
      }
      return;
    }
    let indices: Index[];
    if (target.kind === 'Indexed' && target.target.kind === 'Variable') indices = target.indices;
    else if (target.kind === 'Indexed' && target.target.kind === 'Indexed' && target.target.target.kind === 'Variable') {
      indices = [...target.target.indices, ...target.indices];
    } else throw new Unsupported('assignment target');
    const singles = indices.every((i) => i.kind === 'Single' && !i.multi && typeOf(i.expr).kind === 'int');
    if (singles && indices.length === 1 && isScalarType(typeOf(target))) {
      this.w.line(`S.set1(${v}, ${this.data((indices[0] as { expr: Expr }).expr)}, ${this.node(value)});`);
      return;
    }
    this.w.line(`S.assign(${v}, ${this.indexSpecs(indices)}, ${this.av(value)});`);
  }

  private tilde(s: Tilde): void {
    const name = s.resolved?.name ?? s.distribution;
    const all = [s.lhs, ...s.args];
    if (s.resolved?.source === 'user') {
      if (s.truncation) throw new Unsupported('truncated user distribution');
      const f = this.base.userFunctionFor(s, name, s.resolved.argTypes);
      this.w.line(`S.addTarget(${this.bridgeCode(`(xs) => ${f}(...xs)`, all)});`);
      return;
    }
    if (!s.truncation) {
      const spec = this.density(name);
      if (spec) {
        this.w.line(`${this.densityCall(spec, name, all, true)};`);
        return;
      }
      const site = this.base.site(name, all.map(typeOf));
      this.w.line(`S.addTarget(${this.bridgeCode(`(xs) => ${site}.call(xs)`, all)});`);
      return;
    }
    const familyName = name.replace(/_(lpdf|lupdf|lpmf|lupmf)$/, '');
    const discrete = /_lu?pmf$/.test(name);
    const types = all.map(typeOf);
    const density = this.base.site(name, types);
    const lcdf = this.base.site(familyName + '_lcdf', types);
    const lccdf = this.base.site(familyName + '_lccdf', types);
    const k = s.args.length;
    const lo = s.truncation.lower;
    const hi = s.truncation.upper;
    const extra = [lo, hi].filter((e): e is Expr => !!e);
    const loCode = lo ? `xs[${k + 1}]` : 'undefined';
    const hiCode = hi ? `xs[${k + 1 + (lo ? 1 : 0)}]` : 'undefined';
    const fn = `(xs) => $.truncated(${density}, ${lcdf}, ${lccdf}, xs[0], xs.slice(1, ${k + 1}), ${loCode}, ${hiCode}, ${discrete})`;
    this.w.line(`S.addTarget(${this.bridgeCode(fn, [...all, ...extra])});`);
  }

  private targetPlus(e: Expr, prefix: string): void {
    const inner = e.kind === 'Paren' ? e.expr : e;
    if (inner.kind === 'Call' && inner.resolved?.source === 'builtin') {
      const name = inner.resolved.name;
      const spec = this.density(name);
      if (spec && this.needsScalar(inner)) {
        this.w.line(`${prefix}${this.densityCall(spec, name, inner.args, true)};`);
        return;
      }
    }
    const m = this.modeOf(e);
    this.w.line(`${prefix}${m === 's' ? `T.addNode(${this.sc(e)})` : `S.addTarget(${this.av(e)})`};`);
  }

  private checkDeclared(d: VarDecl, block: string): void {
    const t = d.type;
    const constrained = t.bounds || !['int', 'real', 'vector', 'row_vector', 'matrix', 'complex'].includes(t.base);
    if (!constrained) return;
    const b = t.bounds;
    const parts: string[] = [];
    if (b) {
      for (const key of ['lower', 'upper', 'offset', 'multiplier'] as const) {
        const e = b[key];
        if (e) parts.push(`${key}: ${this.snapshot(e)}`);
      }
    }
    const bounds = b ? `{ ${parts.join(', ')} }` : 'null';
    this.w.line(
      `$.checkConstraint(S.values(${this.av({ kind: 'Variable', name: d.name, type: declaredType(d), span: d.span } as unknown as Expr)}), ${str(d.name)}, ${str(block)}, ${str(t.base)}, ${bounds}, ${d.span.start.line});`,
    );
  }

  private boundsAV(p: VarDecl): string {
    const b = p.type.bounds!;
    const parts: string[] = [];
    for (const key of ['lower', 'upper', 'offset', 'multiplier'] as const) {
      const e = b[key];
      if (e) parts.push(`${key}: ${this.av(e)}`);
    }
    return `{ ${parts.join(', ')} }`;
  }

  // -------------------------------------------------------------------------
  // Expressions

  /** Code of a value that reads no active variable, or an int computed from active ones. */
  private data(e: Expr): string {
    if (!this.needsScalar(e)) return this.dataFast(e);
    if (this.isActive(e)) throw new Unsupported('active value where data is needed');
    return this.intFromActive(e);
  }

  /** Data code, with fast element reads of data vectors and arrays inside loops. */
  private dataFast(e: Expr): string {
    if (e.kind === 'Indexed' && e.target.kind === 'Variable' && isScalarType(typeOf(e))) {
      const t = typeOf(e.target);
      const singles = e.indices.every((i) => i.kind === 'Single' && !i.multi && typeOf(i.expr).kind === 'int');
      const rank = t.kind === 'array' ? (isScalarType(t.element) ? t.dims : -1) : t.kind === 'matrix' ? 2 : 1;
      if (singles && e.indices.length === rank && (rank === 1 || rank === 2)) {
        const idx = e.indices.map((i) => this.data((i as { expr: Expr }).expr));
        const h = rank === 1 ? this.hoisted?.get(e.target.name) : undefined;
        // Inline only for an index that is a name or a number: it is read up to three times.
        if (h && /^[\w$.]+$/.test(idx[0])) {
          return `(${idx[0]} >= 1 && ${idx[0]} <= ${h.n} ? ${h.arr}[${idx[0]} - 1] : S.d1(${varName(e.target.name)}, ${idx[0]}))`;
        }
        return rank === 1 ? `S.d1(${varName(e.target.name)}, ${idx[0]})` : `S.d2(${varName(e.target.name)}, ${idx[0]}, ${idx[1]})`;
      }
    }
    return this.base.expr(e);
  }

  /** Ints and other non-differentiable results computed from active values. */
  private intFromActive(e: Expr): string {
    switch (e.kind) {
      case 'Paren':
        return this.data(e.expr);
      case 'Unary':
        if (e.op === '!') return `(${this.cond(e.operand)} ? 0 : 1)`;
        if (e.op === '-') return `(-${this.data(e.operand)})`;
        return this.data(e.operand);
      case 'Binary': {
        const { op } = e;
        if (op === '&&') return `(${this.cond(e.left)} && ${this.cond(e.right)} ? 1 : 0)`;
        if (op === '||') return `(${this.cond(e.left)} || ${this.cond(e.right)} ? 1 : 0)`;
        if (['==', '!=', '<', '<=', '>', '>='].includes(op)) {
          return `$.compare(${str(op)}, ${this.snapshot(e.left)}, ${this.snapshot(e.right)})`;
        }
        break;
      }
      case 'Conditional':
        return `(${this.cond(e.condition)} ? ${this.data(e.then)} : ${this.data(e.otherwise)})`;
      case 'Call': {
        const r = e.resolved;
        if (r?.source === 'builtin') {
          const site = this.base.site(r.name, e.args.map(typeOf));
          return `${site}.call([${e.args.map((a) => this.snapshot(a)).join(', ')}])`;
        }
        break;
      }
      default:
        break;
    }
    throw new Unsupported(`int expression ${e.kind} from parameters`);
  }

  /** A condition as a JS boolean. */
  private cond(e: Expr): string {
    if (!this.needsScalar(e)) return this.base.cond(e);
    return `$.truth(${this.snapshot(e)})`;
  }

  /** The current value of any expression, as runtime data. */
  private snapshot(e: Expr): string {
    const m = this.modeOf(e);
    if (m === 'd') return this.data(e);
    if (m === 's') return `S.v(${this.sc(e)})`;
    return `S.values(${this.ac(e)})`;
  }

  /** Any expression as a generic value (active scalars boxed). */
  private av(e: Expr): string {
    const m = this.modeOf(e);
    if (m === 'd') return this.data(e);
    if (m === 's') return `S.box(${this.sc(e)})`;
    return this.ac(e);
  }

  /** A real scalar as a node (data promoted). */
  private node(e: Expr): string {
    const m = this.modeOf(e);
    if (m === 's') return this.sc(e);
    if (m === 'd') return `T.c(${this.data(e)})`;
    throw new Unsupported('container where a scalar is needed');
  }

  /** An active scalar expression → code of its node. */
  private sc(e: Expr): string {
    switch (e.kind) {
      case 'Variable':
        return varName(e.name);
      case 'Paren':
        return this.sc(e.expr);
      case 'Unary':
        if (e.op === '+') return this.sc(e.operand);
        if (e.op === '-') return `S.neg(${this.sc(e.operand)})`;
        break;
      case 'Binary':
        return this.scalarBinary(e.op, e.left, e.right);
      case 'Conditional':
        return `(${this.cond(e.condition)} ? ${this.node(e.then)} : ${this.node(e.otherwise)})`;
      case 'Indexed':
        return this.indexedScalar(e);
      case 'Call':
        return this.call(e, false);
      default:
        break;
    }
    return `S.unbox(${this.ac(e)})`;
  }

  private scalarBinary(op: string, l: Expr, r: Expr): string {
    const lm = this.modeOf(l), rm = this.modeOf(r);
    if (lm === 'c' || rm === 'c' || !isScalarType(typeOf(l)) || !isScalarType(typeOf(r))) {
      return `S.unbox(${this.containerBinary(op, l, r)})`;
    }
    if (op === '+') {
      // a + b * c with b active and c data: one node (regression lines in loops).
      const fused = this.scaled(r) ?? this.scaled(l);
      if (fused) {
        const other = fused.side === r ? l : r;
        const om = this.modeOf(other);
        const o = om === 's' ? this.sc(other) : this.data(other);
        return om === 's' ? `S.axpy(${o}, ${fused.node}, ${fused.factor})` : `S.caxpy(${o}, ${fused.node}, ${fused.factor})`;
      }
    }
    // Operands are lowered once, after the fused form is ruled out: a `_lp` call in an operand
    // emits a statement of its own, which must not be written twice.
    const a = lm === 's' ? this.sc(l) : this.data(l);
    const b = rm === 's' ? this.sc(r) : this.data(r);
    const both = lm === 's' && rm === 's';
    switch (op) {
      case '+':
        return both ? `S.add(${a}, ${b})` : lm === 's' ? `S.addc(${a}, ${b})` : `S.addc(${b}, ${a})`;
      case '-':
        return both ? `S.sub(${a}, ${b})` : lm === 's' ? `S.subc(${a}, ${b})` : `S.csub(${a}, ${b})`;
      case '*':
      case '.*':
        return both ? `S.mul(${a}, ${b})` : lm === 's' ? `S.mulc(${a}, ${b})` : `S.mulc(${b}, ${a})`;
      case '/':
      case './':
        return both ? `S.div(${a}, ${b})` : lm === 's' ? `S.divc(${a}, ${b})` : `S.cdiv(${a}, ${b})`;
      case '^':
      case '.^':
        return `S.map2(${this.kernel('pow')}, ${a}, ${lm === 's'}, ${b}, ${rm === 's'})`;
      default:
        throw new Unsupported(`operator ${op}`);
    }
  }

  /** `b * c` (either order) with b an active scalar and c a data scalar. */
  private scaled(e: Expr): { side: Expr; node: string; factor: string } | null {
    const x = e.kind === 'Paren' ? e.expr : e;
    if (x.kind !== 'Binary' || (x.op !== '*' && x.op !== '.*')) return null;
    if (!isScalarType(typeOf(x.left)) || !isScalarType(typeOf(x.right))) return null;
    const lm = this.modeOf(x.left), rm = this.modeOf(x.right);
    if (lm === 's' && rm === 'd') return { side: e, node: this.sc(x.left), factor: this.data(x.right) };
    if (lm === 'd' && rm === 's') return { side: e, node: this.sc(x.right), factor: this.data(x.left) };
    return null;
  }

  /** An active container expression → code of its Act (or a generic value for binaries). */
  private ac(e: Expr): string {
    switch (e.kind) {
      case 'Variable':
        return varName(e.name);
      case 'Paren':
        return this.ac(e.expr);
      case 'Unary':
        if (e.op === '+') return this.ac(e.operand);
        if (e.op === '-') return this.mapCall('$.S.kernels.neg', 'minus', [e.operand]);
        break;
      case 'Binary':
        return this.containerBinary(e.op, e.left, e.right);
      case 'Conditional': {
        const promote = (x: Expr) => (this.modeOf(x) === 'd' ? `S.promote(${this.data(x)})` : this.ac(x));
        return `(${this.cond(e.condition)} ? ${promote(e.then)} : ${promote(e.otherwise)})`;
      }
      case 'Indexed': {
        if (this.modeOf(e.target) === 'd') throw new Unsupported('data indexed by parameters');
        return `S.index(${this.ac(e.target)}, ${this.indexSpecs(e.indices)})`;
      }
      case 'Call':
        return this.call(e, false);
      case 'ArrayExpr':
      case 'RowVectorExpr':
        return `S.stack([${e.elements.map((x) => this.av(x)).join(', ')}])`;
      case 'Transpose':
        return this.bridgeCode('(xs) => $.transpose(xs[0])', [e.operand]);
      default:
        break;
    }
    throw new Unsupported(`expression ${e.kind}`);
  }

  private containerBinary(op: string, l: Expr, r: Expr): string {
    const lt = typeOf(l), rt = typeOf(r);
    // Operands are lowered only in the branch that uses them (see scalarBinary).
    const a = () => this.av(l), b = () => this.av(r);
    const scalarSide = isScalarType(lt) || isScalarType(rt);
    switch (op) {
      case '+':
        return this.mapCall('$.S.kernels.add', 'add', [l, r]);
      case '-':
        return this.mapCall('$.S.kernels.sub', 'subtract', [l, r]);
      case '.*':
        return this.mapCall('$.S.kernels.mul', 'elt_multiply', [l, r]);
      case './':
        return this.mapCall('$.S.kernels.div', 'elt_divide', [l, r]);
      case '*':
        if (scalarSide) return this.mapCall('$.S.kernels.mul', 'multiply', [l, r]);
        if (lt.kind === 'row_vector' && rt.kind === 'vector') return `S.box(S.dot(${a()}, ${b()}))`;
        if (lt.kind === 'matrix' && rt.kind === 'vector' && this.modeOf(l) === 'd') return `S.matvec(${a()}, ${b()})`;
        return this.bridgeCode(`(xs) => $.matmul(xs[0], ${str(lt.kind)}, xs[1], ${str(rt.kind)})`, [l, r]);
      case '/':
        if (isScalarType(rt)) return this.mapCall('$.S.kernels.div', 'divide', [l, r]);
        return this.bridgeCode(`(xs) => ${this.base.site('mdivide_right', [lt, rt])}.call(xs)`, [l, r]);
      case '\\':
        return this.bridgeCode(`(xs) => ${this.base.site('mdivide_left', [lt, rt])}.call(xs)`, [l, r]);
      case '^':
      case '.^':
        return this.mapCall(this.kernel('pow'), 'pow', [l, r]);
      default:
        throw new Unsupported(`operator ${op} on containers`);
    }
  }

  private indexedScalar(e: Extract<Expr, { kind: 'Indexed' }>): string {
    if (this.modeOf(e.target) === 'd') throw new Unsupported('data indexed by parameters');
    const singles = e.indices.every((i) => i.kind === 'Single' && !i.multi && typeOf(i.expr).kind === 'int');
    const target = this.ac(e.target);
    if (singles && e.indices.length === 1) return `S.el1(${target}, ${this.data((e.indices[0] as { expr: Expr }).expr)})`;
    if (singles && e.indices.length === 2) {
      const [i, j] = e.indices.map((x) => this.data((x as { expr: Expr }).expr));
      return `S.el2(${target}, ${i}, ${j})`;
    }
    return `S.index(${target}, ${this.indexSpecs(e.indices)})`;
  }

  private indexSpecs(indices: readonly Index[]): string {
    for (const i of indices) {
      const parts = i.kind === 'Single' ? [i.expr] : [i.lower, i.upper];
      for (const p of parts) if (p && this.needsScalar(p)) throw new Unsupported('index computed from parameters');
    }
    return this.base.indexSpecs(indices);
  }

  /** A call with at least one active argument (or an `_lp` function). */
  private call(e: Call, statement: boolean): string {
    const r = e.resolved;
    const name = r?.name ?? e.name;
    const resultType = e.type;
    const unboxIf = (code: string) => (resultType && isScalarType(resultType) && !statement ? `S.unbox(${code})` : code);
    if (name === 'target' || name === 'get_lp') throw new Unsupported('target()');
    if (r?.source === 'user') {
      const f = this.base.userFunctionFor(e, name, r.argTypes);
      if (name.endsWith('_lp')) {
        const call = `S.bridgeMany((xs) => { const saved = $t.terms; const terms = []; $t.terms = terms; try { const r = ${f}(...xs); return [r === undefined ? 0 : r, $.sumTerms(terms)]; } finally { $t.terms = saved; } }, [${e.args.map((a) => this.av(a)).join(', ')}])`;
        const tmp = `$lp${this.tmp++}`;
        this.w.line(`const ${tmp} = ${call};`);
        this.w.line(`S.addTarget(${tmp}[1]);`);
        return unboxIf(`${tmp}[0]`);
      }
      return unboxIf(this.bridgeCode(`(xs) => ${f}(...xs)`, e.args));
    }
    if (!r) throw new Unsupported('unresolved call');
    const argModes = e.args.map((a) => this.modeOf(a));
    const form = scalarForm(name);
    if (form?.density) {
      return this.densityCall(this.density(name)!, name, e.args, false);
    }
    if (form?.kernel && (form.arity === undefined || form.arity === e.args.length) && !statement) {
      const k = this.kernel(name);
      const allScalar = e.args.every((a) => isScalarType(typeOf(a)));
      if (allScalar && e.args.length === 1) return `S.map1(${k}, ${this.sc(e.args[0])})`;
      if (allScalar && (e.args.length === 2 || e.args.length === 3)) {
        const parts = e.args.map((a, j) => `${argModes[j] === 's' ? this.sc(a) : this.data(a)}, ${argModes[j] === 's'}`);
        return `S.map${e.args.length}(${k}, ${parts.join(', ')})`;
      }
      if (!allScalar) return this.mapCall(k, name, e.args);
      return unboxIf(`S.map(${k}, ${str(name)}, [${e.args.map((a) => this.av(a)).join(', ')}])`);
    }
    if (name === 'sum' && e.args.length === 1 && argModes[0] === 'c') return `S.sum(${this.ac(e.args[0])})`;
    if (name === 'dot_product' && e.args.length === 2 && !e.args.some((a) => isScalarType(typeOf(a)))) {
      return `S.dot(${this.av(e.args[0])}, ${this.av(e.args[1])})`;
    }
    const site = this.base.site(name, e.args.map(typeOf));
    return unboxIf(this.bridgeCode(`(xs) => ${site}.call(xs)`, e.args));
  }

  /** A density into the target (`toTarget`) or as a node; all-scalar calls avoid boxing. */
  private densityCall(spec: string, name: string, args: readonly Expr[], toTarget: boolean): string {
    if (args.length <= 4 && args.every((a) => isScalarType(typeOf(a)))) {
      const parts = args.map((a) => (this.modeOf(a) === 's' ? `0, ${this.sc(a)}` : `${this.data(a)}, -1`));
      return `${this.compiledDensity(name)}.${toTarget ? 'tds' : 'ds'}(${parts.join(', ')})`;
    }
    const pattern = this.pattern(args);
    const cacheable = args.every((a) => this.isImmutableData(a) || (a.type?.kind !== 'int' && !(a.type?.kind === 'array' && a.type.element.kind === 'int')));
    const f = this.header1(`$.S.compiledDensity(${spec}, ${str(name)}, ${str(pattern)}, ${cacheable})`);
    return `${f}.${toTarget ? 't' : 'd'}(${args.map((a) => this.raw(a)).join(', ')})`;
  }

  /** The pattern letters of arguments (see runtime/scalar/compiled.ts). */
  private pattern(args: readonly Expr[]): string {
    return args
      .map((a) => {
        const m = this.modeOf(a);
        const scalar = isScalarType(typeOf(a));
        return m === 'd' ? (scalar ? 'n' : 'v') : scalar ? 'N' : 'V';
      })
      .join('');
  }

  /** An argument in pattern form: nodes unboxed, containers as they are. */
  private raw(a: Expr): string {
    const m = this.modeOf(a);
    if (m === 'd') return this.data(a);
    return m === 's' ? this.sc(a) : this.ac(a);
  }

  /** A variable of the data or transformed data block, or a literal: never written after it is set. */
  private isImmutableData(e: Expr): boolean {
    if (e.kind === 'IntLiteral' || e.kind === 'RealLiteral') return true;
    return e.kind === 'Variable' && this.base.isBlockData(e.name);
  }

  /** A compiled element-wise map over `args`. */
  private mapCall(kernelCode: string, key: string, args: readonly Expr[]): string {
    const f = this.header1(`$.S.compiledMap(${kernelCode}, ${str(key)}, ${str(this.pattern(args))})`);
    return `${f}(${args.map((a) => this.raw(a)).join(', ')})`;
  }

  /** A constant bound once per module (deduplicated by its code). */
  private header1(code: string): string {
    let id = this.constants.get(code);
    if (!id) {
      id = `$h${this.constants.size}`;
      this.constants.set(code, id);
      this.header.push(`const ${id} = ${code};`);
    }
    return id;
  }

  private bridgeCode(fn: string, args: readonly Expr[]): string {
    return `S.bridge(${fn}, [${args.map((a) => this.av(a)).join(', ')}])`;
  }

  private kernel(name: string): string {
    let id = this.kernels.get(name);
    if (!id) {
      id = `$k${this.kernels.size}`;
      this.kernels.set(name, id);
      this.header.push(`const ${id} = $.S.kernelOf(${str(name)});`);
    }
    return id;
  }

  private compiledDensity(name: string): string {
    const key = 'compiled:' + name;
    let id = this.constants.get(key);
    if (!id) {
      id = `$c${this.constants.size}`;
      this.constants.set(key, id);
      this.header.push(`const ${id} = $.S.scalarDensityOf(${str(name)});`);
    }
    return id;
  }

  private density(name: string): string | null {
    if (!scalarForm(name)?.density) return null;
    let id = this.constants.get(name);
    if (!id) {
      id = `$d${this.constants.size}`;
      this.constants.set(name, id);
      this.header.push(`const ${id} = $.S.densityOf(${str(name)});`);
    }
    return id;
  }
}

/**
 * `S.f` → `S_f`, with each name bound once per module: loads from the runtime's namespace object
 * inside hot loops measured 1.5× slower than loads of local constants (and they block inlining).
 * String literals (the only place program text appears, JSON-encoded by `str`) are left alone.
 */
function bindRuntimeNames(code: string): { code: string; names: Set<string> } {
  const names = new Set<string>();
  let out = '';
  let i = 0;
  while (i < code.length) {
    const ch = code[i];
    if (ch === '"') {
      let j = i + 1;
      while (j < code.length && code[j] !== '"') j += code[j] === '\\' ? 2 : 1;
      out += code.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const m = /^S\.([A-Za-z_][A-Za-z0-9_]*)/.exec(code.slice(i, i + 64));
    if (m && !/[A-Za-z0-9_$.]/.test(code[i - 1] ?? '')) {
      names.add(m[1]);
      out += `S_${m[1]}`;
      i += m[0].length;
      continue;
    }
    out += ch;
    i++;
  }
  return { code: out, names };
}

const REAL_TYPE: StanType = { kind: 'real' };

/**
 * The element k (an int variable named `k`) of an `elementwise` vector expression: each
 * vector variable v becomes v[k], elementwise operators their scalar forms.
 */
function elementExpr(e: Expr, k: string): Expr {
  const t = typeOf(e);
  if (isScalarType(t)) return e;
  const span = e.span;
  switch (e.kind) {
    case 'Variable': {
      const index = { kind: 'Variable', name: k, span, type: { kind: 'int' } } as unknown as Expr;
      return { kind: 'Indexed', target: e, indices: [{ kind: 'Single', expr: index, span }], span, type: REAL_TYPE } as unknown as Expr;
    }
    case 'Paren':
      return { ...e, expr: elementExpr(e.expr, k), type: REAL_TYPE } as Expr;
    case 'Unary':
      return { ...e, operand: elementExpr(e.operand, k), type: REAL_TYPE } as Expr;
    case 'Binary': {
      const op = e.op === '.*' ? '*' : e.op === './' ? '/' : e.op;
      return { ...e, op, left: elementExpr(e.left, k), right: elementExpr(e.right, k), type: REAL_TYPE } as Expr;
    }
    case 'Call':
      return { ...e, args: [elementExpr(e.args[0], k)], type: REAL_TYPE } as Expr;
    default:
      throw new Unsupported(`elementwise ${e.kind}`);
  }
}

/** A loop's body with single-statement blocks unwrapped. */
function loopBody(s: Extract<Stmt, { kind: 'For' }>): Stmt {
  let body: Stmt = s.body;
  while (body.kind === 'Block' && body.statements.length === 1) body = body.statements[0];
  return body;
}

/** The variable's name when `e` is `v[i]` of a one-dimensional variable v and i the loop variable, else null. */
function loopElementOf(e: Expr, loopVar: string): string | null {
  const x = e.kind === 'Paren' ? e.expr : e;
  if (x.kind !== 'Indexed' || x.target.kind !== 'Variable' || x.indices.length !== 1) return null;
  const idx = x.indices[0];
  if (idx.kind !== 'Single' || idx.multi || idx.expr.kind !== 'Variable' || idx.expr.name !== loopVar) return null;
  const t = typeOf(x.target);
  const oneDim = t.kind === 'vector' || t.kind === 'row_vector' || (t.kind === 'array' && t.dims === 1 && isScalarType(t.element));
  return oneDim ? x.target.name : null;
}

/** Partials of the negated expression. */
function negated(parts: { node: string; d: string }[]): { node: string; d: string }[] {
  return parts.map((p) => ({ node: p.node, d: p.d === '1' ? '-1' : `-(${p.d})` }));
}

/** An expression whose active container value is newly made (not a variable's, which must be copied). */
function isFresh(e: Expr): boolean {
  switch (e.kind) {
    case 'Binary':
      return true;
    case 'Unary':
      return e.op === '-';
    case 'Call':
      // Built-ins make new values; a user function may return its argument.
      return e.resolved?.source === 'builtin';
    case 'Paren':
      return isFresh(e.expr);
    default:
      return false;
  }
}

/** The Stan type of a declared variable (for reading it back as an expression). */
function declaredType(d: VarDecl): StanType {
  const base = d.type.base;
  const elem: StanType =
    base === 'int' ? { kind: 'int' } : base === 'real' ? { kind: 'real' }
      : ['vector', 'simplex', 'ordered', 'positive_ordered', 'unit_vector', 'sum_to_zero_vector'].includes(base) ? { kind: 'vector' }
        : base === 'row_vector' ? { kind: 'row_vector' } : { kind: 'matrix' };
  return d.arrayDims.length ? { kind: 'array', element: elem, dims: d.arrayDims.length } : elem;
}

/** The expressions a statement reads directly (not those of nested statements). */
function stmtExprs(s: Stmt): Expr[] {
  switch (s.kind) {
    case 'For':
      return [s.lower, s.upper];
    case 'ForEach':
      return [s.collection];
    case 'While':
    case 'If':
      return [s.condition];
    case 'Print':
    case 'Reject':
    case 'FatalError':
      return s.args;
    case 'CallStmt':
      return [s.call];
    case 'Return':
      return s.value ? [s.value] : [];
    default:
      return [];
  }
}

/**
 * Generated quantities (with the parameters and transformed parameters) on the scalar tape,
 * values only: the code of an expression whose value is `scalarGenerate`, or why it stays batched.
 */
export function lowerScalarGenerate(
  base: CodeGenerator, params: VarDecl[], tp: Stmt[], gq: Stmt[], densityLowered: boolean,
): { code: string } | { unsupported: string } {
  try {
    // Its own scope: module constants are named as the density's are. With the scalar density
    // lowered, its scalarParamsTP is in the enclosing scope.
    const body = new ScalarGenerator(base, params, tp, gq, true).lower(densityLowered);
    return { code: `(() => {\n${body}\nreturn scalarGenerate;\n})()` };
  } catch (e) {
    if (e instanceof Unsupported) return { unsupported: e.message };
    throw e;
  }
}

/** Lower the density for the scalar backend, or explain why it stays batched. */
export function lowerScalarDensity(
  base: CodeGenerator, params: VarDecl[], tp: Stmt[], model: Stmt[],
): { code: string } | { unsupported: string } {
  try {
    return { code: new ScalarGenerator(base, params, tp, model).lower() };
  } catch (e) {
    if (e instanceof Unsupported) return { unsupported: e.message };
    throw e;
  }
}

