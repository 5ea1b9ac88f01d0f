// Where a recorded trajectory θ_0 … θ_T goes to and comes from.
import type { LayoutEntry } from '../layout/layout';

/** Precision of the stored θ: float64 (default; differences of float32 weights are exact) or float32 (memory experiments only). */
export type TrajectoryDtype = 'float64' | 'float32';

/** Receives θ_0, θ_1, … in order. */
export interface TrajectorySink {
  /** Appends one parameter vector (copied or written before the promise settles). */
  append(theta: Float64Array): Promise<void>;
  /** Flushes and releases the sink. */
  close(): Promise<void>;
}

/** Gives back a recorded trajectory. */
export interface TrajectorySource {
  /** The tensors θ is made of. */
  readonly entries: readonly LayoutEntry[];
  /** P. */
  readonly size: number;
  /** Stored rows (T + 1). */
  readonly length: number;
  /** The rows in order, each a new float64 array. */
  rows(): AsyncIterable<Float64Array>;
}
