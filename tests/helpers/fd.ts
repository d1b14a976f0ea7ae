// Finite-difference oracles for gradient tests (central differences in float64).

/** ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h, with h scaled to |x_i|. */
export function fdGradient(f: (x: Float64Array) => number, x: ArrayLike<number>, h = 1e-6): Float64Array {
  const n = x.length;
  const g = new Float64Array(n);
  const xp = Float64Array.from(x);
  for (let i = 0; i < n; i++) {
    const step = h * Math.max(1, Math.abs(x[i]));
    xp[i] = x[i] + step;
    const fp = f(xp);
    xp[i] = x[i] - step;
    const fm = f(xp);
    xp[i] = x[i];
    g[i] = (fp - fm) / (2 * step);
  }
  return g;
}

/** Jacobian J[i][j] = ∂f_i/∂x_j of a vector function, by central differences. */
export function fdJacobian(f: (x: Float64Array) => ArrayLike<number>, x: ArrayLike<number>, h = 1e-6): Float64Array[] {
  const n = x.length;
  const xp = Float64Array.from(x);
  const cols: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const step = h * Math.max(1, Math.abs(x[j]));
    xp[j] = x[j] + step;
    const fp = Float64Array.from(f(xp));
    xp[j] = x[j] - step;
    const fm = Float64Array.from(f(xp));
    xp[j] = x[j];
    cols.push(fp.map((v, i) => (v - fm[i]) / (2 * step)));
  }
  const m = cols.length ? cols[0].length : 0;
  return Array.from({ length: m }, (_, i) => Float64Array.from(cols, (c) => c[i]));
}

/** Largest |a_i − b_i| / max(1, |b_i|): a relative error with an absolute floor near zero. */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : e;
  }
  return worst;
}
