// The streaming path integral: one iteration at a time, O(P) memory, end points reused.
import type { GradientOracle, LossAndGradient } from '../types';
import { resolveQuadratureOptions, type QuadratureOptions, type ResolvedQuadratureOptions } from './options';
import { SimpsonSums } from './simpson';

/** What one data split (train, validation, ...) gets from one iteration. */
export interface SplitIteration {
  /** Loss and gradient at θ_t: the very object that was `after` of the previous iteration. */
  before: LossAndGradient;
  /** Loss and gradient at θ_{t+1}. */
  after: LossAndGradient;
  /** `k_t`, the path-averaged gradient (a buffer reused by the next iteration: copy to keep). */
  k: Float64Array;
  /** `A[t, i] = k_t[i]·Δθ_t[i]` (a buffer reused by the next iteration: copy to keep). */
  lca: Float64Array;
  /** Σ_i A[t, i]. */
  lcaSum: number;
  /** The approximation error `L(θ_{t+1}) − L(θ_t) − Σ_i A[t, i]`. */
  error: number;
}

/** The result of one iteration of {@link LcaAllocator.step}. */
export interface IterationResult {
  /** t, from 0. */
  iteration: number;
  /**
   * Simpson pieces n_t used (the reference's `num_splits`, 2 … `maxSplits`); 1 for
   * `'first-order'` and `'trapezoid'`.
   */
  pieces: number;
  /** Oracle calls per data split in this iteration (the end point included). */
  evaluations: number;
  /** Δθ_t = θ_{t+1} − θ_t in float64 (a buffer reused by the next iteration). */
  delta: Float64Array;
  /** Per data split, in the order the oracles were given. */
  splits: Readonly<Record<string, SplitIteration>>;
}

/** The gradient oracles, one per data split; a single oracle is named `'train'`. */
export type Oracles = GradientOracle | Readonly<Record<string, GradientOracle>>;

/** Normalises {@link Oracles} to a named list; throws when it is empty. */
export function oracleEntries(oracles: Oracles): [string, GradientOracle][] {
  const entries: [string, GradientOracle][] = typeof oracles === 'function' ? [['train', oracles]] : Object.entries(oracles ?? {});
  if (entries.length === 0) throw new Error('lca: at least one gradient oracle is needed');
  for (const [name, f] of entries) if (typeof f !== 'function') throw new Error(`lca: oracle '${name}' is not a function`);
  return entries;
}

interface SplitState {
  name: string;
  oracle: GradientOracle;
  start: LossAndGradient | null;
  sums: SimpsonSums;
  k: Float64Array;
  lca: Float64Array;
}

/**
 * Loss Change Allocation one iteration at a time. `start(θ₀)` evaluates L and ∇L at θ₀;
 * each `step(θ_{t+1})` integrates the gradient along the straight segment from θ_t, allocates
 * `A[t, i] = k_t[i]·Δθ_t[i]` and keeps only θ_{t+1} and its gradient for the next step.
 *
 * The adaptive rule starts from Simpson with 2 pieces (g(0), g(½), g(1)); while the largest
 * |error| over the data splits exceeds τ and n < `maxSplits`, it doubles n, evaluating the
 * gradient only at the new odd nodes. Cost per iteration and split: 1 oracle call for
 * first order and the trapezoid, 2 for Simpson, plus n/2 for every doubling.
 */
export class LcaAllocator {
  /** The resolved quadrature options. */
  readonly options: ResolvedQuadratureOptions;
  /** Number of parameters P. */
  readonly size: number;
  private readonly splits: SplitState[];
  private readonly theta: Float64Array;
  private readonly delta: Float64Array;
  private readonly node: Float64Array;
  private started = false;
  private t = 0;

