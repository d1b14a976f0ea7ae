// Cumulative distribution kernels of the univariate continuous families (see CdfKernel in
// univariate.ts): each returns log F or log(1 - F) with partials of that log, argument order
// as in the density (y first). Tails that have closed forms are computed in log space
// directly; the rest go through F and Q = 1 - F computed separately so neither tail is lost
// to cancellation.
import {
  INV_SQRT_TWO_PI, LOG_PI, besselI0Log, betaIncDerivX, betaIncGrad, gammaPDerivX, gammaPGrad, lgamma, owensT, Phi,
} from '../../src/runtime/special.js';
import { besselI1OverI0, dLogPhi, logPhi, logStdNormalPdf } from './dist-math.js';
import { CdfKernel, logOne, logZero } from './univariate.js';

const LOG_HALF = -Math.LN2;

/**
 * log F (or log Q when `upper`) from F, Q and the partials of F already in d[0..n-1]
 * (they become partials of the log). A zero probability gives -Infinity with zero partials.
 */
function logTail(F: number, Q: number, d: Float64Array | null, upper: boolean, n: number): number {
  const p = upper ? Q : F;
  if (!(p > 0)) return logZero(d);
  if (d) {
    const f = upper ? -1 / Q : 1 / F;
    for (let i = 0; i < n; i++) d[i] *= f;
  }
  return Math.log(p);
}

/** Location-scale: partials from d log/dz into (y, mu, sigma) slots. */
function locScale(m: number, z: number, s: number, d: Float64Array): void {
  d[0] = m / s;
  d[1] = -m / s;
  d[2] = (-m * z) / s;
}

// ---------------------------------------------------------------------------------------

export const normal: CdfKernel = (x, d, upper) => {
  const s = x[2];
  const z = (x[0] - x[1]) / s;
  const w = upper ? -z : z;
  if (d) locScale(upper ? -dLogPhi(w) : dLogPhi(w), z, s, d);
  return logPhi(w);
};

export const stdNormal: CdfKernel = (x, d, upper) => {
  const w = upper ? -x[0] : x[0];
  if (d) d[0] = upper ? -dLogPhi(w) : dLogPhi(w);
  return logPhi(w);
};

const betaOut = new Float64Array(3);

export const studentT: CdfKernel = (x, d, upper) => {
  const nu = x[1];
  const s = x[3];
  const t = (x[0] - x[2]) / s;
  if (t === -Infinity) return upper ? logOne(d) : logZero(d);
  if (t === Infinity) return upper ? logZero(d) : logOne(d);
  // Mass beyond |t|: A = I_{ν/(ν+t²)}(ν/2, 1/2) / 2.
  const q = nu + t * t;
  const xb = nu / q;
  betaIncGrad(0.5 * nu, 0.5, xb, betaOut);
  const A = 0.5 * betaOut[0];
  const F = t < 0 ? A : 1 - A;
  const Q = t < 0 ? 1 - A : A;
  if (d) {
    // dF/dt is the standard t density; dA/dν through both the shape and x = ν/(ν+t²).
    const f = Math.exp(lgamma(0.5 * (nu + 1)) - lgamma(0.5 * nu) - 0.5 * (Math.log(nu) + LOG_PI) - 0.5 * (nu + 1) * Math.log1p((t * t) / nu));
    const dAdnu = 0.5 * (0.5 * betaOut[1] + (t === 0 ? 0 : betaIncDerivX(0.5 * nu, 0.5, xb) * ((t * t) / (q * q))));
    locScale(f, t, s, d);
    // locScale wrote (y, mu, sigma) into slots 0..2; move to (y, nu, mu, sigma).
    d[3] = d[2];
    d[2] = d[1];
    d[1] = t < 0 ? dAdnu : -dAdnu;
  }
  if (upper) return logTail(F, Q, d, true, 4);
  // log F keeps accuracy near 1 through log1p.
  if (d) for (let i = 0; i < 4; i++) d[i] /= F;
  return t < 0 ? Math.log(A) : Math.log1p(-A);
};

