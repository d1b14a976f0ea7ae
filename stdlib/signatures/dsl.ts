// Built-in signatures are written the way Stan's functions reference prints them, e.g.
//   real normal_lpdf(reals y | reals mu, reals sigma)
// and parsed once at start-up. One line can stand for several signatures: `{real, vector} x`
// expands to one signature per alternative. Argument types may be vectorized families:
//   reals    int, real, array[] int, array[] real, vector, row_vector
//   ints     int, array[] int
//   vectors  vector, row_vector, array[] vector, array[] row_vector
//   T, T1..  any real-valued shape (int, real, vector, row_vector, matrix, arrays of them):
//            the function applies element-wise; several T arguments must share a shape
//            unless scalar
//   U        any type (generic); `array[] U` binds U to the element type
// Return types: a concrete type, `U`-based (`array[] U`), or `R` / `I`: a real / int result
// that takes the shape of the T arguments, or (without T arguments) becomes an array when any
// family argument is a container — Stan's vectorized RNGs.
import type { StanType } from '../../src/check/types.js';
import { arrayOf, showType } from '../../src/check/types.js';

export type FamilyName = 'reals' | 'ints' | 'vectors';

export type ArgType =
  | { kind: 'type'; type: StanType }
  | { kind: 'family'; family: FamilyName }
  /** Element-wise argument (T, T1, T2, ...). */
  | { kind: 'elementwise' }
  /** The generic type variable U under `dims` array dimensions. */
  | { kind: 'generic'; dims: number };

export type ReturnType =
  | { kind: 'type'; type: StanType }
  /** R (base real) or I (base int): shaped by the arguments, see the module comment. */
  | { kind: 'vectorized'; base: 'real' | 'int' }
  | { kind: 'generic'; dims: number };

export interface Signature {
  name: string;
  args: ArgType[];
  /** Parameter names, for listings and messages. */
  argNames: string[];
  /** Arguments that must not depend on parameters (`data` in the reference). */
  dataOnly?: boolean[];
  returns: ReturnType;
  /** Written with `|` after the first argument (densities and CDFs). */
  conditional: boolean;
  /** The reference line this signature was expanded from (listings show it once). */
  text: string;
}

// ---------------------------------------------------------------------------
// Parsing

const SCALARS: Record<string, StanType> = {
  int: { kind: 'int' },
  real: { kind: 'real' },
  complex: { kind: 'complex' },
  vector: { kind: 'vector' },
  row_vector: { kind: 'row_vector' },
  matrix: { kind: 'matrix' },
  complex_vector: { kind: 'complex_vector' },
  complex_row_vector: { kind: 'complex_row_vector' },
  complex_matrix: { kind: 'complex_matrix' },
};

class DslError extends Error {}

function tokenize(line: string): string[] {
  const tokens = line.match(/[A-Za-z_][A-Za-z0-9_]*|[()[\]{},|]/g);
  if (!tokens || tokens.join('').length !== line.replace(/\s+/g, '').length) {
    throw new DslError(`bad signature line: ${line}`);
  }
  return tokens;
}

class Cursor {
  private i = 0;
  constructor(
    private readonly tokens: string[],
    private readonly line: string,
  ) {}
  peek(): string | undefined {
    return this.tokens[this.i];
  }
  next(): string {
    const t = this.tokens[this.i++];
    if (t === undefined) throw new DslError(`unexpected end of signature: ${this.line}`);
    return t;
  }
  expect(t: string): void {
    const got = this.next();
    if (got !== t) throw new DslError(`expected '${t}' but found '${got}' in: ${this.line}`);
  }
  done(): boolean {
    return this.i >= this.tokens.length;
  }
}

/** One parsed argument or return type: a list of alternatives. */
type Alternatives = ArgType[];

function parseSingle(c: Cursor): ArgType {
  let dims = 0;
  if (c.peek() === 'array') {
    c.next();
    c.expect('[');
    dims = 1;
    while (c.peek() === ',') {
      c.next();
      dims++;
    }
    c.expect(']');
  }
  const word = c.next();
  if (word === 'U') return { kind: 'generic', dims };
  if (dims === 0 && (word === 'reals' || word === 'ints' || word === 'vectors')) return { kind: 'family', family: word };
  if (dims === 0 && /^T[0-9]?$/.test(word)) return { kind: 'elementwise' };
  const base = SCALARS[word];
  if (!base) throw new DslError(`unknown type '${word}'`);
  return { kind: 'type', type: arrayOf(base, dims) };
}

function parseAlternatives(c: Cursor): Alternatives {
  if (c.peek() !== '{') return [parseSingle(c)];
  c.next();
  const alts = [parseSingle(c)];
  while (c.peek() === ',') {
    c.next();
    alts.push(parseSingle(c));
  }
  c.expect('}');
  return alts;
}

