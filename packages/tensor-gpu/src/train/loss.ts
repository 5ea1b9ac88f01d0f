import { crossEntropy } from '../ops/softmax';
import type { LossFunction } from './types';

/** The default loss of `fit` and `evaluate`: mean softmax cross-entropy of logits `[batch, classes]`. */
export const softmaxCrossEntropy: LossFunction = (output, labels) => crossEntropy(output, labels);
