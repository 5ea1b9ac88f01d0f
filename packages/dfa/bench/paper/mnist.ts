// Nøkland's (2016) MNIST experiment at its scale: his tanh MLPs (784-800-800-10 first) on all 60,000
// training images less a validation split, BP, DFA and binary DFA, on the paper runner of `run.ts`.
import * as t from '@nnlab/tensor-gpu';
import { loadMnist } from '@nnlab/tensor-gpu/node';
import { createDfa, tanhMlp, type DfaNetwork } from '../../src/index';
import type { PaperData, PaperExperiment } from './experiment';
import { runPaperExperiment, type PaperResults, type PaperRunHooks, type PaperRunOptions } from './run';
import { DEFAULT_SETTINGS, NOKLAND_NETWORKS, type DfaPaperSettings, type NoklandNetwork, type NoklandReference, type PaperMethod } from './settings';

/** The MNIST run's results file. */
export type DfaPaperResults = PaperResults<PaperMethod, DfaPaperSettings, NoklandReference>;

export type DfaPaperOptions = PaperRunOptions<DfaPaperSettings>;

export type DfaPaperHooks = PaperRunHooks<PaperMethod>;

/**
 * Nøkland's MNIST run of one of his networks: BP, DFA and binary DFA on the training images less a
 * validation split. The 2×800 net keeps the settings of its first runs (no `depth`), so their
 * results files stay resumable; the others set `hidden` and `depth`.
 */
export function mnistExperiment(network: NoklandNetwork = '2x800'): PaperExperiment<PaperMethod, DfaPaperSettings, NoklandReference> {
  const { hidden, depth, paper } = NOKLAND_NETWORKS[network];
  return {
    name: 'runDfaPaper',
    defaults: network === '2x800' ? DEFAULT_SETTINGS : { ...DEFAULT_SETTINGS, hidden, depth },
    paper,
    inputShape: [784],
    async loadData(s): Promise<PaperData> {
      const mnist = await loadMnist();
      const split = t.data.trainValidationSplit(mnist.train.count, s.validationCount / mnist.train.count, s.dataSeed);
      const train = t.train.subsetOf(mnist.train, split.train);
      return { train, validation: t.train.subsetOf(mnist.train, split.validation), test: mnist.test, trainEvaluation: train };
    },
    makeNetwork(method, s): DfaNetwork {
      const model = tanhMlp(s.hidden, s.modelSeed, s.depth ?? 2);
      return createDfa(model, { seed: s.feedbackSeed, inputShape: [784], rules: method === 'bp' ? 'bp' : 'dfa', binary: method === 'bdfa', feedbackScale: s.feedbackScale ?? 1 });
    },
  };
}

/** The 2×800 run (the first one, and the one `update-norms` measures). */
export const MNIST_EXPERIMENT = mnistExperiment('2x800');

/**
 * Runs (or resumes) Nøkland's MNIST comparison on `network` (default 2×800) and returns the results
 * written to `options.resultsFile` (see {@link runPaperExperiment}).
 */
export function runDfaPaper(options: DfaPaperOptions, hooks: DfaPaperHooks = {}, network: NoklandNetwork = '2x800'): Promise<DfaPaperResults> {
  return runPaperExperiment(mnistExperiment(network), options, hooks);
}
