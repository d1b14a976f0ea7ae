// Autocovariance of a chain at every lag via a zero-padded radix-2 FFT: O(n log n), and the
// padding to ≥ 2n makes the circular correlation equal the linear one.

interface FftPlan {
  size: number;
  cos: Float64Array;
  sin: Float64Array;
  bitReverse: Uint32Array;
}

const plans = new Map<number, FftPlan>();

function planFor(size: number): FftPlan {
  let plan = plans.get(size);
  if (plan) return plan;
  const half = size >> 1;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / size);
    sin[k] = Math.sin((2 * Math.PI * k) / size);
  }
  const bits = Math.round(Math.log2(size));
  const bitReverse = new Uint32Array(size);
  for (let i = 0; i < size; i++) {
    let r = 0;
    for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
    bitReverse[i] = r;
  }
  plan = { size, cos, sin, bitReverse };
  plans.set(size, plan);
  return plan;
}

/** In-place iterative FFT; `inverse` flips the twiddle sign (unnormalized). */
function fft(re: Float64Array, im: Float64Array, plan: FftPlan, inverse: boolean): void {
  const n = plan.size;
  const rev = plan.bitReverse;
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let len = 2; len <= n; len <<= 1) {
    const halfLen = len >> 1;
    const step = n / len;
    for (let start = 0; start < n; start += len) {
      for (let k = 0; k < halfLen; k++) {
        const wr = plan.cos[k * step];
        const wi = sign * plan.sin[k * step];
        const a = start + k;
        const b = a + halfLen;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}

/**
 * Biased autocovariance (divided by n at every lag, as Geyer 1992 recommends) of
 * x[offset .. offset + n), written into out[0 .. n). A constant chain gives all zeros.
 */
export function autocovariance(x: Float64Array, offset: number, n: number, out: Float64Array): void {
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[offset + i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = x[offset + i] - mean;
    ss += d * d;
  }
  if (ss === 0) {
    out.fill(0, 0, n);
    return;
  }
  let size = 1;
  while (size < 2 * n) size <<= 1;
  const plan = planFor(size);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < n; i++) re[i] = x[offset + i] - mean;
  fft(re, im, plan, false);
  for (let k = 0; k < size; k++) {
    re[k] = re[k] * re[k] + im[k] * im[k];
    im[k] = 0;
  }
  fft(re, im, plan, true);
  // Scale so lag 0 is exactly the biased variance, as posterior does, removing FFT round-off there.
  const scale = ss / n / re[0];
  for (let t = 0; t < n; t++) out[t] = re[t] * scale;
}
