import type { Tensor } from '../tensor';

/**
 * A non-trainable tensor held by a module (BatchNorm's running mean and variance). It is part of
 * the state dict but not of `parameters()`; like a {@link Parameter}, it is replaced, never mutated.
 */
export class StateBuffer {
  constructor(
    /** The current values. */
    public value: Tensor,
  ) {}

  /**
   * Replaces the value, disposing the previous tensor unless it is the same one. The new tensor
   * is kept alive past enclosing `tidy` scopes: the module owns it from now on.
   */
  assign(next: Tensor): void {
    if (next === this.value) return;
    next.engine.keep(next);
    const old = this.value;
    this.value = next;
    old.dispose();
  }
}
