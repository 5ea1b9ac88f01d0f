import { globalScalePolicy } from './global-scale';
import { checkNumberOption, type LossScalePolicy } from './types';

/** No loss scaling: s₀ = 1 and α = 1 everywhere; only non-finite steps are skipped. */
export function noScaling(): LossScalePolicy {
  return globalScalePolicy('none', () => 1);
}

/** Options of {@link staticScaling}. */
export interface StaticScalingOptions {
  /** The loss scale S (default 128; the reference swept 1, 16, 128, 1024, 4096, 8192, 16384). */
  scale?: number;
}

/** Static loss scaling: s₀ = S every step, α = 1; weight gradients are divided by S in float32. */
export function staticScaling(options: StaticScalingOptions = {}): LossScalePolicy {
  const scale = checkNumberOption('staticScaling', 'scale', options.scale ?? 128, 0, true);
  return globalScalePolicy('static', () => scale);
}
