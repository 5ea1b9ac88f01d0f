import type { Parameter } from '../nn/parameter';
import { runKernel } from '../ops/run';
import type { Tensor } from '../tensor';
import { momentumStepKernel, movingAverageKernel, sgdKernel } from './kernels';
import { checkHyperparameter, checkLearningRate, resolveLearningRate, type LearningRate, type Optimizer } from './optimizer';
import { assignKept, StateStore } from './state';
import { perParameterOptimizer } from './per-parameter';

/** Options of {@link sgd}, with PyTorch's names and defaults. */
export interface SgdOptions {
  /** Learning rate: a number or a schedule of the step count. */
  lr: LearningRate;
  /** Momentum factor μ (default 0: plain SGD, no state). */
  momentum?: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov?: boolean;
  /** L2 penalty added to the gradient: `g + weightDecay·p` (default 0). */
  weightDecay?: number;
  /** Dampening of the gradient in the momentum buffer (default 0). */
  dampening?: number;
}

/**
 * Stochastic gradient descent with PyTorch's update rule (`torch.optim.SGD`):
 * `d = g + wd·p`; with momentum the buffer is `b = d` on the first step and
 * `b = μ·b + (1 − dampening)·d` afterwards, and the step direction is `b` (or `d + μ·b` with
 * Nesterov); then `p = p − lr·direction`.
 *
 * Kernels per parameter and step: 1 without momentum, 2 with it (the buffer, then the parameter:
 * gpu.js kernels have one output). State per parameter: `momentum` (with momentum only).
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const model = new t.nn.Linear(2, 1, { seed: 1 });
 * const optimizer = t.optim.sgd({ lr: 0.1, momentum: 0.9 });
 * const x = t.tensor([[1, 2], [3, 4]]);
 * const y = t.tensor([[1], [2]]);
 * const mse = (..._w: t.Tensor[]) => t.mean(t.square(t.sub(model.forward(x), y)));
 * const params = model.trainableParameters();
 * for (let step = 0; step < 3; step++) {
 *   const { value, grads } = t.valueAndGrad(mse)(...params.map((p) => p.value));
 *   optimizer.step(params, grads); // updates the parameters in place
 *   t.dispose([value, ...grads]);
 * }
 * ```
 */
export function sgd(options: SgdOptions): Optimizer {
  const name = 'sgd';
  if (!options || typeof options !== 'object') throw new Error('sgd: expected options { lr, momentum?, nesterov?, weightDecay?, dampening? }');
  const lr = checkLearningRate(name, options.lr);
  const momentum = checkHyperparameter(name, 'momentum', options.momentum ?? 0, 0);
  const weightDecay = checkHyperparameter(name, 'weightDecay', options.weightDecay ?? 0, 0);
  const dampening = checkHyperparameter(name, 'dampening', options.dampening ?? 0, 0, 1);
  const nesterov = options.nesterov ?? false;
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw new Error('sgd: Nesterov momentum requires momentum > 0 and dampening 0 (as in PyTorch)');
  }
  const store = new StateStore(name);
  const update = (p: Parameter, g: Tensor, rate: number): void => {
    const w = p.value;
    const engine = w.engine;
    if (momentum === 0) {
      assignKept(p, runKernel(engine, sgdKernel(w.size), [w, g, rate, weightDecay], w.shape));
      return;
    }
    const previous = store.get(p)?.momentum;
    // First step: decay 0 and scale 1 make the buffer the decayed gradient itself (the state argument is not read).
    const buffer = previous
      ? runKernel(engine, movingAverageKernel(w.size, false), [previous, g, w, momentum, 1 - dampening, weightDecay], w.shape)
      : runKernel(engine, movingAverageKernel(w.size, false), [g, g, w, 0, 1, weightDecay], w.shape);
    const next = runKernel(engine, momentumStepKernel(w.size), [w, g, buffer, rate, weightDecay, momentum, nesterov ? 1 : 0], w.shape);
    store.set(p, { momentum: buffer });
    assignKept(p, next);
  };

  return perParameterOptimizer({ name, rate: (step) => resolveLearningRate(lr, step, name), reported: (rate) => rate, update, store, stateKeys: momentum === 0 ? [] : ['momentum'] });
}
