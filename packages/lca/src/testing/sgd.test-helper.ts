// Mini-batch SGD with momentum on tensor-gpu modules (PyTorch's update rule), for the tests.
import * as t from '@nnlab/tensor-gpu';
import type { LcaData } from '../oracle/data';

/** Options of {@link makeTrainer}. */
export interface TrainerOptions {
  lr: number;
  momentum: number;
  batchSize: number;
  seed: number;
  inputShape?: readonly number[];
}

/** A function that takes one SGD-momentum step on the next shuffled batch; `dispose` frees the momentum buffers. */
export function makeTrainer(model: t.nn.Module, data: LcaData, options: TrainerOptions): { step: () => void; dispose: () => void } {
  const params = model.parameters();
  const optimizer = t.optim.sgd({ lr: options.lr, momentum: options.momentum });
  const sampleSize = data.shape.reduce((a, b) => a * b, 1);
  const inputShape = [...(options.inputShape ?? data.shape)];
  const order = t.data.permutation(data.count, options.seed);
  let pos = 0;
  let epoch = 0;
  const step = () => {
    if (pos + options.batchSize > data.count) {
      t.data.shuffleInPlace(order, options.seed + ++epoch);
      pos = 0;
    }
    const idx = order.subarray(pos, pos + options.batchSize);
    pos += options.batchSize;
    const { x, y } = t.data.gatherBatch(data.images, data.labels as Uint8Array, idx, sampleSize);
    model.train();
    t.tidy(() => {
      const xt = t.tensor(x, [idx.length, ...inputShape]);
      const { grads } = t.valueAndGrad((..._w: t.Tensor[]) => t.crossEntropy(model.forward(xt), y))(...params.map((p) => p.value));
      optimizer.step(params, grads as t.Tensor[]);
    });
  };
  return { step, dispose: () => optimizer.dispose() };
}
