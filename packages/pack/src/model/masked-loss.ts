import * as t from '@nnlab/tensor-gpu';

/**
 * Per-model mean cross-entropy of packed logits `[K, B, C]` where model k only uses its first
 * `rows[k]` rows: rows r ≥ rows[k] get weight 0 and the sum is divided by rows[k], which equals
 * slicing rows [0, rows[k]) (the reference's batch padding). `labels` holds `B` shared class ids
 * or `K·B` per-model ids (model-major). A model with `rows[k] = 0` gets loss 0 and no gradient.
 * Returns `[K]`; summing it gives every model exactly its own gradient.
 */
export function maskedPackedCrossEntropy(logits: t.Tensor, labels: ArrayLike<number>, rows: readonly number[]): t.Tensor {
  if (logits.rank !== 3) throw new Error(`maskedPackedCrossEntropy: logits must be [K, B, C], got [${logits.shape}]`);
  const [k, batch, classes] = logits.shape;
  const shared = labels.length === batch;
  if (!shared && labels.length !== k * batch) throw new Error(`maskedPackedCrossEntropy: labels must hold ${batch} shared or ${k * batch} per-model class ids, got ${labels.length}`);
  if (rows.length !== k) throw new Error(`maskedPackedCrossEntropy: rows must have one entry per model (${k}), got ${rows.length}`);
  const weights = new Float32Array(k * batch * classes);
  for (let m = 0; m < k; m++) {
    const used = rows[m];
    if (!Number.isInteger(used) || used < 0 || used > batch) throw new Error(`maskedPackedCrossEntropy: rows[${m}] must be an integer in [0, ${batch}], got ${used}`);
    for (let i = 0; i < used; i++) {
      const c = shared ? labels[i] : labels[m * batch + i];
      if (!Number.isInteger(c) || c < 0 || c >= classes) throw new Error(`maskedPackedCrossEntropy: label ${c} (model ${m}, row ${i}) is not a class id in [0, ${classes})`);
      weights[(m * batch + i) * classes + c] = 1 / used;
    }
  }
  return t.tidy(() => t.neg(t.sum(t.mul(t.logSoftmax(logits, 2), t.tensor(weights, [k, batch, classes])), [1, 2])));
}
