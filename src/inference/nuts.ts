/**
 * One NUTS transition for one chain, with Stan's semantics (base_nuts.hpp):
 * multinomial sampling, biased progressive sampling when a new subtree is merged
 * into the trajectory, uniform progressive sampling inside subtrees, the
 * generalized no-U-turn criterion on p_sharp = M^{-1} p checked on every merged
 * tree and across the seams of merged subtrees, divergence when H - H0 > 1000,
 * and accept_stat = mean over the trajectory of min(1, exp(H0 - H)).
 *
 * Stan builds subtrees recursively; here the same post-order traversal is done
 * iteratively, one leapfrog step per `request`/`receive` pair, so that all chains'
 * steps can be batched into one density call. After leaf number i of a subtree
 * (0-based), one merge is done per trailing 1 bit of i: the finished right half
 * is merged with the left half waiting at that height.
 */

import type { Random } from '../runtime/random.js';
import type { GradientTask } from './batch.js';
import { leapfrogClose, leapfrogOpen } from './integrator.js';
import { kineticEnergy, type Metric } from './metric.js';
import type { ChainPoint } from './types.js';

/** Stan's max_deltaH: an energy error beyond this marks a divergence. */
export const MAX_DELTA_H = 1000;

/** A state in phase space: position, momentum, and the log density and gradient at the position. */
class PhasePoint {
  readonly q: Float64Array;
  readonly p: Float64Array;
  readonly grad: Float64Array;
  lp = 0;
  constructor(D: number) {
    this.q = new Float64Array(D);
    this.p = new Float64Array(D);
    this.grad = new Float64Array(D);
  }
}

/** A candidate draw: what the chain keeps if the state is selected. */
class Proposal {
  readonly q: Float64Array;
  readonly grad: Float64Array;
  lp = 0;
  /** Hamiltonian of the state (Stan's energy__). */
  energy = 0;
  constructor(D: number) {
    this.q = new Float64Array(D);
    this.grad = new Float64Array(D);
  }
}

/**
 * A (sub)tree as seen from outside: its log weight, summed momenta, boundary
 * momenta and sharp momenta at its first (beg) and last (end) states in the
 * direction of integration, and its proposal. Buffers are swapped, not copied,
 * when trees are merged.
 */
class Subtree {
  logWeight = -Infinity;
  rho: Float64Array;
  pBeg: Float64Array;
  pSharpBeg: Float64Array;
  pEnd: Float64Array;
  pSharpEnd: Float64Array;
  proposal: Proposal;
  constructor(D: number) {
    this.rho = new Float64Array(D);
    this.pBeg = new Float64Array(D);
    this.pSharpBeg = new Float64Array(D);
    this.pEnd = new Float64Array(D);
    this.pSharpEnd = new Float64Array(D);
    this.proposal = new Proposal(D);
  }
}

function logSumExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * The no-U-turn checks Stan makes when tree L (earlier in the direction of
 * integration) and tree R are merged: on the merged tree, and across the seam
 * (L with R's first state, R with L's last state). All must hold to continue.
 * Criterion: p_sharp_minus · rho > 0 and p_sharp_plus · rho > 0.
 */
export function mergeKeepsGoing(
  rhoL: Float64Array,
  sharpLBeg: Float64Array,
  sharpLEnd: Float64Array,
  pLEnd: Float64Array,
  rhoR: Float64Array,
  sharpRBeg: Float64Array,
  pRBeg: Float64Array,
  sharpREnd: Float64Array,
): boolean {
  let whole1 = 0; // sharpLBeg · (rhoL + rhoR)
  let whole2 = 0; // sharpREnd · (rhoL + rhoR)
  let left1 = 0; // sharpLBeg · (rhoL + pRBeg)
  let left2 = 0; // sharpRBeg · (rhoL + pRBeg)
  let right1 = 0; // sharpLEnd · (rhoR + pLEnd)
  let right2 = 0; // sharpREnd · (rhoR + pLEnd)
  for (let i = 0; i < rhoL.length; i++) {
    const rho = rhoL[i] + rhoR[i];
    const rhoLeft = rhoL[i] + pRBeg[i];
    const rhoRight = rhoR[i] + pLEnd[i];
    whole1 += sharpLBeg[i] * rho;
    whole2 += sharpREnd[i] * rho;
    left1 += sharpLBeg[i] * rhoLeft;
    left2 += sharpRBeg[i] * rhoLeft;
    right1 += sharpLEnd[i] * rhoRight;
    right2 += sharpREnd[i] * rhoRight;
  }
  return whole1 > 0 && whole2 > 0 && left1 > 0 && left2 > 0 && right1 > 0 && right2 > 0;
}

