// The shipped GNN weights are data (pretrained-weights.json), written by bench/train-gnn.ts.
import weights from './pretrained-weights.json';
import type { GnnWeights } from './weights';

/** The shipped GNN weights (see the README for how they were trained and how well they do). */
export const PRETRAINED_GNN: GnnWeights = weights as GnnWeights;
