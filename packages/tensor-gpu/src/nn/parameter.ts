import { isBrandedInstance } from '../brand';
import type { Tensor } from '../tensor';

const PARAMETER_BRAND: unique symbol = Symbol.for('@nnlab/tensor-gpu:Parameter');

/** What a parameter is, for analyses that aggregate by structure (LCA per layer/neuron/channel). */
export type ParameterRole = 'weight' | 'bias' | 'scale' | 'shift' | 'other';

/**
 * A trainable tensor held by a module. Tensors are immutable, so training replaces `value` with
 * a new tensor (the optimizer disposes the old one); modules always read the current `value`.
 */
export class Parameter {
  /** @internal True for a parameter made by any copy of this package (ES module, CommonJS or another version). */
  static [Symbol.hasInstance](value: unknown): boolean {
    return isBrandedInstance(Parameter, this, value, PARAMETER_BRAND);
  }

  constructor(
    /** The current values. */
    public value: Tensor,
    /** Role within its layer. */
    readonly role: ParameterRole,
    /**
     * Axis of `value` that indexes output units (neurons of a Linear layer, channels of a Conv2d):
     * 0 for PyTorch-layout weights and biases; null when the parameter has no unit structure.
     */
    readonly unitAxis: number | null = 0,
    /** Whether optimizers update it (frozen parameters still take part in the forward pass). */
    public trainable = true,
  ) {}

  /** @internal The brand `instanceof Parameter` checks in every copy of this package. */
  get [PARAMETER_BRAND](): true {
    return true;
  }

  /** Replaces the value, disposing the previous tensor unless it is the same one. */
  assign(next: Tensor): void {
    if (next === this.value) return;
    const old = this.value;
    this.value = next;
    old.dispose();
  }
}
