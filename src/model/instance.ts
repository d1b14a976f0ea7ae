// A model with its data: the BridgeStan-like interface over the lowered program. Log densities
// of all chains come from one batched evaluation; the sampler calls `logDensityGradient`.
import { Tensor, Value } from '../runtime/tensor.js';
import { beginTape, endTape, backpropagate } from '../runtime/tape.js';
import { ChainsDiverge, FatalRuntimeError, RejectError, RuntimeError } from '../runtime/errors.js';
import * as $ from '../runtime/api.js';
import { declShape, DeclSpec } from '../runtime/data.js';
import { T } from '../runtime/scalar/tape.js';
import { Act } from '../runtime/scalar/values.js';
import type { Random } from '../runtime/random.js';
import type { BatchedLogDensity } from '../inference/types.js';
import type { ParamLayout } from '../runtime/parameters.js';
import { unconstrainParameter } from '../runtime/parameters.js';

/** What the generated `instantiate` returns. */
export interface Lowered {
  layout: ParamLayout;
  outputs: DeclSpec[];
  logDensity(u: Tensor, jacobian: boolean): Value[];
  generate(u: Tensor): unknown[];
  /** The same log density for one chain on the scalar tape (absent when the program needs the batched one). */
  scalarDensity?: (jacobian: boolean) => void;
  /** Why the scalar density is absent. */
  scalarUnsupported?: string;
  /**
   * The scalar density as straight-line code (src/lower/fused.ts): lp of the chain at
   * u[o, o + D), its gradient into g[o, o + D). Throws `$.F.MISS` where the tape must evaluate
   * the point. Absent when the program is not element-wise; null when its sizes disagree.
   */
  fusedDensity?: ((u: Float64Array, o: number, g: Float64Array, jacobian: boolean) => number) | null;
  /** Why the fused density is absent. */
  fusedUnsupported?: string;
  /** With the fused density, for programs without generated quantities: the output row of point u. */
  fusedGenerate?: ((u: ArrayLike<number>, row: Float64Array) => void) | null;
  /** `generate` for the point on the scalar tape (absent when the program needs the batched one). */
  scalarGenerate?: () => unknown[];
  notes?: string[];
}

export interface OutputVariable {
  name: string;
  /** Row-major shape (Stan's). */
  shape: number[];
  block: 'parameters' | 'transformed parameters' | 'generated quantities';
}

export class ModelInstance implements BatchedLogDensity {
  readonly dimension: number;
  /** Constrained output variables in CmdStan's order: parameters, transformed parameters, generated quantities. */
  readonly outputs: OutputVariable[];
  /** Flat output column names as CmdStan writes them (`theta.1`, `Sigma.2.1`; column-major). */
  readonly columnNames: string[];
  /** Notes from reading the data (e.g. variables the program does not use). */
  readonly notes: string[];

  constructor(
    private readonly lowered: Lowered,
    blocks: { parameters: number; transformed: number },
    notes: string[] = [],
  ) {
    this.dimension = lowered.layout.dimension;
    this.outputs = lowered.outputs.map((spec, i) => ({
      name: spec.name,
      shape: declShape(spec),
      block: i < blocks.parameters ? 'parameters' : i < blocks.parameters + blocks.transformed ? 'transformed parameters' : 'generated quantities',
    }));
    this.columnNames = this.outputs.flatMap((o) => columnNames(o.name, o.shape, '.'));
    this.notes = notes;
  }

  get parameterNames(): string[] {
    return this.outputs.filter((o) => o.block === 'parameters').flatMap((o) => columnNames(o.name, o.shape, '.'));
  }

  get unconstrainedDimension(): number {
    return this.dimension;
  }

  /**
   * Log density and gradient for n chains at once: U is row-major [n, D]. A chain whose point
   * is rejected (domain error, reject()) gets lp = -Infinity. Fatal errors propagate.
   */
  logDensityGradient(U: Float64Array, n: number, lp: Float64Array, grad: Float64Array, jacobian = true): void {
    this.evaluate(U, n, lp, grad, jacobian);
  }