function parseReturn(c: Cursor): ReturnType[] {
  const w = c.peek();
  if (w === 'R' || w === 'I') {
    c.next();
    return [{ kind: 'vectorized', base: w === 'R' ? 'real' : 'int' }];
  }
  if (w === 'void') {
    c.next();
    return [{ kind: 'type', type: { kind: 'void' } }];
  }
  return parseAlternatives(c).map((a): ReturnType => {
    if (a.kind === 'type') return a;
    if (a.kind === 'generic') return a;
    throw new DslError('families cannot be return types');
  });
}

function cartesian<T>(lists: T[][]): T[][] {
  return lists.reduce<T[][]>((acc, list) => acc.flatMap((prefix) => list.map((x) => [...prefix, x])), [[]]);
}

/** Parse one reference line into its signatures (several when it uses `{a, b}` alternatives). */
export function parseSignatureLine(line: string): Signature[] {
  const c = new Cursor(tokenize(line), line);
  const returns = parseReturn(c);
  const name = c.next();
  c.expect('(');
  const params: Array<{ alts: Alternatives; name: string; dataOnly: boolean }> = [];
  let conditional = false;
  if (c.peek() !== ')') {
    for (;;) {
      let dataOnly = false;
      if (c.peek() === 'data') {
        c.next();
        dataOnly = true;
      }
      const alts = parseAlternatives(c);
      const argName = c.next();
      params.push({ alts, name: argName, dataOnly });
      const sep = c.next();
      if (sep === ')') break;
      if (sep === '|') {
        if (params.length !== 1) throw new DslError(`'|' must follow the first argument: ${line}`);
        conditional = true;
        if (c.peek() === ')') {
          c.next();
          break;
        }
        continue;
      }
      if (sep !== ',') throw new DslError(`expected ',' or ')' in: ${line}`);
    }
  } else {
    c.next();
  }
  if (!c.done()) throw new DslError(`trailing tokens in: ${line}`);
  const text = line.trim().replace(/\s+/g, ' ');
  const dataOnly = params.some((p) => p.dataOnly) ? params.map((p) => p.dataOnly) : undefined;
  const out: Signature[] = [];
  for (const ret of returns) {
    for (const args of cartesian(params.map((p) => p.alts))) {
      out.push({ name, args, argNames: params.map((p) => p.name), dataOnly, returns: ret, conditional, text });
    }
  }
  return out;
}

/** Parse a block of reference lines (one per line; blank lines and `#` comments skipped). */
export function signatures(block: string): Signature[] {
  return block
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .flatMap(parseSignatureLine);
}

// ---------------------------------------------------------------------------
// Generators for the regular families, so each distribution is one line of table.

export type DensitySuffix = 'lpdf' | 'lpmf' | 'cdf' | 'lcdf' | 'lccdf';

/**
 * The density/mass, its unnormalized `_lupdf`/`_lupmf` twin, and the listed cumulative forms:
 * `density('normal', 'reals y', 'reals mu, reals sigma', ['lpdf', 'cdf', 'lcdf', 'lccdf'])`.
 */
export function density(family: string, variate: string, params: string, suffixes: DensitySuffix[]): string {
  const lines: string[] = [];
  const bar = params.trim() === '' ? ' |' : ' | ';
  for (const s of suffixes) {
    lines.push(`real ${family}_${s}(${variate}${bar}${params})`);
    if (s === 'lpdf') lines.push(`real ${family}_lupdf(${variate}${bar}${params})`);
    if (s === 'lpmf') lines.push(`real ${family}_lupmf(${variate}${bar}${params})`);
  }
  return lines.join('\n');
}

/** Stan's spelling of an argument type in listings. */
export function showArgType(a: ArgType): string {
  switch (a.kind) {
    case 'type':
      return showType(a.type);
    case 'family':
      return a.family;
    case 'elementwise':
      return 'T';
    case 'generic':
      return a.dims === 0 ? 'U' : `array[${','.repeat(a.dims - 1)}] U`;
  }
}

export function showReturnType(r: ReturnType): string {
  switch (r.kind) {
    case 'type':
      return showType(r.type);
    case 'vectorized':
      return r.base === 'real' ? 'R' : 'I';
    case 'generic':
      return r.dims === 0 ? 'U' : `array[${','.repeat(r.dims - 1)}] U`;
  }
}

/** One expanded signature in reference style, e.g. `real normal_lpdf(vector y | real mu, real sigma)`. */
export function showSignature(s: Signature): string {
  const args = s.args.map((a, i) => `${s.dataOnly?.[i] ? 'data ' : ''}${showArgType(a)} ${s.argNames[i]}`);
  const inner = s.conditional
    ? args.length === 1
      ? `${args[0]} |`
      : `${args[0]} | ${args.slice(1).join(', ')}`
    : args.join(', ');
  return `${showReturnType(s.returns)} ${s.name}(${inner})`;
}
