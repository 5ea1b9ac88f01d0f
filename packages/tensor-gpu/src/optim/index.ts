// Optimizers and learning-rate schedules (exported as the `optim` namespace).
export type { LearningRate, Optimizer, OptimizerState, StepOptimizer } from './optimizer';
export { MAX_SAVED_COUNT, STEP_COUNT_KEY, UPDATE_COUNT_SUFFIX, type NamedParameters } from './state-dict';
export { checkHyperparameter, checkLearningRate, resolveLearningRate } from './optimizer';
export { sgd, type SgdOptions } from './sgd';
export { adam, type AdamOptions } from './adam';
export { adamHostState, adamParameterStep, adamStepScalars, adamUpdate, type AdamHostState, type AdamHyperparameters } from './adam-rule';
export { constantLr, multiStepLr, perEpoch, stepLr, type MultiStepLrOptions, type Schedule, type StepLrOptions } from './schedules';
export { packedSgd, type PackedSgdOptions } from './packed-sgd';
export { packedAdam, type PackedAdamOptions } from './packed-adam';
export type { PerModel } from './per-model';
