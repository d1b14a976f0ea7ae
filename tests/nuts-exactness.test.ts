/**
 * The batched, iterative NUTS transition must make exactly the same moves as
 * Stan's recursive base_nuts.hpp. The oracle below is a direct transcription of
 * Stan's transition()/build_tree() recursion (one chain, unbatched); fed the same
 * random stream it must reproduce every draw and stat bit for bit.
 */
import { Random } from '../src/runtime/random.js';
import { BatchEvaluator, DenseMetric, DiagMetric, NutsTransition, type Metric } from '../src/inference/index.js';
import { gaussianWithPrecision, logGamma, standardNormal, type Counted } from './nuts-densities.js';

interface Ps {
  q: Float64Array;
  p: Float64Array;
  g: Float64Array;
  V: number; // -lp
}

const clone = (z: Ps): Ps => ({ q: z.q.slice(), p: z.p.slice(), g: z.g.slice(), V: z.V });
const assign = (to: Ps, from: Ps) => {
  to.q.set(from.q);
  to.p.set(from.p);
  to.g.set(from.g);
  to.V = from.V;
};

function logSumExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
const add = (a: Float64Array, b: Float64Array) => a.map((x, i) => x + b[i]);

/** Transcription of Stan's base_nuts (2.2x, with the extra cross-subtree checks). */
class StanNutsOracle {
  z!: Ps;
  depth = 0;
  divergent = false;
  nLeapfrog = 0;
  energy = 0;
  constructor(
    readonly density: Counted,
    readonly metric: Metric,
    readonly rng: Random,
    readonly eps: number,
    readonly maxDepth: number,
  ) {}

  private evalAt(z: Ps): void {
    const lp = new Float64Array(1);
    this.density.logDensityGradient(z.q, 1, lp, z.g);
    z.V = -lp[0];
  }
  private dtauDp(z: Ps): Float64Array {
    const v = new Float64Array(z.p.length);
    this.metric.velocity(z.p, v);
    return v;
  }
  private H(z: Ps): number {
    return 0.5 * dot(z.p, this.dtauDp(z)) + z.V;
  }
  private evolve(z: Ps, eps: number): void {
    for (let i = 0; i < z.p.length; i++) z.p[i] += 0.5 * eps * z.g[i];
    const v = this.dtauDp(z);
    for (let i = 0; i < z.q.length; i++) z.q[i] += eps * v[i];
    this.evalAt(z);
    for (let i = 0; i < z.p.length; i++) z.p[i] += 0.5 * eps * z.g[i];
  }
  private criterion(pSharpMinus: Float64Array, pSharpPlus: Float64Array, rho: Float64Array): boolean {
    return dot(pSharpPlus, rho) > 0 && dot(pSharpMinus, rho) > 0;
  }

  transition(q0: Float64Array): { q: Float64Array; lp: number; acceptStat: number } {
    const D = q0.length;
    this.z = { q: q0.slice(), p: new Float64Array(D), g: new Float64Array(D), V: 0 };
    this.metric.sampleMomentum(this.rng, this.z.p);
    this.evalAt(this.z);
    const zFwd = clone(this.z);
    const zBck = clone(this.z);
    let zSample = clone(this.z);
    const zPropose = clone(this.z);
    let pFwdFwd = this.z.p.slice();
    const pSharpFwdFwd = { v: this.dtauDp(this.z) };
    let pFwdBck = this.z.p.slice();
    const pSharpFwdBck = { v: pSharpFwdFwd.v.slice() };
    let pBckFwd = this.z.p.slice();
    const pSharpBckFwd = { v: pSharpFwdFwd.v.slice() };
    let pBckBck = this.z.p.slice();
    const pSharpBckBck = { v: pSharpFwdFwd.v.slice() };
    let rho = this.z.p.slice();
    let logSumWeight = 0;
    const H0 = this.H(this.z);
    const acc = { nLeapfrog: 0, sumMetroProb: 0 };
    this.depth = 0;
    this.divergent = false;

    while (this.depth < this.maxDepth) {
      const rhoFwd = { v: new Float64Array(D) };
      const rhoBck = { v: new Float64Array(D) };
      let valid: boolean;
      const lsw = { v: -Infinity };
      if (this.rng.uniform() > 0.5) {
        assign(this.z, zFwd);
        rhoBck.v = rho.slice();
        pBckFwd = pFwdFwd.slice();
        pSharpBckFwd.v = pSharpFwdFwd.v.slice();
        const pBeg = { v: pFwdBck };
        const pEnd = { v: pFwdFwd };
        valid = this.buildTree(this.depth, zPropose, pSharpFwdBck, pSharpFwdFwd, rhoFwd, pBeg, pEnd, H0, 1, acc, lsw);
        pFwdBck = pBeg.v;
        pFwdFwd = pEnd.v;
        assign(zFwd, this.z);
      } else {
        assign(this.z, zBck);
        rhoFwd.v = rho.slice();
        pFwdBck = pBckBck.slice();
        pSharpFwdBck.v = pSharpBckBck.v.slice();
        const pBeg = { v: pBckFwd };
        const pEnd = { v: pBckBck };
        valid = this.buildTree(this.depth, zPropose, pSharpBckFwd, pSharpBckBck, rhoBck, pBeg, pEnd, H0, -1, acc, lsw);
        pBckFwd = pBeg.v;
        pBckBck = pEnd.v;
        assign(zBck, this.z);
      }
      if (!valid) break;
      this.depth++;
      if (lsw.v > logSumWeight) {
        zSample = clone(zPropose);
      } else {
        const acceptProb = Math.exp(lsw.v - logSumWeight);
        if (this.rng.uniform() < acceptProb) zSample = clone(zPropose);
      }
      logSumWeight = logSumExp(logSumWeight, lsw.v);
      rho = add(rhoBck.v, rhoFwd.v);
      let persist = this.criterion(pSharpBckBck.v, pSharpFwdFwd.v, rho);
      let rhoExtended = add(rhoBck.v, pFwdBck);
      persist = persist && this.criterion(pSharpBckBck.v, pSharpFwdBck.v, rhoExtended);
      rhoExtended = add(rhoFwd.v, pBckFwd);
      persist = persist && this.criterion(pSharpBckFwd.v, pSharpFwdFwd.v, rhoExtended);
      if (!persist) break;
    }
    this.nLeapfrog = acc.nLeapfrog;
    this.energy = this.H(zSample);
    return { q: zSample.q, lp: -zSample.V, acceptStat: acc.sumMetroProb / acc.nLeapfrog };
  }

