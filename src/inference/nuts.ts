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
 * Also writes the merged tree's summed momenta rhoL + rhoR into `rhoSum` (which may
 * be rhoL or rhoR), since the checks need that sum anyway.
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
  rhoSum: Float64Array,
): boolean {
  let whole1 = 0; // sharpLBeg · (rhoL + rhoR)
  let whole2 = 0; // sharpREnd · (rhoL + rhoR)
  let left1 = 0; // sharpLBeg · (rhoL + pRBeg)
  let left2 = 0; // sharpRBeg · (rhoL + pRBeg)
  let right1 = 0; // sharpLEnd · (rhoR + pLEnd)
  let right2 = 0; // sharpREnd · (rhoR + pLEnd)
  for (let i = 0; i < rhoL.length; i++) {
    const l = rhoL[i];
    const r = rhoR[i];
    const rho = l + r;
    const rhoLeft = l + pRBeg[i];
    const rhoRight = r + pLEnd[i];
    whole1 += sharpLBeg[i] * rho;
    whole2 += sharpREnd[i] * rho;
    left1 += sharpLBeg[i] * rhoLeft;
    left2 += sharpRBeg[i] * rhoLeft;
    right1 += sharpLEnd[i] * rhoRight;
    right2 += sharpREnd[i] * rhoRight;
    rhoSum[i] = rho;
  }
  return whole1 > 0 && whole2 > 0 && left1 > 0 && left2 > 0 && right1 > 0 && right2 > 0;
}

/**
 * mergeKeepsGoing for two single states: with rho = p_beg = p_end = p and one velocity
 * per tree, the seam checks are the same sums as the whole-tree check (bit for bit:
 * rhoL + pRBeg and rhoR + pLEnd are both pL + pR), so two dot products decide.
 */
export function leafPairKeepsGoing(
  pL: Float64Array,
  sharpL: Float64Array,
  pR: Float64Array,
  sharpR: Float64Array,
  rhoSum: Float64Array,
): boolean {
  let left = 0; // sharpL · (pL + pR)
  let right = 0; // sharpR · (pL + pR)
  for (let i = 0; i < pL.length; i++) {
    const rho = pL[i] + pR[i];
    left += sharpL[i] * rho;
    right += sharpR[i] * rho;
    rhoSum[i] = rho;
  }
  return left > 0 && right > 0;
}

/**
 * Below this dimension one fused loop copies vectors fastest; above it the per-element
 * cost of JavaScript loops dominates and TypedArray.set (memcpy) wins.
 */
const FUSED_COPY_MAX_DIMENSION = 32;

function copyPoint(to: { q: Float64Array; grad: Float64Array; lp: number }, from: ChainPoint): void {
  const { q, grad } = from;
  if (q.length <= FUSED_COPY_MAX_DIMENSION) {
    for (let i = 0; i < q.length; i++) {
      to.q[i] = q[i];
      to.grad[i] = grad[i];
    }
  } else {
    to.q.set(q);
    to.grad.set(grad);
  }
  to.lp = from.lp;
}

/**
 * Makes `leaf` the one-state tree holding z: its proposal is z, and its summed, first
 * and last momenta are z's momentum (`leaf.pSharpBeg`, z's velocity, is already set).
 * For leaves of a one-state subtree, which are merged straight into the trajectory.
 */
function fillLeaf(leaf: Subtree, z: PhasePoint, energy: number): void {
  const proposal = leaf.proposal;
  const { q, grad, p } = z;
  const { rho, pBeg, pEnd, pSharpBeg, pSharpEnd } = leaf;
  if (q.length <= FUSED_COPY_MAX_DIMENSION) {
    const pq = proposal.q;
    const pg = proposal.grad;
    for (let i = 0; i < q.length; i++) {
      pq[i] = q[i];
      pg[i] = grad[i];
      const pi = p[i];
      rho[i] = pi;
      pBeg[i] = pi;
      pEnd[i] = pi;
      pSharpEnd[i] = pSharpBeg[i];
    }
  } else {
    proposal.q.set(q);
    proposal.grad.set(grad);
    rho.set(p);
    pBeg.set(p);
    pEnd.set(p);
    pSharpEnd.set(pSharpBeg);
  }
  proposal.lp = z.lp;
  proposal.energy = energy;
}

/**
 * A leaf of a subtree of depth >= 1 is only ever merged with its sibling leaf
 * (leafPairKeepsGoing), which reads the left leaf's p and velocity from pBeg and
 * pSharpBeg and the right leaf's from pEnd and pSharpEnd; the merged tree keeps exactly
 * those and gets rho from the merge. So such a leaf stores its momentum only on its
 * own side (its velocity was written there by closeStep), and the other fields stay stale.
 */
