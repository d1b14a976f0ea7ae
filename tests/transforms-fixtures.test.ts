// Constraint transforms against rstan 2.21.7: for every parameter of every fixture model,
// the constrained values at each point, the total log Jacobian (log_prob with minus without
// the Jacobian), and the inverse transform back to the oracle's unconstrained point.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor, Value } from '../src/runtime/tensor.js';
import { beginTape, endTape } from '../src/runtime/tape.js';
import {
  VariableSpec, constrainVariable, constrainedShape, unconstrainVariable, unconstrainedSize,
} from '../src/runtime/transforms.js';

interface Point {
  unconstrained: number[];
  log_prob: number;
  log_prob_jacobian: number;
  constrained: Record<string, unknown>;
}
interface Fixture {
  name: string;
  data: Record<string, number>;
  unconstrained_dimension: number;
  points: Point[];
}

const dir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'logprob');

const real = (name: string, bounds?: VariableSpec['bounds']): VariableSpec => ({ name, base: 'real', arrayDims: [], sizes: [], bounds });
const vec = (name: string, n: number, bounds?: VariableSpec['bounds']): VariableSpec => ({ name, base: 'vector', arrayDims: [], sizes: [n], bounds });
const typed = (name: string, base: string, n: number): VariableSpec => ({ name, base, arrayDims: [], sizes: [n] });
const pos = { lower: 0 };
const unit = { lower: 0, upper: 1 };

/** The parameters blocks of the fixture models, transcribed (sizes from each fixture's data). */
const models: Record<string, (d: Record<string, number>) => VariableSpec[]> = {
  binomial_pooling: (d) => [vec('p_unpooled', d.N, unit), real('p_pooled', unit)],
  continuous_zoo: () => [
    real('a'), ...['b', 'c', 'd', 'e', 'f', 'g', 'h'].map((n) => real(n, pos)), real('i', { lower: 1 }), real('j', pos),
    real('k', unit), real('l'), real('m'), real('n'), real('o', { lower: -2, upper: 3 }), real('q', pos), real('r', pos), real('s'),
  ],
  eight_schools_centered: (d) => [real('mu'), real('tau', pos), { name: 'theta', base: 'real', arrayDims: [d.J], sizes: [] }],
  eight_schools_noncentered: (d) => [real('mu'), real('tau', pos), vec('eta', d.J)],
  functions_control: () => [real('mu'), real('sigma', pos), real('trunc_y', pos), real('om', { offset: 2, multiplier: 3 })],
  glm_counts: (d) => [real('alpha'), vec('beta', d.K), real('phi', pos), real('gamma0'), vec('gamma', d.K)],
  gp_regression: () => [real('rho', pos), real('alpha', pos), real('sigma', pos)],
  hier_binomial: (d) => [real('alpha', pos), real('beta', pos), vec('p', d.N, unit)],
  mixture_math: () => [typed('mu', 'ordered', 2), vec('sigma', 2, pos), real('theta', unit), real('z')],
  multivariate: (d) => [
    vec('mu', d.K), typed('L_Omega', 'cholesky_factor_corr', d.K), vec('tau', d.K, pos), typed('w', 'simplex', d.K),
    typed('Sigma', 'cov_matrix', d.K), typed('Omega2', 'corr_matrix', d.K),
  ],
  ordinal_categorical: (d) => [
    real('beta'), typed('cutpoints', 'ordered', d.K - 1), vec('eta', d.K), typed('po', 'positive_ordered', 2), typed('u', 'unit_vector', 3),
  ],
  partial_pooling_groups: (d) => [real('group_mu'), real('group_sigma', pos), vec('mu', d.K), real('sigma', pos)],
  radon_loop: (d) => [vec('a', d.J), real('b'), real('mu_a'), real('sigma_a', pos), real('sigma_y', pos)],
};

function flat(x: unknown): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [x as number];
}

function values(v: Value): number[] {
  return typeof v === 'number' ? [v] : Array.from(v.val);
}

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1e-300, Math.abs(b));
}

const fixtures: Fixture[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture);

