// Whole-model gradients against central finite differences of the model's own log density, at
// seeded random unconstrained points, for every example model and every fixture model (an
// independent check beyond the rstan fixtures). The three points are evaluated as three chains
// in one batched call, which must equal three single-chain calls bit for bit.
import { compile } from '../src/model/compile.js';
import type { ModelInstance } from '../src/model/instance.js';
import { fdGradient } from './helpers/fd.js';
import { EXAMPLES, mulberry32, programCases } from './helpers/programs.js';

const cases = programCases();
const uniforms = mulberry32;

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
