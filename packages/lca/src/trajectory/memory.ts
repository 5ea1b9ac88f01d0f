// A trajectory kept in memory (small problems and tests).
import type { LayoutEntry } from '../layout/layout';
import type { TrajectoryDtype, TrajectorySink, TrajectorySource } from './types';

/** A trajectory held in memory: T + 1 rows of P values, float64 (default) or float32. */
export class MemoryTrajectory implements TrajectorySink, TrajectorySource {
  private readonly stored: (Float64Array | Float32Array)[] = [];
  /** P. */
  readonly size: number;

  constructor(
    /** The tensors θ is made of. */
    readonly entries: readonly LayoutEntry[],
    /** Storage precision. */
    readonly dtype: TrajectoryDtype = 'float64',
  ) {
    this.size = entries.reduce((n, e) => n + e.shape.reduce((a, b) => a * b, 1), 0);
  }

  /** Rows stored. */
  get length(): number {
    return this.stored.length;
  }

  /** Bytes held by the rows. */
  get byteLength(): number {
    return this.stored.reduce((n, r) => n + r.byteLength, 0);
  }

  /** Stores a copy of `theta`. */
  async append(theta: Float64Array): Promise<void> {
    if (theta.length !== this.size) throw new Error(`MemoryTrajectory: expected ${this.size} values, got ${theta.length}`);
    this.stored.push(this.dtype === 'float64' ? theta.slice() : Float32Array.from(theta));
  }

  /** Nothing to flush. */
  async close(): Promise<void> {}

  /** The rows, as new float64 arrays. */
  async *rows(): AsyncIterable<Float64Array> {
    for (const r of this.stored) yield Float64Array.from(r);
  }
}
