import { add } from '../ops/elementwise';
import { reshape } from '../ops/layout';
import { conv2d, type Conv2dOptions, type Pair } from '../ops/conv';
import { checkTensor } from '../ops/run';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';
import type { InitOptions } from './init';
import { Module } from './module';
import type { Parameter } from './parameter';
import { checkPositiveInt, weightAndBias } from './weights';

/** Options of {@link Conv2d}. */
export interface Conv2dLayerOptions extends InitOptions {
  /** Step between windows (default 1). */
  stride?: Pair;
  /** Zeros added on each side (default 0). */
  padding?: Pair;
  /** Spacing between kernel taps (default 1). */
  dilation?: Pair;
  /** Channel groups (default 1); inC and outC must be divisible by it. */
  groups?: number;
  /** Whether the layer adds a per-channel bias (default true). */
  bias?: boolean;
}

/**
 * 2-D convolution layer (PyTorch layout): input `[N, inC, H, W]`, weight `[outC, inC/groups, kH, kW]`,
 * bias `[outC]` broadcast as `[1, outC, 1, 1]`.
 */
export class Conv2d extends Module {
  /** The weight `[outC, inC/groups, kH, kW]`. */
  readonly weight: Parameter;
  /** The bias `[outC]`, or null without one. */
  readonly bias: Parameter | null;
  /** Stride, padding, dilation and groups passed to `conv2d`. */
  readonly options: Conv2dOptions;

  constructor(
    /** Input channels. */
    readonly inChannels: number,
    /** Output channels. */
    readonly outChannels: number,
    /** Kernel size, one number for square kernels or `[kH, kW]`. */
    readonly kernelSize: Pair,
    options: Conv2dLayerOptions = {},
  ) {
    super();
    checkPositiveInt(inChannels, 'Conv2d', 'inChannels');
    checkPositiveInt(outChannels, 'Conv2d', 'outChannels');
    const [kh, kw] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
    checkPositiveInt(kh, 'Conv2d', 'kernel height');
    checkPositiveInt(kw, 'Conv2d', 'kernel width');
    const groups = options.groups ?? 1;
    checkPositiveInt(groups, 'Conv2d', 'groups');
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new Error(`Conv2d: inChannels ${inChannels} and outChannels ${outChannels} must both be divisible by groups ${groups}`);
    }
    this.options = { stride: options.stride ?? 1, padding: options.padding ?? 0, dilation: options.dilation ?? 1, groups };
    const { weight, bias } = weightAndBias([outChannels, inChannels / groups, kh, kw], outChannels, options.bias ?? true, options, 'Conv2d');
    this.weight = this.addParameter('weight', weight);
    this.bias = bias ? this.addParameter('bias', bias) : null;
  }

  /** `conv2d(x, W) + b`. */
  forward(x: Tensor): Tensor {
    checkTensor(x, 'Conv2d');
    if (x.rank !== 4 || x.shape[1] !== this.inChannels) {
      throw new Error(`Conv2d: expected input [N, ${this.inChannels}, H, W], got ${fmt(x.shape)}`);
    }
    return x.engine.tidy(() => {
      const y = conv2d(x, this.weight.value, this.options);
      return this.bias ? add(y, reshape(this.bias.value, [1, this.outChannels, 1, 1])) : y;
    });
  }
}
