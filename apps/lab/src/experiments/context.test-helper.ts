// Test helper (not part of the command): an experiment context without progress bars or logs.
import type { ExperimentContext, ExperimentTiers } from '../experiment';

/** A silent context for a run with `seed`, `--quick` as given, no option values, and `outDir`. */
export function quietContext(seed: number, quick: boolean, outDir: string): ExperimentContext {
  return {
    progress: () => ({ tick: () => undefined, done: () => undefined }),
    log: () => undefined,
    options: { seed, quick, full: false, values: {} },
    outDir,
  };
}

/** Tiers for a made-up experiment: no settings, `seconds` expected in the default and `fullSeconds` in the full tier. */
export function fakeTiers(seconds = 1, fullSeconds = 10 * seconds): ExperimentTiers {
  return {
    quick: { settings: {} },
    default: { settings: {}, reproduces: 'a test', expectedSeconds: seconds, basis: 'made up for a test' },
    full: { settings: {}, reproduces: 'a longer test', expectedSeconds: fullSeconds, basis: 'made up for a test' },
  };
}
