// LCA of a recorded trajectory: stream the rows through the same run as online mode.
import { createLayout, type ParameterLayout } from './layout/layout';
import type { Oracles } from './quadrature/allocator';
import { LcaRun, type LcaRunOptions } from './run';
import type { TrajectorySource } from './trajectory/types';

/** Options of {@link allocateTrajectory}. */
export interface OfflineLcaOptions extends LcaRunOptions {
  /** The layout (default: built from the trajectory's entries, which must match the oracles' θ order). */
  layout?: ParameterLayout;
  /** Called after each iteration with (iterations done, iterations in total). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Computes LCA from a stored trajectory θ_0 … θ_T, reading one row at a time: memory is O(P)
 * whatever T is. The oracles must evaluate θ in the trajectory's order. Returns the finished
 * run (`run.result()`, `run.results()`).
 */
export async function allocateTrajectory(source: TrajectorySource, oracles: Oracles, options: OfflineLcaOptions = {}): Promise<LcaRun> {
  const layout = options.layout ?? createLayout(source.entries);
  if (layout.size !== source.size) throw new Error(`allocateTrajectory: the layout has ${layout.size} parameters, the trajectory ${source.size}`);
  if (source.length < 2) throw new Error(`allocateTrajectory: needs at least 2 rows (θ_0 and θ_1), the trajectory has ${source.length}`);
  const run = new LcaRun(layout, oracles, options);
  const total = source.length - 1;
  let first = true;
  for await (const theta of source.rows()) {
    if (first) {
      await run.start(theta);
      first = false;
    } else {
      await run.step(theta);
      options.onProgress?.(run.iterations, total);
    }
  }
  return run;
}
