// Stan CSV in CmdStan's layout (config comments, header, adaptation block, draws, timing) so
// cmdstanpy, ArviZ and cmdstanr/posterior read hstan's output unchanged. Every write is of
// complete lines in one synchronous call: a killed run leaves a valid file of the rows so far.
// Draws are gathered into one write per 64 KB or 100 ms (a write per row cost a third of a
// small model's sampling time), so a kill loses at most that much. Given an encoder thread,
// the writer only copies rows into batches and the thread formats and writes them.
import { closeSync, openSync } from 'node:fs';
import type { ModelHints } from '../diagnostics/index.js';
import { encodeStanRow, formatStanNumber, MAX_NUMBER_BYTES } from './format-number.js';
import type { RowEncoderThread } from './row-encoder-thread.js';
import { writeAll } from './write-all.js';

/** The sampler diagnostic columns that open every CmdStan NUTS output row. */
export const SAMPLER_COLUMNS = [
  'lp__',
  'accept_stat__',
  'stepsize__',
  'treedepth__',
  'n_leapfrog__',
  'divergent__',
  'energy__',
] as const;

export type Metric = 'unit_e' | 'diag_e' | 'dense_e';

/** The run's settings, written as CmdStan's `# key = value` config comments. */
export interface StanCsvConfig {
  /** Model name (CmdStan writes the C++ class name, e.g. `bernoulli_model`). */
  model: string;
  numSamples: number;
  numWarmup: number;
  saveWarmup?: boolean;
  thin?: number;
  adaptEngaged?: boolean;
  adaptDelta: number;
  adaptGamma?: number;
  adaptKappa?: number;
  adaptT0?: number;
  initBuffer?: number;
  termBuffer?: number;
  window?: number;
  maxDepth: number;
  metric: Metric;
  /** Initial step size. */
  stepsize?: number;
  stepsizeJitter?: number;
  numChains?: number;
  /** 1-based chain id. */
  chainId: number;
  dataFile?: string;
  init?: string | number;
  seed: number;
  outputFile?: string;
  refresh?: number;
  /** Significant digits of every number in the file; CmdStan's default (-1) means 6. */
  sigFigs?: number;
  startDatetime?: Date;
  hstanVersion?: string;
  /** The compiler's model hints, kept (as JSON) so `hstan summary` can name parameters in its advice. */
  hints?: ModelHints;
}

export interface StanCsvTiming {
  warmupSeconds: number;
  samplingSeconds: number;
}

/** `key = value`, marked `(Default)` when it equals CmdStan's default, as CmdStan does. */
function setting(indent: number, key: string, value: string | number, dflt?: string | number): string {
  const v = String(value);
  const mark = dflt !== undefined && v === String(dflt) ? ' (Default)' : '';
  return `#${' '.repeat(1 + 2 * indent)}${key} = ${v}${mark}`;
}

function section(indent: number, name: string): string {
  return `#${' '.repeat(1 + 2 * indent)}${name}`;
}

function flag(b: boolean | undefined, dflt: boolean): number {
  return (b ?? dflt) ? 1 : 0;
}

