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
