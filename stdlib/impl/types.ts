// What a built-in's implementation receives and returns at run time.
import type { Value } from '../../src/runtime/tensor.js';
import type { StanType } from '../../src/check/types.js';
import type { Random } from '../../src/runtime/random.js';

/**
 * A run-time value: a real/int scalar (number), a tensor (vectors, matrices, arrays of them,
 * int arrays as data tensors of integral values), or a tuple (JS array of values).
 */
export type RuntimeValue = Value | RuntimeValue[];

export interface CallContext {
  /** The Stan types of the arguments as the checker resolved them (tells vector from row_vector from array). */
  argTypes: readonly StanType[];
  /** The stream for `_rng` functions (generated quantities / transformed data); null elsewhere. */
  rng: Random | null;
}

/** One implementation per Stan function name; it dispatches on argument types/shapes itself. */
export type Builtin = (args: readonly RuntimeValue[], ctx: CallContext) => RuntimeValue;

export type BuiltinTable = Record<string, Builtin>;

/**
 * What the scalar backend (src/runtime/scalar) needs to run a built-in natively, attached to
 * the built-in: its element kernel (element-wise functions) or its density spec (univariate
 * log densities). Built-ins without it run through the scalar backend's bridge.
 */
export interface ScalarForm {
  kernel?: import('../../src/runtime/elementwise.js').Kernel;
  /** The kernel serves calls with exactly this many arguments only (other arities reduce). */
  arity?: number;
  density?: {
    args: readonly { name: string; checks: readonly ((fn: string, name: string, x: Value) => void)[] }[];
    kernel: import('../../src/runtime/elementwise.js').Kernel;
    relations?: (fn: string, vals: readonly Value[]) => void;
    relationArgs?: readonly number[];
    constant?: { args: readonly number[]; kernel: import('../../src/runtime/elementwise.js').Kernel };
  };
}

export type WithScalarForm = Builtin & { scalar?: ScalarForm };

/** `fn` with its scalar form attached. */
export function withScalarForm(fn: Builtin, form: ScalarForm): WithScalarForm {
  return Object.assign(fn, { scalar: form });
}
