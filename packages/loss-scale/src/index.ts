/**
 * `@nnlab/loss-scale`: loss scaling for mixed-precision training on the emulated float16 of
 * `@nnlab/tensor-gpu` — no scaling, static, dynamic (Chainer's scheme and Apex's) and adaptive
 * layer-wise scaling (Zhao, Vogel and Ahmed, “Adaptive Loss Scaling for Mixed Precision
 * Training”, arXiv 1910.12385; IJCAI 2020 as “Reducing Underflow in Mixed Precision Training by
 * Gradient Scaling”), with a recorder of per-layer scales and float16 underflow rates.
 *
 * @packageDocumentation
 */
export { REFERENCE_U_MIN } from './formula/constants';
export { erf, erfinv } from './formula/erfinv';
export { NO_CAPS, resolveAdaptiveScaleOptions, type AdaptiveScaleOptions, type ResolvedAdaptiveScaleOptions } from './formula/options';
export { adaptiveScale, gaussianQuantileFactor, meanSquareAndAbsMax, powerOfTwoFloor, type AdaptiveScale, type LayerStatistics } from './formula/adaptive';
export { gaussian, linearUnderflowCheck, type LinearUnderflowCheck, type LinearUnderflowCheckOptions } from './formula/linear-check';
export type { LayerScaleRequest, LossScaleMethod, LossScalePolicy } from './policy/types';
export { noScaling, staticScaling, type StaticScalingOptions } from './policy/fixed';
export { apexDynamicScaling, dynamicScaling, type ApexDynamicScalingOptions, type DynamicScalingOptions } from './policy/dynamic';
export { adaptiveScaling, type AdaptiveScalingOptions } from './policy/adaptive';
export { deviceAdaptiveScale, devicePowerOfTwoFloor } from './policy/device-scale';
export { overflowRate, underflowRate } from './mixed/counts';
export type { ScaleValue } from './mixed/scale-value';
export { commonBranchScale, mergeBranches, type ScaledGradient } from './mixed/branches';
export { ScaleRecorder, type LayerQuantity, type LayerStepRecord, type StepRecord } from './record/recorder';
export { MixedPrecisionTrainer, type MixedPrecisionOptions, type StepResult } from './train/trainer';
export { trainEpochs, type TrainEpochsOptions } from './train/loop';
