import { defaultEngine } from '../default-engine';
import { full } from '../ops/creation';
import { add, div, mul, sqrt, square, sub } from '../ops/elementwise';
import { reshape } from '../ops/layout';
import { mean } from '../ops/reduce';
import { checkTensor } from '../ops/run';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';
import { StateBuffer } from './buffer';
import { Module } from './module';
import { Parameter } from './parameter';
import { checkPositiveInt } from './weights';

/** Options of {@link BatchNorm1d} and {@link BatchNorm2d}. */
export interface BatchNormOptions {
  /** Weight of the new batch statistic in the running averages (default 0.1, as PyTorch). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/**
 * Batch normalisation over every axis but the channel axis 1 (shared code of
 * {@link BatchNorm1d} and {@link BatchNorm2d}). Training mode normalises with the batch mean and
 * biased variance (the gradient flows through both) and updates the running mean and the running
 * unbiased variance: `r ← (1 − momentum) · r + momentum · batchStat`. Eval mode normalises with
 * the running statistics. Parameters: `weight` `[C]` (role 'scale', ones) and `bias` `[C]` (role
 * 'shift', zeros); buffers: `runningMean` (zeros) and `runningVar` (ones).
 */
export abstract class BatchNorm extends Module {
  /** Per-channel scale γ `[C]`. */
  readonly weight: Parameter;
  /** Per-channel shift β `[C]`. */
  readonly bias: Parameter;
  /** Running mean `[C]` (not trainable). */
  readonly runningMean: StateBuffer;
  /** Running unbiased variance `[C]` (not trainable). */
  readonly runningVar: StateBuffer;
  /** Weight of the batch statistic in the running averages. */
  readonly momentum: number;
  /** Added to the variance before the square root. */
  readonly eps: number;

  protected constructor(
    /** Channels (features) C. */
    readonly numFeatures: number,
    options: BatchNormOptions,
    private readonly layerName: string,
    private readonly ranks: readonly number[],
  ) {
    super();
    checkPositiveInt(numFeatures, layerName, 'numFeatures');
    this.momentum = options.momentum ?? 0.1;
    this.eps = options.eps ?? 1e-5;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new Error(`${layerName}: momentum must be in [0, 1], got ${this.momentum}`);
    if (!(this.eps > 0)) throw new Error(`${layerName}: eps must be positive, got ${this.eps}`);
    const kept = (v: number) => defaultEngine.keep(full(defaultEngine, [numFeatures], v));
    this.weight = this.addParameter('weight', new Parameter(kept(1), 'scale', 0));
    this.bias = this.addParameter('bias', new Parameter(kept(0), 'shift', 0));
    this.runningMean = this.addBuffer('runningMean', new StateBuffer(kept(0)));
    this.runningVar = this.addBuffer('runningVar', new StateBuffer(kept(1)));
  }

  /** Normalises `x` per channel, then scales and shifts. */
  forward(x: Tensor): Tensor {
    checkTensor(x, this.layerName);
    const c = this.numFeatures;
    if (!this.ranks.includes(x.rank) || x.shape[1] !== c) {
      const want = this.ranks.map((r) => (r === 2 ? `[N, ${c}]` : r === 3 ? `[N, ${c}, L]` : `[N, ${c}, H, W]`)).join(' or ');
      throw new Error(`${this.layerName}: expected input ${want}, got ${fmt(x.shape)}`);
    }
    const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
    const channelShape = x.shape.map((d, i) => (i === 1 ? d : 1));
    const perChannel = (p: Tensor) => reshape(p, channelShape);
    return x.engine.tidy(() => {
      let normalised: Tensor;
      if (this.training) {
        const n = x.size / c;
        if (n < 2) throw new Error(`${this.layerName}: training needs more than one value per channel, got input ${fmt(x.shape)}`);
        const m = mean(x, axes, true);
        const centred = sub(x, m);
        const v = mean(square(centred), axes, true);
        this.updateRunningStats(m, v, n);
        normalised = div(centred, sqrt(add(v, this.eps)));
      } else {
        const centred = sub(x, perChannel(this.runningMean.value));
        normalised = div(centred, sqrt(add(perChannel(this.runningVar.value), this.eps)));
      }
      return add(mul(normalised, perChannel(this.weight.value)), perChannel(this.bias.value));
    });
  }

  /** Replaces the running statistics (not recorded; the previous tensors are disposed). */
  private updateRunningStats(batchMean: Tensor, batchVar: Tensor, n: number): void {
    const engine = batchMean.engine;
    const c = this.numFeatures;
    const k = this.momentum;
    const [nextMean, nextVar] = engine.noGrad(() =>
      engine.tidy(() => [
        add(mul(this.runningMean.value, 1 - k), mul(reshape(batchMean, [c]), k)),
        add(mul(this.runningVar.value, 1 - k), mul(reshape(batchVar, [c]), (k * n) / (n - 1))),
      ]),
    );
    this.runningMean.assign(nextMean);
    this.runningVar.assign(nextVar);
  }
}

/** Batch normalisation of `[N, C]` (or `[N, C, L]`) inputs per feature C; see {@link BatchNorm}. */
export class BatchNorm1d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options, 'BatchNorm1d', [2, 3]);
  }
}

/** Batch normalisation of `[N, C, H, W]` inputs per channel C; see {@link BatchNorm}. */
export class BatchNorm2d extends BatchNorm {
  constructor(numChannels: number, options: BatchNormOptions = {}) {
    super(numChannels, options, 'BatchNorm2d', [4]);
  }
}
