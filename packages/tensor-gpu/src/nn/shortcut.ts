import { pad, reshape, slice } from '../ops/layout';
import { checkTensor } from '../ops/run';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';
import { Module } from './module';
import { checkPositiveInt } from './weights';

/**
 * `x[:, :, ::stride, ::stride]` of an NCHW tensor (output `ceil(H / stride) × ceil(W / stride)`),
 * built from pad, reshape and slice so the gradient is exact: the sampled positions get the
 * output gradient, the others zero.
 */
export function subsample2d(x: Tensor, stride: number): Tensor {
  checkTensor(x, 'subsample2d');
  checkPositiveInt(stride, 'subsample2d', 'stride');
  if (x.rank !== 4) throw new Error(`subsample2d: x must be [N, C, H, W], got ${fmt(x.shape)}`);
  if (stride === 1) return reshape(x, x.shape);
  const [n, c, h, w] = x.shape;
  const oh = Math.ceil(h / stride);
  const ow = Math.ceil(w / stride);
  return x.engine.tidy(() => {
    const even = oh * stride === h && ow * stride === w ? x : pad(x, [[0, 0], [0, 0], [0, oh * stride - h], [0, ow * stride - w]]);
    const blocks = reshape(even, [n, c, oh, stride, ow, stride]);
    return reshape(slice(blocks, [0, 0, 0, 0, 0, 0], [n, c, oh, 1, ow, 1]), [n, c, oh, ow]);
  });
}

/**
 * The parameter-free "option A" shortcut of He et al. (2016) for CIFAR ResNets: subsample by
 * `stride` (`x[:, :, ::s, ::s]`) and zero-pad the channel axis from `inChannels` to `outChannels`
 * (the new channels split evenly before and after, as in the common PyTorch implementation).
 */
export class ZeroPadShortcut extends Module {
  constructor(
    /** Input channels. */
    readonly inChannels: number,
    /** Output channels (≥ inChannels). */
    readonly outChannels: number,
    /** Spatial subsampling step. */
    readonly stride = 1,
  ) {
    super();
    checkPositiveInt(inChannels, 'ZeroPadShortcut', 'inChannels');
    checkPositiveInt(outChannels, 'ZeroPadShortcut', 'outChannels');
    checkPositiveInt(stride, 'ZeroPadShortcut', 'stride');
    if (outChannels < inChannels) throw new Error(`ZeroPadShortcut: outChannels ${outChannels} must be at least inChannels ${inChannels}`);
  }

  /** Subsamples, then pads channels with zeros. */
  forward(x: Tensor): Tensor {
    checkTensor(x, 'ZeroPadShortcut');
    if (x.rank !== 4 || x.shape[1] !== this.inChannels) throw new Error(`ZeroPadShortcut: expected input [N, ${this.inChannels}, H, W], got ${fmt(x.shape)}`);
    const extra = this.outChannels - this.inChannels;
    const before = Math.floor(extra / 2);
    return x.engine.tidy(() => {
      const sampled = subsample2d(x, this.stride);
      return extra === 0 ? sampled : pad(sampled, [[0, 0], [before, extra - before], [0, 0], [0, 0]]);
    });
  }
}
