// Autocovariances of chains at every lag via zero-padded radix-2 FFTs: O(n log n), and padding to
// ≥ 2n makes the circular correlation equal the linear one. Chains go two at a time through one
// complex FFT (one as the real part, one as the imaginary part), since both inputs are real.

interface FftPlan {
  size: number;
  cos: Float64Array;
  sin: Float64Array;
  bitReverse: Uint32Array;
  /** Scratch buffers reused across calls (the diagnostics are synchronous). */
  re: Float64Array;
  im: Float64Array;
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
  plan = { size, cos, sin, bitReverse, re: new Float64Array(size), im: new Float64Array(size) };
  plans.set(size, plan);
  return plan;
}

/** In-place iterative radix-2 FFT; `inverse` flips the twiddle sign (unnormalized). */
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
  const cos = plan.cos;
  const sin = plan.sin;
  for (let len = 2; len <= n; len <<= 1) {
    const halfLen = len >> 1;
    const step = n / len;
    for (let start = 0; start < n; start += len) {
      for (let k = 0, w = 0; k < halfLen; k++, w += step) {
        const wr = cos[w];
        const wi = sign * sin[w];
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

/** Mean and sum of squared deviations of x[offset .. offset + n). */
function centre(x: Float64Array, offset: number, n: number): { mean: number; ss: number } {
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[offset + i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = x[offset + i] - mean;
    ss += d * d;
  }
  return { mean, ss };
}

/**
 * Adds to `acc[0 .. n)` the biased autocovariance (divided by n at every lag, as Geyer 1992
 * recommends) of every chain of the chain-major `values` (nChains chains of n draws). Each
 * chain's lag 0 is exactly its biased variance, as in posterior; a constant chain adds zeros.
 */
export function addAutocovariances(values: Float64Array, nChains: number, n: number, acc: Float64Array): void {
  let size = 1;
  while (size < 2 * n) size <<= 1;
  const plan = planFor(size);
  const { re, im } = plan;
  for (let c = 0; c < nChains; c += 2) {
    const a = centre(values, c * n, n);
    const hasB = c + 1 < nChains;
    const b = hasB ? centre(values, (c + 1) * n, n) : { mean: 0, ss: 0 };
    if (a.ss === 0 && b.ss === 0) continue;
    re.fill(0);
    im.fill(0);
    for (let i = 0; i < n; i++) re[i] = values[c * n + i] - a.mean;
    if (hasB) for (let i = 0; i < n; i++) im[i] = values[(c + 1) * n + i] - b.mean;
    fft(re, im, plan, false);
    // With Z = FFT(a + i·b): |A_k|² + i·|B_k|² from Z_k and Z_{-k}; its inverse FFT is acov_a + i·acov_b.
    for (let k = 0; k <= size >> 1; k++) {
      const m = (size - k) & (size - 1);
      const zr = re[k];
      const zi = im[k];
      const wr = re[m];
      const wi = im[m];
      const pa = ((zr + wr) * (zr + wr) + (zi - wi) * (zi - wi)) / 4;
      const pb = ((zi + wi) * (zi + wi) + (zr - wr) * (zr - wr)) / 4;
      re[k] = pa;
      im[k] = pb;
      re[m] = pa;
      im[m] = pb;
    }
    fft(re, im, plan, true);
    // Scale so lag 0 is exactly the biased variance, removing FFT round-off there.
    if (a.ss > 0) {
      const scale = a.ss / n / re[0];
      for (let t = 0; t < n; t++) acc[t] += re[t] * scale;
    }
    if (b.ss > 0) {
      const scale = b.ss / n / im[0];
      for (let t = 0; t < n; t++) acc[t] += im[t] * scale;
    }
  }
}
