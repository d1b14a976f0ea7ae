// Shared by the whole-model tests: a seeded generator, and every example and fixture program
// with its data.
import { readFileSync, readdirSync } from 'node:fs';

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ProgramCase {
  name: string;
  source: string;
  data: Record<string, unknown>;
}

export const EXAMPLES: [string, string][] = [
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

/** Every example model, logprob fixture model and reference-posterior model, with data. */
export function programCases(): ProgramCase[] {
  return [
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
}
