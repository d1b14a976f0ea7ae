// Element loops compiled per call pattern. A pattern has one letter per argument: 'n' a data
// number, 'N' an active scalar (node), 'v' a data container (Tensor), 'V' an active container
// (Act). Each (function, pattern) gets a function of its own, built once, so the kernel call in
// its loop is monomorphic and V8 inlines it; generic loops over mixed kernels measured 3-5×
// slower. The generated source comes from this file's own text and numbers, never program text.
import type { Kernel } from '../elementwise.js';
import { Tensor } from '../tensor.js';
import { RuntimeError } from '../errors.js';
import { scalarPredicates } from '../../../stdlib/impl/dist-checks.js';
import { T } from './tape.js';
import { Act, AV, box, values } from './values.js';
import type { DensitySpec } from './ops.js';

export type Pattern = string;

class Source {
  readonly names: string[] = [];
  readonly values: unknown[] = [];
  bind(name: string, value: unknown): string {
    this.names.push(name);
    this.values.push(value);
    return name;
  }
  make<F>(src: string): F {
    return new Function(...this.names, src)(...this.values) as F;
  }
}

/** Shared prologue: sizes of the containers (checked equal), element reads as expressions. */
function prologue(pattern: Pattern, what: string, s: Source, lines: string[]): { read: (j: number) => string; container: boolean } {
  s.bind('T', T);
  s.bind('sizeError', (fn: string, args: AV[]) => {
    const sizes = args.filter((a) => typeof a !== 'number' && a.shape.length > 0).map((a) => (a as Tensor | Act).size);
    throw new RuntimeError(`${fn}: size mismatch (${sizes.join(' and ')} elements)`);
  });
  s.bind('what', what);
  lines.push('const val = T.val;');
  let container = false;
  for (let j = 0; j < pattern.length; j++) {
    const c = pattern[j];
    if (c === 'v') lines.push(`const V${j} = a${j}.val;`);
    if (c === 'V') lines.push(`const I${j} = a${j}.idx;`);
    if (c === 'N') lines.push(`const s${j} = val[a${j}];`);
    if (c === 'v' || c === 'V') {
      lines.push(container ? `if (a${j}.size !== n) sizeError(what, [${argList(pattern)}]);` : `const n = a${j}.size;`);
      container = true;
    }
  }
  if (!container) lines.push('const n = 1;');
  const read = (j: number) => {
    switch (pattern[j]) {
      case 'n': return `a${j}`;
      case 'N': return `s${j}`;
      case 'v': return `V${j}[i]`;
      default: return `val[I${j}[i]]`;
    }
  };
  return { read, container };
}

function argList(pattern: Pattern): string {
  return Array.from(pattern, (_, j) => `a${j}`).join(', ');
}

/** The arguments as generic values (active scalars boxed), for the checks' messages. */
function boxedList(pattern: Pattern): string {
  return Array.from(pattern, (c, j) => (c === 'N' ? `box(a${j})` : `a${j}`)).join(', ');
}

// ---------------------------------------------------------------------------------------
// Element-wise maps: an Act of one node per element.

type MapFn = (...args: AV[]) => Act;
const maps = new Map<string, MapFn>();

export function compiledMap(kernel: Kernel, key: string, pattern: Pattern): MapFn {
  const id = `${key}:${pattern}`;
  let f = maps.get(id);
  if (f === undefined) {
    f = buildMap(kernel, key, pattern);
    maps.set(id, f);
  }
  return f;
}

