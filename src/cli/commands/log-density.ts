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
  const { logDensity, gradient } = instance.logDensityAndGradient(u, { jacobian: opts.jacobian });
  const result = {
    log_density: logDensity,
    gradient: Array.from(gradient),
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
    .action(
      action(async (model: string, opts: LogDensityOptions) => {
        process.stdout.write((await logDensityJson(model, opts)) + '\n');
      }),
    );
}
