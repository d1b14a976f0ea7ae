// Element names of Stan variables: CmdStan's CSV columns (`Sigma.2.1`, column-major) and the
// bracketed names people read (`Sigma[2,1]`).

/**
 * CmdStan's column names for a variable with the given dimensions, in the order CmdStan writes
 * them: column-major over all indices (the first index varies fastest). A scalar has dims [].
 */
export function cmdstanColumnNames(name: string, dims: ReadonlyArray<number>): string[] {
  if (dims.length === 0) return [name];
  const total = dims.reduce((a, b) => a * b, 1);
  const names: string[] = [];
  const index = dims.map(() => 1);
  for (let k = 0; k < total; k++) {
    names.push(`${name}.${index.join('.')}`);
    for (let d = 0; d < dims.length; d++) {
      if (index[d] < dims[d]) {
        index[d]++;
        break;
      }
      index[d] = 1;
    }
  }
  return names;
}

/** `theta.1` → `theta[1]`, `Sigma.2.1` → `Sigma[2,1]`; tuple parts (`x:1.2`) each get their own brackets. */
export function stanElementName(column: string): string {
  if (!column.includes('.') && !column.includes(':')) return column;
  return column
    .split(':')
    .map((part) => {
      const dot = part.indexOf('.');
      if (dot < 0) return part;
      return `${part.slice(0, dot)}[${part
        .slice(dot + 1)
        .split('.')
        .join(',')}]`;
    })
    .join('.');
}

/** A variable's columns gathered back together. */
export interface ColumnGroup {
  /** The variable's name, e.g. `Sigma`. */
  name: string;
  /** Largest index seen along each dimension; [] for a scalar. */
  dims: number[];
  /** Indices into the column list, in file order. */
  columns: number[];
  /** Element names, e.g. `Sigma[1,1]`, in file order. */
  elements: string[];
}

/**
 * Groups CmdStan columns by variable in order of first appearance. Columns whose suffixes are not
 * all integer indices (complex `.real`/`.imag`, tuples) stay whole, named by stanElementName.
 */
export function groupColumns(columns: ReadonlyArray<string>): ColumnGroup[] {
  const groups = new Map<string, ColumnGroup>();
  columns.forEach((column, i) => {
    const parts = column.split('.');
    const indexed = !column.includes(':') && parts.length > 1 && parts.slice(1).every((p) => /^[1-9][0-9]*$/.test(p));
    const name = indexed ? parts[0] : stanElementName(column);
    const indices = indexed ? parts.slice(1).map(Number) : [];
    let g = groups.get(name);
    if (!g) {
      g = { name, dims: indices.map(() => 0), columns: [], elements: [] };
      groups.set(name, g);
    }
    indices.forEach((v, d) => (g.dims[d] = Math.max(g.dims[d] ?? 0, v)));
    g.columns.push(i);
    g.elements.push(stanElementName(column));
  });
  return [...groups.values()];
}
