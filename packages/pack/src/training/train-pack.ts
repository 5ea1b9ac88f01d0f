import * as t from '@nnlab/tensor-gpu';
import { sampleSize } from '../model/architecture';
import type { PackedModels } from '../model/pack';
import { checkDataset, epochOrder, gatherBatch, gatherInto } from './dataset';

/**
 * How models with different batch sizes share the data:
 * - `'slice'` (the reference's batch padding): every step feeds the next B_max rows of one shared
 *   order and model k uses the first b_k of them, so per epoch model k sees only about N·b_k/B_max
 *   samples (smaller batches skip data) and every model takes ⌈N/B_max⌉ steps.
 * - `'own-batches'`: each model walks the whole epoch in its own batches of b_k rows (per-model
 *   input `[K, B_max, ...]`, padded); it takes ⌈N/b_k⌉ steps per epoch and sits idle (masked,
 *   learning rate 0) once it has finished, so the pack runs as long as its smallest batch needs.
 */
export type PaddingMode = 'slice' | 'own-batches';

/** Options of {@link trainPack}. */
export interface TrainPackOptions {
  /** Epochs (a positive integer). */
  epochs: number;
  /** Seed of the sample order (epoch e uses {@link epochOrder}(N, seed, e)). */
  seed: number;
  /** See {@link PaddingMode}; default `'slice'`. */
  paddingMode?: PaddingMode;
  /** Batch size of the models whose config sets none (required when some config sets none). */
  batchSize?: number;
  /** Called after each step with its index (losses are not read back, to keep the queue full). */
  onStep?: (step: number) => void;
}

/** What {@link trainPack} did. */
export interface TrainPackReport {
  /** Packed steps run. */
  steps: number;
  /** Samples each model trained on (over all epochs). */
  samplesSeen: number[];
  /** Per-model loss of the last step each model took (one readback at the end). */
  lastLosses: number[];
}

function batchSizes(packed: PackedModels, fallback: number | undefined): number[] {
  return packed.configs.map((c, k) => {
    const b = c.batchSize ?? fallback;
    if (b === undefined) throw new Error(`trainPack: configs[${k}] sets no batchSize; pass options.batchSize`);
    return b;
  });
}

/** Trains a pack for whole epochs over `data` (see {@link PaddingMode}). */
export async function trainPack(packed: PackedModels, data: t.train.LabeledData, options: TrainPackOptions): Promise<TrainPackReport> {
  const size = sampleSize(packed.architecture);
  const count = checkDataset(data, size);
  if (!options || !Number.isInteger(options.epochs) || options.epochs < 1) throw new Error(`trainPack: options.epochs must be a positive integer, got ${options?.epochs}`);
  if (!Number.isInteger(options.seed)) throw new Error(`trainPack: options.seed must be an integer, got ${options.seed}`);
  if (options.batchSize !== undefined && (!Number.isInteger(options.batchSize) || options.batchSize < 1)) throw new Error(`trainPack: options.batchSize must be a positive integer, got ${options.batchSize}`);
  const mode = options.paddingMode ?? 'slice';
  if (mode !== 'slice' && mode !== 'own-batches') throw new Error(`trainPack: options.paddingMode must be 'slice' or 'own-batches', got ${String(mode)}`);
  const sizes = batchSizes(packed, options.batchSize);
  const bMax = Math.max(...sizes);
  const k = packed.size;
  const shape = packed.architecture.inputShape;
  const samplesSeen = new Array<number>(k).fill(0);
  const lastLosses = new Array<number>(k).fill(NaN);
  // Losses of the step where a model took its last batch: read back once, at the end.
  const finals: { tensor: t.Tensor; models: number[] }[] = [];
  const settle = (losses: t.Tensor, finishing: number[]): void => {
    if (finishing.length > 0) finals.push({ tensor: losses, models: finishing });
    else losses.dispose();
  };
  let steps = 0;
  if (mode === 'slice') {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const order = epochOrder(count, options.seed, epoch);
      for (let start = 0; start < count; start += bMax) {
        const n = Math.min(bMax, count - start);
        const { x, labels } = gatherBatch(data, size, order.subarray(start, start + n));
        const rows = sizes.map((b) => Math.min(b, n));
        const input = t.tensor(x, [n, ...shape]);
        const losses = packed.step({ x: input, labels, rows });
        input.dispose();
        const finalStep = epoch === options.epochs - 1 && start + bMax >= count;
        settle(losses, finalStep ? sizes.map((_, m) => m) : []);
        rows.forEach((r, m) => (samplesSeen[m] += r));
        options.onStep?.(steps);
        steps++;
      }
    }
  } else {
    const perEpoch = sizes.map((b) => Math.ceil(count / b));
    const total = perEpoch.map((s) => s * options.epochs);
    const longest = Math.max(...total);
    const orders = new Map<number, Uint32Array>();
    const orderOf = (epoch: number) => {
      let o = orders.get(epoch);
      if (!o) orders.set(epoch, (o = epochOrder(count, options.seed, epoch)));
      return o;
    };
    for (let s = 0; s < longest; s++) {
      const x = new Float32Array(k * bMax * size);
      const labels = new Int32Array(k * bMax);
      const rows = new Array<number>(k).fill(0);
      const active = total.map((steps_k) => s < steps_k);
      for (let m = 0; m < k; m++) {
        if (!active[m]) continue;
        const epoch = Math.floor(s / perEpoch[m]);
        const j = s % perEpoch[m];
        const idx = orderOf(epoch).subarray(j * sizes[m], Math.min((j + 1) * sizes[m], count));
        gatherInto(data, size, idx, x, m * bMax * size, labels, m * bMax);
        rows[m] = idx.length;
      }
      // Orders of finished epochs are no longer needed by any model.
      for (const e of orders.keys()) if (perEpoch.every((p, m) => !active[m] || Math.floor(s / p) > e)) orders.delete(e);
      const input = t.tensor(x, [k, bMax, ...shape]);
      const losses = packed.step({ x: input, labels, rows, active });
      input.dispose();
      rows.forEach((r, m) => (samplesSeen[m] += r));
      settle(losses, total.flatMap((steps_k, m) => (steps_k === s + 1 ? [m] : [])));
      options.onStep?.(steps);
      steps++;
    }
  }
  for (const { tensor, models } of finals) {
    const values = await tensor.data();
    tensor.dispose();
    for (const m of models) lastLosses[m] = values[m];
  }
  return { steps, samplesSeen, lastLosses };
}
