// Univariate continuous densities and cdfs: values against scipy.stats 1.17 (reference
// numbers below, computed independently with scipy's own implementations) and closed forms;
// gradients against central finite differences with 3 chains; Stan's argument checks.
import { table } from '../stdlib/impl/continuous.js';
import { RuntimeError } from '../src/runtime/errors.js';
import { Arg, callData, evaluate, gradientError } from './helpers/builtin-grad.js';

const fn = (name: string) => {
  const f = table[name];
  if (!f) throw new Error(`missing ${name}`);
  return f;
};

/** Relative closeness with an absolute floor. */
function expectClose(actual: number, expected: number, rel = 1e-10): void {
  const err = Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
  if (!(err <= rel)) throw new Error(`expected ${expected}, got ${actual} (relative error ${err})`);
}

// [family, arguments (y first), lpdf, lcdf-or-null, lccdf-or-null]; cdf points noted where they differ.
// scipy: norm, t, cauchy, laplace, logistic, gumbel_r, skewnorm, exponnorm(K = 1/(σλ)), lognorm,
// chi2, invgamma (inv_chi_square: a = ν/2, scale 1/2; scaled: scale ν s²/2), expon, gamma,
// weibull_min, invweibull, rayleigh, pareto, lomax, beta, vonmises, uniform.
type Case = { family: string; args: number[]; lpdf: number; lcdf?: [number[], number]; lccdf?: [number[], number] };
const cases: Case[] = [
  { family: 'normal', args: [0.7, -0.3, 1.7], lpdf: -1.6225771648896803, lcdf: [[0.7, -0.3, 1.7], -0.32598943300122446], lccdf: [[0.7, -0.3, 1.7], -1.2794610637692172] },
  { family: 'std_normal', args: [-1.3], lpdf: -1.7639385332046729, lcdf: [[-1.3], -2.335103278662442] },
  { family: 'student_t', args: [0.4, 3.5, -0.2, 1.3], lpdf: -1.3847723277988622, lcdf: [[-2.1, 3.5, -0.2, 1.3], -2.1742298324438716], lccdf: [[1.7, 3.5, -0.2, 1.3], -2.1742298324438716] },
  { family: 'cauchy', args: [0.9, -1, 0.5], lpdf: -3.1885442498860845, lcdf: [[-30, -1, 0.5], -5.205271972020925], lccdf: [[2, -1, 0.5], -2.945639021415381] },
  { family: 'double_exponential', args: [0.3, 1.2, 0.8], lpdf: -1.5950036292457355, lcdf: [[0.3, 1.2, 0.8], -1.8181471805599452], lccdf: [[2.5, 1.2, 0.8], -2.3181471805599454] },
  { family: 'logistic', args: [1.9, 0.5, 1.5], lpdf: -2.002063416208129, lcdf: [[1.9, 0.5, 1.5], -0.33163248738331585], lccdf: [[1.9, 0.5, 1.5], -1.264965820716649] },
  { family: 'gumbel', args: [0.64, 1, 2], lpdf: -1.7103645436817554, lcdf: [[0.64, 1, 2], -1.1972173631218102], lccdf: [[0.64, 1, 2], -0.35958416189791603] },
  { family: 'skew_normal', args: [-0.98, 0, 2, 3], lpdf: -3.687154946957929, lcdf: [[-0.98, 0, 2, 3], -4.982782093433151], lccdf: [[1.2, 0, 2, 3], -0.6059021208337083] },
  { family: 'exp_mod_normal', args: [-1.19, 0, 1, 2], lpdf: -2.1751791676891514, lcdf: [[-1.19, 0, 1, 2], -2.809596404984631], lccdf: [[3, 0, 1, 2], -4.0887801971621585] },
  { family: 'lognormal', args: [0.35, 0.5, 0.7], lpdf: -1.963409441895421, lcdf: [[0.35, 0.5, 0.7], -4.311508348481809], lccdf: [[0.35, 0.5, 0.7], -0.013504073340359076] },
  { family: 'chi_square', args: [0.83, 4], lpdf: -1.987623939311384, lcdf: [[0.83, 4], -2.7238975678867186], lccdf: [[0.83, 4], -0.06787046890479906] },
  { family: 'inv_chi_square', args: [3.96, 5], lpdf: -6.960667536567771, lcdf: [[3.96, 5], -0.0015593350898078996], lccdf: [[3.96, 5], -6.464275339293606] },
  { family: 'scaled_inv_chi_square', args: [0.48, 5, 1.5], lpdf: -5.116488387466008, lcdf: [[0.48, 5, 1.5], -8.186555273436351], lccdf: [[0.48, 5, 1.5], -0.0002784098994641019] },
  { family: 'exponential', args: [0.215, 2.5], lpdf: 0.378790731874155, lcdf: [[0.215, 2.5], -0.8775676079106702], lccdf: [[0.215, 2.5], -0.5375] },
  { family: 'gamma', args: [0.22, 3, 2], lpdf: -2.0819611041396606, lcdf: [[0.22, 3, 2], -4.580982278356589], lccdf: [[0.22, 3, 2], -0.010297667527790159] },
  { family: 'inv_gamma', args: [6.37, 3, 2], lpdf: -6.334075259759569, lcdf: [[6.37, 3, 2], -0.004092214084344094], lccdf: [[6.37, 3, 2], -5.5007145237673996] },
  { family: 'weibull', args: [3.49, 1.5, 2], lpdf: -2.3144227146017826, lcdf: [[3.49, 1.5, 2], -0.10507948602998736], lccdf: [[3.49, 1.5, 2], -2.305117919977197] },
  { family: 'frechet', args: [1.13, 2, 3], lpdf: -4.524601290640747, lcdf: [[1.13, 2, 3], -7.048320150364164], lccdf: [[1.13, 2, 3], -0.0008692449824605996] },
  { family: 'rayleigh', args: [2.85, 1.5], lpdf: -1.5686112219357697, lcdf: [[2.85, 1.5], -0.17969435879541584], lccdf: [[2.85, 1.5], -1.8050000000000002] },
  { family: 'pareto', args: [1.9, 1, 3], lpdf: -1.4688032560214692, lcdf: [[1.9, 1, 3], -0.15758271795453277], lccdf: [[1.9, 1, 3], -1.9255616585171842] },
  { family: 'pareto_type_2', args: [0.35, 0, 1, 3], lpdf: -0.10180608113324241, lcdf: [[0.85, 0.5, 1.2, 3], -0.6236822421157373], lccdf: [[0.85, 0.5, 1.2, 3], -0.7678001224116019] },
  { family: 'beta', args: [0.75, 2.5, 1.5], lpdf: 0.5031885471527646, lcdf: [[0.75, 2.5, 1.5], -0.40546510810816433], lccdf: [[0.75, 2.5, 1.5], -1.0986122886681098] },
  { family: 'beta_proportion', args: [0.3, 0.4, 5], lpdf: 0.5675839575845993, lcdf: [[0.3, 0.4, 5], -1.0546911016101816], lccdf: [[0.3, 0.4, 5], -0.42817094564380226] },
  { family: 'von_mises', args: [0.5, 0.2, 2.5], lpdf: -0.6403745147913584 },
  // skew_double_exponential and loglogistic: closed forms (2τ(1-τ)/σ e^{...}; scipy fisk(c = β, scale = α)).
  { family: 'skew_double_exponential', args: [0.4, 1.1, 0.8, 0.3], lpdf: -1.8693570163905135, lcdf: [[0.4, 1.1, 0.8, 0.3], -2.428972804325936], lccdf: [[1.9, 1.1, 0.8, 0.3], -0.9566749439387322] },
  { family: 'loglogistic', args: [1.7, 1.4, 3.2], lpdf: -0.8487616549441479, lcdf: [[1.7, 1.4, 3.2], -0.429992483738297], lccdf: [[1.7, 1.4, 3.2], -1.0512917299493614] },
  { family: 'uniform', args: [-0.13, -2, 3], lpdf: -1.6094379124341003, lcdf: [[-0.13, -2, 3], -0.9834994815676051], lccdf: [[-0.13, -2, 3], -0.46840490788203853] },
];

