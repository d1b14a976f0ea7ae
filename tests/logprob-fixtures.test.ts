// The lowered log density against Stan's (rstan 2.21) at six random unconstrained points per
// model: constrained values, differences of log_prob / log_prob_jacobian between points (Stan's
// `~` drops constants), and gradients — all six points evaluated as one batch of six chains.
import { readFileSync, readdirSync } from 'node:fs';
import { compile } from '../src/model/compile.js';

interface Point {
  unconstrained: number[];
  log_prob: number;
  log_prob_jacobian: number;
  gradient: number[];
  constrained: Record<string, unknown>;
}
interface Fixture {
  name: string;
  model: string;
  data: Record<string, unknown>;
  parameter_order: string[];
  points: Point[];
}

const dir = 'tests/fixtures/logprob';
const fixtures: Fixture[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')));

function flatten(x: unknown): number[] {
  return Array.isArray(x) ? x.flatMap(flatten) : [x as number];
}

const close = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));

describe.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, fx) => {
  const n = fx.points.length;
  const U = Float64Array.from(fx.points.flatMap((p) => p.unconstrained));
  let inst: ReturnType<ReturnType<typeof compile>['instantiate']>;
  let D = 0;
  beforeAll(() => {
    inst = compile(fx.model, { filename: `${fx.name}.stan` }).instantiate(fx.data);
    D = inst.unconstrainedDimension;
  });

  test('has Stan\'s unconstrained dimension', () => {
    expect(D).toBe(fx.points[0].unconstrained.length);
  });

  test('constrained values match', () => {
    for (const p of fx.points) {
      const values = inst.constrain(p.unconstrained);
      for (const [name, ref] of Object.entries(p.constrained)) {
        if (name === 'lp__' || !(name in values)) continue;
        const ours = flatten(values[name]);
        const want = flatten(ref);
        expect(ours.length).toBe(want.length);
        ours.forEach((v, i) => expect(close(v, want[i], 1e-8)).toBe(true));
      }
    }
  });

  test.each([false, true])('log density differences match (jacobian: %s)', (jacobian) => {
    const lp = inst.logDensityBatch(U, n, jacobian);
    const ref = fx.points.map((p) => (jacobian ? p.log_prob_jacobian : p.log_prob));
    for (let i = 1; i < n; i++) {
      const ours = lp[i] - lp[0];
      const want = ref[i] - ref[0];
      if (!close(ours, want, 1e-8)) throw new Error(`point ${i}: difference ${ours} vs Stan's ${want}`);
    }
  });

  test('gradients match, all points in one batched call', () => {
    const lp = new Float64Array(n);
    const grad = new Float64Array(n * D);
    inst.logDensityGradient(U, n, lp, grad);
    fx.points.forEach((p, i) => {
      p.gradient.forEach((g, k) => {
        const ours = grad[i * D + k];
        if (!close(ours, g, 1e-7)) throw new Error(`point ${i}, coordinate ${k}: ${ours} vs Stan's ${g}`);
      });
    });
  });
});
