// Parser benchmark: a ~2,000-line program of realistic statements, parsed N times; prints the
// median wall time. Run after a build: `node dist/bench/parse.js [N]`.
import { pathToFileURL } from 'node:url';
import { parse } from '../src/frontend/parse.js';

/** Functions, data, parameters and a long model block of the kinds of lines real models have. */
export function benchmarkProgram(targetLines = 2000): string {
  const head = [
    'functions {',
    '  real soft_thresh(real x, real lambda) {',
    '    return x > lambda ? x - lambda : (x < -lambda ? x + lambda : 0);',
    '  }',
    '  vector center(vector v) {',
    '    return v - mean(v);',
    '  }',
    '}',
    'data {',
    '  int<lower=1> N;',
    '  int<lower=1> K;',
    '  int<lower=1> J;',
    '  matrix[N, K] X;',
    '  array[N] int<lower=1, upper=J> group;',
    '  vector[N] y;',
    '}',
    'parameters {',
    '  real alpha;',
    '  vector[K] beta;',
    '  vector<offset=0, multiplier=2>[J] a;',
    '  real<lower=0> sigma;',
    '  real<lower=0> tau;',
    '  cholesky_factor_corr[K] L;',
    '}',
    'model {',
    '  vector[N] mu = alpha + X * beta;',
  ];
  const body = [
    '  // group effects, loop form',
    '  for (n in 1:N) {',
    '    mu[n] += a[group[n]] * tau;',
    '    if (mu[n] > 10 && sigma < 1) {',
    '      target += -0.5 * square((y[n] - mu[n]) / sigma) - log(sigma);',
    '    } else {',
    '      y[n] ~ normal(mu[n], sigma) T[-100, ];',
    '    }',
    '  }',
    '  beta ~ normal(0, 2.5);',
    '  L ~ lkj_corr_cholesky(2);',
    '  target += normal_lpdf(y | mu, sigma) + student_t_lpdf(alpha | 3, 0, 2.5);',
    '  /* vectorised form */',
    '  y[1:N] ~ normal(X[, 1:K] * beta + a[group] .* rep_vector(tau, N), sigma);',
    '  tau ~ exponential(1);',
    "  target += -dot_self(beta - [1, 2.5e-1, .5]') / 2 ^ 2 + (sigma > 0 ? log1p(sigma) : 0);",
  ];
  const lines = [...head];
  while (lines.length < targetLines - 1) lines.push(...body);
  lines.push('}');
  return lines.join('\n') + '\n';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export interface ParseTiming {
  lines: number;
  runs: number;
  /** First parse, including building the parser. */
  firstMs: number;
  medianWallMs: number;
  minWallMs: number;
  /** CPU time is what the parser costs; wall time also counts waiting for a busy machine. */
  medianCpuMs: number;
  targetCpuMs: number;
}

/** Parse the benchmark program `runs` times after a warm-up. */
export function benchParse(runs = 30): ParseTiming {
  const source = benchmarkProgram();
  const lines = source.split('\n').length - 1;
  const first = performance.now();
  const check = parse(source);
  const firstMs = performance.now() - first;
  if (!check.ast) throw new Error(`benchmark program does not parse: ${check.diagnostics[0]?.message}`);
  for (let i = 0; i < 5; i++) parse(source); // warm up the JIT
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    parse(source);
    wall.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
  return { lines, runs, firstMs, medianWallMs: median(wall), minWallMs: Math.min(...wall), medianCpuMs: median(cpu), targetCpuMs: 50 };
}

export function formatParseTiming(t: ParseTiming): string {
  return [
    `parse: ${t.lines} lines, first parse (incl. parser construction) ${t.firstMs.toFixed(1)} ms`,
    `parse: median of ${t.runs} runs ${t.medianWallMs.toFixed(2)} ms wall (min ${t.minWallMs.toFixed(2)} ms)`,
    `parse: median CPU time ${t.medianCpuMs.toFixed(2)} ms (target < ${t.targetCpuMs} ms)`,
  ].join('\n');
}

function main(): void {
  console.log(formatParseTiming(benchParse(Number(process.argv[2] ?? 30))));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
