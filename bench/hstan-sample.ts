// Sampling benchmark, hstan side (issue 5): time the built CLI's whole `hstan sample` run
// (start-up, compile, warmup, sampling, CSV, summary) as a user would see it, then read its CSV.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childrenCpuSeconds } from './child-cpu.js';
import { csvRunStats, type CsvRunStats } from './min-ess.js';
import type { BenchModel } from './models.js';

export interface SampleSettings {
  chains: number;
  warmup: number;
  samples: number;
}

export interface HstanRun extends CsvRunStats {
  seed: number;
  /** Wall seconds of the whole `hstan sample` process. */
  runSeconds: number;
  /** CPU seconds of that process (all its threads), or null without /proc. */
  runCpuSeconds: number | null;
}

/** `cli`: the Node options and script that start the CLI (cliNodeFlags, cliPath). */
export function runHstanSample(root: string, cli: string[], model: BenchModel, seed: number, s: SampleSettings): HstanRun {
  const dir = mkdtempSync(join(tmpdir(), `hstan-bench-${model.name}-`));
  try {
    const args = [
      ...cli, 'sample', join(root, model.program), '--data', join(root, model.data),
      '--chains', String(s.chains), '--warmup', String(s.warmup), '--samples', String(s.samples),
      '--seed', String(seed), '--quiet', '--output-dir', dir,
    ];
    const cpu0 = childrenCpuSeconds();
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
    const runSeconds = (performance.now() - t0) / 1000;
    const cpu1 = childrenCpuSeconds();
    if (r.error) throw new Error(`bench: could not run hstan sample: ${r.error.message}`);
    if (r.status !== 0) {
      throw new Error(`bench: hstan sample ${model.program} (seed ${seed}) exited with ${r.status}:\n${r.stderr.trim()}`);
    }
    const files = readdirSync(dir).filter((f) => f.endsWith('.csv')).sort().map((f) => join(dir, f));
    if (files.length !== s.chains) throw new Error(`bench: expected ${s.chains} CSV files in ${dir}, found ${files.length}`);
    return {
      seed,
      runSeconds,
      runCpuSeconds: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
      ...csvRunStats(files),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
