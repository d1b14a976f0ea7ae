// The thread of RowEncoderThread: encodes batches of Stan CSV rows and writes each batch with
// one write of whole rows, in the order they were posted. A failed write is reported once
// through the error port and the rest of that file's batches are dropped.
import { parentPort, workerData } from 'node:worker_threads';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { MessagePort } from 'node:worker_threads';
import { encodeStanRows, MAX_NUMBER_BYTES } from './format-number.js';
import { writeAll } from './write-all.js';
import type { RowBatch, RowEncoderError } from './row-encoder-thread.js';

const status = workerData.status as Int32Array;
const errors = workerData.errors as MessagePort;
const failed = new Set<number>();
let out = new Uint8Array(1 << 16);

// Yield to the sampler: with two cores, this thread, the sampler's and V8's compiler and GC
// threads take turns, and the scheduler's turns (3–15 ms) stalled the sampler mid-trajectory.
// At the lowest priority this thread runs on time the others leave. Linux's nice is per thread,
// named by the id /proc/thread-self gives; elsewhere the thread keeps its priority.
try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 19);
} catch {
  // No /proc (macOS, Windows): nothing to lower.
}

function write(b: RowBatch): void {
  const need = b.rows * b.columns * (MAX_NUMBER_BYTES + 1);
  if (out.length < need) out = new Uint8Array(need);
  const end = encodeStanRows(b.values, b.rows, b.columns, b.precision, out, 0);
  writeAll(b.fd, out, end);
}

parentPort!.on('message', (b: RowBatch) => {
  if (!failed.has(b.file)) {
    try {
      write(b);
    } catch (e) {
      failed.add(b.file);
      // Posted before the count moves, so a writer woken by it finds the error waiting.
      const code = (e as { code?: unknown }).code;
      errors.postMessage({
        file: b.file,
        message: e instanceof Error ? e.message : String(e),
        code: typeof code === 'string' ? code : undefined,
      } satisfies RowEncoderError);
    }
  }
  Atomics.add(status, 0, 1);
  Atomics.notify(status, 0);
});
