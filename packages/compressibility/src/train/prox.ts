/**
 * The proximal step for the compressibility loss: the denominator 1/‖w‖₂ is linearised at the
 * current iterate, the smooth part of the gradient goes into an SGD step and the ℓ1 part becomes a
 * soft threshold, which sets weights to exact zeros:
 * `v = w − η·(∇L_task − λ·‖w‖₁·w/‖w‖₂³)`, `w ← sign(v)·max(|v| − η·λ/‖w‖₂, 0)`.
 */
import * as t from '@nnlab/tensor-gpu';
import { isCompressed } from '../loss/groups';
import { resolveCompressibilityOptions, type CompressibilityOptions } from '../loss/options';

/** Options of {@link proxCompressibility}. */
export interface ProxOptions extends CompressibilityOptions {
  /** Learning rate η. */
  lr: t.optim.LearningRate;
  /** Weight λ of the compressibility loss. */
  lambda: number;
  /**
   * Heavy-ball momentum μ on the smooth part of the gradient (default 0.9). The soft threshold then
   * uses the effective step η/(1 − μ) of heavy-ball momentum, η·λ/((1 − μ)·‖w‖₂), so that one λ
   * shrinks about as hard as the plain subgradient of λ·L_c does through the momentum buffer (a
   * project choice: the paper publishes no optimizer).
   */
  momentum?: number;
}

/**
 * An optimizer taking proximal steps on the compressibility loss of the weights (per layer or
 * global, `form` `'ratio'` or `'normalized'`) and plain momentum SGD steps on every other
 * parameter. Give it the gradients of the task loss only: the penalty is in the step. With
 * momentum 0 one step is exactly `proxStepReference` (in float32).
 */
export function proxCompressibility(options: ProxOptions): t.optim.StepOptimizer {
  const owner = 'proxCompressibility';
  if (!options || typeof options !== 'object') throw new Error(`${owner}: expected options { lr, lambda, ... }`);
  const o = resolveCompressibilityOptions(options);
  if (o.form === 'square') throw new Error(`${owner}: the squared form has no ℓ1/smooth split; use form 'ratio' or 'normalized'`);
  t.optim.resolveLearningRate(options.lr, 0, owner);
  const lambda = t.optim.checkHyperparameter(owner, 'lambda', options.lambda, 0);
  const mu = t.optim.checkHyperparameter(owner, 'momentum', options.momentum ?? 0.9, 0, 1, true);
  const buffers = new Map<t.nn.Parameter, t.Tensor>();
  let steps = 0;

  const direction = (p: t.nn.Parameter, d: t.Tensor): t.Tensor => {
    if (mu === 0) return d;
    const previous = buffers.get(p);
    const next = t.keep(previous ? t.add(t.mul(previous, mu), d) : t.mul(d, 1));
    buffers.set(p, next);
    previous?.dispose();
    return next;
  };

  return {
    step(params, grads) {
      if (params.length !== grads.length) throw new Error(`${owner}.step: ${params.length} parameters but ${grads.length} gradients`);
      const lr = t.optim.resolveLearningRate(options.lr, steps, owner);
      t.tidy(() => {
        const weights = params.map((p, i) => ({ p, g: grads[i] })).filter(({ p }) => p.trainable && isCompressed(p, o.includeBias));
        const groups = o.scope === 'global' ? [weights] : weights.map((w) => [w]);
        for (const group of groups) {
          if (group.length === 0) continue;
          const size = group.reduce((n, { p }) => n + p.value.size, 0);
          const lam = o.form === 'normalized' ? lambda / Math.sqrt(size) : lambda;
          const l1 = group.map(({ p }) => t.sum(t.abs(p.value))).reduce((a, b) => t.add(a, b));
          const l2 = t.sqrt(t.maximum(group.map(({ p }) => t.sum(t.square(p.value))).reduce((a, b) => t.add(a, b)), o.eps * o.eps));
          // Smooth part of λ·∇L_c: −λ·‖w‖₁·w/‖w‖₂³ (one scalar factor per group).
          const smoothFactor = t.neg(t.div(t.mul(l1, lam), t.mul(l2, t.square(l2))));
          const threshold = t.div((lr * lam) / (1 - mu), l2);
          for (const { p, g } of group) {
            const v = t.sub(p.value, t.mul(direction(p, t.add(g, t.mul(p.value, smoothFactor))), lr));
            p.assign(t.keep(t.mul(t.sign(v), t.relu(t.sub(t.abs(v), threshold)))));
          }
        }
        params.forEach((p, i) => {
          if (!p.trainable || isCompressed(p, o.includeBias)) return;
          p.assign(t.keep(t.sub(p.value, t.mul(direction(p, grads[i]), lr))));
        });
      });
      steps++;
    },
    dispose() {
      for (const b of buffers.values()) b.dispose();
      buffers.clear();
    },
  };
}