export const cauchy: CdfKernel = (x, d, upper) => {
  const s = x[2];
  const z = (x[0] - x[1]) / s;
  const F = z < 0 ? -Math.atan(1 / z) / Math.PI : 0.5 + Math.atan(z) / Math.PI;
  const Q = z > 0 ? Math.atan(1 / z) / Math.PI : 0.5 - Math.atan(z) / Math.PI;
  if (d) locScale(1 / (Math.PI * (1 + z * z)), z, s, d);
  return logTail(F, Q, d, upper, 3);
};

export const doubleExponential: CdfKernel = (x, d, upper) => {
  const s = x[2];
  const z = (x[0] - x[1]) / s;
  // The near tail is log(1/2) ∓ |z|; the far one log1p(-e^{-|z|}/2).
  const near = (z < 0) !== upper;
  let v: number;
  let m: number; // d log / dz
  if (near) {
    v = LOG_HALF - Math.abs(z);
    m = upper ? -1 : 1;
  } else {
    const e = 0.5 * Math.exp(-Math.abs(z));
    v = Math.log1p(-e);
    m = ((upper ? -1 : 1) * e) / (1 - e);
  }
  if (d) locScale(m, z, s, d);
  return v;
};

export const logistic: CdfKernel = (x, d, upper) => {
  const s = x[2];
  const z = (x[0] - x[1]) / s;
  const w = upper ? -z : z;
  // log inv_logit(w) and its derivative inv_logit(-w).
  const v = w > 0 ? -Math.log1p(Math.exp(-w)) : w - Math.log1p(Math.exp(w));
  if (d) {
    const g = 1 / (1 + Math.exp(w));
    locScale(upper ? -g : g, z, s, d);
  }
  return v;
};

export const gumbel: CdfKernel = (x, d, upper) => {
  const b = x[2];
  const z = (x[0] - x[1]) / b;
  const e = Math.exp(-z); // log F = -e
  if (!upper) {
    if (d) locScale(e, z, b, d);
    return -e;
  }
  const Q = -Math.expm1(-e);
  if (!(Q > 0)) return logZero(d);
  if (d) locScale((-Math.exp(-e) * e) / Q, z, b, d);
  return Math.log(Q);
};

export const skewNormal: CdfKernel = (x, d, upper) => {
  const w = x[2];
  const a = x[3];
  const z = (x[0] - x[1]) / w;
  const T = owensT(z, a);
  const F = Phi(z) - 2 * T;
  const Q = Phi(-z) + 2 * T;
  if (d) {
    const fz = 2 * INV_SQRT_TWO_PI * Math.exp(-0.5 * z * z) * Phi(a * z);
    locScale(fz, z, w, d);
    d[3] = -Math.exp(-0.5 * z * z * (1 + a * a)) / (Math.PI * (1 + a * a));
  }
  return logTail(F, Q, d, upper, 4);
};

export const expModNormal: CdfKernel = (x, d, upper) => {
  const y = x[0];
  const mu = x[1];
  const s = x[2];
  const l = x[3];
  if (y === -Infinity) return upper ? logOne(d) : logZero(d);
  if (y === Infinity) return upper ? logZero(d) : logOne(d);
  const u = (y - mu) / s;
  const v = l * s;
  const lead = -l * (y - mu) + 0.5 * v * v;
  const E = Math.exp(lead + logPhi(u - v)); // F = Φ(u) - E
  const F = Phi(u) - E;
  const Q = Phi(-u) + E;
  if (d) {
    const phiU = Math.exp(logStdNormalPdf(u));
    const ephi = Math.exp(lead + logStdNormalPdf(u - v));
    const pdf = l * E; // λ e^{lead} Φ(u - v)
    d[0] = pdf;
    d[1] = -pdf;
    const dEds = l * l * s * E + ephi * (-u / s - l);
    d[2] = (phiU * -u) / s - dEds;
    const dEdl = E * (mu - y + l * s * s) - ephi * s;
    d[3] = -dEdl;
  }
  return logTail(F, Q, d, upper, 4);
};

// ---------------------------------------------------------------------------------------
// Positive support.

export const lognormal: CdfKernel = (x, d, upper) => {
  const y = x[0];
  if (y === 0) return upper ? logOne(d) : logZero(d);
  const s = x[2];
  const z = (Math.log(y) - x[1]) / s;
  const w = upper ? -z : z;
  if (d) {
    const m = upper ? -dLogPhi(w) : dLogPhi(w);
    d[0] = m / (s * y);
    d[1] = -m / s;
    d[2] = (-m * z) / s;
  }
  return logPhi(w);
};

