// One gradient timing in a fresh process, so each model and chain count gets its own JIT state
// and heap, as in `hstan sample` (one model per process); prints the timing as JSON.
// usage: node dist/bench/gradient-child.js MODEL_NAME CHAINS [--quick] [--tfjs]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../src/model/compile.js';
import { timeGradient } from './gradient.js';
import { BENCH_MODELS } from './models.js';
import { repoRoot } from './paths.js';
import { timeTfjsGradient } from './tfjs.js';

async function main(): Promise<void> {
  const [name, chainsArg, ...flags] = process.argv.slice(2);
  const spec = BENCH_MODELS.find((m) => m.name === name);
  const chains = Number(chainsArg);
  if (!spec || !(Number.isInteger(chains) && chains > 0)) throw new Error('usage: gradient-child.js MODEL_NAME CHAINS [--quick] [--tfjs]');
  const root = repoRoot();
  const model = compile(readFileSync(join(root, spec.program), 'utf8'), { filename: spec.program });
  const instance = model.instantiate(readFileSync(join(root, spec.data), 'utf8'));
  const timing = timeGradient(instance, chains, flags.includes('--quick') ? { batches: 5, warmupMs: 800, maxWarmupMs: 5000 } : {});
  let tfjs: unknown = undefined;
  let tfjsError: string | undefined;
  if (flags.includes('--tfjs')) {
    // Optional contrast, after hstan's own timing so it cannot disturb it.
    try {
      tfjs = await timeTfjsGradient(instance, chains);
    } catch (e) {
      tfjsError = (e as Error).message.split('\n')[0];
    }
  }
  process.stdout.write(JSON.stringify({ dimension: instance.dimension, timing, tfjs, tfjsError }) + '\n');
}

main().catch((e) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
