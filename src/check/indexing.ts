// The type of an indexed expression: a single index drops a dimension, a multi-index
// (slice or int array) keeps it. Arrays are indexed first, then the vector/matrix inside.
import { type StanType, REAL, COMPLEX, VECTOR, ROW_VECTOR, COMPLEX_VECTOR, COMPLEX_ROW_VECTOR, arrayOf, dropDims } from './types.js';

export type IndexKind = 'single' | 'multi';

/** How many indexes a value of this type accepts. */
export function maxIndexes(t: StanType): number {
  switch (t.kind) {
    case 'array':
      return t.dims + maxIndexes(t.element);
    case 'vector':
    case 'row_vector':
    case 'complex_vector':
    case 'complex_row_vector':
      return 1;
    case 'matrix':
    case 'complex_matrix':
      return 2;
    default:
      return 0;
  }
}

/** The result type, or undefined when there are more indexes than dimensions. */
export function indexedType(t: StanType, kinds: readonly IndexKind[]): StanType | undefined {
  if (kinds.length === 0) return t;
  const [first, ...rest] = kinds;
  switch (t.kind) {
    case 'array': {
      const inner = indexedType(dropDims(t, 1), rest);
      if (!inner) return undefined;
      return first === 'single' ? inner : arrayOf(inner, 1);
    }
    case 'vector':
    case 'row_vector':
      if (rest.length > 0) return undefined;
      return first === 'single' ? REAL : t;
    case 'complex_vector':
    case 'complex_row_vector':
      if (rest.length > 0) return undefined;
      return first === 'single' ? COMPLEX : t;
    case 'matrix':
    case 'complex_matrix': {
      if (rest.length > 1) return undefined;
      const complex = t.kind === 'complex_matrix';
      const row = complex ? COMPLEX_ROW_VECTOR : ROW_VECTOR;
      const col = complex ? COMPLEX_VECTOR : VECTOR;
      const scalar = complex ? COMPLEX : REAL;
      if (rest.length === 0) return first === 'single' ? row : t;
      const second = rest[0];
      if (first === 'single') return second === 'single' ? scalar : row;
      return second === 'single' ? col : t;
    }
    default:
      return undefined;
  }
}
