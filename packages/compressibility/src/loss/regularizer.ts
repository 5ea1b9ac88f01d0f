/** Task loss plus λ times a penalty of the weights: the training objective J = L_task + λ·R(w). */
import * as t from '@nnlab/tensor-gpu';
import { selectWeights, type WeightSource } from './groups';
import { compressibilityLoss } from './loss';
import type { CompressibilityOptions } from './options';

function checkLambda(lambda: unknown, fn: string): number {
  if (typeof lambda !== 'number' || !Number.isFinite(lambda) || lambda < 0) throw new Error(`${fn}: lambda must be a finite number ≥ 0, got ${String(lambda)}`);
  return lambda;
}

/**
 * `taskLoss + λ·penalty()`, as a task loss. The penalty is evaluated at every call, so it reads the
 * current parameter values (the ones `valueAndGrad` watches). With λ = 0 the penalty is skipped.
 */
export function regularized(taskLoss: t.train.LossFunction, penalty: () => t.Tensor, lambda: number): t.train.LossFunction {
  const l = checkLambda(lambda, 'regularized');
  if (typeof taskLoss !== 'function' || typeof penalty !== 'function') throw new Error('regularized: expected a task loss and a penalty function');
  if (l === 0) return taskLoss;
  return (output, labels) => t.tidy(() => t.add(taskLoss(output, labels), t.mul(penalty(), l)));
}

/** Options of {@link withCompressibility}: λ plus the loss options. */
export interface CompressibilityRegularizerOptions extends CompressibilityOptions {
  /** Weight λ of the compressibility loss (required; the paper publishes no value). */
  lambda: number;
}

/**
 * The training objective of the paper: `taskLoss + λ·L_c(w)` with L_c from {@link compressibilityLoss}.
 *
 * @param taskLoss - e.g. `t.train.softmaxCrossEntropy`.
 * @param params - the model (or its parameters) whose weights are regularised.
 * @param options - λ and the loss options.
 */
export function withCompressibility(taskLoss: t.train.LossFunction, params: WeightSource, options: CompressibilityRegularizerOptions): t.train.LossFunction {
  if (!options || typeof options !== 'object') throw new Error('withCompressibility: expected options { lambda, ... }');
  const lambda = checkLambda(options.lambda, 'withCompressibility');
  return regularized(taskLoss, () => compressibilityLoss(params, options), lambda);
}

/** The ℓ1 norm Σ|w| of the weights (biases only with `includeBias`): the classic sparsity penalty, for the L1 baseline. */
export function l1Penalty(params: WeightSource, options: { includeBias?: boolean } = {}): t.Tensor {
  const weights = selectWeights(params, options.includeBias ?? false, 'l1Penalty');
  return t.tidy(() => weights.map((w) => t.sum(t.abs(w.value))).reduce((a, b) => t.add(a, b)));
}
