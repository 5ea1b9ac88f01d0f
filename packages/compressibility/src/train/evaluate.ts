/** Test accuracy of a classifier, in batches, without recording gradients. */
import * as t from '@nnlab/tensor-gpu';
import { uploadBatch } from './data';

/** What {@link accuracyOf} returns. */
export interface AccuracyResult {
  /** Share of samples whose arg-max output is their label, in [0, 1]. */
  accuracy: number;
  /** Samples classified correctly. */
  correct: number;
  /** Samples evaluated. */
  count: number;
}

/** Accuracy of `model` on `data` in eval mode (the previous mode is restored). */
export async function accuracyOf(model: t.nn.Module, data: t.train.LabeledData, options: { batchSize?: number; inputShape?: readonly number[] } = {}): Promise<AccuracyResult> {
  t.train.checkLabeledData(data, 'accuracyOf', 'data', options.inputShape);
  const batchSize = options.batchSize ?? 1000;
  const inputShape = options.inputShape ?? data.shape;
  const wasTraining = model.training;
  model.eval();
  let correct = 0;
  try {
    const order = Uint32Array.from({ length: data.count }, (_, i) => i);
    for (const indices of t.data.batches(order, batchSize)) {
      const predicted = t.tidy(() => t.noGrad(() => t.argmax(model.forward(uploadBatch(data, indices, inputShape).x), 1)));
      const values = await predicted.data();
      predicted.dispose();
      for (let k = 0; k < indices.length; k++) if (values[k] === data.labels[indices[k]]) correct++;
    }
  } finally {
    model.train(wasTraining);
  }
  return { accuracy: correct / data.count, correct, count: data.count };
}
