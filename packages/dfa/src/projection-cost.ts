import * as t from '@nnlab/tensor-gpu';
import { FeedbackMatrix } from './feedback/matrix';

/** Options of {@link measureProjectionCost}. */
export interface ProjectionCostOptions {
  /** n_l: outputs of the fed layer. */
  rows: number;
  /** C: classes. */
  classes: number;
  /** Samples per batch. */
  batch: number;
  /** Timed repetitions of each method (after one warm-up); default 20. */
  repeats?: number;
  /** Seed of the signs and the error; default 1. */
  seed?: number;
}

/** Time and arithmetic of projecting the output error through a binary feedback matrix, two ways. */
export interface ProjectionCost {
  /** n_l, rows of the feedback matrix. */
  rows: number;
  /** C, classes. */
  classes: number;
  /** Samples per batch. */
  batch: number;
  /** Backend the timings ran on. */
  backend: string;
  /** Median milliseconds of `e·Bᵀ` by float matmul on the ±c matrix (output allocation included). */
  floatMs: number;
  /** Median milliseconds of the multiplication-free sign projection (scale e by c, then add/subtract). */
  signMs: number;
  /** floatMs / signMs. */
  speedup: number;
  /** Multiplications of the float matmul (batch·rows·C). */
  floatMultiplies: number;
  /** Multiplications of the sign path (batch·C, scaling e by c once). */
  signMultiplies: number;
  /** Additions of the float matmul (batch·rows·C). */
  floatAdditions: number;
  /**
   * Additions of the sign path: on the `cpu` backend the table method (per sample
   * groups·2^g + rows·(groups − 1), plus one per Gray-code table entry); on device backends one
   * per sign (batch·rows·C).
   */
  signAdditions: number;
  /** max |sign − float| / max |float| (the two paths give the same values up to rounding). */
  maxRelativeDifference: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Measures what binary feedback saves on the current backend: the same ±c matrix applied to the
 * same error by a float matmul and by the sign kernel (on backends other than `cpu`, whose kernels
 * run synchronously, each timing includes reading the result back). Frees everything it creates.
 */
export async function measureProjectionCost(options: ProjectionCostOptions): Promise<ProjectionCost> {
  const { rows, classes, batch } = options;
  for (const [name, v] of [['rows', rows], ['classes', classes], ['batch', batch]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`measureProjectionCost: ${name} must be a positive integer, got ${String(v)}`);
  }
  const repeats = options.repeats ?? 20;
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`measureProjectionCost: repeats must be a positive integer, got ${String(repeats)}`);
  const rng = t.data.createRng(options.seed ?? 1);
  const signs = Float32Array.from({ length: rows * classes }, () => (rng() < 0.5 ? -1 : 1));
  const c = 1 / Math.sqrt(3 * rows);
  const matrix = new FeedbackMatrix(0, [rows], classes, signs, c);
  const e = t.tensor(Float32Array.from({ length: batch * classes }, () => (2 * rng() - 1) / batch), [batch, classes]);
  try {
    // The cpu backend runs kernels synchronously, so timing the call times the computation; other
    // backends return before the device is done, so their timings include reading the result.
    const synchronous = t.getBackend() === 'cpu';
    const time = async (useSign: boolean): Promise<{ ms: number; values: Float32Array }> => {
      const samples: number[] = [];
      for (let r = 0; r <= repeats; r++) {
        const start = performance.now();
        const out = matrix.project(e, useSign);
        if (!synchronous) await out.data();
        const ms = performance.now() - start;
        out.dispose();
        if (r > 0) samples.push(ms);
      }
      const out = matrix.project(e, useSign);
      const values = await out.data();
      out.dispose();
      return { ms: median(samples), values };
    };
    const float = await time(false);
    const sign = await time(true);
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < float.values.length; i++) {
      diff = Math.max(diff, Math.abs(float.values[i] - sign.values[i]));
      scale = Math.max(scale, Math.abs(float.values[i]));
    }
    const plan = matrix.sign!.plan;
    const backend = t.getBackend() ?? 'unknown';
    const tableAdds = batch * (plan.groups * (1 << plan.groupSize) + rows * (plan.groups - 1));
    return {
      rows,
      classes,
      batch,
      backend,
      floatMs: float.ms,
      signMs: sign.ms,
      speedup: float.ms / sign.ms,
      floatMultiplies: batch * rows * classes,
      signMultiplies: batch * classes,
      floatAdditions: batch * rows * classes,
      signAdditions: backend === 'cpu' ? tableAdds : batch * rows * classes,
      maxRelativeDifference: scale > 0 ? diff / scale : diff,
    };
  } finally {
    e.dispose();
    matrix.dispose();
  }
}
