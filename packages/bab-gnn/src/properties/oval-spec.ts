/**
 * An OVAL CIFAR property as a verification problem: the box `x0 ± eps` in normalised input space
 * (x0 and eps in float64, the box rounded outward; not clipped to the image range, as in the reference) and one clause, unsafe when
 * `logit[label] − logit[target] < 0`. A tie counts as verified, as in the reference (which stops on
 * a global lower bound ≥ 0); bounding treats the strict constraint as `≤`, the safe side.
 */
import { nextDown, nextUp } from '../exact/rational';
import type { OvalModel } from '../parse/oval-model';
import type { OvalProperty } from '../parse/oval-properties';
import type { VerificationSpec } from './spec';

/**
 * The normalised image `(byte / 255 − mean[c]) / std[c]` in float64, from `[C, H, W]` pixel bytes.
 *
 * @throws Error when the byte count does not match the model's input.
 */
export function normaliseImage(model: OvalModel, bytes: ArrayLike<number>): Float64Array {
  const [c, h, w] = model.inputShape;
  const plane = h * w;
  if (bytes.length !== c * plane) throw new Error(`normaliseImage: ${bytes.length} pixel values, the model reads ${c}×${h}×${w}`);
  return Float64Array.from(bytes, (v, i) => {
    const ch = Math.floor(i / plane);
    return (v / 255 - model.mean[ch]) / model.std[ch];
  });
}

/** The verification problem of one property on the normalised image `x0`. */
export function ovalSpec(x0: ArrayLike<number>, property: OvalProperty, numClasses: number): VerificationSpec {
  const { label, target, eps } = property;
  if (label >= numClasses || target >= numClasses) throw new Error(`ovalSpec: classes ${label}, ${target} outside the network's ${numClasses} outputs`);
  const coeffs = new Float64Array(numClasses);
  coeffs[label] = 1;
  coeffs[target] = -1;
  // One step outward, so that the float box contains the real box x0 ± eps whatever the rounding.
  const lower = Float64Array.from(x0, (v) => nextDown(v - eps));
  const upper = Float64Array.from(x0, (v) => nextUp(v + eps));
  return { inputSize: lower.length, outputSize: numClasses, regions: [{ lower, upper, clauses: [[{ coeffs, constant: 0, strict: true }]] }] };
}
