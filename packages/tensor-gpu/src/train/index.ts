// Training and evaluation loops (exported as the `train` namespace).
export { fit } from './fit';
export { evaluate } from './evaluate';
export { softmaxCrossEntropy } from './loss';
export { checkLabeledData, type CheckedData } from './dataset';
export { headOf, subsetOf } from './subsets';
export { checkpointStateDict, restoreCheckpoint, type TrainingCheckpoint } from './checkpoint';
export { lossAndGrads, trainStep, type LossAndGrads, type LossAndGradsOptions, type TrainStepOptions } from './step';
export type { EpochRecord, EvaluateOptions, EvaluateResult, FitHistory, FitOptions, FitProgress, LabeledData, LossFunction } from './types';
