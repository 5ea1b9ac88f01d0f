/** The compressibility loss of a model's weights, per layer or global. */
import * as t from '@nnlab/tensor-gpu';
import { selectWeights, type WeightSource } from './groups';
import { groupCompressibility } from './op';
import { resolveCompressibilityOptions, type CompressibilityOptions } from './options';

/**
 * The compressibility loss L_c = ‖w‖₁/‖w‖₂ of a model's weights as a scalar tensor, differentiable
 * through `@nnlab/tensor-gpu` (call it inside the function given to `valueAndGrad`).
 * With `scope: 'layer'` (default) it is the sum over weight tensors of each tensor's loss; with
 * `'global'` it is the loss of all weights as one vector. Biases are left out unless `includeBias`.
 *
 * @param params - a module, its parameters, or bare tensors; values are read at call time.
 * @param options - scope, form, bias handling and the denominator guard ({@link CompressibilityOptions}).
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 * import { compressibilityLoss } from '@nnlab/compressibility';
 *
 * // ‖w‖₁/‖w‖₂ is √k for k non-zeros of equal magnitude: the fewer non-zeros, the lower.
 * // (Bare rank-1 tensors count as biases and are left out, so these weights are 2 × 2.)
 * console.log(await compressibilityLoss([t.tensor([[1, -1], [1, -1]])]).data()); // → Float32Array(1) [ 2 ]
 * console.log(await compressibilityLoss([t.tensor([[0, 0], [0, 3]])]).data()); // → Float32Array(1) [ 1 ]
 *
 * // As a regulariser: λ·L_c added to the task loss, differentiated with the model's weights.
 * const model = t.nn.mnistFc({ seed: 1 });
 * const x = t.rand([8, 784], { seed: 2 });
 * const labels = Int32Array.from({ length: 8 }, (_, i) => i);
 * const objective = (..._w: t.Tensor[]) => t.add(t.crossEntropy(model.forward(x), labels), t.mul(compressibilityLoss(model), 0.005));
 * const { grads } = t.valueAndGrad(objective)(...model.trainableParameters().map((p) => p.value));
 * console.log(grads.length); // → 6
 * ```
 */
export function compressibilityLoss(params: WeightSource, options: CompressibilityOptions = {}): t.Tensor {
  const o = resolveCompressibilityOptions(options);
  const weights = selectWeights(params, o.includeBias).map((w) => w.value);
  if (o.scope === 'global') return groupCompressibility(weights, o);
  return t.tidy(() => {
    let total: t.Tensor | null = null;
    for (const w of weights) {
      const lc = groupCompressibility([w], o);
      total = total ? t.add(total, lc) : lc;
    }
    return total!;
  });
}
