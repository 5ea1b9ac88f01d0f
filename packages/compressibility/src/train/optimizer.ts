/**
 * The optimizer contract of the training loop, and a small SGD with momentum built from
 * `@nnlab/tensor-gpu` ops. The contract is structural: an optimizer of `@nnlab/tensor-gpu`
 * (`step(params, grads)`, `dispose()`) fits it as well.
 */
import * as t from '@nnlab/tensor-gpu';

/** A learning rate: a constant or a function of the number of steps already taken. */
export type LearningRateSchedule = number | ((step: number) => number);

/** Updates parameters from their gradients (which stay owned by the caller). */
export interface StepOptimizer {
  /** Replaces `params[i].value` with an updated, kept tensor for every i. */
  step(params: readonly t.nn.Parameter[], grads: readonly t.Tensor[]): void;
  /** Frees the optimizer's state. */
  dispose(): void;
}

/** Options of {@link momentumSgd}. */
export interface MomentumSgdOptions {
  /** Learning rate (constant or schedule). */
  lr: LearningRateSchedule;
  /** Heavy-ball momentum μ (default 0.9). */
  momentum?: number;
  /** L2 weight decay added to the gradient (default 0). */
  weightDecay?: number;
}

/** Resolves a schedule at `step`; throws for a negative or non-finite rate. */
export function learningRateAt(lr: LearningRateSchedule, step: number, owner: string): number {
  const v = typeof lr === 'function' ? lr(step) : lr;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${owner}: learning rate must be a finite number ≥ 0, got ${String(v)} at step ${step}`);
  return v;
}

/** Checks a hyperparameter is a finite number in [min, max). */
export function checkRange(value: number, name: string, owner: string, min: number, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value >= max) {
    throw new Error(`${owner}: ${name} must be a finite number in [${min}, ${max === Infinity ? '∞' : max}), got ${String(value)}`);
  }
  return value;
}

/**
 * SGD with heavy-ball momentum (PyTorch's rule): `d = g + wd·w`, `b = μ·b + d` (b = d at first),
 * `w = w − lr·b`. State: one buffer per parameter, kept alive until `dispose`.
 */
export function momentumSgd(options: MomentumSgdOptions): StepOptimizer {
  const owner = 'momentumSgd';
  if (!options || typeof options !== 'object') throw new Error(`${owner}: expected options { lr, momentum?, weightDecay? }`);
  learningRateAt(options.lr, 0, owner);
  const mu = checkRange(options.momentum ?? 0.9, 'momentum', owner, 0, 1);
  const wd = checkRange(options.weightDecay ?? 0, 'weightDecay', owner, 0);
  const buffers = new Map<t.nn.Parameter, t.Tensor>();
  let steps = 0;
  return {
    step(params, grads) {
      if (params.length !== grads.length) throw new Error(`${owner}.step: ${params.length} parameters but ${grads.length} gradients`);
      const lr = learningRateAt(options.lr, steps, owner);
      t.tidy(() => {
        params.forEach((p, i) => {
          if (!p.trainable) return;
          const d = wd > 0 ? t.add(grads[i], t.mul(p.value, wd)) : grads[i];
          let dir = d;
          if (mu > 0) {
            const previous = buffers.get(p);
            const next = t.keep(previous ? t.add(t.mul(previous, mu), d) : t.mul(d, 1));
            buffers.set(p, next);
            previous?.dispose();
            dir = next;
          }
          p.assign(t.keep(t.sub(p.value, t.mul(dir, lr))));
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
