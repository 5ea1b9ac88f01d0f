import { adamStepScalars } from './adam-rule';
import type { Parameter } from '../nn/parameter';
import { fromHost } from '../ops/creation';
import { add, div, mul, sqrt, sub } from '../ops/elementwise';
import type { Tensor } from '../tensor';
import type { Optimizer } from './optimizer';
import { resolvePerModel, type PerModel } from './per-model';
import { assignKept, StateStore } from './state';
import { perParameterOptimizer } from './per-parameter';

/** Options of {@link packedAdam}: Adam's options, each either shared or one value per model. */
export interface PackedAdamOptions {
  /** Number of packed models K (the leading axis of every parameter). */
  models: number;
  /** Learning rate per model; a schedule may set a model's rate to 0 to hold its parameters. */
  lr: PerModel;
  /** Decay of the first moment per model (default 0.9). */
  beta1?: PerModel;
  /** Decay of the second moment per model (default 0.999). */
  beta2?: PerModel;
  /** Denominator term per model (default 1e-8). */
  eps?: PerModel;
  /** L2 weight decay per model, added to the gradient (default 0). */
  weightDecay?: PerModel;
}

/** Per-model values as a `[K, 1, ..., 1]` tensor that broadcasts against a packed parameter of `rank`. */
function perModelColumn(engine: Tensor['engine'], values: readonly number[], rank: number): Tensor {
  return fromHost(engine, Float32Array.from(values), [values.length, ...new Array<number>(rank - 1).fill(1)]);
}

/**
 * Adam for K packed models with per-model hyperparameters: model k's slice of every `[K, ...]`
 * parameter follows PyTorch's Adam with model k's values, `d = g + wd·p`, `m = β₁m + (1−β₁)d`,
 * `v = β₂v + (1−β₂)d²`, `p −= (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε)`, with the bias corrections in
 * double precision on the host and `t` counted per parameter. Composed from elementwise ops on
 * the packed tensors, with each model's values broadcast from a `[K, 1, ...]` column.
 */
export function packedAdam(options: PackedAdamOptions): Optimizer {
  const name = 'packedAdam';
  if (!options || typeof options !== 'object') throw new Error(`${name}: expected options { models, lr, beta1?, beta2?, eps?, weightDecay? }`);
  const k = options.models;
  if (!Number.isInteger(k) || k < 1) throw new Error(`${name}: models must be a positive integer, got ${String(k)}`);
  const beta1 = resolvePerModel(name, options.beta1, 0.9, k, 0, 'beta1', 1);
  const beta2 = resolvePerModel(name, options.beta2, 0.999, k, 0, 'beta2', 1);
  const eps = resolvePerModel(name, options.eps, 1e-8, k, 0, 'eps');
  const weightDecay = resolvePerModel(name, options.weightDecay, 0, k, 0, 'weightDecay');
  resolvePerModel(name, options.lr, 0, k, 0, 'lr');
  const store = new StateStore(name);
  const updates = new Map<Parameter, number>();
  const update = (p: Parameter, g: Tensor, lr: readonly number[]): void => {
    const w = p.value;
    const engine = w.engine;
    const t = (updates.get(p) ?? 0) + 1;
    const previous = store.get(p);
    engine.tidy(() => {
      const column = (values: readonly number[]) => perModelColumn(engine, values, w.rank);
      const d = add(g, mul(w, column(weightDecay)));
      const m1 = mul(d, column(beta1.map((b) => 1 - b)));
      const v1 = mul(mul(d, d), column(beta2.map((b) => 1 - b)));
      const m = previous ? add(mul(previous.m, column(beta1)), m1) : m1;
      const v = previous ? add(mul(previous.v, column(beta2)), v1) : v1;
      const scalars = lr.map((rate, j) => adamStepScalars(rate, beta1[j], beta2[j], t));
      const stepSize = column(scalars.map((s) => s.stepSize));
      const denominator = add(div(sqrt(v), column(scalars.map((s) => s.bc2Sqrt))), column(eps));
      store.set(p, { m, v });
      assignKept(p, sub(w, mul(stepSize, div(m, denominator))));
    });
    updates.set(p, t);
  };

  return perParameterOptimizer({
    name,
    rate: (step) => resolvePerModel(name, options.lr, 0, k, step, 'lr'),
    reported: (lr) => lr[0],
    check: (params, active) => {
      for (const i of active) {
        const w = params[i].value;
        if (w.shape[0] !== k) throw new Error(`${name}.step: params[${i}] has shape [${w.shape}] but the leading axis must be the ${k} models`);
      }
    },
    update,
    store,
    stateKeys: ['m', 'v'],
    counts: updates,
    release: () => updates.clear(),
  });
}
