/** The interface every ReLU branching strategy implements, and what they share. */
import type { Box, LayerBounds, Splits } from '../bounds/types';
import type { ReluNetwork } from '../network/network';

/** A ReLU to split: neuron `index` of hidden layer `layer`. */
export interface ReluChoice {
  /** Hidden layer (0 = first ReLU layer). */
  readonly layer: number;
  /** Neuron within the layer. */
  readonly index: number;
}

/** What a rule sees of the domain it branches on. */
export interface BranchingContext {
  /** The network. */
  readonly net: ReluNetwork;
  /** The input box. */
  readonly box: Box;
  /** Current splits. */
  readonly splits: Splits;
  /** Pre-activation bounds of the domain. */
  readonly bounds: LayerBounds;
  /** The scalar objective `coeffs·y + constant` whose lower bound the search raises. */
  readonly objective: { readonly coeffs: Float64Array; readonly constant: number };
  /** The domain's lower bound of the objective. */
  readonly lower: number;
  /** The input minimising the domain's linear lower bound (the GNN's stand-in for an LP primal point). */
  readonly point?: Float64Array;
  /** Bounds the two children (inactive, active) of a split; used by strong branching and the fail-safe. */
  boundChildren(choice: ReluChoice): Promise<[number, number]>;
}

/** A branching strategy: picks a free ambiguous ReLU, or null when there is none. */
export interface BranchingRule {
  /** A short name for tables (`'babsr'`, `'strong'`, `'gnn'`). */
  readonly name: string;
  /** Chooses the ReLU to split on. */
  choose(ctx: BranchingContext): Promise<ReluChoice | null>;
}

/** Free (unsplit) ReLUs whose pre-activation bounds straddle 0: the only candidates. */
export function ambiguousCandidates(splits: Splits, bounds: LayerBounds): ReluChoice[] {
  const out: ReluChoice[] = [];
  bounds.lower.forEach((lo, k) => {
    for (let i = 0; i < lo.length; i++) if (splits[k][i] === -1 && lo[i] < 0 && bounds.upper[k][i] > 0) out.push({ layer: k, index: i });
  });
  return out;
}

/**
 * Improvement of a split with parent bound `parent` < 0 and child bounds `lb0`, `lb1`:
 * `(min(lb0, 0) + min(lb1, 0) − 2·parent) / (−2·parent)`; 0 = no gain, 1 = both children proved.
 * Clipped to [0, 1]; 1 when the parent is already ≥ 0.
 */
export function improvement(parent: number, lb0: number, lb1: number): number {
  if (!(parent < 0)) return 1;
  const v = (Math.min(lb0, 0) + Math.min(lb1, 0) - 2 * parent) / (-2 * parent);
  return Math.min(1, Math.max(0, v));
}
