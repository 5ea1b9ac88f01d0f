import { FLOAT16_MAX } from '@nnlab/tensor-gpu';
import type { LossScaleMethod, LossScalePolicy } from './types';

/**
 * A policy with one scale for the whole backward pass (s₀, and α = 1 in every layer): the shape of
 * every baseline. `lossScale` gives s₀ for the next step; `endStep` updates it after a step.
 */
export function globalScalePolicy(method: Exclude<LossScaleMethod, 'adaptive'>, lossScale: () => number, endStep: (finite: boolean) => void = () => {}): LossScalePolicy {
  return {
    method,
    uMax: FLOAT16_MAX,
    branchMinScale: 1 / 8,
    lossScale,
    layerScale: () => 1,
    endStep,
    dispose: () => {},
  };
}
