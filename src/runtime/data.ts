// Reading a program's data from Stan's JSON format (CmdStan's layout) and checking it
// against the data block: every failure names the variable, its declaration line, what the
// declaration expects and what the file holds.
import { Tensor } from './tensor.js';
import { findJsonProblem } from './json-error.js';

/** What the generated code knows of a declaration once its sizes are evaluated. */
export interface DeclSpec {
  name: string;
  base: string;
  arrayDims: number[];
  sizes: number[];
  line: number;
  column: number;
  bounds?: { lower?: number | Tensor; upper?: number | Tensor };
  /** Source text of the array dimensions and sizes (`N`, `K + 1`), so messages can show what a size came from. */
  arrayDimsText?: string[];
  sizesText?: string[];
}

export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}

const VECTOR_LIKE = new Set(['vector', 'row_vector', 'simplex', 'ordered', 'positive_ordered', 'unit_vector', 'sum_to_zero_vector']);
const SQUARE = new Set(['cov_matrix', 'corr_matrix', 'cholesky_factor_corr']);

/** Stan's int is 32-bit. */
const INT_MAX = 2147483647;

/** The per-element dimensions of a base type, from its declared sizes (numbers or their source text). */
function baseDims<T>(base: string, sizes: readonly T[]): T[] {
  const [a, b] = sizes;
  if (base === 'int' || base === 'real') return [];
  if (VECTOR_LIKE.has(base)) return [a];
  if (SQUARE.has(base)) return [a, a];
  if (base === 'cholesky_factor_cov') return [a, b ?? a];
  return [a, b];
}

/** How many trailing dimensions a base type has: 0 for scalars, 1 for vector-like, 2 for matrix-like. */
export function baseRank(base: string): number {
  if (base === 'int' || base === 'real') return 0;
  return VECTOR_LIKE.has(base) ? 1 : 2;
}

/** The per-element shape of a declared base type. */
export function baseShape(spec: DeclSpec): number[] {
  return baseDims(spec.base, spec.sizes);
}

/** Each dimension of the full shape as the user wrote it (`N`), when the lowering recorded it. */
function shapeText(spec: DeclSpec): string[] | undefined {
  if (!spec.arrayDimsText || !spec.sizesText) return undefined;
  return [...spec.arrayDimsText, ...baseDims(spec.base, spec.sizesText)];
}

const LITERAL = /^\d+$/;

/** `N = 2` for a size written as an expression, `2` for a literal. */
function sizeDesc(text: string | undefined, value: number): string {
  return text === undefined || LITERAL.test(text) ? String(value) : `${text} = ${value}`;
}

/** Full shape: array dimensions, then the base type's. */
export function declShape(spec: DeclSpec): number[] {
  // Runs for every local declaration in the log density: no work beyond the check unless it fails.
  const shape = [...spec.arrayDims, ...baseShape(spec)];
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (!Number.isInteger(d) || d < 0) {
      throw new DataError(
        `${where(spec)}: declared ${describeDecl(spec)}, but size ${sizeDesc(shapeText(spec)?.[i], d)} is not a non-negative integer`,
      );
    }
  }
  return shape;
}

/**
 * Stan's spelling of the declared type, e.g. `array[3] vector[2]`; sizes written as expressions
 * keep their text with the values after: `array[N] vector[K] with N = 3, K = 2`.
 */
export function describeDecl(spec: DeclSpec): string {
  const arrText = spec.arrayDimsText ?? spec.arrayDims.map(String);
  const sizeText = spec.sizesText ?? spec.sizes.map(String);
  const hasBaseSizes = baseShape(spec).length > 0;
  const arr = spec.arrayDims.length ? `array[${arrText.join(', ')}] ` : '';
  const type = `${arr}${spec.base}${hasBaseSizes ? `[${sizeText.join(', ')}]` : ''}`;
  const values = new Map<string, number>();
  arrText.forEach((t, i) => values.set(t, spec.arrayDims[i]));
  if (hasBaseSizes) sizeText.forEach((t, i) => values.set(t, spec.sizes[i]));
  const named = [...values].filter(([t]) => !LITERAL.test(t)).map(([t, v]) => `${t} = ${v}`);
  return named.length ? `${type} with ${named.join(', ')}` : type;
}

