import * as t from '@nnlab/tensor-gpu';
import type { PackedModels } from './pack';

/** One host batch for {@link stepBackToBack}: `n` samples shared by every pack. */
export interface SharedHostBatch {
  /** `n × sample` values. */
  x: Float32Array;
  /** `n` class ids. */
  labels: ArrayLike<number>;
}

/**
 * One training step of several packs whose architectures differ (so their kernels cannot be
 * fused): the input is uploaded once per distinct sample shape and the packs' steps are queued back
 * to back; nothing is read back. Returns each pack's loss tensor `[K_p]` (the caller reads and
 * disposes them, e.g. with {@link readLosses}, once, after all packs have been queued).
 */
export function stepBackToBack(packs: readonly PackedModels[], batch: SharedHostBatch): t.Tensor[] {
  if (!Array.isArray(packs) || packs.length === 0) throw new Error('stepBackToBack: packs must be a non-empty array');
  const n = batch?.labels?.length;
  if (!Number.isInteger(n) || n < 1) throw new Error('stepBackToBack: batch.labels must be a non-empty array of class ids');
  const inputs = new Map<string, t.Tensor>();
  try {
    return packs.map((p, i) => {
      const shape = p.architecture.inputShape;
      const size = shape.reduce((a: number, b: number) => a * b, 1);
      if (batch.x.length !== n * size) throw new Error(`stepBackToBack: packs[${i}] ('${p.architecture.name}') takes ${size} values per sample; batch.x holds ${batch.x.length} for ${n} samples`);
      const key = shape.join('x');
      let x = inputs.get(key);
      if (!x) inputs.set(key, (x = t.tensor(batch.x, [n, ...shape])));
      return p.step({ x, labels: batch.labels });
    });
  } finally {
    for (const x of inputs.values()) x.dispose();
  }
}

/** Reads every loss tensor back (after all were queued) and disposes them. */
export async function readLosses(losses: readonly t.Tensor[]): Promise<Float32Array[]> {
  try {
    return await Promise.all(losses.map((l) => l.data()));
  } finally {
    for (const l of losses) l.dispose();
  }
}
