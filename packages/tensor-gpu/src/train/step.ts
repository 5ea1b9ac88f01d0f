import { valueAndGrad } from '../autodiff/grad';
import type { Module } from '../nn/module';
import type { Parameter } from '../nn/parameter';
import type { StepOptimizer } from '../optim/optimizer';
import { checkTensor } from '../ops/run';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';
import { softmaxCrossEntropy } from './loss';
import type { LossFunction } from './types';

/** Options of {@link lossAndGrads}. */
export interface LossAndGradsOptions {
  /** Training loss (default: softmax cross-entropy over logits). */
  loss?: LossFunction;
  /** The parameters to differentiate (default `model.trainableParameters()`). */
  parameters?: readonly Parameter[];
}

/** What {@link lossAndGrads} returns; the caller owns `loss` and every gradient. */
export interface LossAndGrads {
  /** The batch loss, a scalar tensor. */
  loss: Tensor;
  /** The parameters differentiated, in order. */
  parameters: Parameter[];
  /** `grads[i]` is the gradient of the loss with respect to `parameters[i]`. */
  grads: Tensor[];
}

/** Options of {@link trainStep}. */
export interface TrainStepOptions extends LossAndGradsOptions {
  /** Updates the parameters from their gradients. */
  optimizer: StepOptimizer;
}

/**
 * The loss of `model` on one batch (`x` on the device, class ids on the host) and its gradients
 * with respect to the model's trainable parameters. Intermediate tensors are freed.
 *
 * @throws Error when the model has no trainable parameters or the loss is not a scalar.
 */
export function lossAndGrads(model: Module, x: Tensor, labels: Int32Array, options: LossAndGradsOptions = {}): LossAndGrads {
  if (!model || typeof model.forward !== 'function' || typeof model.trainableParameters !== 'function') {
    throw new Error('lossAndGrads: model must be a Module (with forward and trainableParameters)');
  }
  checkTensor(x, 'lossAndGrads', 'x');
  if (!(labels instanceof Int32Array)) throw new Error(`lossAndGrads: labels must be an Int32Array of class ids, got ${labels === null ? 'null' : typeof labels}`);
  const parameters = options.parameters ? [...options.parameters] : model.trainableParameters();
  if (parameters.length === 0) throw new Error('lossAndGrads: the model has no trainable parameters');
  const lossFn = options.loss ?? softmaxCrossEntropy;
  const lossOf = (..._weights: Tensor[]): Tensor => {
    const l = lossFn(model.forward(x), labels);
    if (l.size !== 1) throw new Error(`lossAndGrads: the loss must be a scalar, got shape ${fmt(l.shape)}`);
    return l;
  };
  const { value, grads } = valueAndGrad(lossOf)(...parameters.map((p) => p.value));
  return { loss: value, parameters, grads };
}

/**
 * One optimizer step of `model` on one batch: the loss and gradients of {@link lossAndGrads},
 * then `optimizer.step`. The gradients are freed; the returned batch loss (a scalar tensor) is
 * the caller's, so a loop can sum losses on the device and read them back rarely.
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const model = t.nn.mnistFc({ seed: 1 });
 * const optimizer = t.optim.sgd({ lr: 0.1 });
 * const x = t.rand([32, 784], { seed: 2 });
 * const labels = Int32Array.from({ length: 32 }, (_, i) => i % 10);
 * const first = t.train.trainStep(model, x, labels, { optimizer });
 * let last = first;
 * for (let step = 0; step < 20; step++) last = t.tidy(() => t.train.trainStep(model, x, labels, { optimizer }));
 * console.log((await last.data())[0] < (await first.data())[0]); // → true
 * ```
 */
export function trainStep(model: Module, x: Tensor, labels: Int32Array, options: TrainStepOptions): Tensor {
  const { optimizer } = options ?? {};
  if (!optimizer || typeof optimizer.step !== 'function') throw new Error('trainStep: options.optimizer must be an Optimizer (e.g. optim.sgd({ lr }))');
  const { loss, parameters, grads } = lossAndGrads(model, x, labels, options);
  try {
    optimizer.step(parameters, grads);
  } catch (e) {
    loss.dispose();
    throw e;
  } finally {
    for (const g of grads) g.dispose();
  }
  return loss;
}