function where(spec: DeclSpec): string {
  return `'${spec.name}' (declared at line ${spec.line})`;
}

/** Numbers in Stan JSON: plain numbers or the strings CmdStan writes for non-finite values. */
function toNumber(x: unknown): number | undefined {
  if (typeof x === 'number') return x;
  if (typeof x === 'string') {
    const s = x.trim().toLowerCase();
    if (s === 'inf' || s === '+inf' || s === 'infinity' || s === '+infinity') return Infinity;
    if (s === '-inf' || s === '-infinity') return -Infinity;
    if (s === 'nan') return NaN;
  }
  return undefined;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Sizes along first elements; `exact` is false when an empty array hides deeper levels. */
function nesting(x: unknown): { sizes: number[]; exact: boolean } {
  const sizes: number[] = [];
  let cur: unknown = x;
  while (Array.isArray(cur)) {
    sizes.push(cur.length);
    if (cur.length === 0) return { sizes, exact: false };
    cur = cur[0];
  }
  return { sizes, exact: true };
}

function describeFound(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) {
    const { sizes } = nesting(x);
    return sizes.length === 1 ? `an array of ${plural(sizes[0], 'element')}` : `nested arrays of sizes [${sizes.join(', ')}]`;
  }
  if (typeof x === 'object') return 'an object';
  if (typeof x === 'string') return `the string ${JSON.stringify(x)}`;
  return `the ${typeof x} ${JSON.stringify(x)}`;
}

/** What a value of `rank` dimensions looks like in Stan JSON. */
function rankDesc(rank: number): string {
  return rank === 0 ? 'a number' : rank === 1 ? 'an array of numbers' : `arrays nested ${rank} deep`;
}

/** Read and check one data variable. Ints and reals come back as numbers, containers as data tensors. */
export function readData(input: Record<string, unknown>, spec: DeclSpec): number | Tensor {
  const shape = declShape(spec);
  if (!Object.prototype.hasOwnProperty.call(input, spec.name)) {
    throw new DataError(`${where(spec)} is missing from the data; expected ${describeDecl(spec)}`);
  }
  const raw = input[spec.name];
  const expected = () => `${where(spec)}: expected ${describeDecl(spec)}`;
  // The number of dimensions first: a wrong rank is a clearer message than the first size that differs.
  const found = nesting(raw);
  if (found.sizes.length > shape.length || (found.exact && found.sizes.length < shape.length && toNumber(atDepth(raw, found.sizes.length)) !== undefined)) {
    throw new DataError(`${expected()} (${rankDesc(shape.length)}); found ${describeFound(raw)}`);
  }
  const text = shapeText(spec);
  const isInt = spec.base === 'int';
  const flat = new Float64Array(shape.reduce((a, b) => a * b, 1));
  let k = 0;
  const path: number[] = [];
  const visit = (x: unknown, depth: number): void => {
    if (depth === shape.length) {
      const v = toNumber(x);
      if (v === undefined) {
        throw new DataError(`${expected()}; found ${describeFound(x)}${at(spec, path)}`);
      }
      if (isInt && !Number.isInteger(v)) {
        throw new DataError(`${expected()}; found${at(spec, path, true)} = ${formatValue(v)}, which is not an integer`);
      }
      if (isInt && Math.abs(v) > INT_MAX) {
        throw new DataError(`${expected()}; found${at(spec, path, true)} = ${v}, outside Stan's int range ±${INT_MAX}`);
      }
      flat[k++] = v;
      return;
    }
    if (!Array.isArray(x)) {
      throw new DataError(
        `${expected()} (${rankDesc(shape.length)}); found ${describeFound(x)}${depth > 0 ? at(spec, path) : ''}`,
      );
    }
    if (x.length !== shape[depth]) {
      const want = sizeDesc(text?.[depth], shape[depth]);
      throw new DataError(
        depth === 0
          ? `${expected()}; found ${describeFound(x)}, not ${want}`
          : `${expected()}; found${at(spec, path, true)} with ${plural(x.length, 'element')}, not ${want}`,
      );
    }
    for (let i = 0; i < x.length; i++) {
      path.push(i + 1);
      visit(x[i], depth + 1);
      path.pop();
    }
  };
  // A size-1 vector may be written as a scalar only in CmdStan's converters, not in its JSON: be exact.
  visit(raw, 0);
  checkBounds(spec, flat, shape);
  checkStructure(spec, flat, shape);
  if (shape.length === 0) return flat[0];
  return new Tensor(shape, flat, false);
}

