// For contrast (issue 4): the same gradient through the TF.js face of a model (src/model/tfjs.ts),
// i.e. tf.grad over the custom op, for n chains. The numbers inside are hstan's; what this adds
// is TF.js's tensor bookkeeping and the float64 → float32 crossings at the boundary.
import type { ModelInstance } from '../src/model/instance.js';
import { benchmarkPoints } from './gradient.js';
import { median } from './stats.js';

export interface TfjsTiming {
  chains: number;
  backend: string;
  usPerCall: number;
}

export async function timeTfjsGradient(instance: ModelInstance, chains: number, batches = 7, batchMs = 60): Promise<TfjsTiming> {
  const warn = console.warn;
  console.warn = () => {}; // TF.js advertises tfjs-node on first use; not news here
  try {
    return await timeTfjs(instance, chains, batches, batchMs);
  } finally {
    console.warn = warn;
  }
}

async function timeTfjs(instance: ModelInstance, chains: number, batches: number, batchMs: number): Promise<TfjsTiming> {
  // Loaded on demand: TF.js is heavy and only this contrast needs it.
  const tf = await import('@tensorflow/tfjs-core');
  const { tfLogDensity, useBackend } = await import('../src/model/tfjs.js');
  const backend = await useBackend('cpu');
  const f = tfLogDensity(instance);
  // Seeding the backward pass with dy = 1 per chain needs no gradients but the op's own.
  const g = tf.grad((U: import('@tensorflow/tfjs-core').Tensor) => f(U as import('@tensorflow/tfjs-core').Tensor2D));
  const U = tf.tensor2d(Float32Array.from(benchmarkPoints(instance, chains, 7)), [chains, instance.dimension]);
  const dy = tf.ones([chains]);
  const call = () => {
    const out = g(U, dy);
    out.dataSync();
    out.dispose();
  };
  let calls = 0;
  const start = performance.now();
  while (calls < 30 || performance.now() - start < 500) {
    call();
    calls++;
  }
  const per = Math.max(3, Math.round(batchMs / ((performance.now() - start) / calls)));
  const times: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    for (let i = 0; i < per; i++) call();
    times.push(((performance.now() - t0) * 1000) / per);
  }
  U.dispose();
  dy.dispose();
  return { chains, backend, usPerCall: median(times) };
}