const gammaOut = new Float64Array(3);

/**
 * F = P(a, t) with t = scale·y-like argument: partials dF/da (from the series/fraction) and
 * dF/dt, into `out` = [F, Q, dF/da, dF/dt].
 */
function incGamma(a: number, t: number, out: Float64Array): void {
  gammaPGrad(a, t, gammaOut);
  out[0] = gammaOut[0];
  out[1] = gammaOut[1];
  out[2] = gammaOut[2];
  out[3] = gammaPDerivX(a, t);
}
const ig = new Float64Array(4);

export const chiSquare: CdfKernel = (x, d, upper) => {
  const y = x[0];
  const a = 0.5 * x[1];
  incGamma(a, 0.5 * y, ig);
  if (d) {
    d[0] = 0.5 * ig[3];
    d[1] = 0.5 * ig[2];
  }
  return logTail(ig[0], ig[1], d, upper, 2);
};

export const invChiSquare: CdfKernel = (x, d, upper) => {
  const y = x[0];
  if (y <= 0) return upper ? logOne(d) : logZero(d);
  const a = 0.5 * x[1];
  const t = 0.5 / y;
  incGamma(a, t, ig); // F = Q(a, t)
  if (d) {
    d[0] = (ig[3] * t) / y;
    d[1] = -0.5 * ig[2];
  }
  return logTail(ig[1], ig[0], d, upper, 2);
};

export const scaledInvChiSquare: CdfKernel = (x, d, upper) => {
  const y = x[0];
  if (y <= 0) return upper ? logOne(d) : logZero(d);
  const nu = x[1];
  const s = x[2];
  const a = 0.5 * nu;
  const t = (a * s * s) / y;
  incGamma(a, t, ig);
  if (d) {
    d[0] = (ig[3] * t) / y;
    d[1] = -(0.5 * ig[2] + (ig[3] * 0.5 * s * s) / y);
    d[2] = (-ig[3] * nu * s) / y;
  }
  return logTail(ig[1], ig[0], d, upper, 3);
};

export const exponential: CdfKernel = (x, d, upper) => {
  const y = x[0];
  const b = x[1];
  const p = b * y;
  if (upper) {
    if (d) {
      d[0] = -b;
      d[1] = -y;
    }
    return -p;
  }
  if (p === 0) return logZero(d);
  const em = Math.expm1(p);
  if (d) {
    d[0] = b / em;
    d[1] = y / em;
  }
  return Math.log(-Math.expm1(-p));
};

export const gamma: CdfKernel = (x, d, upper) => {
  const y = x[0];
  if (y <= 0) return upper ? logOne(d) : logZero(d);
  const a = x[1];
  const b = x[2];
  incGamma(a, b * y, ig);
  if (d) {
    d[0] = ig[3] * b;
    d[1] = ig[2];
    d[2] = ig[3] * y;
  }
  return logTail(ig[0], ig[1], d, upper, 3);
};

export const invGamma: CdfKernel = (x, d, upper) => {
  const y = x[0];
  if (y <= 0) return upper ? logOne(d) : logZero(d);
  const a = x[1];
  const b = x[2];
  const t = b / y;
  incGamma(a, t, ig); // F = Q(a, β/y)
  if (d) {
    d[0] = (ig[3] * t) / y;
    d[1] = -ig[2];
    d[2] = -ig[3] / y;
  }
  return logTail(ig[1], ig[0], d, upper, 3);
};

/**
 * Families with Q = exp(-p) (or F = exp(-p) when `fIsExp`): log of either tail from p and
 * the partials of p already in d.
 */
function expTail(p: number, d: Float64Array | null, upper: boolean, n: number, fIsExp: boolean): number {
  if (upper !== fIsExp) {
    // The tail equal to exp(-p).
    if (d) for (let i = 0; i < n; i++) d[i] = -d[i];
    return -p;
  }
  if (!(p > 0)) return logZero(d);
  if (d) {
    const f = 1 / Math.expm1(p);
    for (let i = 0; i < n; i++) d[i] *= f;
  }
  return Math.log(-Math.expm1(-p));
}

