/** Interval bound propagation (IBP) of one domain: intervals pushed through each layer. */
import type { AffineLayer, ReluNetwork } from '../network/network';
import { batchedAffineInterval, reluInterval } from './batched-ibp';
import { checkBox, splitOf, type Box, type LayerBounds, type Splits } from './types';

export { reluInterval } from './batched-ibp';

/** Interval of `W·h + b` for h in [hl, hu], widened for rounding (one domain of {@link batchedAffineInterval}). */
export function affineInterval(layer: AffineLayer, hl: ArrayLike<number>, hu: ArrayLike<number>): { lower: Float64Array; upper: Float64Array } {
  return batchedAffineInterval(layer, { lower: Float64Array.from(hl), upper: Float64Array.from(hu) }, 1);
}

/** IBP bounds of every hidden pre-activation and of the output over `box`. */
export function ibpBounds(net: ReluNetwork, box: Box, splits?: Splits): LayerBounds & { outputLower: Float64Array; outputUpper: Float64Array } {
  checkBox(box, net.inputSize, 'ibpBounds');
  const lower: Float64Array[] = [];
  const upper: Float64Array[] = [];
  let hl: ArrayLike<number> = box.lower;
  let hu: ArrayLike<number> = box.upper;
  for (let k = 0; k < net.layers.length; k++) {
    const z = affineInterval(net.layers[k], hl, hu);
    if (k === net.layers.length - 1) return { lower, upper, outputLower: z.lower, outputUpper: z.upper };
    lower.push(z.lower);
    upper.push(z.upper);
    const nl = new Float64Array(z.lower.length);
    const nu = new Float64Array(z.lower.length);
    for (let i = 0; i < nl.length; i++) [nl[i], nu[i]] = reluInterval(z.lower[i], z.upper[i], splitOf(splits, k, i));
    hl = nl;
    hu = nu;
  }
  throw new Error('ibpBounds: network has no layers');
}
