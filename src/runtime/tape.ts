// The reverse-mode tape: ops that produce batched tensors record a closure that pushes the
// output's adjoint back to their inputs. One tape per log-density evaluation, for all chains.
import { Tensor, adjoint } from './tensor.js';

export class Tape {
  readonly backward: Array<() => void> = [];
  constructor(readonly chains: number) {}
}

let current: Tape | null = null;

/** Start recording for a batch of `chains`; returns the tape. */
export function beginTape(chains: number): Tape {
  current = new Tape(chains);
  return current;
}

export function endTape(): void {
  current = null;
}

/** The tape being recorded. Ops on batched inputs need one. */
export function tape(): Tape {
  if (current === null) throw new Error('internal: no tape is being recorded');
  return current;
}

/** Number of chains of the current evaluation (1 when no tape is active, e.g. transformed data). */
export function chains(): number {
  return current === null ? 1 : current.chains;
}

/** Record a backward step. */
export function record(step: () => void): void {
  if (current !== null) current.backward.push(step);
}

// Batched values and partials are views into shared slabs: a typed array with its own backing
// store costs a malloc plus GC bookkeeping (~0.5 µs even for 32 numbers), a view a fraction of
// that. No memory is handed out twice (a slab is freed by the GC once no view is left), so a
// value kept past its evaluation stays intact.
const SLAB_BYTES = 1 << 18;
/** Larger requests get their own buffer, so one long-lived view cannot pin much unused memory. */
const SLAB_LARGEST = SLAB_BYTES >> 2;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

/** A zeroed Float64Array of `length` in fresh memory. */
export function zeros(length: number): Float64Array {
  const bytes = length * 8;
  if (bytes > SLAB_LARGEST) return new Float64Array(length);
  if (slabUsed + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const view = new Float64Array(slab, slabUsed, length);
  slabUsed += bytes;
  return view;
}

/** A fresh batched output tensor of `shape` for the current chains. */
export function batchedOutput(shape: readonly number[], size = shape.reduce((a, b) => a * b, 1)): Tensor {
  return new Tensor(shape, zeros(chains() * size), true);
}

/** Run the tape backwards from a batched scalar [C] (seeded with 1 for every chain). */
export function backpropagate(t: Tape, output: Tensor): void {
  adjoint(output).fill(1);
  const steps = t.backward;
  for (let i = steps.length - 1; i >= 0; i--) steps[i]();
}

/** Whether a gradient is being recorded. */
export function tapeActive(): boolean {
  return current !== null;
}
