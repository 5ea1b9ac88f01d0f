import { add } from '../ops/elementwise';
import { matmul } from '../ops/matmul';
import { checkTensor } from '../ops/run';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';
import type { InitOptions } from './init';
import { Module } from './module';
import type { Parameter } from './parameter';
import { checkPositiveInt, weightAndBias } from './weights';

/** Options of {@link Linear}. */
export interface LinearOptions extends InitOptions {
  /** Whether the layer adds a bias (default true). */
  bias?: boolean;
}

/**
 * Fully connected layer `y = x Wᵀ + b`: weight `[out, in]`, bias `[out]` (PyTorch layout and
 * default initialisation). Input `[batch, in]` (or `[K, batch, in]`), output `[batch, out]`.
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const layer = new t.nn.Linear(3, 2, { seed: 1 }); // weight [2, 3], bias [2]
 * console.log(layer.weight.value.shape, layer.parameters().length); // → [ 2, 3 ] 2
 * console.log(layer.forward(t.ones([5, 3])).shape); // → [ 5, 2 ]
 * ```
 */
export class Linear extends Module {
  /** The weight `[out, in]`. */
  readonly weight: Parameter;
  /** The bias `[out]`, or null without one. */
  readonly bias: Parameter | null;

  constructor(
    /** Input features. */
    readonly inFeatures: number,
    /** Output features. */
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    checkPositiveInt(inFeatures, 'Linear', 'inFeatures');
    checkPositiveInt(outFeatures, 'Linear', 'outFeatures');
    const { weight, bias } = weightAndBias([outFeatures, inFeatures], outFeatures, options.bias ?? true, options, 'Linear');
    this.weight = this.addParameter('weight', weight);
    this.bias = bias ? this.addParameter('bias', bias) : null;
  }

  /** `x Wᵀ + b`. */
  forward(x: Tensor): Tensor {
    checkTensor(x, 'Linear');
    if ((x.rank !== 2 && x.rank !== 3) || x.shape[x.rank - 1] !== this.inFeatures) {
      throw new Error(`Linear: expected input [batch, ${this.inFeatures}], got ${fmt(x.shape)}`);
    }
    return x.engine.tidy(() => {
      const y = matmul(x, this.weight.value, { transposeB: true });
      return this.bias ? add(y, this.bias.value) : y;
    });
  }
}