function copyProposal(to: Proposal, from: PhasePoint, energy: number): void {
  to.q.set(from.q);
  to.grad.set(from.grad);
  to.lp = from.lp;
  to.energy = energy;
}

export class NutsTransition implements GradientTask {
  readonly dimension: number;
  readonly maxTreedepth: number;

  // Trajectory ends; integration mutates the end being extended in place.
  private readonly zFwd: PhasePoint;
  private readonly zBck: PhasePoint;
  private z: PhasePoint;
  private readonly velocity: Float64Array;

  // The whole trajectory so far: summed momenta, weight, and boundary momenta.
  private readonly rho: Float64Array;
  private logWeight = 0;
  private pFwd: Float64Array;
  private pSharpFwd: Float64Array;
  private pBck: Float64Array;
  private pSharpBck: Float64Array;
  private sample: Proposal;

  // Subtree under construction: `cur` is the newest tree, `left[h]` the finished
  // left half of height h waiting for its right half.
  private cur: Subtree;
  private readonly left: Subtree[];
  private subtreeDepth = 0;
  private leafIndex = 0;
  private sign = 1;

  private metric!: Metric;
  private rng!: Random;
  private stepSize = 1;
  private H0 = 0;
  private sumMetroProb = 0;
  private done = true;

  // Results of the finished transition.
  depth = 0;
  nLeapfrog = 0;
  divergent = false;
  acceptStat = 0;

  constructor(dimension: number, maxTreedepth: number) {
    const D = dimension;
    this.dimension = D;
    this.maxTreedepth = maxTreedepth;
    this.zFwd = new PhasePoint(D);
    this.zBck = new PhasePoint(D);
    this.z = this.zFwd;
    this.velocity = new Float64Array(D);
    this.rho = new Float64Array(D);
    this.pFwd = new Float64Array(D);
    this.pSharpFwd = new Float64Array(D);
    this.pBck = new Float64Array(D);
    this.pSharpBck = new Float64Array(D);
    this.sample = new Proposal(D);
    this.cur = new Subtree(D);
    this.left = Array.from({ length: maxTreedepth }, () => new Subtree(D));
  }

  /** The selected draw; valid once the transition is finished. */
  get draw(): Readonly<Proposal> {
    return this.sample;
  }

  get finished(): boolean {
    return this.done;
  }

  /** Starts a transition from `start` (finite lp and gradient) with a fresh momentum. */
  begin(start: ChainPoint, stepSize: number, metric: Metric, rng: Random): void {
    this.metric = metric;
    this.rng = rng;
    this.stepSize = stepSize;
    for (const end of [this.zFwd, this.zBck]) {
      end.q.set(start.q);
      end.grad.set(start.grad);
      end.lp = start.lp;
    }
    metric.sampleMomentum(rng, this.zFwd.p);
    this.zBck.p.set(this.zFwd.p);
    metric.velocity(this.zFwd.p, this.pSharpFwd);
    this.pSharpBck.set(this.pSharpFwd);
    this.pFwd.set(this.zFwd.p);
    this.pBck.set(this.zFwd.p);
    this.rho.set(this.zFwd.p);
    this.H0 = kineticEnergy(this.zFwd.p, this.pSharpFwd) - start.lp;
    this.logWeight = 0; // log(exp(H0 - H0))
    copyProposal(this.sample, this.zFwd, this.H0);

    this.depth = 0;
    this.nLeapfrog = 0;
    this.divergent = false;
    this.sumMetroProb = 0;
    this.acceptStat = 0;
    this.done = false;
    this.startSubtree();
  }

  /** Extends the trajectory by a new subtree of the current depth in a random direction. */
  private startSubtree(): void {
    this.sign = this.rng.uniform() > 0.5 ? 1 : -1;
    this.z = this.sign > 0 ? this.zFwd : this.zBck;
    this.subtreeDepth = this.depth;
    this.leafIndex = 0;
  }

  request(U: Float64Array, offset: number): boolean {
    if (this.done) return false;
    const z = this.z;
    leapfrogOpen(z.q, z.p, z.grad, this.sign * this.stepSize, this.metric, this.velocity);
    U.set(z.q, offset);
    return true;
  }

