// Names Stan removed, with their modern replacements. The checker accepts them with a warning
// naming the replacement and resolves calls to the replacement, so later passes only ever see
// modern names.

export type Deprecation =
  /** A plain rename: call `replacement` with the same arguments. */
  | { kind: 'rename'; old: string; replacement: string }
  /** `if_else(c, a, b)` → the conditional operator `c ? a : b`. */
  | { kind: 'conditional'; old: string }
  /** `increment_log_prob(e)` → the statement `target += e`. */
  | { kind: 'target-increment'; old: string }
  /** Removed with a replacement hstan does not implement; always an error. */
  | { kind: 'unsupported'; old: string; replacement: string };

const RENAMES: Record<string, string> = {
  fabs: 'abs',
  cov_exp_quad: 'gp_exp_quad_cov',
  multiply_log: 'lmultiply',
  binomial_coefficient_log: 'lchoose',
  get_lp: 'target',
};

const UNSUPPORTED: Record<string, string> = {
  integrate_ode: 'ode_rk45',
  integrate_ode_rk45: 'ode_rk45',
  integrate_ode_bdf: 'ode_bdf',
  integrate_ode_adams: 'ode_adams',
  algebra_solver: 'solve_powell',
};

/**
 * The deprecation `name` falls under, if any. `exists(n)` says whether a function named `n`
 * is defined (built-in or user), so `foo_log` only maps to `foo_lpdf` when that exists.
 */
export function findDeprecation(name: string, exists: (n: string) => boolean): Deprecation | undefined {
  if (name in RENAMES) return { kind: 'rename', old: name, replacement: RENAMES[name] };
  if (name in UNSUPPORTED) return { kind: 'unsupported', old: name, replacement: UNSUPPORTED[name] };
  if (name === 'if_else') return { kind: 'conditional', old: name };
  if (name === 'increment_log_prob') return { kind: 'target-increment', old: name };
  const suffixed = (suffix: string, modern: string[]): Deprecation | undefined => {
    if (!name.endsWith(suffix) || name.length === suffix.length) return undefined;
    const stem = name.slice(0, -suffix.length);
    for (const m of modern) if (exists(stem + m)) return { kind: 'rename', old: name, replacement: stem + m };
    return undefined;
  };
  return (
    suffixed('_cdf_log', ['_lcdf']) ?? suffixed('_ccdf_log', ['_lccdf']) ?? suffixed('_log', ['_lpdf', '_lpmf'])
  );
}

/** The deprecated names with fixed replacements, for listings. */
export const DEPRECATED_NAMES: ReadonlyArray<[string, string]> = [
  ...Object.entries(RENAMES),
  ['if_else', 'the conditional operator (c ? a : b)'],
  ['increment_log_prob', 'target +='],
  ['<family>_log', '<family>_lpdf / <family>_lpmf'],
  ['<family>_cdf_log', '<family>_lcdf'],
  ['<family>_ccdf_log', '<family>_lccdf'],
];
