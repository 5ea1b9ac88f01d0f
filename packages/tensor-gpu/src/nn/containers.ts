import { add } from '../ops/elementwise';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';
import { Module } from './module';

/**
 * Modules applied in order; children are named `'0'`, `'1'`, ... (parameters `'0.weight'`, ...).
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const model = new t.nn.Sequential(
 *   new t.nn.Linear(784, 64, { seed: 1 }),
 *   new t.nn.ReLU(),
 *   new t.nn.Linear(64, 10, { seed: 2 }),
 * );
 * console.log(model.namedParameters().map(([name]) => name)); // → [ '0.weight', '0.bias', '2.weight', '2.bias' ]
 * console.log(model.forward(t.zeros([8, 784])).shape); // → [ 8, 10 ]
 * ```
 */
export class Sequential extends Module {
  /** The layers, in order. */
  readonly layers: readonly Module[];

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module)) throw new Error(`Sequential: argument ${i} is not a Module`);
      this.addModule(String(i), m);
    });
    this.layers = modules;
  }

  /** Number of layers. */
  get length(): number {
    return this.layers.length;
  }

  /** The layer at `index` (negative counts from the end). */
  at(index: number): Module {
    const m = this.layers.at(index);
    if (!m) throw new Error(`Sequential: no layer at index ${index} (it has ${this.layers.length})`);
    return m;
  }

  /** Applies every layer in turn (an empty Sequential returns its input). */
  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.layers) y = m.forward(y);
    return y;
  }
}

/**
 * A residual block `y = body(x) + shortcut(x)`; without a shortcut, `y = body(x) + x`. Children
 * are named `'body'` and (when given) `'shortcut'`.
 */
export class Residual extends Module {
  /** The main path. */
  readonly body: Module;
  /** The shortcut path, or null for the identity. */
  readonly shortcut: Module | null;

  constructor(body: Module, shortcut?: Module | null) {
    super();
    if (!(body instanceof Module)) throw new Error('Residual: body must be a Module');
    if (shortcut != null && !(shortcut instanceof Module)) throw new Error('Residual: shortcut must be a Module when given');
    this.body = this.addModule('body', body);
    this.shortcut = shortcut ? this.addModule('shortcut', shortcut) : null;
  }

  /** `body(x) + shortcut(x)`. */
  forward(x: Tensor): Tensor {
    return x.engine.tidy(() => {
      const main = this.body.forward(x);
      const skip = this.shortcut ? this.shortcut.forward(x) : x;
      if (main.shape.length !== skip.shape.length || main.shape.some((d, i) => d !== skip.shape[i])) {
        throw new Error(`Residual: body output ${fmt(main.shape)} and shortcut output ${fmt(skip.shape)} differ`);
      }
      return add(main, skip);
    });
  }
}