  constructor(size: number, oracles: Oracles, options: QuadratureOptions = {}) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`LcaAllocator: size must be a positive integer, got ${String(size)}`);
    this.options = resolveQuadratureOptions(options);
    this.size = size;
    const simpson = this.options.quadrature.startsWith('simpson');
    this.splits = oracleEntries(oracles).map(([name, oracle]) => ({
      name,
      oracle,
      start: null,
      sums: new SimpsonSums(simpson ? size : 0),
      k: new Float64Array(size),
      lca: new Float64Array(size),
    }));
    this.theta = new Float64Array(size);
    this.delta = new Float64Array(size);
    this.node = new Float64Array(simpson ? size : 0);
  }

  /** Names of the data splits, in order. */
  get splitNames(): string[] {
    return this.splits.map((s) => s.name);
  }

  /** Iterations allocated so far. */
  get iterations(): number {
    return this.t;
  }

  /** The current θ_t (a copy). */
  currentTheta(): Float64Array {
    return this.theta.slice();
  }

  /** Loss and gradient at θ_t for each split (null before `start`). */
  currentStart(split: string): LossAndGradient | null {
    return this.splitState(split).start;
  }

  /** Host bytes held by this allocator (its float64 buffers). */
  memoryBytes(): number {
    let n = this.theta.length + this.delta.length + this.node.length;
    for (const s of this.splits) n += s.k.length + s.lca.length + 3 * s.sums.ends.length + (s.start ? s.start.grad.length : 0);
    return 8 * n;
  }

  /** Evaluates every split at θ₀. Call once, before the first `step`. */
  async start(theta0: ArrayLike<number>): Promise<void> {
    if (this.started) throw new Error('LcaAllocator: start was already called');
    this.checkTheta(theta0, 'start');
    this.theta.set(theta0);
    for (const s of this.splits) s.start = await this.evaluate(s, this.theta);
    this.started = true;
  }

  /** Allocates the loss change of the step θ_t → `thetaNext` (float64, the layout's order). */
  async step(thetaNext: Float64Array): Promise<IterationResult> {
    if (!this.started) throw new Error('LcaAllocator: call start(θ₀) before step');
    this.checkTheta(thetaNext, 'step');
    const { theta, delta } = this;
    for (let i = 0; i < delta.length; i++) delta[i] = thetaNext[i] - theta[i];
    const after = new Map<SplitState, LossAndGradient>();
    for (const s of this.splits) after.set(s, await this.evaluate(s, thetaNext));
    const { quadrature } = this.options;
    let pieces = 1;
    let evaluations = 1;
    if (quadrature === 'first-order' || quadrature === 'trapezoid') {
      for (const s of this.splits) {
        const g0 = s.start!.grad;
        const g1 = after.get(s)!.grad;
        if (quadrature === 'first-order') s.k.set(g0);
        else for (let i = 0; i < s.k.length; i++) s.k[i] = 0.5 * (g0[i] + g1[i]);
      }
    } else {
      for (const s of this.splits) s.sums.begin(s.start!.grad, after.get(s)!.grad);
      pieces = 2;
      evaluations += await this.addNodes(pieces);
      const adaptive = quadrature === 'simpson-adaptive';
      for (;;) {
        for (const s of this.splits) s.sums.integrate(pieces, s.k);
        if (!adaptive || pieces >= this.options.maxSplits || this.withinThreshold(after)) break;
        pieces *= 2;
        for (const s of this.splits) s.sums.refine();
        evaluations += await this.addNodes(pieces);
      }
    }
    const splits: Record<string, SplitIteration> = {};
    for (const s of this.splits) {
      const before = s.start!;
      const end = after.get(s)!;
      const lcaSum = allocate(s.k, delta, s.lca);
      splits[s.name] = { before, after: end, k: s.k, lca: s.lca, lcaSum, error: end.loss - before.loss - lcaSum };
      s.start = end;
    }
    theta.set(thetaNext);
    return { iteration: this.t++, pieces, evaluations, delta, splits };
  }

  /** Evaluates every split at the odd nodes j/n (j = 1, 3, …, n − 1); returns the calls per split. */
  private async addNodes(n: number): Promise<number> {
    const { theta, delta, node } = this;
    let calls = 0;
    for (let j = 1; j < n; j += 2) {
      const s = j / n;
      for (let i = 0; i < node.length; i++) node[i] = theta[i] + s * delta[i];
      for (const split of this.splits) split.sums.addOdd((await this.evaluate(split, node)).grad);
      calls++;
    }
    return calls;
  }

  /** Whether every split's |L1 − L0 − ⟨k, Δθ⟩| is within its threshold. */
  private withinThreshold(after: Map<SplitState, LossAndGradient>): boolean {
    const { errorThreshold, errorMode } = this.options;
    for (const s of this.splits) {
      const dL = after.get(s)!.loss - s.start!.loss;
      let dot = 0;
      for (let i = 0; i < this.delta.length; i++) dot += s.k[i] * this.delta[i];
      const tau = errorMode === 'absolute' ? errorThreshold : errorThreshold * Math.abs(dL);
      if (!(Math.abs(dL - dot) <= tau)) return false;
    }
    return true;
  }

  private async evaluate(s: SplitState, theta: Float64Array): Promise<LossAndGradient> {
    const r = await s.oracle(theta);
    if (!r || typeof r.loss !== 'number' || !(r.grad instanceof Float64Array) || r.grad.length !== this.size) {
      throw new Error(`lca: oracle '${s.name}' must return { loss: number, grad: Float64Array(${this.size}) }`);
    }
    if (s.start && r.grad === s.start.grad) throw new Error(`lca: oracle '${s.name}' returned the same gradient array twice; it must return a new array per call`);
    return r;
  }

  private checkTheta(theta: ArrayLike<number>, fn: string): void {
    if (!theta || theta.length !== this.size) throw new Error(`LcaAllocator.${fn}: expected ${this.size} parameters, got ${theta ? theta.length : String(theta)}`);
  }

  private splitState(name: string): SplitState {
    const s = this.splits.find((x) => x.name === name);
    if (!s) throw new Error(`LcaAllocator: no split '${name}' (have ${this.splitNames.join(', ')})`);
    return s;
  }
}

/** `out = k ⊙ d`; returns Σ out. */
function allocate(k: Float64Array, d: Float64Array, out: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < out.length; i++) {
    const a = k[i] * d[i];
    out[i] = a;
    sum += a;
  }
  return sum;
}