  /** Log density only, for n chains. */
  logDensityBatch(U: Float64Array, n: number, jacobian = true): Float64Array {
    const lp = new Float64Array(n);
    this.evaluate(U, n, lp, null, jacobian);
    return lp;
  }

  /** Single point conveniences. */
  logDensity(u: ArrayLike<number>, options: { jacobian?: boolean } = {}): number {
    return this.logDensityBatch(Float64Array.from(u), 1, options.jacobian ?? true)[0];
  }

  /** `print` statements run during this evaluation show on stderr when `print` is true (off during sampling). */
  logDensityAndGradient(u: ArrayLike<number>, options: { jacobian?: boolean; print?: boolean } = {}): { logDensity: number; gradient: Float64Array } {
    const lp = new Float64Array(1);
    const grad = new Float64Array(this.dimension);
    this.printing = options.print ?? false;
    try {
      this.evaluate(Float64Array.from(u), 1, lp, grad, options.jacobian ?? true);
    } finally {
      this.printing = false;
    }
    return { logDensity: lp[0], gradient: grad };
  }

  /**
   * Which log-density implementation runs: 'scalar' (one chain at a time on the scalar tape,
   * the default when the program allows it) or 'batched' (all chains through batched ops).
   */
  get densityBackend(): 'scalar' | 'batched' {
    return this.lowered.scalarDensity && !this.forceBatched ? 'scalar' : 'batched';
  }

  /** Why the scalar density is not available (null when it is). */
  get scalarUnsupported(): string | null {
    return this.lowered.scalarDensity ? null : (this.lowered.scalarUnsupported ?? 'not lowered');
  }

  /** Use the batched density even when the scalar one exists (for comparisons). */
  forceBatched = false;

  /** Use the scalar tape even when the fused density exists (for comparisons). */
  forceTape = false;

  /** Whether the fused density (straight-line code, no tape) evaluates this model. */
  get fusedActive(): boolean {
    return !!this.lowered.fusedDensity && !this.forceTape && !this.forceBatched;
  }

  /** Whether output rows (parameters, transformed parameters, generated quantities) come from fused code. */
  get fusedGenerateActive(): boolean {
    return !!this.lowered.fusedGenerate && !this.forceTape && !this.forceBatched;
  }

  /** Why the fused density is not used (null when it is). */
  get fusedUnsupported(): string | null {
    if (this.lowered.fusedDensity) return null;
    if (this.lowered.fusedDensity === null) return 'sizes of its containers disagree';
    return this.lowered.fusedUnsupported ?? this.scalarUnsupported ?? 'not lowered';
  }

  private evaluate(U: Float64Array, n: number, lp: Float64Array, grad: Float64Array | null, jacobian: boolean): void {
    const fused = this.lowered.fusedDensity;
    if (fused && !this.forceTape && !this.forceBatched) {
      this.evaluateFused(fused, U, n, lp, grad, jacobian);
      return;
    }
    if (this.lowered.scalarDensity && !this.forceBatched) {
      this.evaluateScalar(this.lowered.scalarDensity, U, n, lp, grad, jacobian);
      return;
    }
    const D = this.dimension;
    $.setPrinting(this.printing);
    try {
      const tape = beginTape(n);
      const u = new Tensor([D], U.subarray(0, n * D), true);
      const total = $.sumTerms(this.lowered.logDensity(u, jacobian));
      if (typeof total === 'number') {
        lp.fill(total, 0, n);
        grad?.fill(0, 0, n * D);
      } else {
        for (let c = 0; c < n; c++) lp[c] = total.val[c];
        if (grad) {
          backpropagate(tape, total);
          if (u.adj) grad.set(u.adj.subarray(0, n * D));
          else grad.fill(0, 0, n * D);
        }
      }
    } catch (e) {
      endTape();
      if (e instanceof FatalRuntimeError) throw e;
      if (!(e instanceof ChainsDiverge || e instanceof RuntimeError || e instanceof RejectError)) throw e;
      if (n === 1) {
        if (e instanceof ChainsDiverge) throw e;
        lp[0] = -Infinity;
        grad?.fill(0, 0, D);
        this.lastRejection = e.message;
        return;
      }
      // Some chain failed or chains took different branches: evaluate them one by one.
      for (let c = 0; c < n; c++) {
        const row = U.subarray(c * D, (c + 1) * D);
        const l = lp.subarray(c, c + 1);
        this.evaluate(row, 1, l, grad ? grad.subarray(c * D, (c + 1) * D) : null, jacobian);
      }
    } finally {
      endTape();
      $.setPrinting(true);
    }
  }

