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