const scalarArgs = (vals: number[], param = true): Arg[] => vals.map((v) => ({ value: v, param }));

/** Vectorized arguments: y and every other argument with an odd index as 3-vectors, the rest scalars. */
function vectorArgs(vals: number[]): Arg[] {
  const f = [1, 1.03, 0.98];
  return vals.map((v, i) => (i % 2 === 0 ? { value: f.map((s) => v * s), param: true } : { value: v, param: true }));
}

describe('continuous densities: values', () => {
  test.each(cases.map((c) => [c.family, c] as const))('%s_lpdf matches scipy', (_, c) => {
    expectClose(callData(fn(`${c.family}_lpdf`), scalarArgs(c.args, false)) as number, c.lpdf);
    // _lupdf keeps every term in hstan.
    expectClose(callData(fn(`${c.family}_lupdf`), scalarArgs(c.args, false)) as number, c.lpdf);
  });
  test.each(cases.filter((c) => c.lcdf).map((c) => [c.family, c] as const))('%s cdfs match scipy', (_, c) => {
    const [la, lv] = c.lcdf!;
    expectClose(callData(fn(`${c.family}_lcdf`), scalarArgs(la, false)) as number, lv, 1e-9);
    expectClose(callData(fn(`${c.family}_cdf`), scalarArgs(la, false)) as number, Math.exp(lv), 1e-9);
    if (c.lccdf) {
      const [ua, uv] = c.lccdf;
      expectClose(callData(fn(`${c.family}_lccdf`), scalarArgs(ua, false)) as number, uv, 1e-9);
    }
  });

  test('closed forms', () => {
    // normal_lpdf(1 | 0, 2) = -log 2 - log(2π)/2 - 1/8
    expectClose(callData(fn('normal_lpdf'), scalarArgs([1, 0, 2], false)) as number, -Math.log(2) - 0.5 * Math.log(2 * Math.PI) - 1 / 8, 1e-15);
    expectClose(callData(fn('normal_lpdf'), scalarArgs([0, 0, 1], false)) as number, -0.918938533204673, 1e-14);
    // exponential_lccdf(y | β) = -βy exactly; cauchy_cdf(μ) = 1/2
    expectClose(callData(fn('exponential_lccdf'), scalarArgs([3, 0.7], false)) as number, -2.1, 1e-15);
    expectClose(callData(fn('cauchy_cdf'), scalarArgs([2, 2, 5], false)) as number, 0.5, 1e-15);
    // Vectorized density is the sum of the scalar ones.
    const y = [0.1, -0.4, 2.2];
    const sum = y.reduce((s, v) => s + (callData(fn('student_t_lpdf'), scalarArgs([v, 4, 0.3, 1.1], false)) as number), 0);
    expectClose(callData(fn('student_t_lpdf'), [{ value: y }, { value: 4 }, { value: 0.3 }, { value: 1.1 }]) as number, sum, 1e-14);
    // _cdf of a vector is the product.
    const prod = y.reduce((s, v) => s * (callData(fn('logistic_cdf'), scalarArgs([v, 0.2, 1.5], false)) as number), 1);
    expectClose(callData(fn('logistic_cdf'), [{ value: y }, { value: 0.2 }, { value: 1.5 }]) as number, prod, 1e-14);
  });

  test('von_mises cdfs against numerical integration of the density over [-π, y]', () => {
    // scipy.integrate.quad of e^{κ cos(t-μ)}/(2π I0(κ)); [y, μ, κ, log F, log(1 - F)]
    const refs: Array<[number, number, number, number, number, number]> = [
      [0.5, 0.2, 2.5, -0.3986417570940781, -1.1124002737900227, 1e-10],
      [-2.5, 2.8, 1.3, -1.6481673647949395, -0.2136911027332407, 1e-10],
      [2.9, -2.0, 0.6, -0.04317704217025878, -3.163957201153789, 1e-10],
      [-0.2, 0.4, 8.0, -2.9909097849557167, -0.05154775494469518, 1e-10],
      // κ >= 49: Stan's normal approximation, accurate to about 1e-3 here.
      [0.3, 0.1, 60, -0.06333702150547606, -2.790786630132918, 2e-3],
      [1.0, 0.4, 49.5, -1.6825139101253884e-5, -10.99264482749175, 2e-2],
    ];
    for (const [y, mu, k, lf, lq, tol] of refs) {
      expectClose(callData(fn('von_mises_lcdf'), scalarArgs([y, mu, k], false)) as number, lf, tol);
      expectClose(callData(fn('von_mises_lccdf'), scalarArgs([y, mu, k], false)) as number, lq, tol);
    }
    expect(() => callData(fn('von_mises_cdf'), scalarArgs([4, 0, 1], false))).toThrow(/in the interval/);
  });

  test('far tails keep precision', () => {
    expectClose(callData(fn('std_normal_lcdf'), scalarArgs([-40], false)) as number, -804.6084420137539, 1e-12);
    expectClose(callData(fn('normal_lccdf'), scalarArgs([12, 0, 1], false)) as number, -75.41067300156881, 1e-12);
    expectClose(callData(fn('student_t_lcdf'), scalarArgs([1.7, 3.5, -0.2, 1.3], false)) as number, -0.12069491634213536, 1e-10);
    expectClose(callData(fn('double_exponential_lcdf'), scalarArgs([2.5, 1.2, 0.8], false)) as number, -0.10364624985376067, 1e-12);
    expectClose(callData(fn('gamma_lcdf'), scalarArgs([14, 12.5, 1.3], false)) as number, -0.06800681286830476, 1e-10);
    expectClose(callData(fn('gamma_lccdf'), scalarArgs([14, 12.5, 1.3], false)) as number, -2.7219580981706786, 1e-10);
    expectClose(callData(fn('von_mises_lpdf'), scalarArgs([0.1, 0.2, 40], false)) as number, 0.7225026833593287, 1e-10);
    expectClose(callData(fn('skew_double_exponential_lcdf'), scalarArgs([1.9, 1.1, 0.8, 0.3], false)) as number, -0.48478131580368466, 1e-12);
    expectClose(callData(fn('skew_double_exponential_lccdf'), scalarArgs([0.4, 1.1, 0.8, 0.3], false)) as number, -0.09225489305668232, 1e-12);
  });
});