test('every fixture model has a transcribed parameters block', () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(13);
  for (const f of fixtures) expect(models[f.name]).toBeDefined();
});

describe.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, fx) => {
  const specs = models[fx.name](fx.data);

  test('unconstrained sizes add up to the model dimension', () => {
    expect(specs.reduce((s, p) => s + unconstrainedSize(p), 0)).toBe(fx.unconstrained_dimension);
  });

  test('constrained values match rstan to 1e-8 and log Jacobians sum to log_prob_jacobian - log_prob', () => {
    for (const pt of fx.points) {
      const u = new Tensor([pt.unconstrained.length], Float64Array.from(pt.unconstrained), false);
      let offset = 0;
      let logJ = 0;
      for (const spec of specs) {
        const { value, logJacobian } = constrainVariable(spec, u, offset);
        offset += unconstrainedSize(spec);
        const got = values(value);
        const want = flat(pt.constrained[spec.name]);
        expect(got.length).toBe(want.length);
        for (let k = 0; k < want.length; k++) {
          // Exact zeros (above a Cholesky factor's diagonal) compare absolutely.
          if (want[k] === 0) expect(Math.abs(got[k])).toBeLessThan(1e-15);
          else expect(relErr(got[k], want[k])).toBeLessThan(1e-8);
        }
        logJ += logJacobian as number;
      }
      const oracle = pt.log_prob_jacobian - pt.log_prob;
      expect(Math.abs(logJ - oracle)).toBeLessThan(1e-8 * Math.max(1, Math.abs(pt.log_prob)));
    }
  });

  test('all points as a chain batch give the same values and per-chain log Jacobians', () => {
    const C = fx.points.length;
    const D = fx.unconstrained_dimension;
    const tape = beginTape(C);
    try {
      const u = new Tensor([D], Float64Array.from(fx.points.flatMap((p) => p.unconstrained)), true);
      let offset = 0;
      const totals = new Float64Array(C);
      for (const spec of specs) {
        const { value, logJacobian } = constrainVariable(spec, u, offset);
        offset += unconstrainedSize(spec);
        const v = value as Tensor;
        expect(v.batched).toBe(true);
        expect([...v.shape]).toEqual(constrainedShape(spec));
        for (let c = 0; c < C; c++) {
          const want = flat(fx.points[c].constrained[spec.name]);
          for (let k = 0; k < want.length; k++) {
            expect(Math.abs(v.val[c * v.size + k] - want[k])).toBeLessThanOrEqual(1e-8 * Math.max(1e-7, Math.abs(want[k])));
          }
          totals[c] += (logJacobian as Tensor).val[c];
        }
      }
      for (let c = 0; c < C; c++) {
        const oracle = fx.points[c].log_prob_jacobian - fx.points[c].log_prob;
        expect(Math.abs(totals[c] - oracle)).toBeLessThan(1e-8 * Math.max(1, Math.abs(fx.points[c].log_prob)));
      }
      expect(tape.backward.length).toBe(specs.length);
    } finally {
      endTape();
    }
  });

  test("unconstraining rstan's constrained values recovers its unconstrained point", () => {
    for (const pt of fx.points) {
      let offset = 0;
      for (const spec of specs) {
        const n = unconstrainedSize(spec);
        const y = unconstrainVariable(spec, flat(pt.constrained[spec.name]));
        expect(y.length).toBe(n);
        // unit_vector is many-to-one: its inverse is the unit vector itself, u / |u|.
        const want = pt.unconstrained.slice(offset, offset + n);
        if (spec.base === 'unit_vector') {
          const r = Math.hypot(...want);
          for (let k = 0; k < n; k++) want[k] /= r;
        }
        for (let k = 0; k < n; k++) {
          // rstan prints 15 significant digits: the constrained values carry ~1e-15 relative error,
          // amplified by the inverse's conditioning (largest near bounds / nearly singular matrices).
          expect(Math.abs(y[k] - want[k])).toBeLessThan(1e-9 * Math.max(1, Math.abs(want[k])));
        }
        offset += n;
      }
    }
  });
});
