// Optimizers and learning-rate schedules (exported as the `optim` namespace).
export type { LearningRate, Optimizer, OptimizerState, StepOptimizer } from './optimizer';
export { checkHyperparameter, checkLearningRate, resolveLearningRate } from './optimizer';
export { sgd, type SgdOptions } from './sgd';
export { adam, type AdamOptions } from './adam';
export { adamHostState, adamParameterStep, adamStepScalars, adamUpdate, type AdamHostState, type AdamHyperparameters } from './adam-rule';
export { constantLr, multiStepLr, perEpoch, stepLr, type MultiStepLrOptions, type Schedule, type StepLrOptions } from './schedules';
export { packedSgd, type PackedSgdOptions } from './packed-sgd';
export { packedAdam, type PackedAdamOptions } from './packed-adam';
export type { PerModel } from './per-model';