  receive(lp: number, grad: Float64Array, offset: number): void {
    const z = this.z;
    const D = this.dimension;
    for (let i = 0; i < D; i++) z.grad[i] = grad[offset + i];
    z.lp = lp;
    leapfrogClose(z.p, z.grad, this.sign * this.stepSize);

    const leaf = this.cur;
    this.metric.velocity(z.p, leaf.pSharpBeg);
    let h = kineticEnergy(z.p, leaf.pSharpBeg) - lp;
    // Unevaluable states (NaN, or a non-finite lp) weigh nothing and end the subtree.
    if (Number.isNaN(h) || h === -Infinity) h = Infinity;

    this.nLeapfrog++;
    const H0 = this.H0;
    if (h - H0 > MAX_DELTA_H) this.divergent = true;
    this.sumMetroProb += H0 - h > 0 ? 1 : Math.exp(H0 - h);
    if (this.divergent) {
      this.endSubtree(false);
      return;
    }

    leaf.logWeight = H0 - h;
    copyProposal(leaf.proposal, z, h);
    leaf.pSharpEnd.set(leaf.pSharpBeg);
    leaf.pBeg.set(z.p);
    leaf.pEnd.set(z.p);
    leaf.rho.set(z.p);

    // Merge every completed pair of halves this leaf finishes.
    let height = 0;
    const i = this.leafIndex;
    while (height < this.subtreeDepth && ((i >>> height) & 1) === 1) {
      const ok = this.mergeHalves(this.left[height], this.cur);
      height++;
      if (!ok) {
        this.endSubtree(false);
        return;
      }
    }
    if (height === this.subtreeDepth) {
      this.endSubtree(true);
      return;
    }
    // Park the finished left half of this height; reuse its old buffers for the next leaf.
    const parked = this.left[height];
    this.left[height] = this.cur;
    this.cur = parked;
    this.leafIndex++;
  }

  /** Merges left half L with right half R into R (Stan's build_tree recursion step). */
  private mergeHalves(L: Subtree, R: Subtree): boolean {
    const keepGoing = mergeKeepsGoing(L.rho, L.pSharpBeg, L.pSharpEnd, L.pEnd, R.rho, R.pSharpBeg, R.pBeg, R.pSharpEnd);
    // Uniform progressive sampling: take R's proposal with probability w_R / (w_L + w_R).
    const logWeight = logSumExp(L.logWeight, R.logWeight);
    if (!(R.logWeight > logWeight)) {
      const acceptProb = Math.exp(R.logWeight - logWeight);
      if (!(this.rng.uniform() < acceptProb)) {
        const t = R.proposal;
        R.proposal = L.proposal;
        L.proposal = t;
      }
    }
    R.logWeight = logWeight;
    for (let i = 0; i < R.rho.length; i++) R.rho[i] += L.rho[i];
    let t = R.pBeg;
    R.pBeg = L.pBeg;
    L.pBeg = t;
    t = R.pSharpBeg;
    R.pSharpBeg = L.pSharpBeg;
    L.pSharpBeg = t;
    return keepGoing;
  }

  /** A subtree is finished (or abandoned): merge it into the trajectory or end the transition. */
  private endSubtree(valid: boolean): void {
    if (!valid) {
      this.finish();
      return;
    }
    this.depth++;
    const S = this.cur;
    // Biased progressive sampling: favour the new subtree by w_new / w_old.
    if (S.logWeight > this.logWeight) {
      this.swapSampleWith(S);
    } else {
      const acceptProb = Math.exp(S.logWeight - this.logWeight);
      if (this.rng.uniform() < acceptProb) this.swapSampleWith(S);
    }
    this.logWeight = logSumExp(this.logWeight, S.logWeight);

    let keepGoing: boolean;
    if (this.sign > 0) {
      keepGoing = mergeKeepsGoing(
        this.rho,
        this.pSharpBck,
        this.pSharpFwd,
        this.pFwd,
        S.rho,
        S.pSharpBeg,
        S.pBeg,
        S.pSharpEnd,
      );
      let t = this.pFwd;
      this.pFwd = S.pEnd;
      S.pEnd = t;
      t = this.pSharpFwd;
      this.pSharpFwd = S.pSharpEnd;
      S.pSharpEnd = t;
    } else {
      keepGoing = mergeKeepsGoing(
        this.rho,
        this.pSharpFwd,
        this.pSharpBck,
        this.pBck,
        S.rho,
        S.pSharpBeg,
        S.pBeg,
        S.pSharpEnd,
      );
      let t = this.pBck;
      this.pBck = S.pEnd;
      S.pEnd = t;
      t = this.pSharpBck;
      this.pSharpBck = S.pSharpEnd;
      S.pSharpEnd = t;
    }
    for (let i = 0; i < this.rho.length; i++) this.rho[i] += S.rho[i];

    if (!keepGoing || this.depth >= this.maxTreedepth) this.finish();
    else this.startSubtree();
  }

  private swapSampleWith(S: Subtree): void {
    const t = this.sample;
    this.sample = S.proposal;
    S.proposal = t;
  }

  private finish(): void {
    this.acceptStat = this.sumMetroProb / this.nLeapfrog;
    this.done = true;
  }
}
