import * as t from '@nnlab/tensor-gpu';
import type { BackwardPass } from './backward-pass';
import type { ScaleValue } from './scale-value';

/** A branch gradient with the scale it carries. */
export interface ScaledGradient {
  /** The float16 gradient. */
  grad: t.Tensor;
  /** The scale it carries. */
  scale: ScaleValue;
}

function asTensor(s: ScaleValue): t.Tensor {
  return typeof s === 'number' ? t.scalar(s) : s;
}

/**
 * The common scale s* at a branch merge (the reference code's `AdaLossBranch.rescaling`): the largest branch
 * scale with max_i(max|g_i|/s_i)·s* < u_max; failing that the smaller branch scale halved until it
 * qualifies, but not below `minScale`. Scalar float32 tensor.
 */
export function commonBranchScale(branches: readonly ScaledGradient[], uMax: number, minScale: number): t.Tensor {
  if (branches.length < 2) throw new Error(`commonBranchScale: expected at least two branches, got ${branches.length}`);
  return t.tidy(() => {
    const scales = branches.map((b) => asTensor(b.scale));
    const unscaledMax = branches.map((b, i) => t.div(t.max(t.abs(t.cast(b.grad, 'float32'))), scales[i])).reduce((a, b) => t.maximum(a, b));
    const largest = scales.reduce((a, b) => t.maximum(a, b));
    const smallest = scales.reduce((a, b) => t.minimum(a, b));
    const fits = (s: t.Tensor) => t.less(t.mul(unscaledMax, s), uMax);
    // Halving `smallest` k times with k the least count that fits: 2^k is twice the largest power
    // of two ≤ smallest·m/u_max (computed exactly from the float32 exponent via log and a correction).
    const ratio = t.div(t.mul(smallest, unscaledMax), uMax);
    let p = t.pow(2, t.floor(t.div(t.log(ratio), Math.LN2)));
    p = t.where(t.greater(p, ratio), t.mul(p, 0.5), p);
    p = t.where(t.lessEqual(t.mul(p, 2), ratio), t.mul(p, 2), p);
    const halved = t.maximum(t.div(smallest, t.mul(p, 2)), minScale);
    const fallback = t.where(t.isFinite(halved), halved, minScale);
    return t.where(fits(largest), largest, t.where(fits(smallest), smallest, fallback));
  });
}

/**
 * Sums branch gradients that may carry different scales: equal host scales are added directly;
 * otherwise every gradient is rescaled to {@link commonBranchScale} first. The sum is float16.
 */
export function mergeBranches(branches: readonly ScaledGradient[], uMax: number, minScale: number): ScaledGradient {
  const first = branches[0].scale;
  if (typeof first === 'number' && branches.every((b) => b.scale === first)) {
    return { grad: branches.map((b) => t.cast(b.grad, 'float16')).reduce((a, b) => t.add(a, b)), scale: first };
  }
  const common = commonBranchScale(branches, uMax, minScale);
  const rescaled = branches.map((b) => t.cast(t.mul(t.cast(b.grad, 'float16'), t.div(common, b.scale)), 'float16'));
  return { grad: rescaled.reduce((a, b) => t.add(a, b)), scale: common };
}

/**
 * Splits `x` into two branch inputs for a residual block. In the backward pass the two branch
 * gradients arrive separately; the first is held back and the second merges both at a common
 * scale, so the engine never adds gradients that carry different scales.
 */
export function fork(x: t.Tensor, pass: BackwardPass): [t.Tensor, t.Tensor] {
  const arrived: ScaledGradient[] = [];
  const branch = t.customGrad(
    (a: t.Tensor) => t.reshape(a, a.shape),
    (dy, { inputs: [a], output }) => {
      arrived.push({ grad: t.cast(dy, 'float16'), scale: pass.scaleOf(output, 'residual branch') });
      if (arrived.length < 2) return [null];
      const merged = mergeBranches(arrived, pass.policy.uMax, pass.policy.branchMinScale);
      pass.setScale(a, merged.scale);
      return [t.cast(merged.grad, a.dtype)];
    },
  );
  return [branch(x), branch(x)];
}

/** `a + b` in float16 for the end of a residual block: both inputs' gradients carry the output's scale. */
export function join(a: t.Tensor, b: t.Tensor, pass: BackwardPass): t.Tensor {
  const op = t.customGrad(
    (u: t.Tensor, v: t.Tensor) => t.add(t.cast(u, 'float16'), t.cast(v, 'float16')),
    (dy, { inputs: [u, v], output }) => {
      const s = pass.scaleOf(output, 'residual join');
      pass.setScale(u, s);
      pass.setScale(v, s);
      return [t.cast(dy, u.dtype), t.cast(dy, v.dtype)];
    },
  );
  return op(a, b);
}
