/** The GNN shipped with the package. */
import type { BranchingGnn } from './model';
import { PRETRAINED_GNN } from './pretrained';
import { loadGnnWeights } from './weights';

/**
 * A fresh model with the shipped weights (trained by `bench/train-gnn.ts` from a seed, by imitation
 * of strong branching on small random networks; see the README for its measured branch counts).
 * The caller owns it: `dispose()` it when done.
 */
export function loadPretrainedGnn(): BranchingGnn {
  return loadGnnWeights(PRETRAINED_GNN);
}
