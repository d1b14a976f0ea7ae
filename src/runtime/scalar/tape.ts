// The scalar reverse-mode tape: one chain at a time, every active real is a node (an integer
// index). A node stores its value and the partials of its value with respect to the nodes it
// was computed from (its edges, in compressed-row form). The target is not a node: its terms
// add to a plain sum and their partials go straight to `target edges`, so `y ~ normal(...)`
// inside a loop costs no node at all.
//
// Why not the batched tape: a lowered loop over scalars makes thousands of tiny ops; here each
// is a few typed-array writes that V8 compiles to straight-line code, with no allocation.
// Nodes 0..D-1 are the unconstrained parameters, so the gradient is adj[0..D).

export type Backward = () => void;

export class ScalarTape {
  val = new Float64Array(1 << 12);
  adj = new Float64Array(0);
  /** Edges of node i are [start[i], start[i + 1]). */
  start = new Int32Array((1 << 12) + 1);
  ein = new Int32Array(1 << 13);
  epart = new Float64Array(1 << 13);
  /** Nodes in use, edges in use. */
  n = 0;
  e = 0;
  /** The target's value and its partials (input node, partial). */
  lp = 0;
  tin = new Int32Array(1 << 10);
  tpart = new Float64Array(1 << 10);
  tn = 0;
  /**
   * Nodes whose adjoints are pushed back by a closure (bridged calls), in creation order: the
   * first `nc` entries (a count, not the arrays' length: resetting a length is a runtime call).
   */
  customAt: number[] = [];
  customFn: Backward[] = [];
  nc = 0;
  /** Number of parameter nodes. */
  dim = 0;
  /** The buffers `ints` and `floats` carve this evaluation's arrays from, and how much is used. */
  private intBuf = new Int32Array(1 << 14);
  private intUsed = 0;
  private floatBuf = new Float64Array(1 << 12);
  private floatUsed = 0;
  /** A node holding NaN: the value of declared-but-unassigned reals. */
  nan = 0;

  /** Start an evaluation at the unconstrained point u[offset .. offset + D). */
  reset(u: ArrayLike<number>, D: number, offset = 0): void {
    if (this.val.length < D + 1) this.growNodes(D + 1);
    for (let i = 0; i < D; i++) {
      this.val[i] = u[offset + i];
      this.start[i] = 0;
    }
    this.n = D;
    this.e = 0;
    this.lp = 0;
    this.tn = 0;
    this.nc = 0;
    this.intUsed = 0;
    this.floatUsed = 0;
    this.dim = D;
    this.nan = this.c(NaN);
  }

  /** Room for `nodes` more nodes and `edges` more edges (lifted loops then write the arrays directly). */
  reserve(nodes: number, edges: number): void {
    if (this.n + nodes >= this.val.length - 1) this.growNodes(this.n + nodes + 2);
    if (this.e + edges > this.ein.length) this.growEdges(this.e + edges);
  }

  /**
   * An Int32Array of n elements, contents unspecified, valid until the next `reset`: a view
   * into one buffer. A typed array of more than 64 bytes of its own costs 1-2 µs to make (V8
   * keeps its store outside the heap), and every vector of every evaluation has an array of
   * node indices.
   */
  ints(n: number): Int32Array {
    let used = this.intUsed;
    if (used + n > this.intBuf.length) {
      // Views already handed out keep the old buffer alive.
      this.intBuf = new Int32Array(Math.max(2 * this.intBuf.length, n));
      used = 0;
    }
    this.intUsed = used + n;
    return this.intBuf.subarray(used, used + n);
  }

  /** Like `ints`, for values (the outputs of a generate call). */
  floats(n: number): Float64Array {
    let used = this.floatUsed;
    if (used + n > this.floatBuf.length) {
      this.floatBuf = new Float64Array(Math.max(2 * this.floatBuf.length, n));
      used = 0;
    }
    this.floatUsed = used + n;
    return this.floatBuf.subarray(used, used + n);
  }

  /** Room for `k` more target partials. */
  reserveTarget(k: number): void {
    while (this.tn + k > this.tin.length) this.growTarget();
  }

  /** A node without inputs (data promoted to an active value). */
  c(v: number): number {
    const i = this.n;
    if (i >= this.val.length - 1) this.growNodes(i + 2);
    this.n = i + 1;
    this.val[i] = v;
    this.start[i] = this.e;
    return i;
  }

