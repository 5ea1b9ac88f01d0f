/**
 * Pruning masks held on the device, and fine-tuning with the zeros fixed: after every optimizer
 * step each masked weight is multiplied by its 0/1 mask.
 */
import * as t from '@nnlab/tensor-gpu';
import { isCompressed } from '../loss/groups';
import { magnitudeKeep, thresholdKeep } from './mask-rules';

/** A 0/1 mask of one parameter (the mask tensor is kept alive until {@link disposeMasks}). */
export interface PruneMask {
  /** The parameter's dotted name. */
  name: string;
  /** The parameter it masks. */
  param: t.nn.Parameter;
  /** 1 where the weight is kept, 0 where it is pruned (same shape as the parameter). */
  mask: t.Tensor;
  /** Weights kept. */
  kept: number;
  /** Weights in the tensor. */
  size: number;
}

/** Options shared by the mask builders. */
export interface MaskOptions {
  /** Prune biases too (default false). */
  includeBias?: boolean;
}

async function buildMasks(model: t.nn.Module, includeBias: boolean, rule: (name: string, w: Float32Array) => Uint8Array): Promise<PruneMask[]> {
  const masks: PruneMask[] = [];
  for (const [name, param] of model.namedParameters()) {
    if (!isCompressed(param, includeBias)) continue;
    const keep = rule(name, await param.value.data());
    let kept = 0;
    for (const k of keep) kept += k;
    masks.push({ name, param, mask: t.keep(t.tensor(Float32Array.from(keep), [...param.value.shape])), kept, size: keep.length });
  }
  return masks;
}

/**
 * Masks that keep |w| ≥ threshold·max|w| in every weight tensor (the threshold-then-prune rule;
 * default threshold 0.01), and apply them at once.
 */
export async function thresholdMasks(model: t.nn.Module, options: MaskOptions & { threshold?: number } = {}): Promise<PruneMask[]> {
  const threshold = options.threshold ?? 0.01;
  const masks = await buildMasks(model, options.includeBias ?? false, (_, w) => thresholdKeep(w, threshold));
  applyMasks(masks);
  return masks;
}

/**
 * Masks that prune the given fraction of smallest-magnitude weights of every weight tensor (one
 * number for all, or one per parameter name), and apply them at once: magnitude pruning.
 */
export async function magnitudeMasks(model: t.nn.Module, sparsity: number | Readonly<Record<string, number>>, options: MaskOptions = {}): Promise<PruneMask[]> {
  const masks = await buildMasks(model, options.includeBias ?? false, (name, w) => {
    const s = typeof sparsity === 'number' ? sparsity : sparsity[name];
    if (s === undefined) throw new Error(`magnitudeMasks: no target sparsity for '${name}'`);
    return magnitudeKeep(w, s);
  });
  applyMasks(masks);
  return masks;
}

/** Multiplies every masked parameter by its mask. */
export function applyMasks(masks: readonly PruneMask[]): void {
  t.tidy(() => {
    for (const m of masks) m.param.assign(t.keep(t.mul(m.param.value, m.mask)));
  });
}

/** An optimizer that applies `masks` after every step of `inner`, so pruned weights stay exactly zero. */
export function maskedOptimizer(inner: t.optim.StepOptimizer, masks: readonly PruneMask[]): t.optim.StepOptimizer {
  return {
    step(params, grads) {
      inner.step(params, grads);
      applyMasks(masks);
    },
    dispose() {
      inner.dispose();
    },
  };
}

/** Frees the mask tensors. */
export function disposeMasks(masks: readonly PruneMask[]): void {
  for (const m of masks) m.mask.dispose();
}
