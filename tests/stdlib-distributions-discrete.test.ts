// Discrete distributions: values against scipy.stats 1.17 reference numbers and closed
// forms, gradients against central finite differences (3 chains), Stan's argument checks.
import { table as discrete } from '../stdlib/impl/discrete.js';
import { table as categorical } from '../stdlib/impl/categorical.js';
import type { Builtin } from '../stdlib/impl/types.js';
import type { Value } from '../src/runtime/tensor.js';
import { elemDiv, sum } from '../src/runtime/ops.js';
import { Arg, callData, evaluate, gradientError } from './helpers/builtin-grad.js';

const all = { ...discrete, ...categorical };
const fn = (name: string) => {
  const f = all[name];
  if (!f) throw new Error(`missing ${name}`);
  return f;
};

function expectClose(actual: number, expected: number, rel = 1e-10): void {
  const err = Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
  if (!(err <= rel)) throw new Error(`expected ${expected}, got ${actual} (relative error ${err})`);
}

function expectGradOk(f: Builtin, args: Arg[], tol = 2e-6): void {
  const r = gradientError(f, args);
  expect(r.worst < tol ? 'ok' : r.where).toBe('ok');
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

// [family, ints (data), reals (parameters), lpmf, lcdf, lccdf]
type Case = { family: string; ints: number[]; reals: number[]; lpmf: number; lcdf?: number; lccdf?: number };
const cases: Case[] = [
  { family: 'bernoulli', ints: [1], reals: [0.3], lpmf: -1.2039728043259361 },
  { family: 'bernoulli_logit', ints: [0], reals: [0.4], lpmf: -0.9130152523999526 },
  { family: 'binomial', ints: [3, 10], reals: [0.35], lpmf: -1.3774550433611665, lcdf: -0.6658686142253797, lccdf: -0.72119078498676 },
  { family: 'binomial_logit', ints: [3, 10], reals: [-0.6], lpmf: -1.3873877620768105 },
  { family: 'beta_binomial', ints: [3, 10], reals: [2.5, 1.5], lpmf: -2.6297320490312814 },
  { family: 'poisson', ints: [4], reals: [2.7], lpmf: -1.9050467383068121, lcdf: -0.14744735758150956, lccdf: -1.9871020440406937 },
  { family: 'poisson_log', ints: [4], reals: [Math.log(2.7)], lpmf: -1.9050467383068121 },
  // scipy nbinom(n = α, p = β/(1+β)) and nbinom(n = φ, p = φ/(μ+φ))
  { family: 'neg_binomial', ints: [5], reals: [3, 0.5], lpmf: -2.278639968821727, lcdf: -0.6315278681581037, lccdf: -0.7588142150773146 },
  { family: 'neg_binomial_2', ints: [5], reals: [4, 3], lpmf: -2.2954500831153015, lcdf: -0.2992539362598699, lccdf: -1.3523611580864225 },
  { family: 'neg_binomial_2_log', ints: [5], reals: [Math.log(4), 3], lpmf: -2.2954500831153015 },
];

const argsOf = (c: Case, param: boolean): Arg[] => [
  ...c.ints.map((v) => ({ value: v })),
  ...c.reals.map((v) => ({ value: v, param })),
];

describe('discrete: values', () => {
  test.each(cases.map((c) => [c.family, c] as const))('%s matches scipy', (_, c) => {
    expectClose(callData(fn(`${c.family}_lpmf`), argsOf(c, false)) as number, c.lpmf);
    expectClose(callData(fn(`${c.family}_lupmf`), argsOf(c, false)) as number, c.lpmf);
    if (c.lcdf !== undefined) {
      expectClose(callData(fn(`${c.family}_lcdf`), argsOf(c, false)) as number, c.lcdf, 1e-9);
      expectClose(callData(fn(`${c.family}_cdf`), argsOf(c, false)) as number, Math.exp(c.lcdf), 1e-9);
      expectClose(callData(fn(`${c.family}_lccdf`), argsOf(c, false)) as number, c.lccdf!, 1e-9);
    }
  });

  test('bernoulli cdfs and edge cases', () => {
    expectClose(callData(fn('bernoulli_lpmf'), [{ value: 0 }, { value: 0.3 }]) as number, Math.log(0.7), 1e-15);
    expectClose(callData(fn('bernoulli_lcdf'), [{ value: 0 }, { value: 0.3 }]) as number, Math.log(0.7), 1e-15);
    expectClose(callData(fn('bernoulli_lccdf'), [{ value: 0 }, { value: 0.3 }]) as number, Math.log(0.3), 1e-15);
    expect(callData(fn('bernoulli_lcdf'), [{ value: 1 }, { value: 0.3 }])).toBe(0);
    // Probability 0 or 1 with the matching outcome is log(1) = 0.
    expect(callData(fn('binomial_lpmf'), [{ value: 0 }, { value: 5 }, { value: 0 }])).toBe(0);
    expect(callData(fn('poisson_lpmf'), [{ value: 0 }, { value: 0 }])).toBe(0);
    expect(callData(fn('poisson_lpmf'), [{ value: 2 }, { value: 0 }])).toBe(-Infinity);
    expect(callData(fn('beta_binomial_lpmf'), [{ value: 11 }, { value: 10 }, { value: 1 }, { value: 1 }])).toBe(-Infinity);
  });

  test('hypergeometric and discrete_range', () => {
    // scipy.stats.hypergeom(M = 12, n = 5, N = 6).logpmf(3): 3 successes in 6 draws from 5 successes, 7 failures.
    expectClose(callData(fn('hypergeometric_lpmf'), [{ value: 3 }, { value: 6 }, { value: 5 }, { value: 7 }]) as number, -0.9707789171582237, 1e-13);
    expect(() => callData(fn('hypergeometric_lpmf'), [{ value: 6 }, { value: 6 }, { value: 5 }, { value: 7 }])).toThrow(/Successes variable is 6/);
    expectClose(callData(fn('discrete_range_lpmf'), [{ value: [2, 5] }, { value: 1 }, { value: 6 }]) as number, -2 * Math.log(6), 1e-15);
    expect(callData(fn('discrete_range_lpmf'), [{ value: 7 }, { value: 1 }, { value: 6 }])).toBe(-Infinity);
    expectClose(callData(fn('discrete_range_cdf'), [{ value: 2 }, { value: 1 }, { value: 6 }]) as number, 2 / 6, 1e-15);
    expectClose(callData(fn('discrete_range_lccdf'), [{ value: 2 }, { value: 1 }, { value: 6 }]) as number, Math.log(4 / 6), 1e-15);
  });

  test('vectorized counts include log n! once per element', () => {
    const y = [0, 3, 7, 2];
    const lam = 2.3;
    let s = 0;
    for (const n of y) {
      let lf = 0;
      for (let k = 2; k <= n; k++) lf += Math.log(k);
      s += n * Math.log(lam) - lam - lf;
    }
    expectClose(callData(fn('poisson_lpmf'), [{ value: y }, { value: lam }]) as number, s, 1e-13);
    // Scalar n against a vector of rates: the constant term is counted for every rate.
    const rates = [1.5, 2.5, 0.7];
    const expected = rates.reduce((t, r) => t + 3 * Math.log(r) - r - Math.log(6), 0);
    expectClose(callData(fn('poisson_lpmf'), [{ value: 3 }, { value: rates }]) as number, expected, 1e-13);
  });

  test('categorical family closed forms', () => {
    const theta = [0.2, 0.3, 0.5];
    expectClose(callData(fn('categorical_lpmf'), [{ value: [1, 3, 3] }, { value: theta }]) as number, Math.log(0.2) + 2 * Math.log(0.5), 1e-15);
    expectClose(callData(fn('categorical_lpmf'), [{ value: 2 }, { value: theta }]) as number, Math.log(0.3), 1e-15);
    const beta = [0.1, -0.7, 1.3];
    const lse = Math.log(beta.reduce((t, b) => t + Math.exp(b), 0));
    expectClose(callData(fn('categorical_logit_lpmf'), [{ value: [3, 1] }, { value: beta }]) as number, 1.3 + 0.1 - 2 * lse, 1e-14);
    // scipy.stats.multinomial.logpmf([2, 0, 3], 5, [0.2, 0.3, 0.5])
    expectClose(callData(fn('multinomial_lpmf'), [{ value: [2, 0, 3] }, { value: theta }]) as number, -2.9957322735539913, 1e-13);
    const soft = beta.map((b) => Math.exp(b - lse));
    expectClose(
      callData(fn('multinomial_logit_lpmf'), [{ value: [2, 0, 3] }, { value: beta }]) as number,
      callData(fn('multinomial_lpmf'), [{ value: [2, 0, 3] }, { value: soft }]) as number,
      1e-13,
    );
  });

  test('ordinal closed forms', () => {
    const c = [-0.5, 0.4, 1.5];
    const eta = 0.3;
    const ol = (y: number) => callData(fn('ordered_logistic_lpmf'), [{ value: y }, { value: eta }, { value: c }]) as number;
    expectClose(ol(1), Math.log(1 - sigmoid(eta - c[0])), 1e-14);
    expectClose(ol(2), Math.log(sigmoid(eta - c[0]) - sigmoid(eta - c[1])), 1e-14);
    expectClose(ol(3), Math.log(sigmoid(eta - c[1]) - sigmoid(eta - c[2])), 1e-14);
    expectClose(ol(4), Math.log(sigmoid(eta - c[2])), 1e-14);
    const op = (y: number) => callData(fn('ordered_probit_lpmf'), [{ value: y }, { value: eta }, { value: c }]) as number;
    // scipy: log(Φ(c2 - η) - Φ(c1 - η)), log Φ(c1 - η), log Φ(η - c3)
    expectClose(op(2), -1.114825702501647, 1e-12);
    expectClose(op(1), -1.5518513191877767, 1e-12);
    expectClose(op(4), -2.1622175060437394, 1e-12);
    // Probabilities over all categories sum to one.
    const total = [1, 2, 3, 4].reduce((t, y) => t + Math.exp(op(y)), 0);
    expectClose(total, 1, 1e-14);
    // Array form is the sum over observations.
    const ys = [1, 4, 2];
    const etas = [0.3, -1.2, 2.0];
    const s = ys.reduce((t, y, i) => t + (callData(fn('ordered_logistic_lpmf'), [{ value: y }, { value: etas[i] }, { value: c }]) as number), 0);
    expectClose(callData(fn('ordered_logistic_lpmf'), [{ value: ys }, { value: etas }, { value: c }]) as number, s, 1e-14);
  });

  test('far-tail ordinal probabilities stay finite', () => {
    const c = [30, 31];
    // η far below both cut-points: y = 2 has probability σ(η-30) - σ(η-31) ≈ e^{η}(e^{-30} - e^{-31}).
    const eta = -10;
    const v = callData(fn('ordered_logistic_lpmf'), [{ value: 2 }, { value: eta }, { value: c }]) as number;
    expectClose(v, eta - 30 + Math.log(1 - Math.exp(-1)), 1e-9);
    const p = callData(fn('ordered_probit_lpmf'), [{ value: 2 }, { value: 0 }, { value: [9, 10] }]) as number;
    expect(Number.isFinite(p)).toBe(true);
  });
});

describe('discrete: gradients (3 chains, finite differences)', () => {
  for (const c of cases) {
    const kinds = c.lcdf !== undefined ? ['lpmf', 'lcdf', 'lccdf', 'cdf'] : ['lpmf'];
    for (const kind of kinds) {
      test(`${c.family}_${kind}`, () => expectGradOk(fn(`${c.family}_${kind}`), argsOf(c, true)));
      test(`${c.family}_${kind} vectorized`, () => {
        const args: Arg[] = [
          ...c.ints.map((v, i) => (i === 0 ? { value: [v, Math.max(0, v - 1), v] } : { value: v + 1 })),
          ...c.reals.map((v, i) => (i === 0 ? { value: [v, v * 0.9, v * 1.1], param: true } : { value: v, param: true })),
        ];
        // bernoulli outcomes must stay 0/1.
        if (c.family.startsWith('bernoulli')) args[0] = { value: [1, 0, 1] };
        expectGradOk(fn(`${c.family}_${kind}`), args);
      });
    }
  }

  /** theta = x / sum(x) so finite differences stay on the simplex. */
  const onSimplex = (name: string, j: number): Builtin => (a, ctx) => {
    const x = a[j] as Value;
    const args = a.slice();
    args[j] = elemDiv(x, sum(x));
    return fn(name)(args, ctx);
  };

  test('categorical and multinomial', () => {
    expectGradOk(onSimplex('categorical_lpmf', 1), [{ value: [1, 3, 3, 2] }, { value: [0.4, 0.9, 1.3], param: true }]);
    expectGradOk(onSimplex('multinomial_lpmf', 1), [{ value: [2, 0, 3] }, { value: [0.4, 0.9, 1.3], param: true }]);
    expectGradOk(fn('categorical_logit_lpmf'), [{ value: [1, 3, 3, 2] }, { value: [0.4, -0.9, 1.3], param: true }]);
    expectGradOk(fn('multinomial_logit_lpmf'), [{ value: [2, 0, 3] }, { value: [0.4, -0.9, 1.3], param: true }]);
    // Analytic: ∂/∂θ_k Σ log θ_{y_i} = count_k / θ_k (data path check of the partials).
    const { adj } = evaluate(fn('categorical_lpmf'), [{ value: [1, 3, 3] }, { value: [0.2, 0.3, 0.5], param: true, chain: () => [0.2, 0.3, 0.5] }], 3);
    expectClose(adj[1]![2], 2 / 0.5, 1e-14);
    expectClose(adj[1]![1], 0, 1e-14);
  });

  for (const family of ['ordered_logistic', 'ordered_probit']) {
    test(`${family}`, () => {
      const cuts = (c: number) => [-0.5 + 0.01 * c, 0.4, 1.5 - 0.02 * c];
      for (const y of [1, 2, 3, 4]) {
        expectGradOk(fn(`${family}_lpmf`), [{ value: y }, { value: 0.3, param: true }, { value: cuts(0), param: true, chain: cuts }]);
      }
      // Array of outcomes, vector of predictors, one set of cut-points.
      expectGradOk(fn(`${family}_lpmf`), [
        { value: [1, 4, 2, 3] },
        { value: [0.3, -1.2, 2.0, 0.1], param: true },
        { value: cuts(0), param: true, chain: cuts },
      ]);
      // Per-observation cut-points (array of vectors).
      const two = (c: number) => [...cuts(c), -1, 0.2 + 0.01 * c, 0.9];
      expectGradOk(fn(`${family}_lpmf`), [
        { value: [3, 1] },
        { value: [0.3, -0.2], param: true },
        { value: two(0), shape: [2, 3], param: true, chain: two },
      ]);
    });
  }
});

describe('discrete: argument checks', () => {
  test('Stan-worded errors', () => {
    expect(() => callData(fn('bernoulli_lpmf'), [{ value: 2 }, { value: 0.3 }])).toThrow('bernoulli_lpmf: n is 2, but must be in the interval [0, 1]');
    expect(() => callData(fn('bernoulli_lpmf'), [{ value: 1 }, { value: 1.3 }])).toThrow(
      'bernoulli_lpmf: Probability parameter is 1.3, but must be in the interval [0, 1]',
    );
    expect(() => callData(fn('binomial_lpmf'), [{ value: 11 }, { value: 10 }, { value: 0.5 }])).toThrow(
      'binomial_lpmf: Successes variable is 11, but must be in the interval [0, 10]',
    );
    expect(() => callData(fn('poisson_lpmf'), [{ value: -1 }, { value: 2 }])).toThrow('poisson_lpmf: Random variable is -1, but must be >= 0!');
    expect(() => callData(fn('poisson_lpmf'), [{ value: 1 }, { value: -2 }])).toThrow('poisson_lpmf: Rate parameter is -2, but must be >= 0!');
    expect(() => callData(fn('neg_binomial_2_lpmf'), [{ value: 1 }, { value: 2 }, { value: 0 }])).toThrow(
      'neg_binomial_2_lpmf: Precision parameter is 0, but must be positive finite!',
    );
    expect(() => callData(fn('categorical_lpmf'), [{ value: 4 }, { value: [0.2, 0.3, 0.5] }])).toThrow(
      'categorical_lpmf: Number of categories is 4, but must be in the interval [1, 3]',
    );
    expect(() => callData(fn('categorical_lpmf'), [{ value: 1 }, { value: [0.2, 0.3, 0.6] }])).toThrow(/is not a valid simplex/);
    expect(() => callData(fn('ordered_logistic_lpmf'), [{ value: 1 }, { value: 0 }, { value: [0.5, 0.1] }])).toThrow(
      /Cut-points is not a valid ordered vector/,
    );
    expect(() => callData(fn('ordered_logistic_lpmf'), [{ value: 4 }, { value: 0 }, { value: [0.1, 0.5] }])).toThrow(
      'ordered_logistic_lpmf: Random variable is 4, but must be in the interval [1, 3]',
    );
  });

  test('simplex of a later chain is checked', () => {
    const bad = (c: number) => (c === 1 ? [0.2, 0.3, 0.6] : [0.2, 0.3, 0.5]);
    expect(() => evaluate(fn('categorical_lpmf'), [{ value: 1 }, { value: bad(0), param: true, chain: bad }], 3)).toThrow(/simplex/);
  });

  test('data-only calls return plain numbers', () => {
    expect(typeof callData(fn('poisson_lpmf'), [{ value: [1, 2] }, { value: 1.5 }])).toBe('number');
    expect(callData(fn('categorical_lpmf'), [{ value: 1 }, { value: [1] }])).toBe(0);
  });
});

