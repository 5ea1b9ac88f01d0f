/**
 * α-CROWN (α,β-CROWN on split domains) of one domain: the one-domain case of
 * {@link batchedAlphaBound}. The lower-relaxation slopes α of ambiguous ReLUs, and the multipliers
 * β of split ReLUs, are optimised by Adam on the host in float64 with the bound's exact gradient;
 * every bound returned is the sound float64 bound of those parameters, never looser than CROWN's.
 */
import type { ReluNetwork } from '../network/network';
import { batchedAlphaBound, type AlphaBetaBound } from './alpha-batched';
import type { Box, LayerBounds, Splits } from './types';

/** Settings of {@link alphaCrownBound}. */
export interface AlphaOptions {
  /** Gradient steps (default 20). */
  iterations?: number;
  /** Adam step size on the slopes (default 0.1). */
  lr?: number;
  /** Also optimise the split multipliers β (default true; they exist only where there are splits). */
  beta?: boolean;
  /** Stop optimising (keeping the best bound so far, which is sound) once `performance.now()` passes this, in ms. */
  deadline?: number;
}

/**
 * α-CROWN lower bounds of `rows·y + rowConst` (y = network output) over the box, with the given
 * sound intermediate bounds, on dense and convolutional networks alike.
 *
 * @param rows - row-major `[m, outputSize]`.
 * @param rowConst - `[m]`.
 * @returns the bound, and the slopes and multipliers that gave each row's, per hidden layer `[m, n]`.
 */
export function alphaCrownBound(
  net: ReluNetwork,
  box: Box,
  bounds: LayerBounds,
  splits: Splits | undefined,
  rows: Float64Array,
  rowConst: Float64Array,
  options: AlphaOptions = {},
): AlphaBetaBound {
  return batchedAlphaBound(net, [{ box, bounds, splits, rows, rowConst }], { ...options, update: 'adam' })[0];
}
