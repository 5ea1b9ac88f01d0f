/** The GNNs shipped with the package. */
import type { BranchingGnn } from './model';
import { pretrainedGnnWeights, type PretrainedGnnName } from './pretrained';
import { loadGnnWeights } from './weights';

/**
 * A fresh model with shipped weights: `'small-random'` (the default; trained by
 * `bench/train-gnn.ts` by imitation of strong branching on small random networks) or
 * `'oval-base'` (trained by `bench/train-gnn-oval.ts` by imitation of strong branching at domains
 * visited on `base_med` properties of the OVAL CIFAR base model, the paper's setting; use it on
 * that model). See the README for how each does. The caller owns it: `dispose()` it when done.
 */
export function loadPretrainedGnn(name: PretrainedGnnName = 'small-random'): BranchingGnn {
  return loadGnnWeights(pretrainedGnnWeights(name));
}
