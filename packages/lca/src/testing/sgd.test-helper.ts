// Mini-batch SGD with momentum on tensor-gpu modules (PyTorch's update rule), for the tests.
import * as t from '@nnlab/tensor-gpu';
import { batchStepper } from '../train/batch-stepper';

/** Options of {@link makeTrainer}. */
export interface TrainerOptions {
  lr: number;
  momentum: number;
  batchSize: number;
  seed: number;
  inputShape?: readonly number[];
}

/** A function that takes one SGD-momentum step on the next shuffled batch; `dispose` frees the momentum buffers. */
export function makeTrainer(model: t.nn.Module, data: t.train.LabeledData, options: TrainerOptions): { step: () => void; dispose: () => void } {
  const optimizer = t.optim.sgd({ lr: options.lr, momentum: options.momentum });
  const stepper = batchStepper(model, data, { optimizer, batchSize: options.batchSize, seed: options.seed, inputShape: options.inputShape });
  return { step: () => stepper.step().dispose(), dispose: () => optimizer.dispose() };
}
