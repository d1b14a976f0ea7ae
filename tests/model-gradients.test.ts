// Whole-model gradients against central finite differences of the model's own log density, at
// seeded random unconstrained points, for every example model and every fixture model (an
// independent check beyond the rstan fixtures). The three points are evaluated as three chains
// in one batched call, which must equal three single-chain calls bit for bit.
import { readFileSync, readdirSync } from 'node:fs';
import { compile } from '../src/model/compile.js';
import type { ModelInstance } from '../src/model/instance.js';
import { fdGradient } from './helpers/fd.js';

interface Case {
  name: string;
  source: string;
  data: Record<string, unknown>;
}

const EXAMPLES: [string, string][] = [
  ['eight_schools/centered', 'eight_schools'],
  ['eight_schools/noncentered', 'eight_schools'],
  ['hier_binomial/partial', 'hier_binomial'],
  ['hier_binomial/unpooled', 'hier_binomial'],
  ['hier_binomial/pooled', 'hier_binomial'],
  ['group_means/none', 'group_means'],
  ['group_means/complete', 'group_means'],
  ['group_means/partial', 'group_means'],
  ['radon/varying_intercepts', 'radon'],
  ['radon/varying_slopes', 'radon'],
  ['meta_analysis/model', 'meta_analysis'],
];

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const parseData = (d: unknown): Record<string, unknown> => (typeof d === 'string' ? JSON.parse(d) : (d as Record<string, unknown>));

const cases: Case[] = [
  ...EXAMPLES.map(([model, data]) => ({
    name: `examples/${model}`,
    source: readFileSync(`examples/${model}.hstan`, 'utf8'),
    data: json(`examples/${data}/data.json`),
  })),
  ...readdirSync('tests/fixtures/logprob')
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const fx = json(`tests/fixtures/logprob/${f}`);
      return { name: `logprob/${fx.name}`, source: fx.model as string, data: parseData(fx.data) };
    }),
  ...readdirSync('tests/fixtures/reference-models')
    .filter((f) => f.endsWith('.hstan'))
    .sort()
    .map((f) => {
      const name = f.replace(/\.hstan$/, '');
      return {
        name: `reference/${name}`,
        source: readFileSync(`tests/fixtures/reference-models/${f}`, 'utf8'),
        data: parseData(json(`tests/fixtures/reference-posteriors/${name}.json`).data),
      };
    }),
];

/** A small seeded generator (mulberry32), so the points are the same on every run. */
function uniforms(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Three points in (-1, 1)^D where the density is finite. */
function points(inst: ModelInstance, seed: number): Float64Array {
  const D = inst.dimension;
  const next = uniforms(seed);
  const out = new Float64Array(3 * D);
  for (let c = 0; c < 3; c++) {
    for (let attempt = 0; ; attempt++) {
      if (attempt === 100) throw new Error('no point with a finite log density in (-1, 1)^D');
      const u = Float64Array.from({ length: D }, () => 2 * next() - 1);
      if (Number.isFinite(inst.logDensity(u))) {
        out.set(u, c * D);
        break;
      }
    }
  }
  return out;
}

test('every example and fixture model is covered', () => {
  expect(cases.length).toBe(EXAMPLES.length + 13 + 6);
});

describe.each(cases.map((c, i) => [c.name, c, i] as const))('%s', (_name, c, index) => {
  let inst: ModelInstance;
  let U: Float64Array;
  let D: number;
  beforeAll(() => {
    inst = compile(c.source, { filename: `${c.name}.hstan` }).instantiate(c.data);
    D = inst.dimension;
    U = points(inst, 1000 + index);
  });

  test.each([true, false])('gradient = central differences of the log density (jacobian: %s)', (jacobian) => {
    const lp = new Float64Array(3);
    const grad = new Float64Array(3 * D);
    inst.logDensityGradient(U, 3, lp, grad, jacobian);
    for (let ch = 0; ch < 3; ch++) {
      const u = U.subarray(ch * D, (ch + 1) * D);
      expect(lp[ch]).toBe(inst.logDensity(u, { jacobian }));
      const fd = fdGradient((x) => inst.logDensity(x, { jacobian }), u, 1e-6);
      for (let k = 0; k < D; k++) {
        const g = grad[ch * D + k];
        // Central differences with h = 1e-6 carry rounding error ~ 1e-10 |lp| and truncation
        // error ~ 1e-12 f'''; the bound leaves a wide margin while catching any wrong term.
        const tol = 1e-7 * (Math.max(1, Math.abs(lp[ch])) + Math.abs(g));
        if (!(Math.abs(g - fd[k]) <= tol)) {
          throw new Error(`chain ${ch + 1}, coordinate ${k + 1}: gradient ${g}, finite difference ${fd[k]} (lp ${lp[ch]})`);
        }
      }
    }
  });

  test('the batched call equals per-chain calls exactly', () => {
    const lp = new Float64Array(3);
    const grad = new Float64Array(3 * D);
    inst.logDensityGradient(U, 3, lp, grad);
    for (let ch = 0; ch < 3; ch++) {
      const one = inst.logDensityAndGradient(U.subarray(ch * D, (ch + 1) * D));
      expect(Object.is(one.logDensity, lp[ch])).toBe(true);
      for (let k = 0; k < D; k++) {
        if (!Object.is(one.gradient[k], grad[ch * D + k])) {
          throw new Error(`chain ${ch + 1}, coordinate ${k + 1}: batched ${grad[ch * D + k]} vs single ${one.gradient[k]}`);
        }
      }
    }
    // And the batch does not depend on which chains share it: chain 2 alone in a batch of two.
    const pair = new Float64Array(2 * D);
    pair.set(U.subarray(D, 2 * D), 0);
    pair.set(U.subarray(0, D), D);
    const lp2 = new Float64Array(2);
    const grad2 = new Float64Array(2 * D);
    inst.logDensityGradient(pair, 2, lp2, grad2);
    expect(Object.is(lp2[0], lp[1])).toBe(true);
    expect(Array.from(grad2.subarray(0, D))).toEqual(Array.from(grad.subarray(D, 2 * D)));
  });
});