export const weibull: CdfKernel = (x, d, upper) => {
  const y = x[0];
  if (y <= 0) return upper ? logOne(d) : logZero(d);
  const a = x[1];
  const s = x[2];
  const lr = Math.log(y / s);
  const p = Math.exp(a * lr);
  if (d) {
    d[0] = (a * p) / y;
    d[1] = p * lr;
    d[2] = (-a * p) / s;
  }
  return expTail(p, d, upper, 3, false);
};

export const frechet: CdfKernel = (x, d, upper) => {
  const y = x[0];
  const a = x[1];
  const s = x[2];
  const lr = Math.log(s / y);
  const p = Math.exp(a * lr);
  if (d) {
    d[0] = (-a * p) / y;
    d[1] = p * lr;
    d[2] = (a * p) / s;
  }
  return expTail(p, d, upper, 3, true);
};

export const rayleigh: CdfKernel = (x, d, upper) => {
  const y = x[0];
  const s = x[1];
  const r = y / s;
  const p = 0.5 * r * r;
  if (d) {
    d[0] = r / s;
    d[1] = (-2 * p) / s;
  }
  return expTail(p, d, upper, 2, false);
};

export const pareto: CdfKernel = (x, d, upper) => {
  const y = x[0];
  const ym = x[1];
  if (y <= ym) return upper ? logOne(d) : logZero(d);
  const a = x[2];
  if (y === Infinity) return upper ? logZero(d) : logOne(d);
  const lr = Math.log(y / ym);
  const p = a * lr; // Q = exp(-p)
  if (d) {
    d[0] = a / y;
    d[1] = -a / ym;
    d[2] = lr;
  }
  return expTail(p, d, upper, 3, false);
};

export const paretoType2: CdfKernel = (x, d, upper) => {
  const y = x[0];
  const mu = x[1];
  const l = x[2];
  const a = x[3];
  if (y === Infinity) return upper ? logZero(d) : logOne(d);
  const t = Math.log1p((y - mu) / l);
  const p = a * t; // Q = exp(-p)
  if (d) {
    const w = a / (l + y - mu);
    d[0] = w;
    d[1] = -w;
    d[2] = (-w * (y - mu)) / l;
    d[3] = t;
  }
  return expTail(p, d, upper, 4, false);
};

// ---------------------------------------------------------------------------------------
// Bounded support.

/** F = I_y(a, b) or Q = I_{1-y}(b, a), with partials in (y, a, b) into out[1..3]. */
function incBeta(y: number, a: number, b: number, upper: boolean, out: Float64Array): number {
  if (!upper) {
    betaIncGrad(a, b, y, betaOut);
    out[1] = betaIncDerivX(a, b, y);
    out[2] = betaOut[1];
    out[3] = betaOut[2];
  } else {
    betaIncGrad(b, a, 1 - y, betaOut);
    out[1] = -betaIncDerivX(a, b, y);
    out[2] = betaOut[2];
    out[3] = betaOut[1];
  }
  return betaOut[0];
}
const ib = new Float64Array(4);

export const beta: CdfKernel = (x, d, upper) => {
  const y = x[0];
  if (y <= 0) return upper ? logOne(d) : logZero(d);
  if (y >= 1) return upper ? logZero(d) : logOne(d);
  const p = incBeta(y, x[1], x[2], upper, ib);
  if (!(p > 0)) return logZero(d);
  if (d) {
    d[0] = ib[1] / p;
    d[1] = ib[2] / p;
    d[2] = ib[3] / p;
  }
  return Math.log(p);
};

export const betaProportion: CdfKernel = (x, d, upper) => {
  const y = x[0];
  if (y <= 0) return upper ? logOne(d) : logZero(d);
  if (y >= 1) return upper ? logZero(d) : logOne(d);
  const mu = x[1];
  const k = x[2];
  const p = incBeta(y, mu * k, (1 - mu) * k, upper, ib);
  if (!(p > 0)) return logZero(d);
  if (d) {
    d[0] = ib[1] / p;
    d[1] = (k * (ib[2] - ib[3])) / p;
    d[2] = (mu * ib[2] + (1 - mu) * ib[3]) / p;
  }
  return Math.log(p);
};