function buildMap(kernel: Kernel, key: string, pattern: Pattern): MapFn {
  const s = new Source();
  const lines: string[] = [];
  const { read } = prologue(pattern, key, s, lines);
  s.bind('kernel', kernel);
  s.bind('X', new Float64Array(Math.max(4, pattern.length)));
  s.bind('D', new Float64Array(Math.max(4, pattern.length)));
  s.bind('Act', Act);
  const shapeFrom = [...pattern].findIndex((c) => c === 'v' || c === 'V');
  const edges = [...pattern].filter((c) => c === 'N' || c === 'V').length;
  lines.push('const out = T.ints(n);');
  lines.push('for (let i = 0; i < n; i++) {');
  for (let j = 0; j < pattern.length; j++) lines.push(`X[${j}] = ${read(j)};`);
  lines.push('const r = kernel(X, D);');
  lines.push(`const node = T.open(r, ${edges});`);
  for (let j = 0; j < pattern.length; j++) {
    if (pattern[j] === 'N') lines.push(`T.edge(a${j}, D[${j}]);`);
    if (pattern[j] === 'V') lines.push(`T.edge(I${j}[i], D[${j}]);`);
  }
  lines.push('out[i] = node;');
  lines.push('}');
  lines.push(`return new Act(${shapeFrom >= 0 ? `a${shapeFrom}.shape` : '[]'}, out);`);
  return s.make<MapFn>(`return function (${argList(pattern)}) {\n${lines.join('\n')}\n};`);
}

// ---------------------------------------------------------------------------------------
// Densities over containers: summed into the target, or into one node.

export interface VectorDensity {
  /** target += the density. */
  t: (...args: AV[]) => void;
  /** The density as a node. */
  d: (...args: AV[]) => number;
}

const densities = new Map<string, VectorDensity>();

/**
 * `cacheConstant`: the integer-data arguments are immutable (data or transformed data, or
 * literals), so their constant terms are summed once per distinct argument objects.
 */
export function compiledDensity(spec: DensitySpec, fn: string, pattern: Pattern, cacheConstant = false): VectorDensity {
  const id = `${fn}:${pattern}:${cacheConstant}`;
  let f = densities.get(id);
  if (f === undefined) {
    f = {
      t: buildDensity(spec, fn, pattern, true, cacheConstant) as VectorDensity['t'],
      d: buildDensity(spec, fn, pattern, false, cacheConstant) as VectorDensity['d'],
    };
    densities.set(id, f);
  }
  return f;
}

/**
 * Source of a test that the arguments `args` are not the objects `holder.keys` holds (or that
 * it holds none yet): compared one by one, with no array made per call.
 */
function changed(holder: string, args: readonly number[]): string {
  return [`${holder}.keys === null`, ...args.map((j, m) => `${holder}.keys[${m}] !== a${j}`)].join(' || ');
}

