/**
 * Every experiment `nnlab` knows, in the order `nnlab all` runs them. A technique package adds
 * its headline experiment by importing it here and appending it to the list.
 */
import type { Experiment } from './experiment';
import { backendsExperiment } from './experiments/backends';
import { lcaExperiment } from './experiments/lca';
import { compressibilityExperiment } from './experiments/compressibility';
import { packExperiment } from './experiments/pack';
import { lossScaleExperiment } from './experiments/loss-scale';
import { verifyExperiment } from './experiments/verify';
import { dfaExperiment } from './experiments/dfa';

/** The registered experiments, in run order. */
export const experiments: readonly Experiment[] = [backendsExperiment, lcaExperiment, compressibilityExperiment, packExperiment, lossScaleExperiment, dfaExperiment, verifyExperiment];

/** Command names that an experiment id may not take. */
export const RESERVED_COMMANDS: readonly string[] = ['all', 'list', 'help'];

/** The experiment with the given id, if any. */
export function findExperiment(id: string, list: readonly Experiment[] = experiments): Experiment | undefined {
  return list.find((e) => e.id === id);
}
