import * as t from '@nnlab/tensor-gpu';
import { gaussianQuantileFactor } from '../formula/adaptive';
import type { ResolvedAdaptiveScaleOptions } from '../formula/options';
import type { ScaleValue } from '../mixed/scale-value';

/**
 * The adaptive scale α of one layer computed on the device, as a scalar float32 tensor: the same
 * steps as the float64 reference `adaptiveScale`, from full reductions of the incoming gradient
 * `grad` and the float16 weight `weight`. Nothing is read back, so the backward pass never stalls.
 * A non-finite statistic (the gradient already overflowed) gives α = 1: the step is skipped anyway.
 */
export function deviceAdaptiveScale(grad: t.Tensor, weight: t.Tensor, reduction: number, previous: ScaleValue, o: ResolvedAdaptiveScaleOptions): t.Tensor {
  return t.tidy(() => {
    const g = t.cast(grad, 'float32');
    const w = t.cast(weight, 'float32');
    const gradMeanSquare = t.mean(t.square(g));
    const weightMeanSquare = t.mean(t.square(w));
    const sigma = t.mul(t.sqrt(t.mul(gradMeanSquare, weightMeanSquare)), Math.sqrt(o.reluFactor * reduction));
    // α_uf = u_min / (√2·erfinv(T_uf)·σ); σ = 0 gives Infinity here and α = 1 below.
    const underflowBound = t.div(o.uMin / gaussianQuantileFactor(o.underflowRate), sigma);
    const fromUnderflow = t.where(t.greater(sigma, 0), t.maximum(underflowBound, 1), 1);
    const overflowBound = t.div(o.uMax / reduction, t.mul(t.max(t.abs(g)), t.max(t.abs(w))));
    let alpha = t.minimum(fromUnderflow, overflowBound);
    alpha = t.minimum(alpha, o.scaleUpperBound);
    alpha = t.minimum(alpha, typeof previous === 'number' ? o.accumUpperBound / previous : t.div(o.accumUpperBound, previous));
    if (o.powerOfTwo) alpha = devicePowerOfTwoFloor(alpha);
    const usable = t.mul(t.isFinite(alpha), t.greater(alpha, 0));
    return t.where(usable, alpha, 1);
  });
}

/**
 * The largest power of two ≤ x for a positive scalar tensor: 2^⌊log₂ x⌋, then corrected by one
 * step either way, because log on the device may land one ulp beside an exact power of two.
 */
export function devicePowerOfTwoFloor(x: t.Tensor): t.Tensor {
  return t.tidy(() => {
    let p = t.pow(2, t.floor(t.div(t.log(x), Math.LN2)));
    p = t.where(t.greater(p, x), t.mul(p, 0.5), p);
    return t.where(t.lessEqual(t.mul(p, 2), x), t.mul(p, 2), p);
  });
}
