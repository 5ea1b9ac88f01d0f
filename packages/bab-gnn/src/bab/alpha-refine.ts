/**
 * Tightening CROWN bounds of selected rows of one domain by optimising their lower-relaxation
 * slopes on the host ({@link hostAlphaBound}: float64, a few sign steps, no tensors). Far cheaper
 * per domain than the tensor α-CROWN of alpha.ts, and on small boxes, where most ReLUs are stable
 * and the few ambiguous ones decide the bound, most of α-CROWN's gain comes in these few steps.
 * The bound of every row is recomputed soundly by the batched backward pass with the chosen slopes
 * and is never looser than CROWN's (the search starts from CROWN's slopes and keeps the best).
 */
import { hostAlphaBound } from '../bounds/alpha-host';
import type { LinearLowerBound } from '../bounds/batched-backward';
import type { Box, LayerBounds, Splits } from '../bounds/types';
import type { ReluNetwork } from '../network/network';

/**
 * `result` with rows `select` (indices into `rowConst`) replaced by their slope-optimised bounds
 * where those are higher; `rows` row-major `[m, outputSize]` as bounded in `result`.
 */
export function refineRows(
  net: ReluNetwork,
  box: Box,
  layers: LayerBounds,
  splits: Splits | undefined,
  rows: Float64Array,
  rowConst: Float64Array,
  result: LinearLowerBound,
  select: readonly number[],
  iterations: number,
  deadline?: number,
): LinearLowerBound {
  if (select.length === 0 || !result.margin) return result;
  const out = net.outputSize;
  const d = net.inputSize;
  const subRows = new Float64Array(select.length * out);
  const subConst = new Float64Array(select.length);
  select.forEach((q, j) => {
    subRows.set(rows.subarray(q * out, (q + 1) * out), j * out);
    subConst[j] = rowConst[q];
  });
  const refined = hostAlphaBound(net, box, layers, splits, subRows, subConst, { iterations, deadline });
  if (!refined.margin) return result;
  const lower = Float64Array.from(result.lower);
  const inputCoeffs = Float64Array.from(result.inputCoeffs);
  const constant = Float64Array.from(result.constant);
  const margin = Float64Array.from(result.margin);
  select.forEach((q, j) => {
    if (!(refined.lower[j] > lower[q])) return;
    lower[q] = refined.lower[j];
    constant[q] = refined.constant[j];
    margin[q] = refined.margin![j];
    inputCoeffs.set(refined.inputCoeffs.subarray(j * d, (j + 1) * d), q * d);
  });
  return { lower, inputCoeffs, constant, margin };
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
