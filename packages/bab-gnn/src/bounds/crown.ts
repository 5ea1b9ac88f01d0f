/**
 * Backward linear bound propagation (CROWN / DeepPoly) of one domain: the one-domain case of
 * {@link batchedBackwardLowerBound} and {@link batchedIntermediateBounds}.
 */
import type { ReluNetwork } from '../network/network';
import { batchedBackwardLowerBound, type Alphas, type Betas, type LinearLowerBound } from './batched-backward';
import { batchedIntermediateBounds, type IntermediateMethod } from './batched-intermediate';
import type { Box, LayerBounds, Splits } from './types';

export type { Alphas, Betas, LinearLowerBound } from './batched-backward';
export type { IntermediateMethod } from './batched-intermediate';

/**
 * Lower bounds of `rows·z_k + rowConst` over the box, where z_k is the output of affine layer k
 * (k = layers − 1: the network output). Needs sound pre-activation bounds of the hidden layers
 * before k.
 *
 * @param rows - row-major `[m, outSize of layer k]`.
 * @param rowConst - `[m]`.
 * @param alphas - optional lower slopes (per hidden layer, `[m, n]`); default CROWN's (`defaultLowerSlope`).
 * @param betas - optional split multipliers (per hidden layer, `[m, n]`, ≥ 0); default 0.
 */
export function backwardLowerBound(
  net: ReluNetwork,
  box: Box,
  bounds: LayerBounds,
  splits: Splits | undefined,
  layerIndex: number,
  rows: Float64Array,
  rowConst: Float64Array,
  alphas?: Alphas,
  betas?: Betas,
): LinearLowerBound {
  return batchedBackwardLowerBound(net, [{ box, bounds, splits, rows, rowConst, alphas, betas }], layerIndex)[0];
}

/**
 * Sound pre-activation bounds of every hidden layer over one box; see
 * {@link batchedIntermediateBounds} for the methods. `prior`: bounds known to hold on a box
 * containing `box` (a parent domain's, with the same splits or fewer), intersected in as well.
 * `deadline` (a `performance.now()` time in ms): throws a `DeadlineError` between layers past it.
 */
export function intermediateBounds(net: ReluNetwork, box: Box, splits?: Splits, method: IntermediateMethod = 'crown', prior?: LayerBounds, deadline?: number): LayerBounds {
  return batchedIntermediateBounds(net, [{ box, splits, prior }], method, deadline)[0];
}
