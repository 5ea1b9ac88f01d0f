import * as t from '@nnlab/tensor-gpu';
import { resolveAdaptiveScaleOptions, type AdaptiveScaleOptions } from '../formula/options';
import type { ScaleValue } from '../mixed/scale-value';
import { deviceAdaptiveScale } from './device-scale';
import { checkIntegerOption, checkNumberOption, type LayerScaleRequest, type LossScalePolicy } from './types';

/** Options of {@link adaptiveScaling}: the formula's constants plus how often it runs. */
export interface AdaptiveScalingOptions extends AdaptiveScaleOptions {
  /** s₀, the scale of the loss gradient before the last layer (default 1, as the reference). */
  initScale?: number;
  /** Recompute each layer's α every F steps and reuse it in between (default 1: every step). */
  updateEvery?: number;
  /** Smallest common scale tried at a branch merge (default 1/8, the reference's halving floor). */
  branchMinScale?: number;
}

/**
 * Adaptive layer-wise loss scaling (Zhao, Vogel and Ahmed): in the backward pass every Linear
 * and Conv2d layer scales its incoming gradient by its own α, computed on the device from the
 * statistics of that gradient and of the layer's weight (see `adaptiveScale` for the formula),
 * every `updateEvery` steps. There is no back-off: steps with non-finite gradients are skipped.
 */
export function adaptiveScaling(options: AdaptiveScalingOptions = {}): LossScalePolicy {
  const where = 'adaptiveScaling';
  const formula = resolveAdaptiveScaleOptions(options, where);
  const initScale = checkNumberOption(where, 'initScale', options.initScale ?? 1, 0, true);
  const updateEvery = checkIntegerOption(where, 'updateEvery', options.updateEvery ?? 1);
  const branchMinScale = checkNumberOption(where, 'branchMinScale', options.branchMinScale ?? 1 / 8, 0, true);
  // Kept scalar tensors, one per layer, reused for the F − 1 steps between recomputations.
  const held = new Map<string, t.Tensor>();
  return {
    method: 'adaptive',
    uMax: formula.uMax,
    branchMinScale,
    lossScale: () => initScale,
    layerScale(request: LayerScaleRequest): ScaleValue {
      const last = held.get(request.layer);
      if (last && request.iteration % updateEvery !== 0) return last;
      const alpha = t.keep(deviceAdaptiveScale(request.grad, request.weight, request.reduction, request.previous, formula));
      last?.dispose();
      held.set(request.layer, alpha);
      return alpha;
    },
    endStep: () => {},
    dispose() {
      for (const a of held.values()) a.dispose();
      held.clear();
    },
  };
}