export const uniform: CdfKernel = (x, d, upper) => {
  const y = x[0];
  const lo = x[1];
  const hi = x[2];
  if (y <= lo) return upper ? logOne(d) : logZero(d);
  if (y >= hi) return upper ? logZero(d) : logOne(d);
  const w = hi - lo;
  if (d) {
    if (!upper) {
      d[0] = 1 / (y - lo);
      d[1] = -1 / (y - lo) + 1 / w;
      d[2] = -1 / w;
    } else {
      d[0] = -1 / (hi - y);
      d[1] = 1 / w;
      d[2] = 1 / (hi - y) - 1 / w;
    }
  }
  return upper ? Math.log((hi - y) / w) : Math.log((y - lo) / w);
};

// ---------------------------------------------------------------------------------------

/**
 * skew_double_exponential: the tail on the side of y is an exponential term
 * (F = τ e^{-2(1-τ)(μ-y)/σ} below μ, 1 - F = (1-τ) e^{-2τ(y-μ)/σ} above); the other tail is
 * log1p(-that).
 */
export const skewDoubleExponential: CdfKernel = (x, d, upper) => {
  const y = x[0];
  const mu = x[1];
  const s = x[2];
  const t = x[3];
  const below = y < mu;
  // log of the exponential tail and its partials in (y, mu, sigma, tau)
  let v: number;
  if (below) {
    const k = (2 * (1 - t)) / s;
    v = Math.log(t) - k * (mu - y);
    if (d) {
      d[0] = k;
      d[1] = -k;
      d[2] = (k * (mu - y)) / s;
      d[3] = 1 / t + (2 * (mu - y)) / s;
    }
  } else {
    const k = (2 * t) / s;
    v = Math.log1p(-t) - k * (y - mu);
    if (d) {
      d[0] = -k;
      d[1] = k;
      d[2] = (k * (y - mu)) / s;
      d[3] = -1 / (1 - t) - (2 * (y - mu)) / s;
    }
  }
  if (below !== upper) return v; // lcdf below μ, lccdf above μ
  const e = Math.exp(v);
  if (!(e < 1)) return logZero(d);
  if (d) {
    const f = -e / (1 - e);
    for (let i = 0; i < 4; i++) d[i] *= f;
  }
  return Math.log1p(-e);
};

/** loglogistic: F = 1 / (1 + (y/α)^-β), log F = -log1p(e^{-t}) with t = β log(y/α). */
export const loglogistic: CdfKernel = (x, d, upper) => {
  const y = x[0];
  const a = x[1];
  const b = x[2];
  const lr = Math.log(y / a);
  const t = b * lr;
  const w = upper ? -t : t;
  const v = w > 0 ? -Math.log1p(Math.exp(-w)) : w - Math.log1p(Math.exp(w));
  if (d) {
    const g = (upper ? -1 : 1) / (1 + Math.exp(w)); // d log / dt
    d[0] = (g * b) / y;
    d[1] = (-g * b) / a;
    d[2] = g * lr;
  }
  return v;
};

// ---------------------------------------------------------------------------------------
// von Mises on [-π, π]: F(y) = ∫_{-π}^{y} e^{κ cos(t - μ)} dt / (2π I0(κ)). As in Stan (after
// scipy): the centred cdf by a backward Bessel-ratio series for κ < 49, a normal approximation
// for κ >= 50, blended in between; derivatives in κ carried through as dual numbers.

const TWO_PI = 2 * Math.PI;

/** Centred cdf on (-π, π) and its partials: [F, ∂F/∂x, ∂F/∂κ] into out. */
function vonMisesCentred(x: number, k: number, out: Float64Array): void {
  if (k < 49) {
    vonMisesSeries(x, k, out);
  } else if (k < 50) {
    vonMisesSeries(x, 49, out);
    const [fs, fsx] = [out[0], out[1]];
    vonMisesNormal(x, 50, out);
    const [fn, fnx] = [out[0], out[1]];
    out[0] = (50 - k) * fs + (k - 49) * fn;
    out[1] = (50 - k) * fsx + (k - 49) * fnx;
    out[2] = fn - fs;
    return;
  } else {
    vonMisesNormal(x, k, out);
  }
  if (out[0] < 0 || out[0] > 1) {
    out[0] = out[0] < 0 ? 0 : 1;
    out[1] = out[2] = 0;
  }
}