describe('continuous densities: gradients (3 chains, finite differences)', () => {
  const kinds = ['lpdf', 'lcdf', 'lccdf', 'cdf'] as const;
  for (const c of cases) {
    for (const kind of kinds) {
      if (kind !== 'lpdf' && !c.lcdf) continue;
      const args = kind === 'lpdf' ? c.args : kind === 'lccdf' && c.lccdf ? c.lccdf[0] : c.lcdf![0];
      test(`${c.family}_${kind} scalar`, () => {
        const r = gradientError(fn(`${c.family}_${kind}`), scalarArgs(args));
        expect(r.where === '' || r.worst < 2e-6 ? 'ok' : r.where).toBe('ok');
        // Each chain's batched value equals the data-only evaluation at that chain's values.
        for (let ch = 0; ch < 3; ch++) expectClose(r.out[ch], callData(fn(`${c.family}_${kind}`), scalarArgs(args), ch) as number, 1e-13);
      });
      test(`${c.family}_${kind} vectorized`, () => {
        const r = gradientError(fn(`${c.family}_${kind}`), vectorArgs(args));
        expect(r.where === '' || r.worst < 2e-6 ? 'ok' : r.where).toBe('ok');
      });
    }
  }

  test('skew_double_exponential: both tails on both sides of the location', () => {
    for (const kind of ['lcdf', 'lccdf', 'lpdf']) {
      for (const y of [0.4, 1.9]) {
        const r = gradientError(fn(`skew_double_exponential_${kind}`), scalarArgs([y, 1.1, 0.8, 0.3]));
        expect(r.worst < 2e-6 ? 'ok' : r.where).toBe('ok');
      }
    }
  });

  test('von_mises cdfs: series, blended and normal-approximation regions', () => {
    for (const [y, mu, k] of [[0.5, 0.2, 2.5], [-2.5, 2.8, 1.3], [2.9, -2.0, 0.6], [0.3, 0.1, 60], [1.0, 0.4, 49.5]]) {
      for (const kind of ['lcdf', 'lccdf', 'cdf']) {
        // y is the same in every chain so it stays inside [-π, π]. The series sums to F by
        // cancellation (absolute error ~1e-16), so tails near 1e-5 need a wider step.
        const r = gradientError(
          fn(`von_mises_${kind}`),
          [{ value: y, param: true, chain: () => [y] }, { value: mu, param: true }, { value: k, param: true }],
          3,
          1e-5,
        );
        expect(r.worst < 2e-6 ? 'ok' : `${kind} ${y} ${mu} ${k}: ${r.where}`).toBe('ok');
      }
    }
  });

  test('mixed data and parameters', () => {
    // y data vector, mu parameter scalar, sigma data scalar.
    const args: Arg[] = [{ value: [0.2, 1.4, -0.7] }, { value: 0.1, param: true }, { value: 1.3 }];
    const r = gradientError(fn('normal_lpdf'), args);
    expect(r.worst).toBeLessThan(1e-6);
    // Analytic: ∂/∂μ Σ normal_lpdf = Σ (y - μ)/σ² for chain 0.
    const { adj } = evaluate(fn('normal_lpdf'), args, 3);
    expectClose(adj[1]![0], (0.2 + 1.4 - 0.7 - 3 * 0.1) / (1.3 * 1.3), 1e-13);
  });
});

