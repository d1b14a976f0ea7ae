// Memory stays flat across many evaluations: the float64 runtime frees each evaluation's tape,
// and the TF.js wrapper (src/model/tfjs.ts) leaves no tensors behind, inside tf.tidy or under tf.grad.
import v8 from 'node:v8';
import vm from 'node:vm';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { compile } from '../src/model/compile.js';
import { tfLogDensity } from '../src/model/tfjs.js';
import type { ModelInstance } from '../src/model/instance.js';

// A collector on demand (without --expose-gc on the command line), so heap sizes are measured
// after collection instead of at a random point of the GC sawtooth.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function instance(model: string, data: string): ModelInstance {
  return compile(readFileSync(model, 'utf8'), { filename: model }).instantiate(JSON.parse(readFileSync(data, 'utf8')));
}

/** Least-squares slope of y against x. */
function slope(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxy / sxx;
}

test('2000 batched gradient evaluations of the radon model: the heap does not grow', () => {
  expect(typeof gc).toBe('function');
  const inst = instance('examples/radon/varying_intercepts.hstan', 'examples/radon/data.json');
  const C = 4;
  const D = inst.dimension;
  const U = Float64Array.from({ length: C * D }, (_, i) => 0.5 * Math.sin(i));
  const lp = new Float64Array(C);
  const grad = new Float64Array(C * D);
  // Warm up (JIT, lazily built tables), then measure after a full collection every 250 evaluations.
  for (let i = 0; i < 200; i++) inst.logDensityGradient(U, C, lp, grad);
  const reference = Float64Array.from(lp);
  gc();
  const evals: number[] = [0];
  const heap: number[] = [process.memoryUsage().heapUsed];
  for (let k = 1; k <= 8; k++) {
    for (let i = 0; i < 250; i++) inst.logDensityGradient(U, C, lp, grad);
    gc();
    evals.push(250 * k);
    heap.push(process.memoryUsage().heapUsed);
  }
  // Each evaluation's tape holds well over 100 kB (919 observations × 4 chains × several ops),
  // so keeping even a small part of it per evaluation would add megabytes.
  const perEval = slope(evals, heap);
  const growth = Math.max(...heap) - heap[0];
  const trace = heap.map((h) => (h / 1e6).toFixed(2)).join(' ');
  if (!(perEval < 200 && growth < 2e6)) {
    throw new Error(`heap grows by ${perEval.toFixed(0)} bytes per evaluation (MB after each 250: ${trace})`);
  }
  // Still computing the same thing.
  expect(Array.from(lp)).toEqual(Array.from(reference));
});

/** Live tensors, their data buffers and bytes: all three must come back to where they were. */
function footprint(): { numTensors: number; numDataBuffers: number; numBytes: number } {
  const { numTensors, numDataBuffers, numBytes } = tf.memory();
  return { numTensors, numDataBuffers, numBytes };
}

describe('TF.js wrapper', () => {
  let inst: ModelInstance;
  let logDensity: (U: tf.Tensor2D) => tf.Tensor1D;
  let U: tf.Tensor2D;
  const C = 3;
  const u = Array.from({ length: C * 10 }, (_, i) => 0.7 * Math.sin(1 + i));

  beforeAll(async () => {
    await tf.setBackend('cpu');
    inst = instance('examples/eight_schools/noncentered.hstan', 'examples/eight_schools/data.json');
    logDensity = tfLogDensity(inst);
    U = tf.tensor2d(u, [C, 10]);
  });
  afterAll(() => U.dispose());

  test('values and gradients are the model\'s (to float32 precision)', () => {
    const lp = new Float64Array(C);
    const grad = new Float64Array(C * 10);
    inst.logDensityGradient(Float64Array.from(u), C, lp, grad);
    const tfLp = tf.tidy(() => logDensity(U).dataSync());
    const tfGrad = tf.tidy(() => tf.grad((x: tf.Tensor) => logDensity(x as tf.Tensor2D))(U).dataSync());
    lp.forEach((v, c) => expect(Math.abs(tfLp[c] - v)).toBeLessThan(1e-6 * Math.abs(v)));
    grad.forEach((v, k) => expect(Math.abs(tfGrad[k] - v)).toBeLessThan(1e-6 * Math.max(1, Math.abs(v))));
  });

  test('500 calls inside tf.tidy leave no tensors behind', () => {
    const before = footprint();
    for (let i = 0; i < 500; i++) tf.tidy(() => void logDensity(U).dataSync());
    expect(footprint()).toEqual(before);
  });

  test('500 gradients with tf.grad inside tf.tidy leave no tensors behind', () => {
    const before = footprint();
    const g = tf.grad((x: tf.Tensor) => logDensity(x as tf.Tensor2D));
    for (let i = 0; i < 500; i++) tf.tidy(() => void g(U).dataSync());
    expect(footprint()).toEqual(before);
  });

  test('500 calls outside tidy, disposing the results, leave no tensors behind', () => {
    const before = footprint();
    for (let i = 0; i < 500; i++) {
      const lp = logDensity(U);
      lp.dispose();
      const { value, grads } = tf.valueAndGrads((x: tf.Tensor) => logDensity(x as tf.Tensor2D))([U]);
      value.dispose();
      grads.forEach((t) => t.dispose());
    }
    expect(footprint()).toEqual(before);
  });
});
