/**
 * Tightening CROWN bounds of selected rows of many domains by optimising their lower-relaxation
 * slopes with a few sign steps ({@link batchedAlphaBound} with `update: 'sign'`: float64, every
 * domain in one batched pass per step). Far cheaper per domain than full α-CROWN, and on small
 * boxes, where most ReLUs are stable and the few ambiguous ones decide the bound, most of
 * α-CROWN's gain comes in these few steps. The bound of every row is sound and never looser than
 * CROWN's (the search starts from CROWN's slopes and keeps the best).
 */
import { batchedAlphaBound } from '../bounds/alpha-batched';
import type { LinearLowerBound } from '../bounds/batched-backward';
import type { Box, LayerBounds, Splits } from '../bounds/types';
import type { ReluNetwork } from '../network/network';

/** One domain's rows to refine: its box, bounds and splits, the rows as bounded in `result`, and the indices to refine. */
export interface RefineRequest {
  readonly box: Box;
  readonly layers: LayerBounds;
  readonly splits: Splits | undefined;
  /** Row-major `[m, outputSize]`, as bounded in `result`. */
  readonly rows: Float64Array;
  readonly rowConst: Float64Array;
  readonly result: LinearLowerBound;
  /** Indices into `rowConst` of the rows to refine. */
  readonly select: readonly number[];
}

/**
 * Each request's `result` with its selected rows replaced by their slope-optimised bounds where
 * those are higher; all requests are optimised together.
 */
export function refineRows(net: ReluNetwork, requests: readonly RefineRequest[], iterations: number, deadline?: number): LinearLowerBound[] {
  const out = net.outputSize;
  const d = net.inputSize;
  const active = requests.flatMap((q, j) => (q.select.length > 0 && q.result.margin ? [j] : []));
  const refined = batchedAlphaBound(
    net,
    active.map((j) => {
      const q = requests[j];
      const rows = new Float64Array(q.select.length * out);
      const rowConst = new Float64Array(q.select.length);
      q.select.forEach((r, i) => {
        rows.set(q.rows.subarray(r * out, (r + 1) * out), i * out);
        rowConst[i] = q.rowConst[r];
      });
      return { box: q.box, bounds: q.layers, splits: q.splits, rows, rowConst };
    }),
    { iterations, update: 'sign', beta: false, deadline },
  );
  const results = requests.map((q) => q.result);
  active.forEach((j, a) => {
    const { result, select } = requests[j];
    const better = refined[a];
    const lower = Float64Array.from(result.lower);
    const inputCoeffs = Float64Array.from(result.inputCoeffs);
    const constant = Float64Array.from(result.constant);
    const margin = Float64Array.from(result.margin!);
    select.forEach((r, i) => {
      if (!(better.lower[i] > lower[r])) return;
      lower[r] = better.lower[i];
      constant[r] = better.constant[i];
      margin[r] = better.margin![i];
      inputCoeffs.set(better.inputCoeffs.subarray(i * d, (i + 1) * d), r * d);
    });
    results[j] = { lower, inputCoeffs, constant, margin };
  });
  return results;
}

/** Settings of {@link AlphaRefinePolicy}. */
export interface AlphaRefineOptions {
  /** Host α steps per refined domain (default 5). */
  iterations?: number;
  /** Refutations seen before the policy narrows down where it tries (default 20). */
  warmup?: number;
  /** Margin on the deepest refuted start: tried down to this many times it (default 1.5). */
  reach?: number;
  /** Every this many domains outside that range, one is tried anyway, so that the range can widen (default 16). */
  exploreEvery?: number;
}

/**
 * Which domains get the host α steps, learnt during one search. The steps only pay off when they
 * refute a domain (its children are bounded anyway otherwise), and whether they can depends on how
 * far below zero the domain's CROWN bound starts: refutations come from starts down to some depth
 * that is specific to the network, property and box size. So every domain is tried until
 * `warmup` refutations were seen, and from then on only those whose bound starts above `reach`
 * times the deepest refuted start among the last refutations, plus one in `exploreEvery` of the
 * others. One policy per search (it holds the search's statistics).
 */
export class AlphaRefinePolicy {
  /** Host α steps per refined domain. */
  readonly iterations: number;
  private readonly warmup: number;
  private readonly reach: number;
  private readonly exploreEvery: number;
  /** −start of recent refutations, a ring of {@link RECENT} values. */
  private readonly recent: number[] = [];
  private next = 0;
  private skipped = 0;
  /** Domains tried and refuted, for the search's statistics. */
  tried = 0;
  refuted = 0;

  constructor(options: AlphaRefineOptions = {}) {
    this.iterations = options.iterations ?? 5;
    this.warmup = options.warmup ?? 20;
    this.reach = options.reach ?? 1.5;
    this.exploreEvery = options.exploreEvery ?? 16;
    if (!(Number.isInteger(this.iterations) && this.iterations >= 1)) throw new Error(`AlphaRefinePolicy: iterations must be an integer ≥ 1, got ${this.iterations}`);
    if (!(Number.isInteger(this.warmup) && this.warmup >= 1)) throw new Error(`AlphaRefinePolicy: warmup must be an integer ≥ 1, got ${this.warmup}`);
    if (!(this.reach >= 1)) throw new Error(`AlphaRefinePolicy: reach must be ≥ 1, got ${this.reach}`);
    if (!(Number.isInteger(this.exploreEvery) && this.exploreEvery >= 1)) throw new Error(`AlphaRefinePolicy: exploreEvery must be an integer ≥ 1, got ${this.exploreEvery}`);
  }

  /** Whether to try the steps on a domain whose lowest open clause bound is `start` (≤ 0). */
  shouldTry(start: number): boolean {
    if (this.refuted < this.warmup) return true;
    if (-start <= this.reach * Math.max(...this.recent)) return true;
    return ++this.skipped % this.exploreEvery === 0;
  }

  /** Records a try: the lowest open clause bound before and after the steps. */
  record(start: number, after: number): void {
    this.tried++;
    if (!(after > 0)) return;
    this.refuted++;
    this.recent[this.next] = -start;
    this.next = (this.next + 1) % RECENT;
  }
}

/** Refutations {@link AlphaRefinePolicy} remembers. */
const RECENT = 64;
