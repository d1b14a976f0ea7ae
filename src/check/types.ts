// Stan's unsized types. Sizes are run-time facts, not part of the type.

export type ScalarKind = 'int' | 'real' | 'complex';
export type ContainerKind =
  | 'vector' | 'row_vector' | 'matrix'
  | 'complex_vector' | 'complex_row_vector' | 'complex_matrix';

export type StanType =
  | { kind: ScalarKind }
  | { kind: ContainerKind }
  /** `dims` ≥ 1; `element` is never an array. */
  | { kind: 'array'; element: StanType; dims: number }
  | { kind: 'tuple'; elements: StanType[] }
  | { kind: 'void' }
  /** A function value (only as the type of a function name; Stan has no closures). */
  | { kind: 'function'; returns: StanType; params: Array<{ type: StanType; dataOnly: boolean }> };

export const INT: StanType = { kind: 'int' };
export const REAL: StanType = { kind: 'real' };
export const COMPLEX: StanType = { kind: 'complex' };
export const VECTOR: StanType = { kind: 'vector' };
export const ROW_VECTOR: StanType = { kind: 'row_vector' };
export const MATRIX: StanType = { kind: 'matrix' };
export const VOID: StanType = { kind: 'void' };

export function arrayOf(element: StanType, dims = 1): StanType {
  if (dims === 0) return element;
  if (element.kind === 'array') return { kind: 'array', element: element.element, dims: element.dims + dims };
  return { kind: 'array', element, dims };
}

export function sameType(a: StanType, b: StanType): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'array' && b.kind === 'array') return a.dims === b.dims && sameType(a.element, b.element);
  if (a.kind === 'tuple' && b.kind === 'tuple') {
    return a.elements.length === b.elements.length && a.elements.every((e, i) => sameType(e, b.elements[i]));
  }
  return true;
}

/** Stan's spelling of a type in messages: `real`, `vector`, `array[,] int`, `tuple(real, int)`. */
export function showType(t: StanType): string {
  switch (t.kind) {
    case 'array':
      return `array[${','.repeat(t.dims - 1)}] ${showType(t.element)}`;
    case 'tuple':
      return `tuple(${t.elements.map(showType).join(', ')})`;
    case 'function':
      return `(${t.params.map((p) => (p.dataOnly ? 'data ' : '') + showType(p.type)).join(', ')}) => ${showType(t.returns)}`;
    default:
      return t.kind;
  }
}

// ---------------------------------------------------------------------------
// Helpers used by the checker and the signature tables.

export const COMPLEX_VECTOR: StanType = { kind: 'complex_vector' };
export const COMPLEX_ROW_VECTOR: StanType = { kind: 'complex_row_vector' };
export const COMPLEX_MATRIX: StanType = { kind: 'complex_matrix' };

const REAL_TO_COMPLEX: Partial<Record<StanType['kind'], StanType['kind']>> = {
  real: 'complex',
  int: 'complex',
  vector: 'complex_vector',
  row_vector: 'complex_row_vector',
  matrix: 'complex_matrix',
};

export function isScalar(t: StanType): boolean {
  return t.kind === 'int' || t.kind === 'real' || t.kind === 'complex';
}

/** int or real (what Stan calls a primitive). */
export function isIntOrReal(t: StanType): boolean {
  return t.kind === 'int' || t.kind === 'real';
}

export function isInt(t: StanType): boolean {
  return t.kind === 'int';
}

export function isIntArray(t: StanType): boolean {
  return t.kind === 'array' && t.element.kind === 'int';
}

/** int or an array of ints: Stan's "discrete" types. */
export function isIntValued(t: StanType): boolean {
  return t.kind === 'int' || isIntArray(t);
}

export function isVectorLike(t: StanType): boolean {
  return t.kind === 'vector' || t.kind === 'row_vector' || t.kind === 'matrix';
}

export function isComplexLike(t: StanType): boolean {
  return (
    t.kind === 'complex' || t.kind === 'complex_vector' || t.kind === 'complex_row_vector' || t.kind === 'complex_matrix'
  );
}

/** The element type after removing all array dimensions. */
export function innermost(t: StanType): StanType {
  return t.kind === 'array' ? t.element : t;
}

export function arrayDims(t: StanType): number {
  return t.kind === 'array' ? t.dims : 0;
}

