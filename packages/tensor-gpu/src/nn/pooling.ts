import { avgPool2d, maxPool2d, type Pair, type Pool2dOptions } from '../ops/conv';
import { mean } from '../ops/reduce';
import { checkTensor } from '../ops/run';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';
import { Module } from './module';

/** Options of the pooling layers. */
export interface PoolLayerOptions {
  /** Step between windows (default: the window size). */
  stride?: Pair;
  /** Padding on each side (default 0). */
  padding?: Pair;
}

function poolOptions(kernel: Pair, options: PoolLayerOptions): Pool2dOptions {
  return { kernel, stride: options.stride, padding: options.padding };
}

/** Max pooling over NCHW windows (no parameters). */
export class MaxPool2d extends Module {
  /** Window, stride and padding passed to `maxPool2d`. */
  readonly options: Pool2dOptions;

  constructor(kernel: Pair, options: PoolLayerOptions = {}) {
    super();
    this.options = poolOptions(kernel, options);
  }

  /** `maxPool2d(x)`. */
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.options);
  }
}

/** Average pooling over NCHW windows (no parameters; padding counts in the divisor). */
export class AvgPool2d extends Module {
  /** Window, stride and padding passed to `avgPool2d`. */
  readonly options: Pool2dOptions;

  constructor(kernel: Pair, options: PoolLayerOptions = {}) {
    super();
    this.options = poolOptions(kernel, options);
  }

  /** `avgPool2d(x)`. */
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.options);
  }
}

/** Global average pooling: `[N, C, H, W]` → `[N, C]` (the mean over each channel's plane). */
export class GlobalAvgPool2d extends Module {
  /** `mean(x, [2, 3])`. */
  forward(x: Tensor): Tensor {
    checkTensor(x, 'GlobalAvgPool2d');
    if (x.rank !== 4) throw new Error(`GlobalAvgPool2d: expected input [N, C, H, W], got ${fmt(x.shape)}`);
    return mean(x, [2, 3]);
  }
}