  private buildTree(
    depth: number,
    zPropose: Ps,
    pSharpBeg: { v: Float64Array },
    pSharpEnd: { v: Float64Array },
    rho: { v: Float64Array },
    pBeg: { v: Float64Array },
    pEnd: { v: Float64Array },
    H0: number,
    sign: number,
    acc: { nLeapfrog: number; sumMetroProb: number },
    logSumWeight: { v: number },
  ): boolean {
    if (depth === 0) {
      this.evolve(this.z, sign * this.eps);
      acc.nLeapfrog++;
      let h = this.H(this.z);
      if (Number.isNaN(h)) h = Infinity;
      if (h - H0 > 1000) this.divergent = true;
      logSumWeight.v = logSumExp(logSumWeight.v, H0 - h);
      acc.sumMetroProb += H0 - h > 0 ? 1 : Math.exp(H0 - h);
      assign(zPropose, this.z);
      pSharpBeg.v = this.dtauDp(this.z);
      pSharpEnd.v = pSharpBeg.v.slice();
      rho.v = add(rho.v, this.z.p);
      pBeg.v = this.z.p.slice();
      pEnd.v = pBeg.v.slice();
      return !this.divergent;
    }
    const D = this.z.q.length;
    const lswInit = { v: -Infinity };
    const pInitEnd = { v: new Float64Array(D) };
    const pSharpInitEnd = { v: new Float64Array(D) };
    const rhoInit = { v: new Float64Array(D) };
    if (
      !this.buildTree(depth - 1, zPropose, pSharpBeg, pSharpInitEnd, rhoInit, pBeg, pInitEnd, H0, sign, acc, lswInit)
    ) {
      return false;
    }
    const zProposeFinal = clone(this.z);
    const lswFinal = { v: -Infinity };
    const pFinalBeg = { v: new Float64Array(D) };
    const pSharpFinalBeg = { v: new Float64Array(D) };
    const rhoFinal = { v: new Float64Array(D) };
    if (
      !this.buildTree(
        depth - 1,
        zProposeFinal,
        pSharpFinalBeg,
        pSharpEnd,
        rhoFinal,
        pFinalBeg,
        pEnd,
        H0,
        sign,
        acc,
        lswFinal,
      )
    ) {
      return false;
    }
    const lswSubtree = logSumExp(lswInit.v, lswFinal.v);
    logSumWeight.v = logSumExp(logSumWeight.v, lswSubtree);
    if (lswFinal.v > lswSubtree) {
      assign(zPropose, zProposeFinal);
    } else {
      const acceptProb = Math.exp(lswFinal.v - lswSubtree);
      if (this.rng.uniform() < acceptProb) assign(zPropose, zProposeFinal);
    }
    let rhoSubtree = add(rhoInit.v, rhoFinal.v);
    rho.v = add(rho.v, rhoSubtree);
    let persist = this.criterion(pSharpBeg.v, pSharpEnd.v, rhoSubtree);
    rhoSubtree = add(rhoInit.v, pFinalBeg.v);
    persist = persist && this.criterion(pSharpBeg.v, pSharpFinalBeg.v, rhoSubtree);
    rhoSubtree = add(rhoFinal.v, pInitEnd.v);
    persist = persist && this.criterion(pSharpInitEnd.v, pSharpEnd.v, rhoSubtree);
    return persist;
  }
}

