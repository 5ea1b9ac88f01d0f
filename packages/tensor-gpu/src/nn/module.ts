import { isBrandedInstance } from '../brand';
import type { Tensor } from '../tensor';
import { StateBuffer } from './buffer';
import { Parameter } from './parameter';

const MODULE_BRAND: unique symbol = Symbol.for('@nnlab/tensor-gpu:Module');

/**
 * Base class of layers and models. A module owns its parameters and child modules; names are
 * dotted paths (`'0.weight'`, `'features.conv1.bias'`) as in PyTorch's state dicts.
 */
export abstract class Module {
  /** True in training mode (dropout active, batch norm uses batch statistics). */
  training = true;
  private readonly ownParameters = new Map<string, Parameter>();
  private readonly children = new Map<string, Module>();
  private readonly ownBuffers = new Map<string, StateBuffer>();

  /** @internal True for a module made by any copy of this package; subclasses check their prototype chain. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return isBrandedInstance(Module, this, value, MODULE_BRAND);
  }

  /** @internal The brand `instanceof Module` checks in every copy of this package. */
  get [MODULE_BRAND](): true {
    return true;
  }

  /** Computes the module's output. */
  abstract forward(x: Tensor): Tensor;

  /** Same as `forward`, so a module can be called as `model.call(x)`. */
  call(x: Tensor): Tensor {
    return this.forward(x);
  }

  /** Registers a parameter under `name`; returns it. */
  protected addParameter(name: string, parameter: Parameter): Parameter {
    this.checkFreeName(name);
    this.ownParameters.set(name, parameter);
    return parameter;
  }

  /** Registers a child module under `name`; returns it. */
  protected addModule<M extends Module>(name: string, module: M): M {
    this.checkFreeName(name);
    this.children.set(name, module);
    return module;
  }

  /** Registers a non-trainable state tensor (running statistics) under `name`; returns it. */
  protected addBuffer(name: string, buffer: StateBuffer): StateBuffer {
    this.checkFreeName(name);
    this.ownBuffers.set(name, buffer);
    return buffer;
  }

  private checkFreeName(name: string): void {
    if (typeof name !== 'string' || name === '' || name.includes('.')) throw new Error(`Module: name ${JSON.stringify(name)} must be a non-empty string without '.'`);
    if (this.ownParameters.has(name) || this.children.has(name) || this.ownBuffers.has(name)) throw new Error(`Module: name '${name}' is already used`);
  }

  /** Child modules with their names, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.children.entries()];
  }

  /** Every parameter with its dotted name, depth first in registration order. */
  namedParameters(prefix = ''): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const [n, p] of this.ownParameters) out.push([prefix + n, p]);
    for (const [n, c] of this.children) out.push(...c.namedParameters(`${prefix}${n}.`));
    return out;
  }

  /** Every state buffer (running statistics) with its dotted name, depth first in registration order. */
  namedBuffers(prefix = ''): [string, StateBuffer][] {
    const out: [string, StateBuffer][] = [];
    for (const [n, b] of this.ownBuffers) out.push([prefix + n, b]);
    for (const [n, c] of this.children) out.push(...c.namedBuffers(`${prefix}${n}.`));
    return out;
  }

  /** Every parameter, in the order of `namedParameters`. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /**
   * The parameters an optimizer updates: every parameter with `trainable` set, each listed once
   * even when layers share it (a tied weight must get one gradient, not one per use).
   */
  trainableParameters(): Parameter[] {
    return [...new Set(this.parameters())].filter((p) => p.trainable);
  }

  /** Sets training mode on this module and its children; returns this. */
  train(mode = true): this {
    this.training = mode;
    for (const c of this.children.values()) c.train(mode);
    return this;
  }

  /** Sets evaluation mode (`train(false)`); returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Disposes every parameter tensor (and module-held state such as running statistics). */
  dispose(): void {
    for (const p of this.ownParameters.values()) p.value.dispose();
    this.disposeState();
    for (const c of this.children.values()) c.dispose();
  }

  /**
   * Frees non-parameter tensors a module holds (running statistics); the default frees the
   * buffers registered with `addBuffer`. Subclasses holding other tensors override it (and call super).
   */
  protected disposeState(): void {
    for (const b of this.ownBuffers.values()) b.value.dispose();
  }
}