  private evaluateScalar(
    density: (jacobian: boolean) => void, U: Float64Array, n: number, lp: Float64Array, grad: Float64Array | null, jacobian: boolean,
  ): void {
    const D = this.dimension;
    $.setPrinting(this.printing);
    try {
      for (let c = 0; c < n; c++) {
        try {
          T.reset(U, D, c * D);
          density(jacobian);
          lp[c] = T.lp;
          if (grad) T.gradient(grad, c * D);
        } catch (e) {
          endTape();
          if (!(e instanceof RuntimeError || e instanceof RejectError)) throw e;
          lp[c] = -Infinity;
          grad?.fill(0, c * D, (c + 1) * D);
          this.lastRejection = e.message;
        }
      }
    } finally {
      $.setPrinting(true);
    }
  }

  /** Gradient scratch for fused evaluations of the log density only. */
  private fusedScratch = new Float64Array(0);

  /** Chain by chain through the fused density; a chain it cannot evaluate goes to the tape. */
  private evaluateFused(
    fused: NonNullable<Lowered['fusedDensity']>, U: Float64Array, n: number, lp: Float64Array, grad: Float64Array | null, jacobian: boolean,
  ): void {
    const D = this.dimension;
    let g = grad;
    if (g === null) {
      if (this.fusedScratch.length < n * D) this.fusedScratch = new Float64Array(n * D);
      g = this.fusedScratch;
    }
    for (let c = 0; c < n; c++) {
      try {
        lp[c] = fused(U, c * D, g, jacobian);
      } catch (e) {
        if (!(e instanceof $.F.FusedMiss || e instanceof RuntimeError || e instanceof RejectError)) throw e;
        const row = U.subarray(c * D, (c + 1) * D);
        this.evaluateScalar(this.lowered.scalarDensity!, row, 1, lp.subarray(c, c + 1), grad ? grad.subarray(c * D, (c + 1) * D) : null, jacobian);
      }
    }
  }

  private printing = false;

  /** The message of the latest rejected evaluation (shown when initialization fails). */
  lastRejection: string | null = null;

  /**
   * Constrained values of all outputs (parameters, transformed parameters, generated quantities)
   * for one unconstrained point, flattened in column order. `rng` drives the `_rng` functions.
   */
  generate(u: ArrayLike<number>, rng: Random | null): Float64Array {
    const out = this.newRow();
    if (this.fusedGenerateActive) {
      try {
        this.lowered.fusedGenerate!(u, out);
        return out;
      } catch (e) {
        // What the fused code cannot write (an index out of range) the tape writes, or raises Stan's error for.
        if (!(e instanceof $.F.FusedMiss || e instanceof RuntimeError || e instanceof RejectError)) throw e;
      }
    }
    $.setRng(rng);
    try {
      let values: unknown[];
      if (this.lowered.scalarGenerate && !this.forceBatched) {
        // A few µs instead of the batched runtime's tens: this runs for every kept draw.
        T.reset(u, this.dimension, 0);
        values = this.lowered.scalarGenerate();
      } else values = this.lowered.generate(new Tensor([this.dimension], Float64Array.from(u), false));
      let k = 0;
      const outputs = this.outputs;
      for (let i = 0; i < outputs.length; i++) k = writeColumnMajor(values[i] as Value | Act, outputs[i].shape, out, k);
    } finally {
      $.setRng(null);
    }
    return out;
  }

  /** Rows are views into blocks of ROWS_PER_BLOCK: an array of its own per draw costs 1-2 µs (above 64 bytes V8 keeps its store outside the heap). */
  private rowBlock = new Float64Array(0);
  private rowUsed = 0;

