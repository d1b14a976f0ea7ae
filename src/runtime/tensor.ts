// Values of the batched float64 reverse-mode autodiff runtime.
//
// Every real-valued quantity is a `Tensor`: a row-major array of `size` numbers per chain.
// A *batched* tensor depends on parameters: it holds C copies (one per chain, chain-major:
// element k of chain c is at c*size + k) and takes part in the gradient. An *unbatched*
// tensor is data: one copy shared by all chains, never differentiated. Scalars of data are
// plain JS numbers. Matrices are row-major [rows, cols]; arrays of vectors are [n, k]; the
// Stan type (array vs vector) is the compiler's business, not the runtime's.

export type Shape = readonly number[];

export class Tensor {
  readonly size: number;
  /** Gradient accumulator, same layout as `val`; allocated on first use (batched only). */
  adj: Float64Array | null = null;

  constructor(
    readonly shape: Shape,
    readonly val: Float64Array,
    readonly batched: boolean,
  ) {
    this.size = sizeOf(shape);
  }

  /** Number of chains this tensor holds (1 for data). */
  get chains(): number {
    return this.batched ? this.val.length / Math.max(1, this.size) : 1;
  }
}

/** A real value: a data scalar (number) or a tensor. */
export type Value = number | Tensor;

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/** Data tensor from numbers (copied). */
export function constant(values: ArrayLike<number>, shape: Shape = [values.length]): Tensor {
  return new Tensor(shape, Float64Array.from(values), false);
}

/** The adjoint of a batched tensor, allocated on demand. */
export function adjoint(t: Tensor): Float64Array {
  if (t.adj === null) t.adj = new Float64Array(t.val.length);
  return t.adj;
}

/** True when `x` depends on parameters (and so needs gradients). */
export function isBatched(x: Value): x is Tensor {
  return typeof x !== 'number' && x.batched;
}

/** Element k of chain c, whatever the kind of value (scalars broadcast). */
export function at(x: Value, c: number, k: number): number {
  if (typeof x === 'number') return x;
  const s = x.size === 1 ? 0 : k;
  return x.batched ? x.val[c * x.size + s] : x.val[s];
}