  /** A node with one input. */
  n1(v: number, a: number, da: number): number {
    const i = this.n;
    if (i >= this.val.length - 1) this.growNodes(i + 2);
    let e = this.e;
    if (e + 1 > this.ein.length) this.growEdges(e + 1);
    this.n = i + 1;
    this.val[i] = v;
    this.start[i] = e;
    this.ein[e] = a;
    this.epart[e] = da;
    this.e = e + 1;
    return i;
  }

  /** A node with two inputs. */
  n2(v: number, a: number, da: number, b: number, db: number): number {
    const i = this.n;
    if (i >= this.val.length - 1) this.growNodes(i + 2);
    const e = this.e;
    if (e + 2 > this.ein.length) this.growEdges(e + 2);
    this.n = i + 1;
    this.val[i] = v;
    this.start[i] = e;
    this.ein[e] = a;
    this.epart[e] = da;
    this.ein[e + 1] = b;
    this.epart[e + 1] = db;
    this.e = e + 2;
    return i;
  }

  /** A node whose `k` edges follow through `edge` (room is reserved here). */
  open(v: number, k: number): number {
    const i = this.n;
    if (i >= this.val.length - 1) this.growNodes(i + 2);
    if (this.e + k > this.ein.length) this.growEdges(this.e + k);
    this.n = i + 1;
    this.val[i] = v;
    this.start[i] = this.e;
    return i;
  }

  /** An edge of the node just opened (at most the `k` reserved). */
  edge(a: number, d: number): void {
    const e = this.e;
    this.ein[e] = a;
    this.epart[e] = d;
    this.e = e + 1;
  }

  /** target += val[a]. */
  addNode(a: number): void {
    this.lp += this.val[a];
    this.tedge(a, 1);
  }

  /** A partial of the target with respect to node a. */
  tedge(a: number, d: number): void {
    const k = this.tn;
    if (k >= this.tin.length) this.growTarget();
    this.tin[k] = a;
    this.tpart[k] = d;
    this.tn = k + 1;
  }

  /** A node with no edges whose `backward` runs when the sweep reaches it. */
  custom(backward: Backward): number {
    const i = this.c(0);
    this.customAt[this.nc] = i;
    this.customFn[this.nc] = backward;
    this.nc++;
    return i;
  }

  /** Reverse sweep: the target's gradient with respect to the parameter nodes, into grad[offset ..). */
  gradient(grad: Float64Array, offset = 0): void {
    const n = this.n, D = this.dim;
    this.start[n] = this.e;
    if (this.adj.length < n) this.adj = new Float64Array(Math.max(n, this.adj.length * 2));
    const adj = this.adj, start = this.start, ein = this.ein, epart = this.epart;
    adj.fill(0, 0, n);
    const tin = this.tin, tpart = this.tpart;
    for (let k = 0, tn = this.tn; k < tn; k++) adj[tin[k]] += tpart[k];
    let m = this.nc - 1;
    let i = n - 1;
    for (;;) {
      const stop = m >= 0 ? this.customAt[m] : D - 1;
      for (; i > stop; i--) {
        const a = adj[i];
        if (a === 0) continue;
        for (let e = start[i], end = start[i + 1]; e < end; e++) adj[ein[e]] += epart[e] * a;
      }
      if (m < 0) break;
      this.customFn[m]();
      i = stop - 1;
      m--;
    }
    for (let k = 0; k < D; k++) grad[offset + k] = adj[k];
  }

  private growNodes(min: number): void {
    const cap = Math.max(min, this.val.length * 2);
    const val = new Float64Array(cap);
    val.set(this.val);
    this.val = val;
    const start = new Int32Array(cap + 1);
    start.set(this.start);
    this.start = start;
  }

  private growEdges(min: number): void {
    const cap = Math.max(min, this.ein.length * 2);
    const ein = new Int32Array(cap);
    ein.set(this.ein);
    this.ein = ein;
    const epart = new Float64Array(cap);
    epart.set(this.epart);
    this.epart = epart;
  }

  private growTarget(): void {
    const cap = this.tin.length * 2;
    const tin = new Int32Array(cap);
    tin.set(this.tin);
    this.tin = tin;
    const tpart = new Float64Array(cap);
    tpart.set(this.tpart);
    this.tpart = tpart;
  }
}

/** The tape of the evaluation in progress (evaluations do not nest). */
export const T = new ScalarTape();
