/** Interval bound propagation (IBP): intervals pushed through each layer. */
import type { DenseLayer, ReluNetwork } from '../network/network';
import { safeLower, safeUpper } from './float-safety';
import { checkBox, splitOf, type Box, type LayerBounds, type Splits } from './types';

/** Interval of `W·h + b` for h in [hl, hu], widened for rounding. */
export function affineInterval(layer: DenseLayer, hl: ArrayLike<number>, hu: ArrayLike<number>): { lower: Float64Array; upper: Float64Array } {
  const lower = new Float64Array(layer.outSize);
  const upper = new Float64Array(layer.outSize);
  const { weights: w, inSize } = layer;
  for (let i = 0; i < layer.outSize; i++) {
    let lo = layer.bias[i];
    let hi = lo;
    let mag = Math.abs(lo);
    const row = i * inSize;
    for (let j = 0; j < inSize; j++) {
      const wij = w[row + j];
      const a = wij * hl[j];
      const b = wij * hu[j];
      if (a < b) { lo += a; hi += b; } else { lo += b; hi += a; }
      mag += Math.max(Math.abs(a), Math.abs(b));
    }
    lower[i] = safeLower(lo, mag);
    upper[i] = safeUpper(hi, mag);
  }
  return { lower, upper };
}

/** Interval of a ReLU's output given its pre-activation interval and split state. */
export function reluInterval(l: number, u: number, split: number): [number, number] {
  if (split === 0) return [0, 0];
  if (split === 1) return [l, u];
  return [Math.max(l, 0), Math.max(u, 0)];
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
