// Reads Stan CSV as CmdStan and hstan write it: config comments, header, optional warmup rows,
// adaptation block, draws, timing. Malformed input is reported by file and line.
import { readFileSync } from 'node:fs';

export class StanCsvError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  constructor(file: string, line: number | undefined, message: string) {
    super(line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`);
    this.name = 'StanCsvError';
    this.file = file;
    this.line = line;
  }
}

export interface StanCsvAdaptation {
  stepSize: number;
  /** The diagonal (diag_e), the rows (dense_e), or absent (unit_e). */
  inverseMetric?: Float64Array | Float64Array[];
}

/** Elapsed seconds. */
export interface StanCsvElapsed {
  warmup: number;
  sampling: number;
  total: number;
}

export interface StanCsv {
  file: string;
  /**
   * Config comments by key, values without `(Default)`, numbers as numbers. A key seen twice
   * (CmdStan's data `file` and output `file`) keeps its first value; later ones are also stored
   * under their section path, e.g. `output.file`.
   */
  config: Record<string, string | number>;
  /** Column names as in the file, e.g. `theta.1`. */
  columns: string[];
  /** Post-warmup draws, one array per column. */
  draws: Float64Array[];
  /** Saved warmup draws, one (possibly empty) array per column. */
  warmupDraws: Float64Array[];
  adaptation?: StanCsvAdaptation;
  timing?: StanCsvElapsed;
}

function parseNumber(raw: string): number {
  const t = raw.trim();
  if (t === '') return NaN;
  const v = Number(t);
  if (!Number.isNaN(v)) return v;
  switch (t.toLowerCase()) {
    case 'nan':
    case '-nan':
    case '+nan':
    case 'na':
      return NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    default:
      return NaN;
  }
}

function isNumberToken(raw: string): boolean {
  const t = raw.trim();
  return t !== '' && (!Number.isNaN(Number(t)) || /^[-+]?(nan|na|inf|infinity)$/i.test(t));
}

function configValue(raw: string): string | number {
  const v = raw.replace(/\(Default\)\s*$/, '').trim();
  if (/^[-+]?(\d|\.\d)/.test(v) && Number.isFinite(Number(v))) return Number(v);
  return v;
}

/** Growable row-major store of parsed draws. */
class RowStore {
  private data = new Float64Array(1024);
  rows = 0;
  constructor(readonly width: number) {}
  push(values: Float64Array): void {
    const need = (this.rows + 1) * this.width;
    if (need > this.data.length) {
      const bigger = new Float64Array(Math.max(need, this.data.length * 2));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data.set(values, this.rows * this.width);
    this.rows++;
  }
  /** Rows [from, to) as one array per column. */
  columns(from: number, to: number): Float64Array[] {
    const out: Float64Array[] = [];
    for (let c = 0; c < this.width; c++) {
      const col = new Float64Array(to - from);
      for (let r = from; r < to; r++) col[r - from] = this.data[r * this.width + c];
      out.push(col);
    }
    return out;
  }
}

/** Parses Stan CSV text; `file` names the source in error messages. */
export function parseStanCsv(text: string, file = '<text>'): StanCsv {
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  if (endsWithNewline) lines.pop();
  const fail = (lineNo: number | undefined, msg: string): never => {
    throw new StanCsvError(file, lineNo, msg);
  };

  // Config comments up to the header.
  const config: Record<string, string | number> = {};
  const sectionPath: string[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (!line.startsWith('#')) break;
    const body = line.slice(1);
    const content = body.trim();
    if (content === '') continue;
    const level = Math.max(0, (body.length - body.trimStart().length - 1) >> 1);
    sectionPath.length = Math.min(sectionPath.length, level);
    const eq = content.indexOf('=');
    if (eq < 0) {
      sectionPath[level] = content.split(/\s+/)[0];
      continue;
    }
    const key = content.slice(0, eq).trim();
    const value = configValue(content.slice(eq + 1));
    if (!Object.hasOwn(config, key)) config[key] = value;
    else config[[...sectionPath.slice(0, level), key].join('.')] = value;
  }
  if (i >= lines.length) fail(undefined, 'no column header line (the file is empty or has only comments)');

  // Header.
  const headerNo = i + 1;
  let headerFields = lines[i].replace(/\r$/, '').split(',');
  // Tolerate a trailing comma (an empty last name) when rows carry it too.
  const trailingComma = headerFields.length > 1 && headerFields[headerFields.length - 1].trim() === '';
  if (trailingComma) headerFields = headerFields.slice(0, -1);
  if (headerFields.every(isNumberToken)) {
    fail(headerNo, 'missing column header: expected names such as lp__,accept_stat__,... but found a row of numbers');
  }
  const columns = headerFields.map((n) => n.trim());
  columns.forEach((name, c) => {
    if (name === '') fail(headerNo, `column ${c + 1} of the header has no name`);
  });
  const width = columns.length;
  const seen = new Set<string>();
  for (const name of columns) {
    if (seen.has(name)) fail(headerNo, `column ${name} appears twice in the header`);
    seen.add(name);
  }

  // Draws and the comment blocks between and after them.
  const store = new RowStore(width);
  const row = new Float64Array(width);
  let adaptationRow: number | undefined;
  let stepSize: number | undefined;
  let inverseMetric: Float64Array | Float64Array[] | undefined;
  const elapsed: Partial<StanCsvElapsed> = {};
  const commentNumbers = (lineIdx: number, what: string): Float64Array => {
    const raw = lines[lineIdx]?.replace(/\r$/, '');
    if (raw === undefined || !raw.startsWith('#')) fail(lineIdx + 1, `expected the ${what} as a comment line`);
    const parts = raw!.slice(1).split(',');
    const out = new Float64Array(parts.length);
    parts.forEach((p, k) => {
      if (!isNumberToken(p)) fail(lineIdx + 1, `${what}: '${p.trim()}' is not a number`);
      out[k] = parseNumber(p);
    });
    return out;
  };

  for (i = i + 1; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    const lineNo = i + 1;
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const content = line.slice(1).trim();
      let m: RegExpMatchArray | null;
      if (content === 'Adaptation terminated') {
        adaptationRow = store.rows;
      } else if ((m = content.match(/^Step size\s*=\s*(\S+)/))) {
        if (!isNumberToken(m[1])) fail(lineNo, `step size '${m[1]}' is not a number`);
        stepSize = parseNumber(m[1]);
      } else if (content === 'Diagonal elements of inverse mass matrix:') {
        inverseMetric = commentNumbers(++i, 'inverse metric diagonal');
      } else if (content === 'Elements of inverse mass matrix:') {
        const first = commentNumbers(++i, 'inverse metric row');
        const rows = [first];
        for (let r = 1; r < first.length; r++) {
          const next = commentNumbers(++i, 'inverse metric row');
          if (next.length !== first.length) {
            fail(i + 1, `inverse metric row has ${next.length} entries, expected ${first.length}`);
          }
          rows.push(next);
        }
        inverseMetric = rows;
      } else if ((m = content.match(/(\S+)\s+seconds\s+\((Warm-up|Sampling|Total)\)/))) {
        const v = parseNumber(m[1]);
        if (m[2] === 'Warm-up') elapsed.warmup = v;
        else if (m[2] === 'Sampling') elapsed.sampling = v;
        else elapsed.total = v;
      }
      continue;
    }
    let fields = line.split(',');
    if (trailingComma && fields.length === width + 1 && fields[width].trim() === '') fields = fields.slice(0, width);
    if (fields.length !== width) {
      const cut =
        !endsWithNewline && i === lines.length - 1 ? ' (the last row is cut short; was the run interrupted?)' : '';
      fail(lineNo, `expected ${width} values, found ${fields.length}${cut}`);
    }
    for (let c = 0; c < width; c++) {
      const v = parseNumber(fields[c]);
      if (Number.isNaN(v) && !isNumberToken(fields[c])) {
        fail(lineNo, `column ${columns[c]}: '${fields[c].trim()}' is not a number`);
      }
      row[c] = v;
    }
    store.push(row);
  }

  // Which rows are warmup: those before the adaptation block, or, without one, the first
  // ceil(num_warmup / thin) when the config says warmup was saved.
  let warmupRows = 0;
  if (adaptationRow !== undefined) warmupRows = adaptationRow;
  else if (config.save_warmup === 1 || config.save_warmup === 'true') {
    const thin = typeof config.thin === 'number' && config.thin > 0 ? config.thin : 1;
    const nWarm = typeof config.num_warmup === 'number' ? Math.ceil(config.num_warmup / thin) : 0;
    warmupRows = Math.min(nWarm, store.rows);
  }

  const result: StanCsv = {
    file,
    config,
    columns,
    draws: store.columns(warmupRows, store.rows),
    warmupDraws: store.columns(0, warmupRows),
  };
  if (stepSize !== undefined) result.adaptation = { stepSize, ...(inverseMetric ? { inverseMetric } : {}) };
  if (elapsed.warmup !== undefined || elapsed.sampling !== undefined || elapsed.total !== undefined) {
    const warmup = elapsed.warmup ?? NaN;
    const sampling = elapsed.sampling ?? NaN;
    result.timing = { warmup, sampling, total: elapsed.total ?? warmup + sampling };
  }
  return result;
}

/** Reads and parses the Stan CSV file at `path`. */
export function readStanCsvFile(path: string): StanCsv {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new StanCsvError(path, undefined, `cannot read: ${why}`);
  }
  return parseStanCsv(text, path);
}

/**
 * Reads Stan CSV from a file path, or from text: a string containing a newline is taken as the
 * CSV itself, and `{ text, file }` parses text with `file` as its name in messages.
 */
export function readStanCsv(source: string | { text: string; file?: string }): StanCsv {
  if (typeof source !== 'string') return parseStanCsv(source.text, source.file);
  return source.includes('\n') ? parseStanCsv(source) : readStanCsvFile(source);
}
