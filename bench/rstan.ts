// Sampling benchmark, rstan side (issue 5): convert each model to Stan 2.21 syntax with the
// oracle's converter (read from ../shared at bench time, never copied here), then let
// bench/rstan.R compile each once and sample it for the given seeds.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchModel } from './models.js';
import type { SampleSettings } from './hstan-sample.js';

export interface RstanRun {
  seed: number;
  /** Wall seconds of the `sampling()` call (4 chains one after another, cores = 1). */
  samplingSeconds: number;
  samplingCpuSeconds: number;
  /** get_elapsed_time(), summed over chains. */
  warmupPhaseSeconds: number;
  samplingPhaseSeconds: number;
  /** Leapfrog steps over all chains, warmup included. */
  leapfrogs: number;
  divergences: number;
  minEssBulk: number;
  minEssVariable: string;
}

export interface RstanModelResult {
  name: string;
  compileSeconds: number;
  compileCpuSeconds: number;
  runs: RstanRun[];
}

export interface RstanResults {
  rstan: string;
  models: RstanModelResult[];
}

/** Why rstan cannot run here, or null when it can. */
export function rstanUnavailable(converter: string): string | null {
  if (!existsSync(converter)) return `the syntax converter ${converter} is not there (../shared missing?)`;
  for (const [cmd, args] of [['Rscript', ['-e', 'suppressMessages({library(rstan); library(posterior); library(jsonlite)})']], ['perl', ['-v']]] as const) {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.error) return `${cmd} is not installed`;
    if (r.status !== 0) return `${cmd} failed: ${(r.stderr || '').trim().split('\n').slice(-2).join(' ')}`;
  }
  return null;
}

/**
 * Compiles (or reuses) each model and samples it once per seed. With `workDir`, the converted
 * programs and rstan's compiled models (auto_write .rds files) stay there, so later calls for
 * other seeds load the compiled model instead of compiling it again (their compile times are
 * then load times: keep the first call's).
 */
export function runRstan(
  root: string, converter: string, models: readonly BenchModel[], seeds: readonly number[], s: SampleSettings,
  workDir?: string,
): RstanResults {
  const dir = mkdtempSync(join(tmpdir(), 'hstan-bench-rstan-'));
  let keep = false;
  try {
    const specs = models.map((m) => {
      const stan = join(workDir ?? dir, `${m.name}.stan`);
      // Written once: rstan reuses a compiled model only while its .stan file is unchanged.
      if (!existsSync(stan)) {
        const r = spawnSync('perl', [converter], { input: readFileSync(join(root, m.program), 'utf8'), encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`bench: converting ${m.program} to Stan 2.21 syntax failed: ${r.stderr}`);
        writeFileSync(stan, r.stdout);
      }
      return { name: m.name, stan, data: join(root, m.data), reuse: workDir !== undefined };
    });
    const config = join(dir, 'config.json');
    const out = join(dir, 'out.json');
    writeFileSync(config, JSON.stringify({ chains: s.chains, warmup: s.warmup, samples: s.samples, seeds, models: specs }));
    // rstan's compiler chatter goes to a log, shown only when something fails.
    const log = join(dir, 'rstan.log');
    const fd = openSync(log, 'w');
    let r;
    try {
      r = spawnSync('Rscript', [join(root, 'bench', 'rstan.R'), config, out], { stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    if (r.status !== 0 || !existsSync(out)) {
      keep = true;
      const tail = readFileSync(log, 'utf8').trim().split('\n').slice(-15).join('\n');
      throw new Error(`bench: bench/rstan.R failed (exit ${r.status}); log kept in ${log}:\n${tail}`);
    }
    return JSON.parse(readFileSync(out, 'utf8')) as RstanResults;
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}
