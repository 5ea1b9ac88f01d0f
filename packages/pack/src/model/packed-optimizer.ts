import * as t from '@nnlab/tensor-gpu';
import type { ResolvedConfig } from './config';

/**
 * The fused update of a pack: one optimiser step for all K models, each with its own
 * hyperparameters. `active[k] = false` sets model k's learning rate to 0 for this step, which
 * leaves its parameters unchanged (its optimiser state still moves, so only use it for models
 * that have finished).
 */
export interface PackedUpdate {
  /** Applies one update to the packed parameters `[K, ...]`. */
  step(params: readonly t.nn.Parameter[], grads: readonly t.Tensor[], active: readonly boolean[]): void;
  /** Frees the optimiser state. */
  dispose(): void;
}

/** The fused update for a pack's configs (all of one optimiser kind; SGD packs share Nesterov). */
export function packedUpdate(configs: readonly ResolvedConfig[]): PackedUpdate {
  const kind = configs[0].optimizer;
  configs.forEach((c, i) => {
    if (c.optimizer !== kind) throw new Error(`pack: configs[${i}].optimizer is '${c.optimizer}' but configs[0] uses '${kind}'; one pack fuses one optimiser (plan packs by fusionKey)`);
    if (kind === 'sgd' && c.nesterov !== configs[0].nesterov) throw new Error(`pack: configs[${i}].nesterov differs from configs[0]; the fused SGD update shares Nesterov across the pack`);
  });
  let active: readonly boolean[] = configs.map(() => true);
  const lr = () => configs.map((c, k) => (active[k] ? c.lr : 0));
  const weightDecay = configs.map((c) => c.weightDecay);
  // tensor-gpu's packed optimizers: SGD through fused kernels, Adam through elementwise ops, both PyTorch's rules per model.
  const optimizer = kind === 'sgd'
    ? t.optim.packedSgd({ models: configs.length, lr, momentum: configs.map((c) => c.momentum), weightDecay, nesterov: configs[0].nesterov })
    : t.optim.packedAdam({ models: configs.length, lr, beta1: configs.map((c) => c.beta1), beta2: configs.map((c) => c.beta2), eps: configs.map((c) => c.eps), weightDecay });
  return {
    step(params, grads, now) {
      active = now;
      optimizer.step(params, grads);
    },
    dispose: () => optimizer.dispose(),
  };
}