/** The truncated series and its exact partials (consistent with the value, as autodiff would be). */
function vonMisesSeries(x: number, k: number, out: Float64Array): void {
  const p = Math.trunc(28 + 0.5 * k - 100 / (k + 5) + 1);
  const s = Math.sin(x);
  const c = Math.cos(x);
  let sn = Math.sin(p * x);
  let cn = Math.cos(p * x);
  let R = 0;
  let dR = 0;
  let V = 0;
  let dV = 0;
  let dVx = 0;
  for (let n = 1; n < p; n++) {
    // sn, cn = sin((p-n)x), cos((p-n)x)
    const snNext = sn * c - cn * s;
    cn = cn * c + sn * s;
    sn = snNext;
    const den = (2 * (p - n)) / k + R;
    const dden = (-2 * (p - n)) / (k * k) + dR;
    R = 1 / den;
    dR = -dden * R * R;
    const inner = sn / (p - n) + V;
    dV = dR * inner + R * dV;
    dVx = R * (cn + dVx);
    V = R * inner;
  }
  out[0] = 0.5 + x / TWO_PI + V / Math.PI;
  out[1] = 1 / TWO_PI + dVx / Math.PI;
  out[2] = dV / Math.PI;
}

/** Φ(b sin(x/2)) with b = sqrt(2/π) e^κ / I0(κ) (in logs); db/dκ = b (1 - I1/I0). */
function vonMisesNormal(x: number, k: number, out: Float64Array): void {
  const b = Math.sqrt(2 / Math.PI) * Math.exp(k - besselI0Log(k));
  const sx = Math.sin(x / 2);
  const z = b * sx;
  const phi = INV_SQRT_TWO_PI * Math.exp(-0.5 * z * z);
  out[0] = Phi(z);
  out[1] = phi * b * 0.5 * Math.cos(x / 2);
  out[2] = phi * sx * b * (1 - besselI1OverI0(k));
}

/** Reduce an angle to [-π, π). */
function wrap(a: number): number {
  const t = a + Math.PI;
  return t - Math.floor(t / TWO_PI) * TWO_PI - Math.PI;
}

const vmA = new Float64Array(3);
const vmB = new Float64Array(3);
const vmC = new Float64Array(3);

export const vonMises: CdfKernel = (x, d, upper) => {
  const y = x[0];
  const mu = x[1];
  const k = x[2];
  if (y === -Math.PI) return upper ? logOne(d) : logZero(d);
  if (y === Math.PI) return upper ? logZero(d) : logOne(d);
  const x2 = wrap(y - mu);
  const mu2 = wrap(mu);
  // The point opposite μ splits [-π, π]; the cdf there is subtracted so F(-π) = 0.
  const cut = mu2 < 0 ? mu2 + Math.PI : mu2 - Math.PI;
  const bound = mu2 < 0 ? -Math.PI - mu2 : Math.PI - mu2;
  const past = y > cut;
  vonMisesCentred(x2, k, vmA);
  // The centred cdf is symmetric, Fc(-t) = 1 - Fc(t): each tail is a sum or difference of
  // centred values without a 1 - F cancellation.
  if (past) vonMisesCentred(-bound, k, vmB);
  else vonMisesCentred(bound, k, vmB);
  vonMisesCentred(-x2, k, vmC);
  const F = Math.max(0, past ? vmA[0] + vmB[0] : vmA[0] - vmB[0]);
  const Q = Math.max(0, past ? vmC[0] - vmB[0] : vmC[0] + vmB[0]);
  if (d) {
    // ∂Fc(±bound)/∂μ = ∓∂Fc/∂t · ∂bound/∂μ with ∂bound/∂μ = -1.
    d[0] = vmA[1];
    d[1] = -vmA[1] + vmB[1];
    d[2] = past ? vmA[2] + vmB[2] : vmA[2] - vmB[2];
  }
  return logTail(F, Q, d, upper, 3);
};
