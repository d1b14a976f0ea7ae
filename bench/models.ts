// The models `npm run bench` times (issues 4 and 5): paths are relative to the repository root.

export interface BenchModel {
  /** Short key used in tables, JSON and file names. */
  name: string;
  description: string;
  program: string;
  data: string;
  /** Target µs per gradient for 4 chains together (issue 4), where one is set. */
  gradientTargetUs4?: number;
}

export const BENCH_MODELS: readonly BenchModel[] = [
  {
    name: 'eight_schools_nc',
    description: 'eight schools, non-centered (J = 8)',
    program: 'examples/eight_schools/noncentered.hstan',
    data: 'examples/eight_schools/data.json',
    gradientTargetUs4: 60,
  },
  {
    name: 'radon_loop',
    description: 'radon varying intercepts written with loops (N = 919, J = 85)',
    program: 'examples/radon/varying_intercepts.hstan',
    data: 'examples/radon/data.json',
    gradientTargetUs4: 400,
  },
  {
    name: 'hier_binomial',
    description: 'hierarchical binomial (tests/fixtures/logprob/hier_binomial.json, N = 12)',
    program: 'examples/hier_binomial/partial.hstan',
    data: 'examples/hier_binomial/data.json',
  },
];
