// Test helper (not part of the command): an experiment context without progress bars or logs.
import type { ExperimentContext } from '../experiment';

/** A silent context for a run with `seed`, `--quick` as given, no option values, and `outDir`. */
export function quietContext(seed: number, quick: boolean, outDir: string): ExperimentContext {
  return {
    progress: () => ({ tick: () => undefined, done: () => undefined }),
    log: () => undefined,
    options: { seed, quick, values: {} },
    outDir,
  };
}
