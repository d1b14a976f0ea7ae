// Multivariate densities: values against scipy.stats 1.17 (multivariate_normal,
// multivariate_t, dirichlet, wishart, invwishart) and the LKJ normalizing constant of
// Lewandowski, Kurowicka & Joe (2009); gradients against central finite differences with 3
// chains (symmetric matrices perturbed in mirrored pairs, Cholesky factors in the lower
// triangle); Stan's argument checks.
import { table } from '../stdlib/impl/multivariate.js';
import type { Builtin } from '../stdlib/impl/types.js';
import type { Value } from '../src/runtime/tensor.js';
import { elemDiv, sum } from '../src/runtime/ops.js';
import { Arg, callData, gradientError } from './helpers/builtin-grad.js';

const fn = (name: string) => {
  const f = table[name];
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

const y = [0.3, -1.2, 0.8];
const y2 = [-0.4, 0.9, 1.1];
const mu = [0.1, -0.5, 0.2];
const Sigma = [2, 0.3, 0.1, 0.3, 1.5, -0.2, 0.1, -0.2, 1.0];
const S2 = [1, 0.2, 0, 0.2, 0.8, 0.1, 0, 0.1, 1.2];
const Omega = [1, 0.3, -0.2, 0.3, 1, 0.4, -0.2, 0.4, 1];

/** Lower Cholesky factor of a row-major 3×3 (test-side, independent of the runtime). */
function chol3(A: number[]): number[] {
  const L = new Array(9).fill(0);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * 3 + j];
      for (let k = 0; k < j; k++) s -= L[i * 3 + k] * L[j * 3 + k];
      L[i * 3 + j] = i === j ? Math.sqrt(s) : s / L[j * 3 + j];
    }
  }
  return L;
}

const mat = (v: number[], extra: Partial<Arg> = {}): Arg => ({ value: v, shape: [3, 3], ...extra });
/** Correlation matrices vary per chain in their off-diagonal entries only. */
const corrChain = (c: number) => Omega.map((v, k) => (k % 4 === 0 ? 1 : v * (1 + 0.02 * c)));

describe('multivariate: values', () => {
  test('multi_normal family', () => {
    expectClose(callData(fn('multi_normal_lpdf'), [{ value: y }, { value: mu }, mat(Sigma)]) as number, -3.585949533422076);
    const two = [{ value: [...y, ...y2], shape: [2, 3] }, { value: mu }, mat(Sigma)];
    expectClose(callData(fn('multi_normal_lpdf'), two) as number, -8.346355006908368);
    // Cholesky and precision parameterizations agree with the covariance one.
    const L = chol3(Sigma);
    expectClose(callData(fn('multi_normal_cholesky_lpdf'), [{ value: y }, { value: mu }, mat(L)]) as number, -3.585949533422076);
    expectClose(callData(fn('multi_normal_cholesky_lpdf'), [two[0], two[1], mat(L)]) as number, -8.346355006908368);
    const inv = invert3(Sigma);
    expectClose(callData(fn('multi_normal_prec_lpdf'), [{ value: y }, { value: mu }, mat(inv)]) as number, -3.585949533422076, 1e-9);
    // The location may be the array and the variate the single vector.
    expectClose(
      callData(fn('multi_normal_lpdf'), [{ value: mu }, { value: [...y, ...y2], shape: [2, 3] }, mat(Sigma)]) as number,
      -8.346355006908368,
    );
  });

  test('multi_gp rows are multi_normal with covariance Σ / w_k', () => {
    const Y = [...y, ...y2];
    const w = [0.7, 2.5];
    const expected = [y, y2].reduce(
      (t, row, k) => t + (callData(fn('multi_normal_lpdf'), [{ value: row }, { value: [0, 0, 0] }, mat(Sigma.map((x) => x / w[k]))]) as number),
      0,
    );
    expectClose(callData(fn('multi_gp_lpdf'), [{ value: Y, shape: [2, 3] }, mat(Sigma), { value: w }]) as number, expected);
    expectClose(callData(fn('multi_gp_cholesky_lpdf'), [{ value: Y, shape: [2, 3] }, mat(chol3(Sigma)), { value: w }]) as number, expected);
  });

  test('multi_student_t', () => {
    expectClose(callData(fn('multi_student_t_lpdf'), [{ value: y }, { value: 4.5 }, { value: mu }, mat(Sigma)]) as number, -3.6161969985686597);
    expectClose(
      callData(fn('multi_student_t_cholesky_lpdf'), [{ value: y }, { value: 4.5 }, { value: mu }, mat(chol3(Sigma))]) as number,
      -3.6161969985686597,
    );
  });

  test('dirichlet, wishart, inv_wishart', () => {
    expectClose(callData(fn('dirichlet_lpdf'), [{ value: [0.2, 0.3, 0.5] }, { value: [1.5, 2, 0.8] }]) as number, 0.27968128117157987);
    expectClose(callData(fn('wishart_lpdf'), [mat(Sigma), { value: 5.5 }, mat(S2)]) as number, -9.311440979256531);
    expectClose(callData(fn('inv_wishart_lpdf'), [mat(Sigma), { value: 5.5 }, mat(S2)]) as number, -14.290488963982211);
  });

  test('lkj matches the LKJ (2009) normalizing constant', () => {
    expectClose(callData(fn('lkj_corr_lpdf'), [mat(Omega), { value: 2.5 }]) as number, -0.9117122596805092, 1e-12);
    expectClose(callData(fn('lkj_corr_lpdf'), [mat(Omega), { value: 1 }]) as number, -1.5963125911388545, 1e-12);
    // The Cholesky form adds the Jacobian Σ_k (K - k) log L_kk of L ↦ L L'.
    expectClose(callData(fn('lkj_corr_cholesky_lpdf'), [mat(chol3(Omega)), { value: 2.5 }]) as number, -0.9588675994161299, 1e-12);
    // K = 2: density of r is (1 - r²)^{η-1} / (2^{2η-1} B(η, η)); for η = 2, B(2, 2) = 1/6.
    const r = 0.35;
    const v = callData(fn('lkj_corr_lpdf'), [{ value: [1, r, r, 1], shape: [2, 2] }, { value: 2 }]) as number;
    expectClose(v, Math.log(1 - r * r) - Math.log(8 / 6), 1e-13);
  });
});

