// Training and evaluation loops (exported as the `train` namespace).
export { fit } from './fit';
export { evaluate } from './evaluate';
export { softmaxCrossEntropy } from './loss';
export type { EpochRecord, EvaluateOptions, EvaluateResult, FitHistory, FitOptions, FitProgress, LabeledImages, LossFunction } from './types';
