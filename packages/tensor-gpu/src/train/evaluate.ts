import { batches } from '../data/batching';
import type { Module } from '../nn/module';
import { fromHost } from '../ops/creation';
import { elementwise } from '../ops/elementwise';
import { argmax, sum } from '../ops/reduce';
import { fmt } from '../shape';
import { DeviceSum } from './accumulator';
import { checkLabeledData, checkPositiveInteger, uploadBatch } from './dataset';
import { engineOfModel } from './engine-of';
import { softmaxCrossEntropy } from './loss';
import type { EvaluateOptions, EvaluateResult, LabeledData } from './types';

/**
 * Mean loss and accuracy of `model` on `data`, in batches, in eval mode (dropout off, batch norm
 * on running statistics) and without recording gradients; the model's previous mode is restored.
 * Sums stay on the device until the end, so the whole pass reads back two numbers.
 */
export async function evaluate(model: Module, data: LabeledData, options: EvaluateOptions = {}): Promise<EvaluateResult> {
  const engine = engineOfModel(model, 'evaluate');
  const checked = checkLabeledData(data, 'evaluate', 'data', options.inputShape);
  const batchSize = checkPositiveInteger('evaluate', 'batchSize', options.batchSize ?? 256);
  const lossFn = options.loss ?? softmaxCrossEntropy;
  const order = Uint32Array.from({ length: data.count }, (_, i) => i);
  const lossSum = new DeviceSum();
  const correctSum = new DeviceSum();
  const wasTraining = model.training;
  model.eval();
  try {
    for (const indices of batches(order, batchSize)) {
      const n = indices.length;
      const [loss, correct] = engine.tidy(() =>
        engine.noGrad(() => {
          const { x, labels } = uploadBatch(engine, data, indices, checked);
          const out = model.forward(x);
          if (out.rank !== 2 || out.shape[0] !== n) throw new Error(`evaluate: the model must return [batch, classes], got ${fmt(out.shape)} for a batch of ${n}`);
          const l = lossFn(out, labels);
          if (l.size !== 1) throw new Error(`evaluate: the loss must be a scalar, got shape ${fmt(l.shape)}`);
          const hits = elementwise('equal', argmax(out, 1), fromHost(engine, Float32Array.from(labels), [n]));
          return [elementwise('mul', l, n), sum(hits)];
        }),
      );
      lossSum.add(loss);
      correctSum.add(correct);
    }
    const l = await lossSum.take();
    const c = await correctSum.take();
    return { loss: l.sum / data.count, accuracy: c.sum / data.count, count: data.count };
  } finally {
    lossSum.dispose();
    correctSum.dispose();
    model.train(wasTraining);
  }
}
