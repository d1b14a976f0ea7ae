// Scalar helpers the densities need beyond src/runtime/special.ts: the log normal cdf with its
// derivative far into the tails, and the Bessel ratio I1/I0 for von Mises gradients.
import { Phi, besselI0Log, HALF_LOG_TWO_PI } from '../../src/runtime/special.js';

const EPS = 2.220446049250313e-16;

/** log Φ(x), accurate in both tails (Φ(x) itself underflows below x ≈ -37.5). */
export function logPhi(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x > 0) return Math.log1p(-Phi(-x));
  if (x > -37) return Math.log(Phi(x));
  // Φ(-t) = φ(t) / M(t), t = -x, with M the Laplace continued fraction below.
  const t = -x;
  return -0.5 * t * t - HALF_LOG_TWO_PI - Math.log(millsCf(t));
}

/**
 * t + 1/(t + 2/(t + 3/(t + ...))) = φ(t)/Φ(-t) for t > 0 (Laplace's continued fraction,
 * evaluated bottom-up; enough terms for t >= 5).
 */
function millsCf(t: number): number {
  let f = t;
  for (let k = 60; k >= 1; k--) f = t + k / f;
  return f;
}

/** d/dx log Φ(x) = φ(x)/Φ(x), without overflow for very negative x. */
export function dLogPhi(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < -5) return millsCf(-x);
  if (x > 38) return 0;
  return Math.exp(-0.5 * x * x - HALF_LOG_TWO_PI - logPhi(x));
}

/** log φ(x) for the standard normal density. */
export function logStdNormalPdf(x: number): number {
  return -0.5 * x * x - HALF_LOG_TWO_PI;
}

/**
 * log(Φ(b) - Φ(a)) for a < b, keeping accuracy when both lie in the same tail, together with
 * the partials of that log with respect to a and b (written to out[0], out[1]).
 */
export function logPhiDiff(a: number, b: number, out: Float64Array): number {
  // Work in the lower tail: Φ(b) - Φ(a) = Φ(-a) - Φ(-b) when both are positive.
  const flip = a > 0;
  const hi = flip ? -a : b;
  const lo = flip ? -b : a;
  const lhi = logPhi(hi);
  const llo = logPhi(lo);
  const r = llo - lhi; // <= 0
  const v = lhi + (r > -0.693147 ? Math.log(-Math.expm1(r)) : Math.log1p(-Math.exp(r)));
  out[0] = -Math.exp(logStdNormalPdf(a) - v);
  out[1] = Math.exp(logStdNormalPdf(b) - v);
  return v;
}

/** log I1(z) for z > 0 (series below 15, Hankel asymptotics above), used only through the ratio. */
function besselI1Log(z: number): number {
  if (z < 15) {
    const q = 0.25 * z * z;
    let t = 1;
    let s = 1;
    for (let k = 1; k < 500; k++) {
      t *= q / (k * (k + 1));
      s += t;
      if (t < EPS * s) break;
    }
    return Math.log(0.5 * z) + Math.log(s);
  }
  // I1(z) ~ e^z / sqrt(2πz) · Σ (-1)^k a_k(1) / z^k, a_k(ν) = Π_{j≤k} (4ν² - (2j-1)²) / (k! 8^k)
  let t = 1;
  let s = 1;
  for (let k = 1; k < 30; k++) {
    const nt = (-t * (4 - (2 * k - 1) * (2 * k - 1))) / (k * 8 * z);
    if (Math.abs(nt) > Math.abs(t)) break;
    t = nt;
    s += t;
    if (Math.abs(t) < EPS * Math.abs(s)) break;
  }
  return z - 0.5 * Math.log(2 * Math.PI * z) + Math.log(s);
}

/** I1(z)/I0(z), the derivative of log I0; odd in z. */
export function besselI1OverI0(z: number): number {
  if (z === 0) return 0;
  const a = Math.abs(z);
  const r = Math.exp(besselI1Log(a) - besselI0Log(a));
  return z < 0 ? -r : r;
}
