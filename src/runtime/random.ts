/**
 * Seedable pseudo-random numbers for the sampler and the `_rng` built-ins.
 *
 * Generator: xoshiro256** (Blackman & Vigna), seeded by splitmix64. Independent
 * per-chain streams come from the generator's jump function (2^128 steps per
 * jump), so streams of different chains never overlap. The 64-bit state words
 * are kept as pairs of 32-bit halves so the hot path stays in int32 arithmetic
 * (BigInt is only used once, when seeding).
 */

export type Seed = number | bigint;

const TWO_POW_32 = 4294967296;
const TWO_POW_21 = 2097152;
const TWO_POW_NEG_53 = 1 / 9007199254740992;
const MASK_64 = (1n << 64n) - 1n;

/** xoshiro256 jump polynomial, as [hi, lo] 32-bit halves of its four words. */
const JUMP_HALVES = [0x180ec6d3, 0x3cfd0aba, 0xd5a61266, 0xf0c9392c, 0xa9582618, 0xe03fc9aa, 0x39abdc45, 0x29b1661c];

function seedToUint64(seed: Seed, what: string): bigint {
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`${what}: seed must be an integer, got ${seed}`);
    }
    return BigInt.asUintN(64, BigInt(seed));
  }
  return BigInt.asUintN(64, seed);
}

/** One splitmix64 step; returns [output, nextState]. */
function splitmix64(state: bigint): [bigint, bigint] {
  const next = (state + 0x9e3779b97f4a7c15n) & MASK_64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK_64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK_64;
  return [z ^ (z >> 31n), next];
}

/** The first `count` outputs of splitmix64 started at `seed` (exposed for reference-vector tests). */
export function splitmix64Sequence(seed: Seed, count: number): bigint[] {
  let state = seedToUint64(seed, 'splitmix64Sequence');
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) {
    const [z, next] = splitmix64(state);
    out.push(z);
    state = next;
  }
  return out;
}

function checkPositive(what: string, name: string, x: number): void {
  if (!(x > 0) || !Number.isFinite(x)) {
    throw new RangeError(`${what}: ${name} must be positive and finite, got ${x}`);
  }
}

function checkProbability(what: string, name: string, x: number): void {
  if (!(x >= 0 && x <= 1)) {
    throw new RangeError(`${what}: ${name} must be in [0, 1], got ${x}`);
  }
}

