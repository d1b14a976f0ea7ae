// Stan CSV rows encoded and written on a thread of their own, so the sampler's thread only
// copies each row into a batch: formatting costs ~65 ns per number, which adds up for models
// with many generated quantities (500 `y_rep` columns: a tenth of the sampling time). Batches are written in the order they are posted; `wait` blocks (Atomics.wait) until
// a writer's batches are on disk, so comments and the timing block still follow their rows.
import { Worker, MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `rows` rows of `columns` values, row after row, for the file open as `fd`. */
export interface RowBatch {
  /** The writer's id (fds are reused after a close; ids are not). */
  file: number;
  fd: number;
  precision: number;
  columns: number;
  rows: number;
  /** In shared memory (see `post`). */
  values: Float64Array<SharedArrayBuffer>;
}

export interface RowEncoderError {
  file: number;
  message: string;
  /** The system error's code (ENOSPC, EIO, ...), kept so callers see the error they would inline. */
  code?: string;
}

/** How long `wait` lets the thread go without finishing a batch before calling it stuck. */
const STUCK_MS = 30_000;

export class RowEncoderThread {
  /** [0]: batches finished (written or dropped after an error). */
  private readonly status = new Int32Array(new SharedArrayBuffer(4));
  private readonly errors: MessagePort;
  private readonly failures = new Map<number, RowEncoderError>();
  private readonly worker: Worker;
  private posted = 0;
  private files = 0;
  /** Set when `wait` gave up on the thread. */
  stuck = false;

  /** `script`: the built row-encoder-worker.js. */
  constructor(script: string) {
    const { port1, port2 } = new MessageChannel();
    this.errors = port1;
    this.worker = new Worker(script, { workerData: { status: this.status, errors: port2 }, transferList: [port2] });
    // Idle, it must not keep the process alive; writers wait for their batches themselves.
    this.worker.unref();
  }

  /** An id for a new file's batches. */
  newFile(): number {
    return ++this.files;
  }

  /**
   * Queues a batch; returns its ticket for `wait`. Its values must be in a SharedArrayBuffer and
   * stay unchanged until the ticket is done: posting copies any other buffer whole (0.2–1 ms per
   * 64 KB here), and transferring one detaches it, which trips V8's detaching protector (optimized
   * code thrown away, a check on every typed-array access after: eight schools sampled at half speed).
   */
  post(batch: RowBatch): number {
    this.worker.postMessage(batch);
    return ++this.posted;
  }

  /** Whether every batch up to `ticket` is finished; does not block. */
  done(ticket: number): boolean {
    return Atomics.load(this.status, 0) >= ticket;
  }

  /** Blocks until every batch up to `ticket` is finished; throws the write error of `file`, if any. */
  wait(ticket: number, file: number): void {
    if (this.stuck) throw new Error('the Stan CSV encoder thread is stuck');
    for (;;) {
      const done = Atomics.load(this.status, 0);
      if (done >= ticket) break;
      if (Atomics.wait(this.status, 0, done, STUCK_MS) === 'timed-out' && Atomics.load(this.status, 0) === done) {
        this.stuck = true;
        throw new Error(`the Stan CSV encoder thread wrote nothing for ${STUCK_MS / 1000} s`);
      }
    }
    this.check(file);
  }

  /** Throws the write error of `file` that the thread has reported so far, if any; does not block. */
  check(file: number): void {
    for (let m = receiveMessageOnPort(this.errors); m; m = receiveMessageOnPort(this.errors)) {
      const e = m.message as RowEncoderError;
      this.failures.set(e.file, e);
    }
    const failure = this.failures.get(file);
    if (failure !== undefined) {
      this.failures.delete(file);
      throw Object.assign(new Error(failure.message), failure.code === undefined ? {} : { code: failure.code });
    }
  }
}

let shared: RowEncoderThread | null | undefined;

/**
 * The process's encoder thread, started on first use; null where there is none to start:
 * running from the TypeScript sources (no built worker script) or without worker threads.
 */
export function sharedRowEncoder(): RowEncoderThread | null {
  if (shared !== undefined) return shared;
  shared = null;
  const script = fileURLToPath(new URL('./row-encoder-worker.js', import.meta.url));
  if (typeof SharedArrayBuffer !== 'function' || !existsSync(script)) return shared;
  try {
    shared = new RowEncoderThread(script);
  } catch {
    // No thread to be had (resource limits): rows are formatted inline, as before.
  }
  return shared;
}
