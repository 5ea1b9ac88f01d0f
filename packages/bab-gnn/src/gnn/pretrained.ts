// The shipped GNN weights are data (JSON files written by bench/train-gnn.ts and bench/train-gnn-oval.ts).
import smallWeights from './pretrained-weights.json';
import ovalBaseWeights from './pretrained-oval-base-weights.json';
import type { GnnWeights } from './weights';

/** The shipped weights for small dense networks (trained on small random networks; see the README). */
export const PRETRAINED_GNN: GnnWeights = smallWeights as GnnWeights;

/** The shipped weights for the OVAL CIFAR base model (trained on its `base_med` properties; see the README). */
export const PRETRAINED_GNN_OVAL_BASE: GnnWeights = ovalBaseWeights as GnnWeights;

/** Names of the shipped weights: `small-random` (small dense networks) and `oval-base` (the OVAL CIFAR base model). */
export const PRETRAINED_GNNS = ['small-random', 'oval-base'] as const;

/** A name of {@link PRETRAINED_GNNS}. */
export type PretrainedGnnName = (typeof PRETRAINED_GNNS)[number];

/** The shipped weights called `name`; throws naming the choices for an unknown name. */
export function pretrainedGnnWeights(name: PretrainedGnnName): GnnWeights {
  if (name === 'small-random') return PRETRAINED_GNN;
  if (name === 'oval-base') return PRETRAINED_GNN_OVAL_BASE;
  throw new Error(`pretrainedGnnWeights: name must be one of ${PRETRAINED_GNNS.join(', ')}, got ${JSON.stringify(name)}`);
}
