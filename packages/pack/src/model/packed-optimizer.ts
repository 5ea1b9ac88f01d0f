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

/** SGD (momentum, Nesterov, weight decay per model) through tensor-gpu's fused packed SGD kernels. */
function packedSgdUpdate(configs: readonly ResolvedConfig[]): PackedUpdate {
  let active: readonly boolean[] = configs.map(() => true);
  const optimizer = t.optim.packedSgd({
    models: configs.length,
    lr: () => configs.map((c, k) => (active[k] ? c.lr : 0)),
    momentum: configs.map((c) => c.momentum),
    weightDecay: configs.map((c) => c.weightDecay),
    nesterov: configs[0].nesterov,
  });
  return {
    step(params, grads, now) {
      active = now;
      optimizer.step(params, grads);
    },
    dispose: () => optimizer.dispose(),
  };
}

/** Per-model values as a `[K, 1, ..., 1]` tensor that broadcasts against a packed parameter of `rank`. */
function perModel(values: readonly number[], rank: number): t.Tensor {
  return t.tensor(Float32Array.from(values), [values.length, ...new Array<number>(rank - 1).fill(1)]);
}

/**
 * Adam with PyTorch's rule (as `t.optim.adam`) for each model, composed from elementwise ops on
 * the packed parameters: `d = g + wd·p`, `m = β₁m + (1−β₁)d`, `v = β₂v + (1−β₂)d²`,
 * `p −= (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε)`, bias corrections in double precision on the host.
 */
function packedAdamUpdate(configs: readonly ResolvedConfig[]): PackedUpdate {
  const moments = new Map<t.nn.Parameter, { m: t.Tensor; v: t.Tensor }>();
  const updates = new Map<t.nn.Parameter, number>();
  let disposed = false;
  return {
    step(params, grads, active) {
      if (disposed) throw new Error('packed Adam: the optimiser was disposed');
      params.forEach((p, i) => {
        if (!p.trainable) return;
        const g = grads[i];
        const w = p.value;
        const rank = w.rank;
        const step = (updates.get(p) ?? 0) + 1;
        const previous = moments.get(p);
        const next = t.tidy(() => {
          const col = (f: (c: ResolvedConfig, k: number) => number) => perModel(configs.map(f), rank);
          const d = t.add(g, t.mul(w, col((c) => c.weightDecay)));
          const m1 = t.mul(d, col((c) => 1 - c.beta1));
          const v1 = t.mul(t.mul(d, d), col((c) => 1 - c.beta2));
          const m = previous ? t.add(t.mul(previous.m, col((c) => c.beta1)), m1) : m1;
          const v = previous ? t.add(t.mul(previous.v, col((c) => c.beta2)), v1) : v1;
          const stepSize = col((c, k) => (active[k] ? c.lr / (1 - Math.pow(c.beta1, step)) : 0));
          const denominator = t.add(t.div(t.sqrt(v), col((c) => Math.sqrt(1 - Math.pow(c.beta2, step)))), col((c) => c.eps));
          const value = t.sub(w, t.mul(stepSize, t.div(m, denominator)));
          return { m: t.keep(m), v: t.keep(v), value: t.keep(value) };
        });
        if (previous) t.dispose([previous.m, previous.v]);
        moments.set(p, { m: next.m, v: next.v });
        updates.set(p, step);
        p.assign(next.value);
      });
    },
    dispose() {
      for (const s of moments.values()) t.dispose([s.m, s.v]);
      moments.clear();
      disposed = true;
    },
  };
}

/** The fused update for a pack's configs (all of one optimiser kind; SGD packs share Nesterov). */
export function packedUpdate(configs: readonly ResolvedConfig[]): PackedUpdate {
  const kind = configs[0].optimizer;
  configs.forEach((c, i) => {
    if (c.optimizer !== kind) throw new Error(`pack: configs[${i}].optimizer is '${c.optimizer}' but configs[0] uses '${kind}'; one pack fuses one optimiser (plan packs by fusionKey)`);
    if (kind === 'sgd' && c.nesterov !== configs[0].nesterov) throw new Error(`pack: configs[${i}].nesterov differs from configs[0]; the fused SGD update shares Nesterov across the pack`);
  });
  return kind === 'sgd' ? packedSgdUpdate(configs) : packedAdamUpdate(configs);
}