/** The first element `depth` levels down. */
function atDepth(x: unknown, depth: number): unknown {
  for (let d = 0; d < depth; d++) x = (x as unknown[])[0];
  return x;
}

function at(spec: DeclSpec, path: number[], bare = false): string {
  if (path.length === 0) return bare ? ` ${spec.name}` : '';
  return `${bare ? ' ' : ' at '}${spec.name}[${path.join(', ')}]`;
}

function formatValue(v: number): string {
  return Number.isNaN(v) ? 'NaN' : String(v);
}

function boundAt(b: number | Tensor, k: number, n: number): number {
  if (typeof b === 'number') return b;
  return b.val[b.size === n ? k : k % b.size];
}

/** `<lower=, upper=>` on every element. */
export function checkBounds(spec: DeclSpec, flat: Float64Array, shape: number[], label = 'data'): void {
  const b = spec.bounds;
  if (!b) return;
  for (let k = 0; k < flat.length; k++) {
    const v = flat[k];
    if (b.lower !== undefined) {
      const lo = boundAt(b.lower, k, flat.length);
      if (!(v >= lo)) throw boundError(spec, shape, k, v, `≥ ${lo} (lower=${lo})`, label);
    }
    if (b.upper !== undefined) {
      const hi = boundAt(b.upper, k, flat.length);
      if (!(v <= hi)) throw boundError(spec, shape, k, v, `≤ ${hi} (upper=${hi})`, label);
    }
  }
}

function boundError(spec: DeclSpec, shape: number[], k: number, v: number, must: string, label: string): DataError {
  const idx = unflatten(k, shape);
  const name = idx.length ? `${spec.name}[${idx.join(', ')}]` : spec.name;
  return new DataError(`${where(spec)}: ${label} value ${name} = ${formatValue(v)} violates the constraint: must be ${must}`);
}

/** 1-based row-major indices of flat position k. */
export function unflatten(k: number, shape: number[]): number[] {
  const idx: number[] = new Array(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = (k % shape[d]) + 1;
    k = Math.floor(k / shape[d]);
  }
  return idx;
}

const TOL = 1e-8;

/** Constrained types (simplex, ordered, cov_matrix, …) in data: check each element of the array. */
export function checkStructure(spec: DeclSpec, flat: Float64Array, shape: number[], label = 'data'): void {
  const base = baseShape(spec);
  const per = base.reduce((a, b) => a * b, 1);
  if (per === 0) return;
  const count = flat.length / per;
  for (let i = 0; i < count; i++) {
    const x = flat.subarray(i * per, (i + 1) * per);
    const problem = structureProblem(spec.base, x, base);
    if (problem) {
      const idx = spec.arrayDims.length ? `${spec.name}[${unflatten(i, spec.arrayDims).join(', ')}]` : spec.name;
      throw new DataError(`${where(spec)}: ${label} value ${idx} is not a valid ${spec.base}: ${problem}`);
    }
  }
}

