import type * as t from '@nnlab/tensor-gpu';
import type { ScaleValue } from '../mixed/scale-value';

/** The loss-scaling methods: the baselines of the reference and adaptive layer-wise scaling. */
export type LossScaleMethod = 'none' | 'static' | 'dynamic' | 'dynamic-apex' | 'adaptive';

/** What a policy sees when the backward pass reaches a Linear or Conv2d layer. */
export interface LayerScaleRequest {
  /** The layer's dotted name in the model (`'0'`, `'3.1.body.0'`). */
  layer: string;
  /** The incoming gradient G (float16), which carries the scale `previous`. */
  grad: t.Tensor;
  /** The layer's float16 weight. */
  weight: t.Tensor;
  /** N: terms summed per input-gradient element (out-features, or outC·kH·kW). */
  reduction: number;
  /** s_prev: the scale G carries. */
  previous: ScaleValue;
  /** Training step index, from 0. */
  iteration: number;
}

/**
 * A loss-scaling policy: the scale s₀ of the loss gradient at the start of each backward pass,
 * the per-layer scale α applied inside it, and how both react to a step with non-finite gradients.
 */
export interface LossScalePolicy {
  /** Which method this is. */
  readonly method: LossScaleMethod;
  /** Largest finite magnitude used when branch gradients are brought to one scale (65504 by default). */
  readonly uMax: number;
  /** Smallest common scale tried at a branch merge (the reference's 1/8). */
  readonly branchMinScale: number;
  /** s₀ for the next step. */
  lossScale(): number;
  /** α for one layer in the current backward pass: 1 for every method but adaptive scaling. */
  layerScale(request: LayerScaleRequest): ScaleValue;
  /** Ends a step: `finite` tells whether every gradient was finite (the update was applied). */
  endStep(finite: boolean): void;
  /** Frees the tensors the policy holds (adaptive scales kept between recomputations). */
  dispose(): void;
}

/** Throws unless `value` is a finite number ≥ `min` (or > `min` when `strict`). */
export function checkNumberOption(where: string, name: string, value: unknown, min: number, strict = false): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && (strict ? value > min : value >= min);
  if (!ok) throw new Error(`${where}: ${name} must be a finite number ${strict ? '>' : '≥'} ${min}, got ${String(value)}`);
  return value as number;
}

/** Throws unless `value` is an integer ≥ 1. */
export function checkIntegerOption(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new Error(`${where}: ${name} must be an integer ≥ 1, got ${String(value)}`);
  return value;
}