  private newRow(): Float64Array {
    const n = this.columnNames.length;
    if (this.rowUsed + n > this.rowBlock.length) {
      this.rowBlock = new Float64Array(Math.max(1, n) * ROWS_PER_BLOCK);
      this.rowUsed = 0;
    }
    const row = this.rowBlock.subarray(this.rowUsed, this.rowUsed + n);
    this.rowUsed += n;
    return row;
  }

  /** Constrained parameters (and transformed parameters, generated quantities) as Stan JSON values. */
  constrain(u: ArrayLike<number>, rng: Random | null = null): Record<string, unknown> {
    const flat = this.generate(u, rng);
    const result: Record<string, unknown> = {};
    let k = 0;
    for (const o of this.outputs) {
      const size = o.shape.reduce((a, b) => a * b, 1);
      result[o.name] = nestColumnMajor(flat.subarray(k, k + size), o.shape);
      k += size;
    }
    return result;
  }

  /** Unconstrained vector from constrained parameter values (Stan JSON layout), checking each constraint. */
  unconstrain(values: Record<string, unknown>): Float64Array {
    const out = new Float64Array(this.dimension);
    for (const entry of this.lowered.layout.entries) {
      if (!Object.prototype.hasOwnProperty.call(values, entry.spec.name)) {
        throw new RuntimeError(`no value given for parameter '${entry.spec.name}'`);
      }
      const u = unconstrainParameter(entry, values[entry.spec.name], values);
      out.set(u, entry.offset);
    }
    return out;
  }
}

/** Draws per block of generated rows. */
const ROWS_PER_BLOCK = 256;

/** CmdStan's flat names: column-major over all indices (first index fastest). */
export function columnNames(name: string, shape: readonly number[], sep: '.' | '[' = '.'): string[] {
  if (shape.length === 0) return [name];
  const n = shape.reduce((a, b) => a * b, 1);
  const names: string[] = [];
  const idx = new Array(shape.length).fill(1);
  for (let k = 0; k < n; k++) {
    names.push(sep === '.' ? `${name}.${idx.join('.')}` : `${name}[${idx.join(',')}]`);
    for (let d = 0; d < shape.length; d++) {
      if (idx[d] < shape[d]) {
        idx[d]++;
        break;
      }
      idx[d] = 1;
    }
  }
  return names;
}

/**
 * Writes a row-major output value into `out` at k in column-major order; returns the next
 * position. An active container (from the scalar generate) has its values on the tape.
 */
function writeColumnMajor(v: Value | Act, shape: readonly number[], out: Float64Array, k: number): number {
  if (typeof v === 'number') {
    out[k] = v;
    return k + 1;
  }
  const n = v.size;
  // Element e's value: v.val[e], or for an Act T.val[v.idx[e]].
  const tval = v instanceof Act ? T.val : null;
  const at = tval ? (v as Act).idx : null;
  const vals = tval ?? (v as Tensor).val;
  if (shape.length === 1) {
    // One dimension: column-major is row-major.
    for (let j = 0; j < n; j++) out[k + j] = vals[at ? at[j] : j];
    return k + n;
  }
  const strides = rowMajorStrides(shape);
  const idx = new Array(shape.length).fill(0);
  for (let j = 0; j < n; j++) {
    let off = 0;
    for (let d = 0; d < shape.length; d++) off += idx[d] * strides[d];
    out[k + j] = vals[at ? at[off] : off];
    for (let d = 0; d < shape.length; d++) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return k + n;
}

function rowMajorStrides(shape: readonly number[]): number[] {
  const s = new Array(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1] * shape[d + 1];
  return s;
}

/** Column-major flat values → nested arrays in Stan JSON's (row-major) layout. */
export function nestColumnMajor(flat: ArrayLike<number>, shape: readonly number[]): unknown {
  if (shape.length === 0) return flat[0];
  const build = (prefix: number[]): unknown => {
    const d = prefix.length;
    if (d === shape.length) {
      let off = 0;
      let stride = 1;
      for (let i = 0; i < shape.length; i++) {
        off += prefix[i] * stride;
        stride *= shape[i];
      }
      return flat[off];
    }
    return Array.from({ length: shape[d] }, (_, i) => build([...prefix, i]));
  };
  return build([]);
}