describe('multivariate: gradients (3 chains, finite differences)', () => {
  test('multi_normal', () => {
    expectGradOk(fn('multi_normal_lpdf'), [{ value: y, param: true }, { value: mu, param: true }, mat(Sigma, { param: true, symmetric: true })]);
    expectGradOk(fn('multi_normal_lpdf'), [
      { value: [...y, ...y2], shape: [2, 3], param: true },
      { value: mu, param: true },
      mat(Sigma, { param: true, symmetric: true }),
    ]);
    expectGradOk(fn('multi_normal_lpdf'), [{ value: [...y, ...y2], shape: [2, 3] }, { value: [...mu, ...y], shape: [2, 3], param: true }, mat(Sigma)]);
  });

  test('multi_normal_cholesky and multi_normal_prec', () => {
    const L = chol3(Sigma);
    expectGradOk(fn('multi_normal_cholesky_lpdf'), [{ value: y, param: true }, { value: mu, param: true }, mat(L, { param: true, lower: true })]);
    expectGradOk(fn('multi_normal_cholesky_lpdf'), [
      { value: [...y, ...y2], shape: [2, 3], param: true },
      { value: mu, param: true },
      mat(L, { param: true, lower: true }),
    ]);
    expectGradOk(fn('multi_normal_prec_lpdf'), [{ value: y, param: true }, { value: mu, param: true }, mat(invert3(Sigma), { param: true, symmetric: true })]);
  });

  test('multi_student_t (+ cholesky)', () => {
    expectGradOk(fn('multi_student_t_lpdf'), [
      { value: [...y, ...y2], shape: [2, 3], param: true },
      { value: 4.5, param: true },
      { value: mu, param: true },
      mat(Sigma, { param: true, symmetric: true }),
    ]);
    expectGradOk(fn('multi_student_t_cholesky_lpdf'), [
      { value: y, param: true },
      { value: 4.5, param: true },
      { value: mu, param: true },
      mat(chol3(Sigma), { param: true, lower: true }),
    ]);
  });

  test('multi_gp (+ cholesky)', () => {
    const Y = { value: [...y, ...y2], shape: [2, 3], param: true };
    expectGradOk(fn('multi_gp_lpdf'), [Y, mat(Sigma, { param: true, symmetric: true }), { value: [0.7, 2.5], param: true }]);
    expectGradOk(fn('multi_gp_cholesky_lpdf'), [Y, mat(chol3(Sigma), { param: true, lower: true }), { value: [0.7, 2.5], param: true }]);
  });

  test('dirichlet', () => {
    const onSimplex: Builtin = (a, ctx) => fn('dirichlet_lpdf')([elemDiv(a[0] as Value, sum(a[0] as Value)), a[1]], ctx);
    expectGradOk(onSimplex, [{ value: [0.4, 0.9, 1.3], param: true }, { value: [1.5, 2, 0.8], param: true }]);
  });

  test('lkj_corr and lkj_corr_cholesky', () => {
    for (const eta of [0.7, 1, 2.5]) {
      expectGradOk(fn('lkj_corr_lpdf'), [
        mat(Omega, { param: true, symmetric: true, offDiagonal: true, chain: corrChain }),
        { value: eta, param: true },
      ]);
      expectGradOk(fn('lkj_corr_cholesky_lpdf'), [mat(chol3(Omega), { param: true, lower: true }), { value: eta, param: true }]);
    }
  });

  test('wishart and inv_wishart', () => {
    for (const name of ['wishart_lpdf', 'inv_wishart_lpdf']) {
      expectGradOk(fn(name), [mat(Sigma, { param: true, symmetric: true }), { value: 5.5, param: true }, mat(S2, { param: true, symmetric: true })]);
    }
  });
});

