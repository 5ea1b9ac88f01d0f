import type { Parameter } from '../nn/parameter';
import { runKernel } from '../ops/run';
import type { Tensor } from '../tensor';
import { adamStepScalars } from './adam-rule';
import { adamStepKernel, movingAverageKernel } from './kernels';
import { checkHyperparameter, checkLearningRate, resolveLearningRate, type LearningRate, type Optimizer } from './optimizer';
import { assignKept, StateStore } from './state';
import { perParameterOptimizer } from './per-parameter';

/** Options of {@link adam}, with PyTorch's names and defaults. */
export interface AdamOptions {
  /** Learning rate: a number or a schedule of the step count. */
  lr: LearningRate;
  /** Decay of the first-moment average (default 0.9). */
  beta1?: number;
  /** Decay of the second-moment average (default 0.999). */
  beta2?: number;
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps?: number;
  /** L2 penalty added to the gradient, `g + weightDecay·p` (default 0; this is Adam, not AdamW). */
  weightDecay?: number;
}

/**
 * Adam with PyTorch's update rule (`torch.optim.Adam`, no AMSGrad): at a parameter's t-th update,
 * `d = g + wd·p`, `m = β₁·m + (1 − β₁)·d`, `v = β₂·v + (1 − β₂)·d²` (both start at 0),
 * `p = p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)` — the rule of `adam-rule.ts`, which also
 * runs it on host float64 arrays (`adamUpdate`). The bias corrections are computed on the host in
 * double precision and passed to the kernel as scalars.
 *
 * Kernels per parameter and step: 3 (first moment, second moment, parameter; gpu.js kernels have
 * one output). State per parameter: `m` and `v`.
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const model = t.nn.mnistFc({ seed: 1 });
 * const optimizer = t.optim.adam({ lr: 1e-3, weightDecay: 1e-4 });
 * const loss = t.train.trainStep(model, t.rand([16, 784], { seed: 2 }), new Int32Array(16), { optimizer });
 * console.log(loss.shape); // → []
 * ```
 */
export function adam(options: AdamOptions): Optimizer {
  const name = 'adam';
  if (!options || typeof options !== 'object') throw new Error('adam: expected options { lr, beta1?, beta2?, eps?, weightDecay? }');
  const lr = checkLearningRate(name, options.lr);
  const beta1 = checkHyperparameter(name, 'beta1', options.beta1 ?? 0.9, 0, 1, true);
  const beta2 = checkHyperparameter(name, 'beta2', options.beta2 ?? 0.999, 0, 1, true);
  const eps = checkHyperparameter(name, 'eps', options.eps ?? 1e-8, 0);
  const weightDecay = checkHyperparameter(name, 'weightDecay', options.weightDecay ?? 0, 0);
  const store = new StateStore(name);
  // Updates applied to each parameter (PyTorch keeps one count per parameter, for the bias corrections).
  const updates = new Map<Parameter, number>();
  const update = (p: Parameter, g: Tensor, rate: number): void => {
    const w = p.value;
    const engine = w.engine;
    const s = store.get(p);
    const t = (updates.get(p) ?? 0) + 1;
    const { stepSize, bc2Sqrt } = adamStepScalars(rate, beta1, beta2, t);
    // First step: decay 0 means the zero initial moments are not read (g stands in for them).
    const m = runKernel(engine, movingAverageKernel(w.size, false), [s?.m ?? g, g, w, s ? beta1 : 0, 1 - beta1, weightDecay], w.shape);
    const v = runKernel(engine, movingAverageKernel(w.size, true), [s?.v ?? g, g, w, s ? beta2 : 0, 1 - beta2, weightDecay], w.shape);
    const next = runKernel(engine, adamStepKernel(w.size), [w, m, v, stepSize, bc2Sqrt, eps], w.shape);
    store.set(p, { m, v });
    updates.set(p, t);
    assignKept(p, next);
  };

  return perParameterOptimizer({
    name,
    rate: (step) => resolveLearningRate(lr, step, name),
    reported: (rate) => rate,
    update,
    store,
    stateKeys: ['m', 'v'],
    counts: updates,
    release: () => updates.clear(),
  });
}