function utcStamp(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** CmdStan 2.32's config comment block for `method = sample`, NUTS. */
export function configLines(c: StanCsvConfig): string[] {
  return [
    '# stan_version_major = 2',
    '# stan_version_minor = 32',
    '# stan_version_patch = 2',
    `# model = ${c.model}`,
    `# start_datetime = ${utcStamp(c.startDatetime ?? new Date())}`,
    setting(0, 'method', 'sample', 'sample'),
    section(1, 'sample'),
    setting(2, 'num_samples', c.numSamples, 1000),
    setting(2, 'num_warmup', c.numWarmup, 1000),
    setting(2, 'save_warmup', flag(c.saveWarmup, false), 0),
    setting(2, 'thin', c.thin ?? 1, 1),
    section(2, 'adapt'),
    setting(3, 'engaged', flag(c.adaptEngaged, true), 1),
    setting(3, 'gamma', c.adaptGamma ?? 0.05, 0.05),
    setting(3, 'delta', c.adaptDelta, 0.8),
    setting(3, 'kappa', c.adaptKappa ?? 0.75, 0.75),
    setting(3, 't0', c.adaptT0 ?? 10, 10),
    setting(3, 'init_buffer', c.initBuffer ?? 75, 75),
    setting(3, 'term_buffer', c.termBuffer ?? 50, 50),
    setting(3, 'window', c.window ?? 25, 25),
    setting(2, 'algorithm', 'hmc', 'hmc'),
    section(3, 'hmc'),
    setting(4, 'engine', 'nuts', 'nuts'),
    section(5, 'nuts'),
    setting(6, 'max_depth', c.maxDepth, 10),
    setting(4, 'metric', c.metric, 'diag_e'),
    setting(4, 'metric_file', '', ''),
    setting(4, 'stepsize', c.stepsize ?? 1, 1),
    setting(4, 'stepsize_jitter', c.stepsizeJitter ?? 0, 0),
    setting(2, 'num_chains', c.numChains ?? 1, 1),
    setting(0, 'id', c.chainId, 1),
    section(0, 'data'),
    setting(1, 'file', c.dataFile ?? '', ''),
    setting(0, 'init', c.init ?? 2, 2),
    section(0, 'random'),
    setting(1, 'seed', c.seed),
    section(0, 'output'),
    setting(1, 'file', c.outputFile ?? 'output.csv', 'output.csv'),
    setting(1, 'diagnostic_file', '', ''),
    setting(1, 'refresh', c.refresh ?? 100, 100),
    setting(1, 'sig_figs', c.sigFigs ?? -1, -1),
    setting(1, 'profile_file', 'profile.csv', 'profile.csv'),
    setting(0, 'num_threads', 1, 1),
    `# hstan_version = ${c.hstanVersion ?? 'unknown'}`,
    ...(c.hints?.hierarchical?.length ? [`# hstan_hints = ${JSON.stringify(c.hints)}`] : []),
  ];
}

export interface StanCsvWriterOptions {
  /** Format and write the draws on this thread (see sharedRowEncoder); without it, inline. */
  encoder?: RowEncoderThread | null;
}

/** Values per batch handed to an encoder thread (64 KB). */
const BATCH_VALUES = 8192;

/**
 * Batches a writer may have posted and not yet seen finished before it waits for the thread. A
 * fast sampler fills batches faster than the thread formats them while its code is cold (eight
 * schools: 4 files of 327-row batches every ~3 ms, against ~200 ns per number cold); with two
 * batches it waited 8–21 ms of a 70 ms sampling phase. 16 × 64 KB per file.
 */
const MAX_IN_FLIGHT = 16;

export class StanCsvWriter {
  readonly path: string;
  private fd: number | undefined;
  private columns = 0;
  private precision = 6;
  /** Rows are encoded here (no string per number) and written from here: `pending` bytes so far. */
  private row = new Uint8Array(0);
  private pending = 0;
  /** Largest encoded row. */
  private rowBytes = 0;
  private flushedAt = 0;
  private readonly encoder: RowEncoderThread | null;
  /**
   * With an encoder: this file's id there, the rows gathered for it, the ticket of the last batch
   * posted. Rows gather in a batch in shared memory; posted batches stay in flight until their
   * ticket is done, and a batch is filled again only then (see MAX_IN_FLIGHT).
   */
  private file = 0;
  private batch: Float64Array<SharedArrayBuffer> = new Float64Array(new SharedArrayBuffer(0));
  private batchRows = 0;
  private batchCapacity = 0;
  private batchBytes = 0;
  private ticket = 0;
  /** Posted batches, oldest first, with their tickets; and finished ones ready to fill. */
  private readonly inFlight: { values: Float64Array<SharedArrayBuffer>; ticket: number }[] = [];
  private readonly free: Float64Array<SharedArrayBuffer>[] = [];

  /** Creates (or truncates) the file at `path`. */
  constructor(path: string, options: StanCsvWriterOptions = {}) {
    this.path = path;
    this.encoder = options.encoder ?? null;
    this.fd = openSync(path, 'w');
    if (this.encoder) this.file = this.encoder.newFile();
  }

  static open(path: string, options: StanCsvWriterOptions = {}): StanCsvWriter {
    return new StanCsvWriter(path, options);
  }

  private write(text: string): void {
    if (this.fd === undefined) throw new Error(`${this.path}: Stan CSV writer is closed`);
    this.flush();
    writeAll(this.fd, text);
  }

  /** Writes the rows gathered so far (with an encoder thread: waits until it has written them). */
  flush(): void {
    this.handOver();
    this.settle();
  }

  /** Writes the rows gathered so far, or hands them to the encoder thread without waiting. */
  private handOver(): void {
    if (this.fd === undefined) return;
    if (this.encoder) {
      this.encoder.check(this.file);
      if (this.batchRows === 0) return;
      const rows = this.batchRows;
      this.batchRows = 0;
      const values = this.batch.subarray(0, rows * this.columns);
      this.ticket = this.encoder.post({ file: this.file, fd: this.fd, precision: this.precision, columns: this.columns, rows, values });
      this.inFlight.push({ values: this.batch, ticket: this.ticket });
      this.batch = this.nextBatch(this.encoder);
    } else {
      if (this.pending === 0) return;
      writeAll(this.fd, this.row, this.pending);
      this.pending = 0;
    }
    this.flushedAt = Date.now();
  }

  /** A batch to fill: a finished one, a new one while few are in flight, else the oldest once finished. */
  private nextBatch(encoder: RowEncoderThread): Float64Array<SharedArrayBuffer> {
    while (this.inFlight.length > 0 && encoder.done(this.inFlight[0].ticket)) this.free.push(this.inFlight.shift()!.values);
    const free = this.free.pop();
    if (free !== undefined) return free;
    if (this.inFlight.length < MAX_IN_FLIGHT) return new Float64Array(new SharedArrayBuffer(this.batchBytes));
    const oldest = this.inFlight.shift()!;
    encoder.wait(oldest.ticket, this.file);
    return oldest.values;
  }

  /** Waits until the encoder thread has written every batch handed over (text must follow them). */
  private settle(): void {
    if (this.encoder && this.ticket > 0) this.encoder.wait(this.ticket, this.file);
  }

  private num(x: number): string {
    return formatStanNumber(x, this.precision);
  }

  /** Config comments and the header; `columnNames` are all columns, the seven SAMPLER_COLUMNS first. */
  writeHeader(config: StanCsvConfig, columnNames: ReadonlyArray<string>): void {
    if (this.columns > 0) throw new Error(`${this.path}: Stan CSV header written twice`);
    SAMPLER_COLUMNS.forEach((name, i) => {
      if (columnNames[i] !== name) {
        throw new Error(`${this.path}: column ${i + 1} must be ${name}, got ${columnNames[i] ?? 'nothing'}`);
      }
    });
    this.precision = config.sigFigs !== undefined && config.sigFigs > 0 ? config.sigFigs : 6;
    this.columns = columnNames.length;
    if (this.encoder) {
      this.batchCapacity = Math.max(1, Math.floor(BATCH_VALUES / this.columns));
      this.batchBytes = this.batchCapacity * this.columns * Float64Array.BYTES_PER_ELEMENT;
      this.batch = new Float64Array(new SharedArrayBuffer(this.batchBytes));
    } else {
      this.rowBytes = this.columns * (MAX_NUMBER_BYTES + 1);
      this.row = new Uint8Array(Math.max(1 << 16, 2 * this.rowBytes));
    }
    this.flushedAt = Date.now();
    this.write(`${configLines(config).join('\n')}\n${columnNames.join(',')}\n`);
  }

  /**
   * The adaptation block: final step size and the inverse metric (its diagonal, or the dense
   * rows); no metric for unit_e.
   */
  writeAdaptation(stepSize: number, inverseMetric?: Float64Array | ReadonlyArray<Float64Array>): void {
    const lines = ['# Adaptation terminated', `# Step size = ${this.num(stepSize)}`];
    if (inverseMetric === undefined) {
      // unit_e: CmdStan writes no metric lines.
    } else if (inverseMetric instanceof Float64Array) {
      lines.push('# Diagonal elements of inverse mass matrix:');
      lines.push(`# ${Array.from(inverseMetric, (v) => this.num(v)).join(', ')}`);
    } else {
      lines.push('# Elements of inverse mass matrix:');
      for (const row of inverseMetric) lines.push(`# ${Array.from(row, (v) => this.num(v)).join(', ')}`);
    }
    this.write(lines.join('\n') + '\n');
  }

  /** One draw: values for every column, in header order. */
  writeDraw(values: ArrayLike<number>): void {
    if (this.columns === 0) throw new Error(`${this.path}: writeDraw before writeHeader`);
    if (values.length !== this.columns) {
      throw new Error(`${this.path}: draw has ${values.length} values but the header has ${this.columns} columns`);
    }
    if (this.fd === undefined) throw new Error(`${this.path}: Stan CSV writer is closed`);
    if (this.encoder) {
      if (this.batchRows === this.batchCapacity) this.handOver();
      this.batch.set(values, this.batchRows++ * this.columns);
    } else {
      if (this.pending + this.rowBytes > this.row.length) this.handOver();
      const row = values instanceof Float64Array ? values : Float64Array.from(values);
      this.pending = encodeStanRow(row, this.precision, this.row, this.pending);
    }
    // Date.now: a builtin, cheaper per row than performance.now's layers (a clock set back flushes).
    const now = Date.now();
    if (now - this.flushedAt >= 100 || now < this.flushedAt) this.handOver();
  }

  /** Writes the elapsed-time comments (when given) and closes the file; later calls do nothing. */
  close(timing?: StanCsvTiming): void {
    const fd = this.fd;
    if (fd === undefined) return;
    try {
      this.closeRows(timing);
    } finally {
      // A stuck encoder thread may still write to fd: leave it open rather than let another file reuse it.
      if (!this.encoder?.stuck) closeSync(fd);
      this.fd = undefined;
    }
  }

  private closeRows(timing?: StanCsvTiming): void {
    this.flush();
    if (timing) {
      const pad = ' '.repeat(' Elapsed Time: '.length);
      const total = timing.warmupSeconds + timing.samplingSeconds;
      this.write(
        [
          '# ',
          `#  Elapsed Time: ${this.num(timing.warmupSeconds)} seconds (Warm-up)`,
          `# ${pad}${this.num(timing.samplingSeconds)} seconds (Sampling)`,
          `# ${pad}${this.num(total)} seconds (Total)`,
          '# ',
          '',
        ].join('\n'),
      );
    }
  }
}