function structureProblem(base: string, x: Float64Array, shape: number[]): string | null {
  const n = shape[0];
  switch (base) {
    case 'simplex': {
      let s = 0;
      for (const v of x) {
        if (!(v >= 0)) return `element ${formatValue(v)} is negative`;
        s += v;
      }
      return Math.abs(s - 1) <= TOL ? null : `elements sum to ${s}, not 1`;
    }
    case 'sum_to_zero_vector': {
      let s = 0;
      for (const v of x) s += v;
      return Math.abs(s) <= TOL ? null : `elements sum to ${s}, not 0`;
    }
    case 'ordered':
    case 'positive_ordered':
      if (base === 'positive_ordered' && x.length > 0 && !(x[0] > 0)) return `first element ${x[0]} is not positive`;
      for (let i = 1; i < x.length; i++) if (!(x[i] > x[i - 1])) return `element ${i + 1} (${x[i]}) is not greater than element ${i} (${x[i - 1]})`;
      return null;
    case 'unit_vector': {
      let s = 0;
      for (const v of x) s += v * v;
      return Math.abs(s - 1) <= TOL ? null : `squared norm is ${s}, not 1`;
    }
    case 'cov_matrix':
    case 'corr_matrix': {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++) if (Math.abs(x[i * n + j] - x[j * n + i]) > TOL) return `not symmetric at [${i + 1}, ${j + 1}]`;
        if (base === 'corr_matrix' && Math.abs(x[i * n + i] - 1) > TOL) return `diagonal element ${i + 1} is ${x[i * n + i]}, not 1`;
      }
      return choleskyFails(x, n) ? 'not positive definite' : null;
    }
    case 'cholesky_factor_corr':
    case 'cholesky_factor_cov': {
      const cols = shape[1];
      for (let i = 0; i < shape[0]; i++) {
        for (let j = i + 1; j < cols; j++) if (x[i * cols + j] !== 0) return `element [${i + 1}, ${j + 1}] above the diagonal is not 0`;
        if (i < cols && !(x[i * cols + i] > 0)) return `diagonal element ${i + 1} is not positive`;
        if (base === 'cholesky_factor_corr') {
          let s = 0;
          for (let j = 0; j < cols; j++) s += x[i * cols + j] ** 2;
          if (Math.abs(s - 1) > TOL) return `row ${i + 1} does not have unit length`;
        }
      }
      return null;
    }
    case 'column_stochastic_matrix':
    case 'row_stochastic_matrix': {
      const [r, c] = shape;
      const outer = base === 'column_stochastic_matrix' ? c : r;
      for (let o = 0; o < outer; o++) {
        let s = 0;
        const inner = base === 'column_stochastic_matrix' ? r : c;
        for (let i = 0; i < inner; i++) {
          const v = base === 'column_stochastic_matrix' ? x[i * c + o] : x[o * c + i];
          if (!(v >= 0)) return `element ${formatValue(v)} is negative`;
          s += v;
        }
        if (Math.abs(s - 1) > TOL) return `${base === 'column_stochastic_matrix' ? 'column' : 'row'} ${o + 1} sums to ${s}, not 1`;
      }
      return null;
    }
    default:
      return null;
  }
}

function choleskyFails(a: Float64Array, n: number): boolean {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= L[j * n + k] ** 2;
    if (!(d > 0)) return true;
    L[j * n + j] = Math.sqrt(d);
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = s / L[j * n + j];
    }
  }
  return false;
}

/** Names in the data that the program does not declare (reported as a note, not an error). */
export function extraData(input: Record<string, unknown>, declared: readonly string[]): string[] {
  const known = new Set(declared);
  return Object.keys(input).filter((k) => !known.has(k));
}

/** Parse a data file's text; errors name the file, line and column and say what is wrong. */
export function parseDataJson(text: string, file = 'data'): Record<string, unknown> {
  // A byte-order mark (some editors write one) is not JSON, but it is not a mistake either.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    const problem = findJsonProblem(body);
    if (problem) throw new DataError(`${file}:${problem.line}:${problem.column}: not valid JSON: ${problem.message}`);
    throw new DataError(`${file}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DataError(`${file}: Stan data must be a JSON object mapping variable names to values; found ${describeFound(value)}`);
  }
  return value as Record<string, unknown>;
}
