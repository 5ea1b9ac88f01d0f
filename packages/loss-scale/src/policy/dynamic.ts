import { globalScalePolicy } from './global-scale';
import { checkIntegerOption, checkNumberOption, type LossScalePolicy } from './types';

/** Options of {@link dynamicScaling} (Chainer's `loss_scaling(interval, scale=None)`). */
export interface DynamicScalingOptions {
  /** After the first overflow the scale grows by 2^(1/interval) per clean step (default 10). */
  interval?: number;
  /** Upper clamp s_max (default 2²⁴; the reference's value is not published). */
  maxScale?: number;
}

/**
 * Dynamic loss scaling as the reference's baseline (Chainer's `update_loss_scale`): start at 1,
 * double every clean step until the first overflow, then multiply by 2^(1/interval) per clean
 * step; on a step with a non-finite gradient halve the scale and skip the update. Clamped to
 * [1, maxScale].
 */
export function dynamicScaling(options: DynamicScalingOptions = {}): LossScalePolicy {
  const interval = checkIntegerOption('dynamicScaling', 'interval', options.interval ?? 10);
  const maxScale = checkNumberOption('dynamicScaling', 'maxScale', options.maxScale ?? 2 ** 24, 1);
  let scale = 1;
  let overflowSeen = false;
  return globalScalePolicy('dynamic', () => scale, (finite) => {
    if (!finite) {
      scale /= 2;
      overflowSeen = true;
    } else if (!overflowSeen) scale *= 2;
    else scale *= 2 ** (1 / interval);
    scale = Math.min(Math.max(scale, 1), maxScale);
  });
}

/** Options of {@link apexDynamicScaling}. */
export interface ApexDynamicScalingOptions {
  /** First scale (default 2¹⁶, as Apex). */
  initScale?: number;
  /** Clean steps before the scale doubles (default 2000). */
  growthInterval?: number;
  /** Lower clamp (default 1). */
  minScale?: number;
  /** Upper clamp (default 2²⁴). */
  maxScale?: number;
}

/**
 * Apex/PyTorch-AMP-style dynamic scaling (an extra baseline, not the one the reference compared):
 * ×2 after `growthInterval` consecutive clean steps, ÷2 (and skip) on a non-finite gradient.
 */
export function apexDynamicScaling(options: ApexDynamicScalingOptions = {}): LossScalePolicy {
  const where = 'apexDynamicScaling';
  const growthInterval = checkIntegerOption(where, 'growthInterval', options.growthInterval ?? 2000);
  const minScale = checkNumberOption(where, 'minScale', options.minScale ?? 1, 0, true);
  const maxScale = checkNumberOption(where, 'maxScale', options.maxScale ?? 2 ** 24, minScale);
  let scale = checkNumberOption(where, 'initScale', options.initScale ?? 2 ** 16, 0, true);
  if (scale < minScale || scale > maxScale) throw new Error(`${where}: initScale ${scale} must lie in [minScale ${minScale}, maxScale ${maxScale}]`);
  let clean = 0;
  return globalScalePolicy('dynamic-apex', () => scale, (finite) => {
    if (!finite) {
      scale = Math.max(scale / 2, minScale);
      clean = 0;
      return;
    }
    clean++;
    if (clean === growthInterval) {
      scale = Math.min(scale * 2, maxScale);
      clean = 0;
    }
  });
}
