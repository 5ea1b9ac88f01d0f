import { layerShapes, parameterCount, sampleSize, type Architecture } from '../model/architecture';
import { resolveConfig, type ModelConfig } from '../model/config';

/** Estimated device memory of one model in a pack, in bytes. */
export interface MemoryEstimate {
  /** The parameters. */
  parameters: number;
  /** Their gradients (one per parameter during the step). */
  gradients: number;
  /** Optimiser state: SGD's momentum buffer (when momentum > 0), Adam's two moments. */
  optimizerState: number;
  /**
   * Activations at the batch size: the input and every layer's output kept for the backward pass,
   * plus the gradient of each (so twice the forward values).
   */
  activations: number;
  /** The sum. */
  total: number;
}

/** Options of {@link estimateMemory}. */
export interface MemoryOptions {
  /** Batch size when the config sets none. */
  batchSize?: number;
  /** Bytes per stored value (default 4, float32). */
  bytesPerValue?: number;
}

/**
 * Memory one model needs when it trains in a pack: parameters, gradients, optimiser state and
 * activations at its batch size. A model in a pack uses the pack's batch rows, so pass the
 * pack's largest batch as `options.batchSize` and leave the config's out to estimate padded packs.
 */
export function estimateMemory(architecture: Architecture, config: ModelConfig, options: MemoryOptions = {}): MemoryEstimate {
  const c = resolveConfig(config, 0);
  const batch = c.batchSize ?? options.batchSize;
  if (batch === undefined || !Number.isInteger(batch) || batch < 1) throw new Error(`estimateMemory: a positive integer batch size is needed (config.batchSize or options.batchSize), got ${String(batch)}`);
  const bytes = options.bytesPerValue ?? 4;
  if (!Number.isFinite(bytes) || bytes <= 0) throw new Error(`estimateMemory: options.bytesPerValue must be a positive number, got ${bytes}`);
  const p = parameterCount(architecture);
  const perSample = sampleSize(architecture) + layerShapes(architecture).reduce((s, shape) => s + shape.reduce((a, b) => a * b, 1), 0);
  const states = c.optimizer === 'adam' ? 2 : c.momentum > 0 ? 1 : 0;
  const parameters = p * bytes;
  const gradients = p * bytes;
  const optimizerState = states * p * bytes;
  const activations = 2 * batch * perSample * bytes;
  return { parameters, gradients, optimizerState, activations, total: parameters + gradients + optimizerState + activations };
}

/** How many copies of a model fit in `budget` bytes (at least 0). */
export function maxPackSize(architecture: Architecture, config: ModelConfig, budget: number, options: MemoryOptions = {}): number {
  if (!Number.isFinite(budget) || budget <= 0) throw new Error(`maxPackSize: budget must be a positive number of bytes, got ${budget}`);
  return Math.floor(budget / estimateMemory(architecture, config, options).total);
}