describe('multivariate: argument checks', () => {
  test('Stan-worded errors', () => {
    const notPd = [1, 2, 0, 2, 1, 0, 0, 0, 1];
    expect(() => callData(fn('multi_normal_lpdf'), [{ value: y }, { value: mu }, mat(notPd)])).toThrow(
      'multi_normal_lpdf: Covariance matrix is not positive definite.',
    );
    const asym = [...Sigma];
    asym[1] = 0.5;
    expect(() => callData(fn('multi_normal_lpdf'), [{ value: y }, { value: mu }, mat(asym)])).toThrow(/is not symmetric/);
    expect(() => callData(fn('multi_normal_lpdf'), [{ value: [1, 2] }, { value: mu }, mat(Sigma)])).toThrow(/must match in size/);
    expect(() => callData(fn('dirichlet_lpdf'), [{ value: [0.2, 0.3, 0.6] }, { value: [1, 1, 1] }])).toThrow(/not a valid simplex/);
    expect(() => callData(fn('dirichlet_lpdf'), [{ value: [0.2, 0.3, 0.5] }, { value: [1, -1, 1] }])).toThrow(
      'dirichlet_lpdf: prior sample sizes[2] is -1, but must be positive!',
    );
    expect(() => callData(fn('lkj_corr_lpdf'), [mat(Sigma), { value: 2 }])).toThrow(/not a valid correlation matrix/);
    expect(() => callData(fn('lkj_corr_cholesky_lpdf'), [mat(Omega), { value: 2 }])).toThrow(/not lower triangular/);
    expect(() => callData(fn('lkj_corr_lpdf'), [mat(Omega), { value: 0 }])).toThrow('lkj_corr_lpdf: Shape parameter is 0, but must be positive!');
    expect(() => callData(fn('wishart_lpdf'), [mat(Sigma), { value: 1.5 }, mat(S2)])).toThrow(
      'wishart_lpdf: Degrees of freedom parameter is 1.5, but must be greater than 2.000000',
    );
  });
});

/** Inverse of a symmetric 3×3 by cofactors (test-side oracle). */
function invert3(A: number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = A;
  const co = [e * i - f * h, -(d * i - f * g), d * h - e * g, -(b * i - c * h), a * i - c * g, -(a * h - b * g), b * f - c * e, -(a * f - c * d), a * e - b * d];
  const det = a * co[0] + b * co[1] + c * co[2];
  // inverse = adj / det, adj = transpose of cofactors
  return [co[0], co[3], co[6], co[1], co[4], co[7], co[2], co[5], co[8]].map((v) => v / det);
}
