import * as t from '@nnlab/tensor-gpu';
import type { LossScalePolicy } from '../policy/types';
import { unscale, type ScaleValue } from './scale-value';

/** Device-side counts of one gradient's float16 fate, read back after the step. */
export interface PendingFate {
  /** Elements of the gradient. */
  count: number;
  /** `[5]` counts from tensor-gpu's `float16StatCounts`. */
  counts: t.Tensor;
}

/** What one Linear/Conv2d layer did in a backward pass, before it is read back. */
export interface PendingLayerRecord {
  /** The layer's dotted name. */
  layer: string;
  /** `'linear'` or `'conv2d'`. */
  kind: 'linear' | 'conv2d';
  /** α applied to the incoming gradient. */
  alpha: ScaleValue;
  /** s_prev: the scale the incoming gradient carried. */
  incoming: ScaleValue;
  /** Fate of the exact (float32) input gradient when rounded to float16; null when not computed. */
  inputGrad: PendingFate | null;
  /** Fate of the exact weight gradient when rounded to float16. */
  weightGrad: PendingFate | null;
}

/**
 * The bookkeeping of one backward pass: the scale each gradient carries, keyed by the forward
 * tensor it is the gradient of (a lost scale would silently scale a gradient, so asking for a
 * missing one throws), the per-layer records, and the tensors that must outlive
 * `valueAndGrad`'s scope until the step has read them.
 */
export class BackwardPass {
  private readonly scales = new Map<number, ScaleValue>();
  private readonly owned: t.Tensor[] = [];
  /** Per-layer records in backward order. */
  readonly layers: PendingLayerRecord[] = [];
  /** Fate of the scaled loss gradient s₀·∂L/∂ŷ when rounded to float16 (set by the loss-scaling op). */
  lossGrad: PendingFate | null = null;
  /** Scales seen by modules that are treated as a whole (their parameter gradients are unscaled afterwards). */
  readonly wholeModuleScales = new Map<string, ScaleValue>();

  constructor(
    /** The policy that gives the per-layer scales. */
    readonly policy: LossScalePolicy,
    /** The training step index. */
    readonly iteration: number,
    /** Whether layers count underflow and overflow of their gradients (a few reductions per layer). */
    readonly recordFates: boolean,
    /**
     * Where parameter gradients are divided by their scale: `'float32'` (default) after widening,
     * or `'float16'` as the reference does, where small unscaled gradients can underflow again.
     */
    readonly unscaleIn: 'float32' | 'float16' = 'float32',
  ) {}

  /** A parameter gradient (float16, carrying `scale`) unscaled as {@link unscaleIn} says; float32 result. */
  unscaleParameterGrad(grad: t.Tensor, scale: ScaleValue): t.Tensor {
    const unscaled = unscale(grad, scale);
    return this.unscaleIn === 'float16' ? t.cast(t.cast(unscaled, 'float16'), 'float32') : unscaled;
  }

  /** Records that the gradient of `forwardTensor` carries `scale` (a tensor scale is held by the pass). */
  setScale(forwardTensor: t.Tensor, scale: ScaleValue): void {
    if (typeof scale !== 'number') this.hold(scale);
    this.scales.set(forwardTensor.id, scale);
  }

  /** The scale the gradient of `forwardTensor` carries; throws when none was recorded. */
  scaleOf(forwardTensor: t.Tensor, op: string): ScaleValue {
    const s = this.scales.get(forwardTensor.id);
    if (s === undefined) {
      throw new Error(`${op}: no loss scale is known for the gradient of tensor #${forwardTensor.id}; every op between scaled layers must pass the scale on (use the mixed-precision model, not the layers directly)`);
    }
    return s;
  }

  /** Keeps `x` alive until {@link dispose}; returns it. */
  hold<T extends t.Tensor>(x: T): T {
    if (!this.owned.includes(x)) {
      t.keep(x);
      this.owned.push(x);
    }
    return x;
  }

  /** Counts the float16 fate of `x` on the device when recording (held); null otherwise. */
  fate(x: t.Tensor): PendingFate | null {
    if (!this.recordFates) return null;
    return { count: x.size, counts: this.hold(t.float16StatCounts(x)) };
  }

  /** Frees every held tensor. */
  dispose(): void {
    for (const x of this.owned) x.dispose();
    this.owned.length = 0;
    this.scales.clear();
  }
}