function fillHalfLeaf(leaf: Subtree, z: PhasePoint, energy: number, right: boolean): void {
  const proposal = leaf.proposal;
  const { q, grad, p } = z;
  const pSide = right ? leaf.pEnd : leaf.pBeg;
  if (q.length <= FUSED_COPY_MAX_DIMENSION) {
    const pq = proposal.q;
    const pg = proposal.grad;
    for (let i = 0; i < q.length; i++) {
      pq[i] = q[i];
      pg[i] = grad[i];
      pSide[i] = p[i];
    }
  } else {
    proposal.q.set(q);
    proposal.grad.set(grad);
    pSide.set(p);
  }
  proposal.lp = z.lp;
  proposal.energy = energy;
}

export class NutsTransition implements GradientTask {
  readonly dimension: number;
  readonly maxTreedepth: number;

  // Trajectory ends; integration mutates the end being extended in place.
  private readonly zFwd: PhasePoint;
  private readonly zBck: PhasePoint;
  private z: PhasePoint;

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
  /** Signed step size of the subtree being built. */
  private eps = 1;

  private metric!: Metric;
  private rng!: Random;
  private H0 = 0;
  private sumMetroProb = 0;
  private done = true;

  /** Step size of the current transition. */
  stepSize = 1;
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
    const p = this.zFwd.p;
    metric.sampleMomentum(rng, p);
    metric.velocity(p, this.pSharpFwd);
    this.H0 = kineticEnergy(p, this.pSharpFwd) - start.lp;
    this.logWeight = 0; // log(exp(H0 - H0))
    copyPoint(this.zFwd, start);
    copyPoint(this.zBck, start);
    copyPoint(this.sample, start);
    this.sample.energy = this.H0;
    const { zBck, pSharpFwd, pSharpBck, pFwd, pBck, rho } = this;
    for (let i = 0; i < p.length; i++) {
      const pi = p[i];
      zBck.p[i] = pi;
      pFwd[i] = pi;
      pBck[i] = pi;
      rho[i] = pi;
      pSharpBck[i] = pSharpFwd[i];
    }

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
    this.eps = this.sign * this.stepSize;
    this.subtreeDepth = this.depth;
    this.leafIndex = 0;
  }

  request(U: Float64Array, offset: number): boolean {
    if (this.done) return false;
    const z = this.z;
    this.metric.openStep(z.q, z.p, z.grad, this.eps, U, offset);
    return true;
  }

  receive(lp: number, grad: Float64Array, offset: number): void {
    const z = this.z;
    z.lp = lp;
    const leaf = this.cur;
    const i = this.leafIndex;
    const pairedLeaf = this.subtreeDepth > 0;
    const rightLeaf = pairedLeaf && (i & 1) === 1;
    // The velocity goes where fillLeaf / fillHalfLeaf expect it.
    const sharp = rightLeaf ? leaf.pSharpEnd : leaf.pSharpBeg;
    let h = this.metric.closeStep(z.p, z.grad, grad, offset, this.eps, sharp) - lp;
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
    if (pairedLeaf) fillHalfLeaf(leaf, z, h, rightLeaf);
    else fillLeaf(leaf, z, h);

    // Merge every completed pair of halves this leaf finishes (at height 0, two leaves).
    let height = 0;
    while (height < this.subtreeDepth && ((i >>> height) & 1) === 1) {
      const ok = this.mergeHalves(this.left[height], this.cur, height === 0);
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

  /**
   * Merges left half L with right half R into R (Stan's build_tree recursion step);
   * `leaves` when both are single states filled by fillHalfLeaf.
   */
  private mergeHalves(L: Subtree, R: Subtree, leaves: boolean): boolean {
    // R.rho becomes the merged tree's rho.
    const keepGoing = leaves
      ? leafPairKeepsGoing(L.pBeg, L.pSharpBeg, R.pEnd, R.pSharpEnd, R.rho)
      : mergeKeepsGoing(L.rho, L.pSharpBeg, L.pSharpEnd, L.pEnd, R.rho, R.pSharpBeg, R.pBeg, R.pSharpEnd, R.rho);
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

    // this.rho becomes the whole trajectory's rho.
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
        this.rho,
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
        this.rho,
      );
      let t = this.pBck;
      this.pBck = S.pEnd;
      S.pEnd = t;
      t = this.pSharpBck;
      this.pSharpBck = S.pSharpEnd;
      S.pSharpEnd = t;
    }

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