interface Case {
  name: string;
  density: () => Counted;
  metric: () => Metric;
  stepSizes: number[];
  maxDepth: number;
  start: number[];
}

function precision2d(): Float64Array {
  // Covariance [[1, 0.9], [0.9, 1]] inverted in closed form.
  const det = 1 - 0.81;
  return Float64Array.from([1 / det, -0.9 / det, -0.9 / det, 1 / det]);
}

const cases: Case[] = [
  {
    name: '5-D standard normal, diag metric',
    density: () => standardNormal(5),
    metric: () => new DiagMetric(Float64Array.from([1, 0.5, 2, 1.5, 0.8])),
    stepSizes: [0.05, 0.4, 1.1, 2.5],
    maxDepth: 10,
    start: [0.3, -1, 2, 0.1, -0.5],
  },
  {
    // Above 32 dimensions the transition copies vectors with TypedArray.set instead of loops.
    name: '40-D standard normal, diag metric',
    density: () => standardNormal(40),
    metric: () => new DiagMetric(Float64Array.from({ length: 40 }, (_, i) => 0.5 + (i % 7) / 4)),
    stepSizes: [0.1, 0.6, 1.6],
    maxDepth: 8,
    start: Array.from({ length: 40 }, (_, i) => Math.sin(i + 1)),
  },
  {
    name: 'correlated 2-D Gaussian, dense metric',
    density: () => gaussianWithPrecision(2, precision2d()),
    metric: () => new DenseMetric(Float64Array.from([1, 0.5, 0.5, 2]), 2),
    stepSizes: [0.02, 0.3, 0.9],
    maxDepth: 6,
    start: [1.5, -0.5],
  },
  {
    name: 'skewed 1-D log-gamma (divergences at large steps)',
    density: () => logGamma(0.5),
    metric: () => new DiagMetric(Float64Array.from([1])),
    stepSizes: [0.1, 1.5, 4],
    maxDepth: 8,
    start: [-1],
  },
];

describe.each(cases)('batched NUTS reproduces Stan recursion: $name', (c) => {
  test('every draw and stat matches bit for bit over 200 transitions', () => {
    const density = c.density();
    const D = density.dimension;
    const K = c.stepSizes.length;
    const oracleDensity = c.density();
    const metric = c.metric();
    // Each chain: its own stream, step size; the oracle replays it alone.
    const rngs = c.stepSizes.map((_, k) => Random.forChain(99, k));
    const oracles = c.stepSizes.map(
      (eps, k) => new StanNutsOracle(oracleDensity, c.metric(), Random.forChain(99, k), eps, c.maxDepth),
    );
    const transitions = c.stepSizes.map(() => new NutsTransition(D, c.maxDepth));
    const evaluator = new BatchEvaluator(density, K);
    const init = (q: Float64Array) => {
      const lp = new Float64Array(1);
      const grad = new Float64Array(D);
      oracleDensity.logDensityGradient(q, 1, lp, grad);
      return { q, grad, lp: lp[0] };
    };
    const states = c.stepSizes.map(() => init(Float64Array.from(c.start)));
    const oracleQ = c.stepSizes.map(() => Float64Array.from(c.start));
    let divergences = 0;
    let maxDepthHits = 0;

    for (let iter = 0; iter < 200; iter++) {
      transitions.forEach((t, k) => t.begin(states[k], c.stepSizes[k], metric, rngs[k]));
      evaluator.run(transitions);
      transitions.forEach((t, k) => {
        const o = oracles[k];
        const expected = o.transition(oracleQ[k]);
        expect(Array.from(t.draw.q)).toEqual(Array.from(expected.q));
        expect(t.draw.lp).toBe(expected.lp);
        expect(t.acceptStat).toBe(expected.acceptStat);
        expect(t.depth).toBe(o.depth);
        expect(t.nLeapfrog).toBe(o.nLeapfrog);
        expect(t.divergent).toBe(o.divergent);
        expect(t.draw.energy).toBe(o.energy);
        if (o.divergent) divergences++;
        if (o.depth === c.maxDepth) maxDepthHits++;
        oracleQ[k] = expected.q.slice();
        states[k] = { q: t.draw.q.slice(), grad: t.draw.grad.slice(), lp: t.draw.lp };
      });
    }
    // The cases are chosen to exercise both ends: U-turns and divergences or depth limits.
    expect(divergences + maxDepthHits).toBeGreaterThan(0);
  });
});
