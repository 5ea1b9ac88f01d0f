// Nøkland's (2016) MNIST experiment at its scale: 784-800-800-10 tanh on all 60,000 training
// images less a validation split, BP, DFA and binary DFA, on the paper runner of `run.ts`.
import * as t from '@nnlab/tensor-gpu';
import { loadMnist } from '@nnlab/tensor-gpu/node';
import { createDfa, tanhMlp, type DfaNetwork } from '../../src/index';
import type { PaperData, PaperExperiment } from './experiment';
import { runPaperExperiment, type PaperResults, type PaperRunHooks, type PaperRunOptions } from './run';
import { DEFAULT_SETTINGS, NOKLAND_2X800, type DfaPaperSettings, type PaperMethod } from './settings';

/** The MNIST run's results file. */
export type DfaPaperResults = PaperResults<PaperMethod, DfaPaperSettings, typeof NOKLAND_2X800>;

export type DfaPaperOptions = PaperRunOptions<DfaPaperSettings>;

export type DfaPaperHooks = PaperRunHooks<PaperMethod>;

/** Nøkland's MNIST run: 784-h-h-10 tanh, BP, DFA and binary DFA on the training images less a validation split. */
export const MNIST_EXPERIMENT: PaperExperiment<PaperMethod, DfaPaperSettings, typeof NOKLAND_2X800> = {
  name: 'runDfaPaper',
  defaults: DEFAULT_SETTINGS,
  paper: NOKLAND_2X800,
  inputShape: [784],
  async loadData(s): Promise<PaperData> {
    const mnist = await loadMnist();
    const split = t.data.trainValidationSplit(mnist.train.count, s.validationCount / mnist.train.count, s.dataSeed);
    const train = t.train.subsetOf(mnist.train, split.train);
    return { train, validation: t.train.subsetOf(mnist.train, split.validation), test: mnist.test, trainEvaluation: train };
  },
  makeNetwork(method, s): DfaNetwork {
    const model = tanhMlp(s.hidden, s.modelSeed);
    return createDfa(model, { seed: s.feedbackSeed, inputShape: [784], rules: method === 'bp' ? 'bp' : 'dfa', binary: method === 'bdfa', feedbackScale: s.feedbackScale ?? 1 });
  },
};

/**
 * Runs (or resumes) Nøkland's MNIST comparison and returns the results written to
 * `options.resultsFile` (see {@link runPaperExperiment}).
 */
export function runDfaPaper(options: DfaPaperOptions, hooks: DfaPaperHooks = {}): Promise<DfaPaperResults> {
  return runPaperExperiment(MNIST_EXPERIMENT, options, hooks);
}
