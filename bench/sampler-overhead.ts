// The NUTS sampler's own cost per leapfrog step, without a model: runNuts on standard normals
// whose gradient is a trivial loop, so nearly all the time is tree building, momentum draws,
// adaptation and bookkeeping. Also prints a fingerprint of every draw and stat, so a faster
// sampler can be checked to make exactly the same draws (same seed → same fingerprint).
// Reports wall and CPU time (user + system of the process: steadier than wall time when other
// processes share the cores; run node with --single-threaded so it counts only the sampling work).
//   node [--single-threaded] dist/bench/sampler-overhead.js [--repeats N] [--dims 10,100] [--metric diag|dense] [--chains 4]
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { runNuts } from '../src/inference/index.js';
import type { BatchedLogDensity, NutsResult } from '../src/inference/index.js';
import { SAMPLER_STAT_NAMES } from '../src/inference/index.js';

function standardNormal(D: number): BatchedLogDensity {
  return {
    dimension: D,
    logDensityGradient(U, n, lp, grad) {
      for (let r = 0; r < n; r++) {
        const off = r * D;
        let s = 0;
        for (let i = 0; i < D; i++) {
          const x = U[off + i];
          s += x * x;
          grad[off + i] = -x;
        }
        lp[r] = -0.5 * s;
      }
    },
  };
}

/** Hash of all draws and sampler stats (bit patterns), to compare runs exactly. */
function fingerprint(r: NutsResult): string {
  const h = createHash('sha256');
  for (const chain of r.draws) for (const d of chain) h.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  for (const s of r.stats) {
    for (const name of SAMPLER_STAT_NAMES) h.update(new Uint8Array(s[name].buffer, s[name].byteOffset, s[name].byteLength));
  }
  h.update(new Uint8Array(Float64Array.from(r.stepSize).buffer));
  return h.digest('hex').slice(0, 16);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      repeats: { type: 'string', default: '5' },
      dims: { type: 'string', default: '10,100' },
      metric: { type: 'string', default: 'diag' },
      chains: { type: 'string', default: '4' },
      seed: { type: 'string', default: '1' },
    },
  });
  const repeats = Number(values.repeats);
  const chains = Number(values.chains);
  const metric = values.metric as 'diag' | 'dense';
  for (const D of values.dims!.split(',').map(Number)) {
    const density = standardNormal(D);
    const perLeapfrog: number[] = [];
    const cpuPerLeapfrog: number[] = [];
    let print = '';
    let leapfrogs = 0;
    for (let rep = 0; rep < repeats; rep++) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const r = runNuts(density, { chains, warmup: 1000, samples: 1000, seed: Number(values.seed), metric, saveWarmup: true });
      const cpu = process.cpuUsage(cpu0);
      const ms = performance.now() - t0;
      leapfrogs = 0;
      for (const s of r.stats) for (const n of s.n_leapfrog__) leapfrogs += n;
      perLeapfrog.push((ms * 1000) / leapfrogs);
      cpuPerLeapfrog.push((cpu.user + cpu.system) / leapfrogs);
      print = fingerprint(r);
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(3);
    console.log(
      `D=${D} ${metric} chains=${chains}: ${leapfrogs} leapfrogs (all chains); µs/leapfrog over ${repeats} runs: ` +
        `wall median ${median(perLeapfrog)} best ${perLeapfrog[0].toFixed(3)}, ` +
        `cpu median ${median(cpuPerLeapfrog)} best ${cpuPerLeapfrog[0].toFixed(3)}; fingerprint ${print}`,
    );
  }
}

main();
