import { relu } from '../ops/elementwise';
import type { Tensor } from '../tensor';
import { ReLU } from './activations';
import { BatchNorm2d } from './batchnorm';
import { Conv2d } from './conv2d';
import { Residual, Sequential } from './containers';
import { heNormal } from './init';
import { Linear } from './linear';
import type { Module } from './module';
import { GlobalAvgPool2d } from './pooling';
import { resolveSeed } from './seed';
import { SeedSequence } from './seed-sequence';
import { ZeroPadShortcut } from './shortcut';

/** Options of {@link resnet20}. */
export interface ResNet20Options {
  /** One seed for the whole model (random when omitted). */
  seed?: number;
  /** Output classes (default 10). */
  numClasses?: number;
  /**
   * Shortcut on a change of shape: 'A' (default, He et al.'s CIFAR choice) subsamples and
   * zero-pads channels, with no parameters; 'B' uses a 1×1 strided convolution and BatchNorm.
   */
  shortcut?: 'A' | 'B';
  /**
   * Channels of the first stage (default 16, He et al.'s); the stages have width, 2·width and
   * 4·width channels. A smaller width keeps the 20-layer structure at a fraction of the cost.
   */
  width?: number;
}

/** Number of parameters of {@link resnet20} with option-A shortcuts (the default). */
export const RESNET20_PARAMETERS = 269_722;

/** Number of parameters of {@link resnet20} with option-B (projection) shortcuts. */
export const RESNET20_B_PARAMETERS = 272_474;

/**
 * A basic residual block `relu(body(x) + shortcut(x))` with body conv3×3 → BN → ReLU → conv3×3 → BN
 * (children `body.0` conv, `body.1` BN, `body.3` conv, `body.4` BN, optional `shortcut`).
 */
export class BasicBlock extends Residual {
  constructor(inChannels: number, outChannels: number, stride: number, shortcut: 'A' | 'B', seeds: SeedSequence) {
    const conv = (i: number, o: number, s: number) => new Conv2d(i, o, 3, { stride: s, padding: 1, bias: false, init: heNormal, seed: seeds.next() });
    const body = new Sequential(conv(inChannels, outChannels, stride), new BatchNorm2d(outChannels), new ReLU(), conv(outChannels, outChannels, 1), new BatchNorm2d(outChannels));
    let skip: Module | null = null;
    if (stride !== 1 || inChannels !== outChannels) {
      skip = shortcut === 'A'
        ? new ZeroPadShortcut(inChannels, outChannels, stride)
        : new Sequential(new Conv2d(inChannels, outChannels, 1, { stride, bias: false, init: heNormal, seed: seeds.next() }), new BatchNorm2d(outChannels));
    }
    super(body, skip);
  }

  /** `relu(body(x) + shortcut(x))`. */
  override forward(x: Tensor): Tensor {
    return x.engine.tidy(() => relu(super.forward(x)));
  }
}

/**
 * ResNet-20 for CIFAR-10 (He et al. 2016, section 4.2): input `[N, 3, 32, 32]` (other sizes
 * work too: the head pools globally) → logits `[N, numClasses]`. Layers: `0` Conv2d 3→16 3×3 (no bias), `1` BatchNorm2d,
 * `2` ReLU, `3`/`4`/`5` three stages of three {@link BasicBlock}s with 16, 32 and 64 channels
 * (the first block of stages 2 and 3 has stride 2), `6` global average pooling, `7` Linear 64→10.
 * Conv and Linear weights use He normal initialisation; Linear bias PyTorch's default; BatchNorm
 * γ = 1, β = 0. With option-A shortcuts it has 269,722 parameters (plus 1,376 running-statistic
 * values); option B adds 2,752 (1×1 convs 16→32 and 32→64 with their BatchNorms): 272,474.
 */
export function resnet20(options: ResNet20Options = {}): Sequential {
  const seeds = new SeedSequence(resolveSeed(options.seed, 'resnet20'));
  const shortcut = options.shortcut ?? 'A';
  if (shortcut !== 'A' && shortcut !== 'B') throw new Error(`resnet20: shortcut must be 'A' or 'B', got ${JSON.stringify(shortcut)}`);
  const numClasses = options.numClasses ?? 10;
  const w = options.width ?? 16;
  if (!Number.isInteger(w) || w < 1) throw new Error(`resnet20: width must be a positive integer, got ${String(options.width)}`);
  const stage = (inC: number, outC: number, stride: number) =>
    new Sequential(new BasicBlock(inC, outC, stride, shortcut, seeds), new BasicBlock(outC, outC, 1, shortcut, seeds), new BasicBlock(outC, outC, 1, shortcut, seeds));
  return new Sequential(
    new Conv2d(3, w, 3, { padding: 1, bias: false, init: heNormal, seed: seeds.next() }),
    new BatchNorm2d(w),
    new ReLU(),
    stage(w, w, 1),
    stage(w, 2 * w, 2),
    stage(2 * w, 4 * w, 2),
    new GlobalAvgPool2d(),
    new Linear(4 * w, numClasses, { init: heNormal, seed: seeds.next() }),
  );
}
