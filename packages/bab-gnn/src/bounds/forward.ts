/**
 * Forward linear bound propagation ("symbolic intervals") of one domain: see
 * {@link batchedForwardBounds}, of which this is the one-domain case.
 */
import type { ReluNetwork } from '../network/network';
import { batchedForwardBounds } from './batched-forward';
import type { Box, LayerBounds, Splits } from './types';

/**
 * Pre-activation bounds of every hidden layer by forward linear propagation, intersected with IBP
 * and with `prior` (bounds known to hold on a box containing this one, e.g. a parent domain's).
 */
export function forwardBounds(net: ReluNetwork, box: Box, splits?: Splits, prior?: LayerBounds): LayerBounds {
  return batchedForwardBounds(net, [{ box, splits, prior }])[0];
}