function checkCount(what: string, name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${what}: ${name} must be a non-negative integer, got ${n}`);
  }
}

/**
 * log Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error ~1e-15), used by the
 * Poisson rejection sampler's acceptance test.
 */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.9189385332046728;
function logGammaFn(x: number): number {
  if (x < 0.5) {
    // Reflection keeps the series in its accurate range.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGammaFn(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

export class Random {
  // State words s0..s3 as (hi, lo) int32 halves.
  private s0h = 0;
  private s0l = 0;
  private s1h = 0;
  private s1l = 0;
  private s2h = 0;
  private s2l = 0;
  private s3h = 0;
  private s3l = 0;
  // Output of the last step, as unsigned 32-bit halves.
  private outH = 0;
  private outL = 0;
  // The polar method makes normals in pairs; the second is kept for the next call.
  private spareNormal = 0;
  private hasSpare = false;

  /** A generator whose xoshiro256** state is filled by splitmix64 started at `seed`. */
  constructor(seed: Seed = 0) {
    let state = seedToUint64(seed, 'Random');
    const words: bigint[] = [];
    for (let i = 0; i < 4; i++) {
      const [z, next] = splitmix64(state);
      words.push(z);
      state = next;
    }
    this.setState(words);
  }

  /**
   * The stream for chain `chain` (0, 1, 2, ...) under `seed`: the seeded generator
   * advanced by `chain` jumps, so chains are independent non-overlapping streams.
   */
  static forChain(seed: Seed, chain: number): Random {
    if (!Number.isSafeInteger(chain) || chain < 0) {
      throw new RangeError(`Random.forChain: chain must be a non-negative integer, got ${chain}`);
    }
    const rng = new Random(seed);
    for (let i = 0; i < chain; i++) rng.jump();
    return rng;
  }

  /** A generator with an explicit xoshiro256** state (four 64-bit words, not all zero). */
  static fromState(words: readonly bigint[]): Random {
    const rng = new Random(0);
    rng.setState(words);
    return rng;
  }

  private setState(words: readonly bigint[]): void {
    if (words.length !== 4) throw new RangeError('Random: state must have four 64-bit words');
    const w = words.map((x) => BigInt.asUintN(64, x));
    if (w.every((x) => x === 0n)) throw new RangeError('Random: state must not be all zero');
    const hi = (x: bigint) => Number(x >> 32n) | 0;
    const lo = (x: bigint) => Number(x & 0xffffffffn) | 0;
    this.s0h = hi(w[0]);
    this.s0l = lo(w[0]);
    this.s1h = hi(w[1]);
    this.s1l = lo(w[1]);
    this.s2h = hi(w[2]);
    this.s2l = lo(w[2]);
    this.s3h = hi(w[3]);
    this.s3l = lo(w[3]);
    this.hasSpare = false;
  }

  /** Advances the state one step; the output is left in outH/outL. */
  private step(): void {
    // result = rotl(s1 * 5, 7) * 9
    const s1l = this.s1l >>> 0;
    let p = s1l * 5;
    let l = p >>> 0;
    let h = (Math.imul(this.s1h, 5) + (p - l) / TWO_POW_32) | 0;
    const rh = (h << 7) | (l >>> 25);
    const rl = (l << 7) | (h >>> 25);
    p = (rl >>> 0) * 9;
    l = p >>> 0;
    h = (Math.imul(rh, 9) + (p - l) / TWO_POW_32) >>> 0;
    this.outH = h;
    this.outL = l;

    // t = s1 << 17
    const th = (this.s1h << 17) | (s1l >>> 15);
    const tl = s1l << 17;
    this.s2h ^= this.s0h;
    this.s2l ^= this.s0l;
    this.s3h ^= this.s1h;
    this.s3l ^= this.s1l;
    this.s1h ^= this.s2h;
    this.s1l ^= this.s2l;
    this.s0h ^= this.s3h;
    this.s0l ^= this.s3l;
    this.s2h ^= th;
    this.s2l ^= tl;
    // s3 = rotl(s3, 45): swap halves (rotate 32), then rotate 13.
    const a = this.s3h;
    const b = this.s3l;
    this.s3h = (b << 13) | (a >>> 19);
    this.s3l = (a << 13) | (b >>> 19);
  }

  /** The next raw 64-bit output (slow path, for tests and seeding other generators). */
  nextUint64(): bigint {
    this.step();
    return (BigInt(this.outH) << 32n) | BigInt(this.outL);
  }

  /** Advances the stream by 2^128 steps (xoshiro256 jump). */
  jump(): void {
    let j0h = 0,
      j0l = 0,
      j1h = 0,
      j1l = 0,
      j2h = 0,
      j2l = 0,
      j3h = 0,
      j3l = 0;
    for (let w = 0; w < 4; w++) {
      const hi = JUMP_HALVES[2 * w];
      const lo = JUMP_HALVES[2 * w + 1];
      for (let b = 0; b < 64; b++) {
        const bit = b < 32 ? (lo >>> b) & 1 : (hi >>> (b - 32)) & 1;
        if (bit) {
          j0h ^= this.s0h;
          j0l ^= this.s0l;
          j1h ^= this.s1h;
          j1l ^= this.s1l;
          j2h ^= this.s2h;
          j2l ^= this.s2l;
          j3h ^= this.s3h;
          j3l ^= this.s3l;
        }
        this.step();
      }
    }
    this.s0h = j0h;
    this.s0l = j0l;
    this.s1h = j1h;
    this.s1l = j1l;
    this.s2h = j2h;
    this.s2l = j2l;
    this.s3h = j3h;
    this.s3l = j3l;
    this.hasSpare = false;
  }

  /** Uniform on [0, 1) with 53 random bits; with bounds, uniform on [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    this.step();
    const u = (this.outH * TWO_POW_21 + (this.outL >>> 11)) * TWO_POW_NEG_53;
    if (lo === 0 && hi === 1) return u;
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) {
      throw new RangeError(`uniform: need finite lo < hi, got lo = ${lo}, hi = ${hi}`);
    }
    return lo + (hi - lo) * u;
  }

  /** Uniform on (0, 1): never exactly 0, so safe under log. */
  private uniformOpen(): number {
    this.step();
    return (this.outH * TWO_POW_21 + (this.outL >>> 11) + 0.5) * TWO_POW_NEG_53;
  }

  /** Normal(mu, sigma) by Marsaglia's polar method. */
  normal(mu = 0, sigma = 1): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return mu + sigma * this.spareNormal;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    this.hasSpare = true;
    return mu + sigma * u * f;
  }

  /** Exponential with the given rate (mean 1/rate). */
  exponential(rate = 1): number {
    checkPositive('exponential', 'rate', rate);
    return -Math.log(this.uniformOpen()) / rate;
  }

  /** Bernoulli(p) as 0/1. */
  bernoulli(p: number): number {
    checkProbability('bernoulli', 'p', p);
    return this.uniform() < p ? 1 : 0;
  }

  /** Gamma with shape and scale (mean shape*scale), Marsaglia–Tsang squeeze method. */
  gamma(shape: number, scale = 1): number {
    checkPositive('gamma', 'shape', shape);
    checkPositive('gamma', 'scale', scale);
    if (shape < 1) {
      // Boost: Gamma(a) = Gamma(a + 1) * U^(1/a).
      return this.gammaAtLeastOne(shape + 1) * Math.pow(this.uniformOpen(), 1 / shape) * scale;
    }
    return this.gammaAtLeastOne(shape) * scale;
  }

  private gammaAtLeastOne(shape: number): number {
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number, v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** log of a Gamma(shape, 1) draw, accurate even when the draw itself underflows. */
  private logGammaVariate(shape: number): number {
    if (shape >= 1) return Math.log(this.gammaAtLeastOne(shape));
    return Math.log(this.gammaAtLeastOne(shape + 1)) + Math.log(this.uniformOpen()) / shape;
  }

  /** Beta(a, b) as a ratio of gammas (in log space when a shape is below 1). */
  beta(a: number, b: number): number {
    checkPositive('beta', 'a', a);
    checkPositive('beta', 'b', b);
    if (a >= 1 && b >= 1) {
      const x = this.gammaAtLeastOne(a);
      const y = this.gammaAtLeastOne(b);
      return x / (x + y);
    }
    const lx = this.logGammaVariate(a);
    const ly = this.logGammaVariate(b);
    return 1 / (1 + Math.exp(ly - lx));
  }

  /** Chi-square with k degrees of freedom. */
  chiSquare(k: number): number {
    checkPositive('chiSquare', 'degrees of freedom', k);
    return 2 * this.gamma(k / 2);
  }

  /** Student-t with nu degrees of freedom, location mu and scale sigma. */
  studentT(nu: number, mu = 0, sigma = 1): number {
    checkPositive('studentT', 'nu', nu);
    return mu + (sigma * this.normal()) / Math.sqrt(this.chiSquare(nu) / nu);
  }

  /** Poisson(lambda): multiplication method for small lambda, Hörmann's PTRS for large. */
  poisson(lambda: number): number {
    if (!(lambda >= 0) || !Number.isFinite(lambda)) {
      throw new RangeError(`poisson: rate must be non-negative and finite, got ${lambda}`);
    }
    if (lambda === 0) return 0;
    if (lambda < 10) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let prod = this.uniform();
      while (prod > limit) {
        k++;
        prod *= this.uniform();
      }
      return k;
    }
    return this.poissonPtrs(lambda);
  }

  /** Transformed rejection with squeeze (Hörmann 1993), valid for lambda >= 10. */
  private poissonPtrs(lambda: number): number {
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logGammaFn(k + 1)) {
        return k;
      }
    }
  }

  /**
   * Binomial(n, p): inversion when n * min(p, 1 - p) < 10, otherwise Hörmann's
   * transformed rejection with squeeze (BTRS, 1993), with p folded below 1/2.
   */
  binomial(n: number, p: number): number {
    checkCount('binomial', 'number of trials', n);
    checkProbability('binomial', 'p', p);
    if (p > 0.5) return n - this.binomialLowP(n, 1 - p);
    return this.binomialLowP(n, p);
  }

  private binomialLowP(n: number, p: number): number {
    if (n === 0 || p === 0) return 0;
    return n * p < 10 ? this.binomialInversion(n, p) : this.binomialBtrs(n, p);
  }

  /** Sequential search from 0 with the pmf recursion (expected n * p + 1 steps). */
  private binomialInversion(n: number, p: number): number {
    const q = 1 - p;
    const q0 = Math.exp(n * Math.log1p(-p));
    const np = n * p;
    const bound = Math.min(n, np + 10 * Math.sqrt(np * q + 1));
    let x = 0;
    let px = q0;
    let u = this.uniform();
    while (u > px) {
      x++;
      if (x > bound) {
        // Far tail (rounding left u above the summed pmf): start over.
        x = 0;
        px = q0;
        u = this.uniform();
      } else {
        u -= px;
        px = ((n - x + 1) * p * px) / (x * q);
      }
    }
    return x;
  }

  /** BTRS for n * p >= 10 and p <= 1/2; the acceptance test uses the exact log pmf ratio to the mode. */
  private binomialBtrs(n: number, p: number): number {
    const q = 1 - p;
    const spq = Math.sqrt(n * p * q);
    const b = 1.15 + 2.53 * spq;
    const a = -0.0873 + 0.0248 * b + 0.01 * p;
    const c = n * p + 0.5;
    const vr = 0.92 - 4.2 / b;
    const alpha = (2.83 + 5.1 / b) * spq;
    const lpq = Math.log(p / q);
    const m = Math.floor((n + 1) * p);
    const h = logGammaFn(m + 1) + logGammaFn(n - m + 1);
    for (;;) {
      const u = this.uniform() - 0.5;
      let v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + c);
      if (k < 0 || k > n) continue;
      if (us >= 0.07 && v <= vr) return k;
      v = Math.log((v * alpha) / (a / (us * us) + b));
      if (v <= h - logGammaFn(k + 1) - logGammaFn(n - k + 1) + (k - m) * lpq) return k;
    }
  }

  /** Index (0-based) drawn with probability proportional to probs[i] (non-negative weights). */
  categorical(probs: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < probs.length; i++) {
      const w = probs[i];
      if (!(w >= 0) || !Number.isFinite(w)) {
        throw new RangeError(`categorical: probability ${i + 1} must be non-negative and finite, got ${w}`);
      }
      total += w;
    }
    if (!(total > 0)) throw new RangeError('categorical: probabilities must not all be zero');
    const u = this.uniform() * total;
    let cum = 0;
    let last = 0;
    for (let i = 0; i < probs.length; i++) {
      if (probs[i] > 0) last = i;
      cum += probs[i];
      if (u < cum) return i;
    }
    return last; // rounding left u just above the running sum
  }

  /** Dirichlet(alpha) via normalised gammas, in log space so tiny alphas do not underflow. */
  dirichlet(alpha: ArrayLike<number>): Float64Array {
    const k = alpha.length;
    if (k === 0) throw new RangeError('dirichlet: alpha must not be empty');
    const out = new Float64Array(k);
    let max = -Infinity;
    for (let i = 0; i < k; i++) {
      checkPositive('dirichlet', `alpha[${i + 1}]`, alpha[i]);
      out[i] = this.logGammaVariate(alpha[i]);
      if (out[i] > max) max = out[i];
    }
    let sum = 0;
    for (let i = 0; i < k; i++) {
      out[i] = Math.exp(out[i] - max);
      sum += out[i];
    }
    for (let i = 0; i < k; i++) out[i] /= sum;
    return out;
  }

  /** Stan's neg_binomial(alpha, beta): Poisson with a Gamma(alpha, rate beta) mean. */
  negBinomial(alpha: number, beta: number): number {
    checkPositive('negBinomial', 'alpha', alpha);
    checkPositive('negBinomial', 'beta', beta);
    return this.poisson(this.gamma(alpha, 1 / beta));
  }

  /** Stan's neg_binomial_2(mu, phi): mean mu, variance mu + mu^2/phi. */
  negBinomial2(mu: number, phi: number): number {
    checkPositive('negBinomial2', 'mu', mu);
    checkPositive('negBinomial2', 'phi', phi);
    return this.poisson(this.gamma(phi, mu / phi));
  }

  /**
   * mu + L z with z ~ N(0, I): a draw from MultiNormal(mu, L L^T). L is lower
   * triangular, given as rows or as a row-major Float64Array of n*n entries.
   */
  multiNormalCholesky(mu: ArrayLike<number>, L: Float64Array | readonly ArrayLike<number>[]): Float64Array {
    const n = mu.length;
    const flat = L instanceof Float64Array;
    if (flat ? L.length !== n * n : L.length !== n) {
      throw new RangeError(`multiNormalCholesky: Cholesky factor must be ${n} x ${n} to match mu`);
    }
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) z[i] = this.normal();
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = mu[i];
      if (flat) {
        for (let j = 0; j <= i; j++) s += L[i * n + j] * z[j];
      } else {
        const row = L[i];
        if (row.length !== n) {
          throw new RangeError(`multiNormalCholesky: row ${i + 1} of the Cholesky factor must have ${n} entries`);
        }
        for (let j = 0; j <= i; j++) s += row[j] * z[j];
      }
      out[i] = s;
    }
    return out;
  }
}
