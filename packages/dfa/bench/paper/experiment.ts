// What distinguishes one paper run from another: its data, its networks, its defaults and the
// published numbers it is compared with. The runner (`run.ts`) owns everything else: round-robin
// epochs, checkpoints, stopping, the results file.
import type * as t from '@nnlab/tensor-gpu';
import type { DfaNetwork } from '../../src/index';
import type { PaperRunSettings } from './settings';

/** The image sets of a paper run. */
export interface PaperData {
  train: t.train.LabeledData;
  /** Held out of the training images; selects the reported epoch and stops a method. */
  validation: t.train.LabeledData;
  test: t.train.LabeledData;
  /** Where the training error is measured: the training set, or a fixed part of it where evaluating all of it every epoch costs too much. */
  trainEvaluation: t.train.LabeledData;
}

/** One paper run's data, networks, defaults and published numbers. */
export interface PaperExperiment<M extends string, S extends PaperRunSettings<M>, P> {
  /** Prefix of error messages (the public entry point's name). */
  name: string;
  defaults: S;
  /** Published numbers, written to the results file. */
  paper: P;
  /** Shape of one sample, e.g. `[784]` or `[3, 32, 32]`. */
  inputShape: readonly number[];
  loadData(settings: S): Promise<PaperData>;
  /** A new network of `method` with the settings' seeds; the caller disposes it and its model. */
  makeNetwork(method: M, settings: S): DfaNetwork;
}
