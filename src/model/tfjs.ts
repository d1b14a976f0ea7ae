// TensorFlow.js face of a model: the batched log density as one differentiable TF.js op
// (tf.customGrad), so TF.js programs can use it with tf.grad and friends. The computation
// itself runs in hstan's float64 kernels (TF.js computes in float32 only); results cross into
// float32 tensors at this boundary.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

/** A backend that cannot be used here (not installed, failed to load). */
export class BackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendError';
  }
}
import type { ModelInstance } from './instance.js';
import type { BatchedLogDensity } from '../inference/types.js';

export type BackendName = 'cpu' | 'wasm' | 'node';

/**
 * Select a TF.js backend: 'cpu' always works; 'wasm' needs @tensorflow/tfjs-backend-wasm;
 * 'node' needs @tensorflow/tfjs-node (an optional dependency that downloads libtensorflow on install).
 */
export async function useBackend(name: BackendName): Promise<string> {
  if (name === 'node') {
    try {
      await import('@tensorflow/tfjs-node' as string);
    } catch (e) {
      throw new BackendError(`the 'node' backend needs @tensorflow/tfjs-node, which is not installed or failed to load (${(e as Error).message.split('\n')[0]})`);
    }
    await tf.setBackend('tensorflow');
  } else if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await quietly(() => tf.setBackend('wasm')))) throw new BackendError("the 'wasm' backend failed to initialize");
  } else {
    await quietly(() => tf.setBackend('cpu'));
    // The CPU backend greets Node users on its first tensor; the greeting would corrupt JSON output.
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  }
  await quietly(() => tf.ready());
  return tf.getBackend();
}

/** TF.js greets Node users on stdout when a backend starts; keep the CLI's output clean. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const { log, warn } = console;
  console.log = console.warn = () => {};
  try {
    return await fn();
  } finally {
    console.log = log;
    console.warn = warn;
  }
}

/** `U` [C, D] → log density [C], differentiable with respect to U. */
export function tfLogDensity(instance: ModelInstance, options: { jacobian?: boolean } = {}): (U: tf.Tensor2D) => tf.Tensor1D {
  const jacobian = options.jacobian ?? true;
  const D = instance.dimension;
  const op = tf.customGrad(((U: tf.Tensor, save: tf.GradSaveFunc) => {
    const [C, d] = U.shape as [number, number];
    if (d !== D) throw new Error(`expected ${D} unconstrained parameters per row, got ${d}`);
    const u = Float64Array.from(U.dataSync());
    const lp = new Float64Array(C);
    const grad = new Float64Array(C * D);
    instance.logDensityGradient(u, C, lp, grad, jacobian);
    const g = tf.tensor2d(Float32Array.from(grad), [C, D]);
    save([g]);
    return {
      value: tf.tensor1d(Float32Array.from(lp)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(tf.reshape(dy, [C, 1]), saved[0]),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (U) => op(U) as tf.Tensor1D;
}

/**
 * One point `u` [D] → its log density as a scalar tensor, differentiable with `tf.grad` on any
 * backend: the only gradient TF.js needs is this op's own (tfjs-core registers none by itself).
 */
export function tfLogDensityAt(instance: ModelInstance, options: { jacobian?: boolean } = {}): (u: tf.Tensor1D) => tf.Scalar {
  const jacobian = options.jacobian ?? true;
  const D = instance.dimension;
  const op = tf.customGrad(((u: tf.Tensor, save: tf.GradSaveFunc) => {
    if (u.size !== D) throw new Error(`expected ${D} unconstrained parameters, got ${u.size}`);
    const lp = new Float64Array(1);
    const grad = new Float64Array(D);
    instance.logDensityGradient(Float64Array.from(u.dataSync()), 1, lp, grad, jacobian);
    const g = tf.tensor1d(Float32Array.from(grad));
    save([g]);
    return { value: tf.scalar(lp[0]), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (u) => op(u) as tf.Scalar;
}

/**
 * The sampler's density interface evaluated through the TF.js op on the current backend:
 * values and gradients cross into float32 tensors and back, as a TF.js-hosted model would.
 */
export function tfjsDensity(instance: ModelInstance): BatchedLogDensity {
  const f = tfLogDensity(instance);
  const D = instance.dimension;
  return {
    dimension: D,
    logDensityGradient(U: Float64Array, n: number, lp: Float64Array, grad: Float64Array): void {
      tf.tidy(() => {
        const x = tf.tensor2d(Float32Array.from(U.subarray(0, n * D)), [n, D], 'float32');
        // Seeding with dy = 1 per chain means TF.js needs only our op's gradient (tfjs-core registers none).
        const g = tf.grad((u: tf.Tensor) => f(u as tf.Tensor2D))(x, tf.ones([n]));
        lp.set(f(x).dataSync());
        grad.set(g.dataSync());
      });
    },
  };
}
