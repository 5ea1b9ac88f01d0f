import type { KernelSpec } from '../backend/kernel-spec';
import type { Parameter } from '../nn/parameter';
import { fromHost } from '../ops/creation';
import { runKernel } from '../ops/run';
import type { Tensor } from '../tensor';
import { type Optimizer } from './optimizer';
import { assignKept, StateStore } from './state';
import { HYPER, type PackedLayout } from './packed-sgd-host';
import { resolvePerModel, type PerModel } from './per-model';
import { loadOptimizerState, saveOptimizerState } from './state-dict';
import { checkStepArguments } from './step-checks';

/** Options of {@link packedSgd}: SGD's options, each either shared or one value per model. */
export interface PackedSgdOptions {
  /** Number of packed models K (the leading axis of every parameter). */
  models: number;
  /** Learning rate per model. */
  lr: PerModel;
  /** Momentum per model (default 0). */
  momentum?: PerModel;
  /** Weight decay per model (default 0). */
  weightDecay?: PerModel;
  /** Nesterov momentum for all models (default false). */
  nesterov?: boolean;
}

const modelIndex = (perModel: number) => `Math.floor((i + 0.5) / ${perModel})`;

/** Momentum buffer of packed SGD: `b = μ_k·b + d` (`d = g + wd_k·p`), or `d` on the first step. Arguments `(b, g, p, h, first)`. */
function packedBufferKernel(size: number, perModel: number): KernelSpec<PackedLayout> {
  return {
    name: 'packedSgdBuffer',
    source: `function (b, g, p, h, first) {
  const i = this.thread.x;
  const k = ${modelIndex(perModel)};
  const d = g[i] + h[k * ${HYPER} + 2] * p[i];
  let v = d;
  if (first == 0) { v = h[k * ${HYPER} + 1] * b[i] + d; }
  return v;
}`,
    outSize: size,
    params: { perModel },
  };
}

/** Parameter step of packed SGD from the new buffer (or the plain gradient without momentum). Arguments `(p, g, b, h, nesterov)`. */
function packedStepKernel(size: number, perModel: number): KernelSpec<PackedLayout> {
  return {
    name: 'packedSgdStep',
    source: `function (p, g, b, h, nesterov) {
  const i = this.thread.x;
  const k = ${modelIndex(perModel)};
  const w = p[i];
  const d = g[i] + h[k * ${HYPER} + 2] * w;
  let dir = b[i];
  if (nesterov != 0) { dir = d + h[k * ${HYPER} + 1] * b[i]; }
  return w - h[k * ${HYPER}] * dir;
}`,
    outSize: size,
    params: { perModel },
  };
}

/**
 * SGD for K packed models with per-model learning rate, momentum and weight decay: model k's
 * slice of every `[K, ...]` parameter follows exactly PyTorch's SGD with model k's values.
 * One kernel updates a parameter tensor (all K models at once); with momentum one more kernel
 * updates its buffer (gpu.js kernels have one output).
 */
export function packedSgd(options: PackedSgdOptions): Optimizer {
  const k = options.models;
  if (!Number.isInteger(k) || k < 1) throw new Error(`packedSgd: models must be a positive integer, got ${String(k)}`);
  const nesterov = options.nesterov ?? false;
  const store = new StateStore('packedSgd');
  let stepCount = 0;
  // Momentum may be a schedule that is 0 at first: the buffers are saved whenever they exist.
  const saved = { owner: 'packedSgd', stateKeys: ['momentum'], store };

  const hyperparameters = (engine: Tensor['engine']): { tensor: Tensor; momentum: boolean } => {
    const lr = resolvePerModel('packedSgd', options.lr, 0, k, stepCount, 'lr');
    const mu = resolvePerModel('packedSgd', options.momentum, 0, k, stepCount, 'momentum');
    const wd = resolvePerModel('packedSgd', options.weightDecay, 0, k, stepCount, 'weightDecay');
    const values = new Float32Array(k * HYPER);
    for (let m = 0; m < k; m++) values.set([lr[m], mu[m], wd[m]], m * HYPER);
    return { tensor: fromHost(engine, values, [k, HYPER]), momentum: mu.some((x) => x > 0) };
  };

  return {
    name: 'packedSgd',
    get stepCount() {
      return stepCount;
    },
    learningRate: () => resolvePerModel('packedSgd', options.lr, 0, k, stepCount, 'lr')[0],
    step(params: readonly Parameter[], grads: readonly Tensor[]) {
      store.assertLive();
      const active = checkStepArguments('packedSgd', params, grads);
      if (active.length === 0) return;
      const engine = params[active[0]].value.engine;
      engine.tidy(() => {
        const h = hyperparameters(engine);
        for (const i of active) {
          const p = params[i];
          const w = p.value;
          if (w.shape[0] !== k) throw new Error(`packedSgd.step: params[${i}] has shape [${w.shape}] but the leading axis must be the ${k} models`);
          const perModel = w.size / k;
          let buffer = grads[i];
          if (h.momentum) {
            const previous = store.get(p)?.momentum;
            buffer = runKernel(engine, packedBufferKernel(w.size, perModel), [previous ?? grads[i], grads[i], w, h.tensor, previous ? 0 : 1], w.shape);
            store.set(p, { momentum: buffer });
          }
          assignKept(p, runKernel(engine, packedStepKernel(w.size, perModel), [w, grads[i], buffer, h.tensor, nesterov ? 1 : 0], w.shape));
        }
      });
      stepCount++;
    },
    state: (param) => store.get(param),
    stateDict: (params) => saveOptimizerState(saved, stepCount, params),
    loadStateDict(params, dict) {
      stepCount = loadOptimizerState(saved, params, dict);
    },
    dispose: () => store.dispose(),
  };
}
