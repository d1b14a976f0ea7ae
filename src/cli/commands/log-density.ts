// `hstan log-density MODEL --data DATA.json --unconstrained '[...]'`: the log density, its
// gradient and the constrained values at one point, as JSON.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { loadModelFile } from '../../model/module.js';
import { parseDataJson } from '../../runtime/data.js';
import { action, UsageError } from '../fail.js';

export interface LogDensityOptions {
  data?: string;
  unconstrained: string;
  jacobian: boolean;
  /** 'js' (default): hstan's float64 kernels; 'cpu' | 'wasm' | 'node': through the TF.js op on that backend (float32). */
  backend?: string;
}

/** The same evaluation through TF.js (tf.grad over the model's custom op) on the chosen backend. */
async function viaTfjs(instance: import('../../model/instance.js').ModelInstance, u: number[], backend: string, jacobian: boolean) {
  const tfjs = await import('../../model/tfjs.js');
  const tf = await import('@tensorflow/tfjs-core');
  if (backend !== 'cpu' && backend !== 'wasm' && backend !== 'node') throw new UsageError(`--backend must be js, cpu, wasm or node, got '${backend}'`);
  const used = await tfjs.useBackend(backend);
  const f = tfjs.tfLogDensityAt(instance, { jacobian });
  const U = tf.tensor1d(u);
  const lp = f(U);
  const g = tf.grad((x: import('@tensorflow/tfjs-core').Tensor) => f(x as import('@tensorflow/tfjs-core').Tensor1D))(U);
  const result = { logDensity: (await lp.data())[0], gradient: Array.from(await g.data()), backend: used };
  tf.dispose([U, lp, g]);
  return result;
}

export async function logDensityJson(modelPath: string, opts: LogDensityOptions): Promise<string> {
  const model = await loadModelFile(modelPath);
  const data = opts.data ? parseDataJson(readFileSync(opts.data, 'utf8'), opts.data) : {};
  const instance = model.instantiate(data);
  let u: unknown;
  try {
    u = JSON.parse(opts.unconstrained);
  } catch {
    throw new UsageError(`--unconstrained must be a JSON array of numbers, got '${opts.unconstrained}'`);
  }
  if (!Array.isArray(u) || !u.every((x) => typeof x === 'number')) {
    throw new UsageError('--unconstrained must be a JSON array of numbers');
  }
  if (u.length !== instance.unconstrainedDimension) {
    throw new UsageError(`the model has ${instance.unconstrainedDimension} unconstrained parameters, but --unconstrained gives ${u.length}`);
  }
  const backend = opts.backend ?? 'js';
  const { logDensity, gradient } =
    backend === 'js'
      ? instance.logDensityAndGradient(u, { jacobian: opts.jacobian, print: true })
      : await viaTfjs(instance, u as number[], backend, opts.jacobian);
  const result = {
    log_density: logDensity,
    gradient: Array.from(gradient),
    ...(backend === 'js' ? {} : { backend: `tfjs-${backend}` }),
    constrained: instance.constrain(u),
    ...(instance.lastRejection && !Number.isFinite(logDensity) ? { rejected: instance.lastRejection } : {}),
  };
  return JSON.stringify(result, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2);
}

export function register(program: Command): void {
  program
    .command('log-density')
    .description('log density, gradient and constrained values at an unconstrained point')
    .argument('<model>', '.hstan program or compiled module')
    .option('--data <file>', 'data in Stan JSON format')
    .requiredOption('--unconstrained <json>', 'the point on the unconstrained scale, e.g. "[0.1, -0.3]"')
    .option('--no-jacobian', 'leave out the log Jacobian of the constraining transforms')
    .option('--backend <name>', "js (hstan's float64 kernels), or cpu | wasm | node to evaluate through a TF.js op on that backend", 'js')
    .action(
      action(async (model: string, opts: LogDensityOptions) => {
        process.stdout.write((await logDensityJson(model, opts)) + '\n');
      }),
    );
}
