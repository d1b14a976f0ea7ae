// GLM densities: equal to the plain density of the linear predictor α + xβ (computed here
// by hand), gradients in every argument (x included) against finite differences, 3 chains.
import { table as glm } from '../stdlib/impl/glm.js';
import { table as continuous } from '../stdlib/impl/continuous.js';
import { table as discrete } from '../stdlib/impl/discrete.js';
import type { Builtin } from '../stdlib/impl/types.js';
import { Arg, callData, gradientError } from './helpers/builtin-grad.js';

const all: Record<string, Builtin> = { ...glm, ...continuous, ...discrete };
const fn = (name: string) => {
  const f = all[name];
  if (!f) throw new Error(`missing ${name}`);
  return f;
};

function expectClose(actual: number, expected: number, rel = 1e-12): void {
  const err = Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
  if (!(err <= rel)) throw new Error(`expected ${expected}, got ${actual} (relative error ${err})`);
}

function expectGradOk(f: Builtin, args: Arg[], tol = 2e-6): void {
  const r = gradientError(f, args);
  expect(r.worst < tol ? 'ok' : r.where).toBe('ok');
}

const N = 4;
const K = 2;
const X = [0.5, -1.2, 1.1, 0.3, -0.7, 0.8, 0.2, -0.4];
const beta = [0.6, -0.3];
const alpha = 0.2;
const eta = Array.from({ length: N }, (_, i) => alpha + X[i * K] * beta[0] + X[i * K + 1] * beta[1]);

describe('GLMs equal the density of the linear predictor', () => {
  test('normal_id_glm', () => {
    const y = [0.3, -0.5, 1.4, 0.1];
    const expected = callData(fn('normal_lpdf'), [{ value: y }, { value: eta }, { value: 0.9 }]) as number;
    expectClose(callData(fn('normal_id_glm_lpdf'), [{ value: y }, { value: X, shape: [N, K] }, { value: alpha }, { value: beta }, { value: 0.9 }]) as number, expected);
  });
  test('bernoulli_logit_glm, poisson_log_glm, neg_binomial_2_log_glm', () => {
    const z = [1, 0, 0, 1];
    const counts = [3, 0, 7, 1];
    const base = [{ value: X, shape: [N, K] }, { value: alpha }, { value: beta }];
    expectClose(
      callData(fn('bernoulli_logit_glm_lpmf'), [{ value: z }, ...base]) as number,
      callData(fn('bernoulli_logit_lpmf'), [{ value: z }, { value: eta }]) as number,
    );
    expectClose(
      callData(fn('poisson_log_glm_lpmf'), [{ value: counts }, ...base]) as number,
      callData(fn('poisson_log_lpmf'), [{ value: counts }, { value: eta }]) as number,
    );
    expectClose(
      callData(fn('neg_binomial_2_log_glm_lpmf'), [{ value: counts }, ...base, { value: 2.5 }]) as number,
      callData(fn('neg_binomial_2_log_lpmf'), [{ value: counts }, { value: eta }, { value: 2.5 }]) as number,
    );
  });
  test('row-vector x is shared by every observation; vector intercepts', () => {
    const y = [0.3, -0.5, 1.4];
    const row = [0.5, -1.2];
    const a = [0.1, 0.2, 0.3];
    const e = a.map((ai) => ai + row[0] * beta[0] + row[1] * beta[1]);
    expectClose(
      callData(fn('normal_id_glm_lpdf'), [{ value: y }, { value: row }, { value: a }, { value: beta }, { value: 1.3 }]) as number,
      callData(fn('normal_lpdf'), [{ value: y }, { value: e }, { value: 1.3 }]) as number,
    );
  });
});

describe('GLM gradients (3 chains, finite differences)', () => {
  test('normal_id_glm in y, x, alpha, beta, sigma', () => {
    expectGradOk(fn('normal_id_glm_lpdf'), [
      { value: [0.3, -0.5, 1.4, 0.1], param: true },
      { value: X, shape: [N, K], param: true },
      { value: alpha, param: true },
      { value: beta, param: true },
      { value: [0.9, 1.1, 0.7, 1.4], param: true },
    ]);
  });
  test('count and binary GLMs', () => {
    const x = { value: X, shape: [N, K], param: true };
    expectGradOk(fn('bernoulli_logit_glm_lpmf'), [{ value: [1, 0, 0, 1] }, x, { value: [0.1, 0.2, -0.3, 0], param: true }, { value: beta, param: true }]);
    expectGradOk(fn('poisson_log_glm_lpmf'), [{ value: [3, 0, 7, 1] }, x, { value: alpha, param: true }, { value: beta, param: true }]);
    expectGradOk(fn('neg_binomial_2_log_glm_lpmf'), [
      { value: [3, 0, 7, 1] },
      { value: X, shape: [N, K] },
      { value: alpha, param: true },
      { value: beta, param: true },
      { value: 2.5, param: true },
    ]);
  });
});

describe('GLM argument checks', () => {
  test('sizes and domains', () => {
    expect(() => callData(fn('normal_id_glm_lpdf'), [{ value: [1, 2, 3] }, { value: X, shape: [N, K] }, { value: 0 }, { value: beta }, { value: 1 }])).toThrow(
      /Vector of dependent variables has size 3, but must have size 4/,
    );
    expect(() => callData(fn('normal_id_glm_lpdf'), [{ value: 1 }, { value: X, shape: [N, K] }, { value: 0 }, { value: [1, 2, 3] }, { value: 1 }])).toThrow(
      /must match in size/,
    );
    expect(() => callData(fn('normal_id_glm_lpdf'), [{ value: 1 }, { value: X, shape: [N, K] }, { value: 0 }, { value: beta }, { value: -1 }])).toThrow(
      'normal_id_glm_lpdf: Scale vector is -1, but must be positive finite!',
    );
    expect(() => callData(fn('bernoulli_logit_glm_lpmf'), [{ value: [2, 0, 0, 1] }, { value: X, shape: [N, K] }, { value: 0 }, { value: beta }])).toThrow(
      /Vector of dependent variables\[1\] is 2, but must be in the interval \[0, 1\]/,
    );
  });
});