function buildDensity(spec: DensitySpec, fn: string, pattern: Pattern, toTarget: boolean, cacheConstant: boolean): unknown {
  const s = new Source();
  const lines: string[] = [];
  const { read } = prologue(pattern, fn, s, lines);
  const k = pattern.length;
  s.bind('kernel', spec.kernel);
  s.bind('X', new Float64Array(Math.max(4, k)));
  s.bind('D', new Float64Array(Math.max(4, k)));
  s.bind('fn', fn);
  s.bind('box', box);
  // On any failed element, the original checks run in Stan's order on snapshots and throw its message.
  s.bind('checkAll', (args: AV[]) => {
    const vals = args.map(values);
    spec.args.forEach((a, j) => a.checks.forEach((check) => check(fn, a.name, vals[j])));
    spec.checkSizes(fn, spec.args.map((a, j) => [a.name, vals[j]] as const));
    throw new RuntimeError(`${fn}: internal: an argument check failed without a message`);
  });
  const okOf = (j: number, m: number): string | null => {
    const pred = scalarPredicates.get(spec.args[j].checks[m]);
    return pred ? s.bind(`ok${j}_${m}`, pred) : null;
  };
  // Checks of scalars once, before the loop; a check without a predicate always runs on snapshots.
  let opaque = false;
  for (let j = 0; j < k; j++) {
    spec.args[j].checks.forEach((_, m) => {
      const ok = okOf(j, m);
      if (ok === null) opaque = true;
      else if (pattern[j] === 'n' || pattern[j] === 'N') lines.push(`if (!${ok}(${read(j)})) checkAll([${boxedList(pattern)}]);`);
    });
  }
  if (opaque) {
    s.bind('runChecks', (args: AV[]) => {
      const vals = args.map(values);
      spec.args.forEach((a, j) => a.checks.forEach((check) => check(fn, a.name, vals[j])));
    });
    lines.push(`runChecks([${boxedList(pattern)}]);`);
  }
  // Relations between arguments come after the per-argument checks, as in Stan (container
  // elements are checked in the loop below, so a bad element may be reported by a relation).
  if (spec.relations) {
    s.bind('relations', spec.relations);
    s.bind('values', values);
    // Only the arguments the relation reads are snapshot; a relation among immutable data
    // arguments holds for good once it held.
    const reads = spec.relationArgs ?? Array.from(pattern, (_, j) => j);
    const list = Array.from(pattern, (c, j) => (!reads.includes(j) ? '0' : c === 'N' ? `val[a${j}]` : `values(a${j})`)).join(', ');
    const dataOnly = cacheConstant && reads.every((j) => pattern[j] === 'n' || pattern[j] === 'v');
    if (dataOnly) {
      s.bind('checked', { keys: null as unknown[] | null });
      const keys = `[${reads.map((j) => `a${j}`).join(', ')}]`;
      lines.push(`if (${changed('checked', reads)}) { relations(fn, [${list}]); checked.keys = ${keys}; }`);
    } else lines.push(`relations(fn, [${list}]);`);
  }
  for (let j = 0; j < k; j++) if (pattern[j] === 'N') lines.push(`let g${j} = 0;`);
  if (!toTarget) {
    s.bind('scratch', { pin: new Int32Array(256), ppart: new Float64Array(256) });
    lines.push('let pin = scratch.pin, ppart = scratch.ppart, pn = 0;');
    const perElement = [...pattern].filter((c) => c === 'V').length;
    lines.push(`if (pin.length < n * ${perElement} + ${k}) { scratch.pin = pin = new Int32Array(2 * (n * ${perElement} + ${k})); scratch.ppart = ppart = new Float64Array(pin.length); }`);
  }
  lines.push('let lp = 0;');
  lines.push('for (let i = 0; i < n; i++) {');
  for (let j = 0; j < k; j++) {
    lines.push(`const x${j} = ${read(j)};`);
    if (pattern[j] === 'v' || pattern[j] === 'V') {
      spec.args[j].checks.forEach((_, m) => {
        const ok = okOf(j, m);
        if (ok !== null) lines.push(`if (!${ok}(x${j})) checkAll([${boxedList(pattern)}]);`);
      });
    }
    lines.push(`X[${j}] = x${j};`);
  }
  lines.push('lp += kernel(X, D);');
  for (let j = 0; j < k; j++) {
    if (pattern[j] === 'N') lines.push(`g${j} += D[${j}];`);
    if (pattern[j] === 'V') {
      lines.push(toTarget ? `T.tedge(I${j}[i], D[${j}]);` : `pin[pn] = I${j}[i]; ppart[pn++] = D[${j}];`);
    }
  }
  lines.push('}');
  if (spec.constant) {
    // Terms of integer data only: summed once per distinct data (the arguments are immutable data).
    s.bind('constantKernel', spec.constant.kernel);
    s.bind('CX', new Float64Array(Math.max(4, spec.constant.args.length)));
    s.bind('cache', { keys: null as unknown[] | null, value: 0 });
    const ca = spec.constant.args;
    const keys = `[${ca.map((j) => `a${j}`).join(', ')}]`;
    lines.push(`if (${cacheConstant ? changed('cache', ca) : 'true'}) {`);
    lines.push('let c = 0;');
    lines.push('for (let i = 0; i < n; i++) {');
    ca.forEach((j, m) => lines.push(`CX[${m}] = ${read(j)};`));
    lines.push('c += constantKernel(CX, null);');
    lines.push('}');
    lines.push(`cache.keys = ${keys}; cache.value = c;`);
    lines.push('}');
    lines.push('lp += cache.value;');
  }
  if (toTarget) {
    lines.push('T.lp += lp;');
    for (let j = 0; j < k; j++) if (pattern[j] === 'N') lines.push(`T.tedge(a${j}, g${j});`);
  } else {
    for (let j = 0; j < k; j++) if (pattern[j] === 'N') lines.push(`pin[pn] = a${j}; ppart[pn++] = g${j};`);
    lines.push('const node = T.open(lp, pn);');
    lines.push('for (let m = 0; m < pn; m++) T.edge(pin[m], ppart[m]);');
    lines.push('return node;');
  }
  return s.make(`return function (${argList(pattern)}) {\n${lines.join('\n')}\n};`);
}