describe('continuous densities: argument checks', () => {
  const call = (name: string, vals: number[]) => () => callData(fn(name), scalarArgs(vals, false));

  test('invalid parameters throw Stan-worded domain errors', () => {
    expect(call('normal_lpdf', [0, 0, -1])).toThrow(new RuntimeError('normal_lpdf: Scale parameter is -1, but must be positive!'));
    expect(call('normal_lpdf', [0, Infinity, 1])).toThrow('normal_lpdf: Location parameter is inf, but must be finite!');
    expect(call('normal_lpdf', [NaN, 0, 1])).toThrow('normal_lpdf: Random variable is nan, but must be not nan!');
    expect(call('gamma_lpdf', [1, 0, 1])).toThrow('gamma_lpdf: Shape parameter is 0, but must be positive finite!');
    expect(call('student_t_lpdf', [1, -2, 0, 1])).toThrow('student_t_lpdf: Degrees of freedom parameter is -2, but must be positive finite!');
    expect(call('beta_lpdf', [1.5, 2, 2])).toThrow('beta_lpdf: Random variable is 1.5, but must be in the interval [0, 1]');
    expect(call('exponential_lpdf', [-1, 2])).toThrow('exponential_lpdf: Random variable is -1, but must be >= 0!');
    expect(call('uniform_lpdf', [0, 1, 1])).toThrow('uniform_lpdf: Upper bound parameter is 1, but must be greater than 1.000000');
    expect(call('beta_proportion_lpdf', [0.5, 1.2, 2])).toThrow('beta_proportion_lpdf: Location parameter is 1.2, but must be less than 1.000000');
    expect(call('pareto_type_2_lpdf', [0, 1, 1, 1])).toThrow(RuntimeError);
    // Element positions are named for containers.
    expect(() => callData(fn('normal_lpdf'), [{ value: [1, 2] }, { value: 0 }, { value: [1, -3] }])).toThrow(
      'normal_lpdf: Scale parameter[2] is -3, but must be positive!',
    );
  });

  test('a bad chain is caught too', () => {
    // Chain 2's sigma is negative; chains 0 and 1 are fine.
    const args: Arg[] = [{ value: 0.5 }, { value: 0 }, { value: 1, param: true, chain: (c) => [c === 2 ? -1 : 1] }];
    expect(() => evaluate(fn('normal_lpdf'), args, 3)).toThrow('Scale parameter is -1');
  });

  test('size mismatch is an error', () => {
    expect(() => callData(fn('normal_lpdf'), [{ value: [1, 2, 3] }, { value: [0, 1] }, { value: 1 }])).toThrow(/dimension/);
  });

  test('y outside the support gives log(0)', () => {
    expect(callData(fn('gamma_lpdf'), scalarArgs([-1, 2, 2], false))).toBe(-Infinity);
    expect(callData(fn('inv_gamma_lpdf'), scalarArgs([0, 2, 2], false))).toBe(-Infinity);
    expect(callData(fn('uniform_lpdf'), scalarArgs([3.5, -2, 3], false))).toBe(-Infinity);
    expect(callData(fn('pareto_lpdf'), scalarArgs([0.5, 1, 3], false))).toBe(-Infinity);
    expect(callData(fn('lognormal_lpdf'), scalarArgs([0, 0, 1], false))).toBe(-Infinity);
    expect(callData(fn('weibull_lpdf'), scalarArgs([-0.1, 2, 1], false))).toBe(-Infinity);
    expect(callData(fn('gamma_lcdf'), scalarArgs([0, 2, 2], false))).toBe(-Infinity);
    expect(callData(fn('gamma_lccdf'), scalarArgs([0, 2, 2], false))).toBe(0);
    expect(callData(fn('uniform_lccdf'), scalarArgs([3.5, -2, 3], false))).toBe(-Infinity);
  });
});