/** Drop `n` array dimensions (n ≤ dims). */
export function dropDims(t: StanType, n: number): StanType {
  if (n === 0 || t.kind !== 'array') return t;
  return t.dims === n ? t.element : { kind: 'array', element: t.element, dims: t.dims - n };
}

/** Real-valued numbers and containers of them (ints count: they promote). */
export function isRealValued(t: StanType): boolean {
  const e = innermost(t);
  return e.kind === 'int' || e.kind === 'real' || isVectorLike(e);
}

/** Complex counterpart of a real type (int/real → complex, vector → complex_vector, ...), element-wise through arrays. */
export function toComplex(t: StanType): StanType | undefined {
  if (t.kind === 'array') {
    const e = toComplex(t.element);
    return e && arrayOf(e, t.dims);
  }
  if (isComplexLike(t)) return t;
  const k = REAL_TO_COMPLEX[t.kind];
  return k ? ({ kind: k } as StanType) : undefined;
}

/** int → real, element-wise through arrays and tuples (the type a value takes in real arithmetic). */
export function intToReal(t: StanType): StanType {
  switch (t.kind) {
    case 'int':
      return REAL;
    case 'array':
      return arrayOf(intToReal(t.element), t.dims);
    case 'tuple':
      return { kind: 'tuple', elements: t.elements.map(intToReal) };
    default:
      return t;
  }
}

/**
 * How many implicit promotions turn a value of type `from` into `to`: 0 when equal, -1 when
 * impossible. Stan promotes int → real → complex, real containers → complex containers, and
 * arrays and tuples element by element (array dimensions must agree).
 */
export function promotionCost(from: StanType, to: StanType): number {
  if (from.kind === 'array' || to.kind === 'array') {
    if (from.kind !== 'array' || to.kind !== 'array' || from.dims !== to.dims) return -1;
    return promotionCost(from.element, to.element);
  }
  if (from.kind === 'tuple' || to.kind === 'tuple') {
    if (from.kind !== 'tuple' || to.kind !== 'tuple' || from.elements.length !== to.elements.length) return -1;
    let total = 0;
    for (let i = 0; i < from.elements.length; i++) {
      const c = promotionCost(from.elements[i], to.elements[i]);
      if (c < 0) return -1;
      total += c;
    }
    return total;
  }
  if (from.kind === 'function' || to.kind === 'function') return sameType(from, to) ? 0 : -1;
  if (from.kind === to.kind) return 0;
  switch (from.kind) {
    case 'int':
      return to.kind === 'real' ? 1 : to.kind === 'complex' ? 2 : -1;
    case 'real':
      return to.kind === 'complex' ? 1 : -1;
    case 'vector':
      return to.kind === 'complex_vector' ? 1 : -1;
    case 'row_vector':
      return to.kind === 'complex_row_vector' ? 1 : -1;
    case 'matrix':
      return to.kind === 'complex_matrix' ? 1 : -1;
    default:
      return -1;
  }
}

export function canPromote(from: StanType, to: StanType): boolean {
  return promotionCost(from, to) >= 0;
}

/** The smallest type both promote to (for `{a, b}`, ternaries), if any. */
export function commonType(a: StanType, b: StanType): StanType | undefined {
  if (canPromote(a, b)) return b;
  if (canPromote(b, a)) return a;
  // int and complex-vs-real mixes inside arrays/tuples: try the complex side.
  if (a.kind === 'tuple' && b.kind === 'tuple' && a.elements.length === b.elements.length) {
    const es: StanType[] = [];
    for (let i = 0; i < a.elements.length; i++) {
      const c = commonType(a.elements[i], b.elements[i]);
      if (!c) return undefined;
      es.push(c);
    }
    return { kind: 'tuple', elements: es };
  }
  return undefined;
}

/** Whether a value of this type can be printed or used as data (anything but functions and void). */
export function isValueType(t: StanType): boolean {
  if (t.kind === 'function' || t.kind === 'void') return false;
  if (t.kind === 'array') return isValueType(t.element);
  if (t.kind === 'tuple') return t.elements.every(isValueType);
  return true;
}

/** Whether `t` contains an int anywhere (parameters cannot). */
export function containsInt(t: StanType): boolean {
  if (t.kind === 'int') return true;
  if (t.kind === 'array') return containsInt(t.element);
  if (t.kind === 'tuple') return t.elements.some(containsInt);
  return false;
}
