import type { BoundaryFeed } from '../../src/index';

// Settings of the MNIST paper run and the published numbers it is compared with; the fields every
// paper run has (optimizer, schedule, stopping, seeds) are shared with the CIFAR-10 run.

/** A training method of the MNIST comparison. */
export type PaperMethod = 'bp' | 'dfa' | 'bdfa';

/** What every paper run trains with; every field is written to the results file. */
export interface PaperRunSettings<M extends string> {
  /** Methods, trained round-robin one epoch at a time so all get equally far when time runs out. */
  methods: M[];
  /** Upper bound on epochs per method. */
  maxEpochs: number;
  /** Stop a method after this many epochs without a new best validation error (counted from the last rate decay at the latest). */
  patience: number;
  batchSize: number;
  /** SGD learning rate of the first epochs, every method. */
  lr: number;
  /**
   * Epoch counts after which the learning rate is divided by 10 (PyTorch's `MultiStepLR` over
   * epochs): a fixed schedule, chosen before seeing any test error, so the momentum noise of a
   * constant rate settles. Empty = constant rate.
   */
  lrDecayEpochs: number[];
  momentum: number;
  /** Seed of the weights (same initial weights for every method). */
  modelSeed: number;
  /** Seed of the feedback matrices (the float and binary methods share it: binary uses the signs of the float draw). */
  feedbackSeed: number;
  /** Seed of the validation split and of the per-epoch shuffles. */
  dataSeed: number;
  /** Measure the DFA/BP alignment every this many steps (methods with DFA blocks). */
  alignmentEvery: number;
  /**
   * Multiplies the feedback of the DFA blocks (`createDfa`'s `feedbackScale`); absent = 1. It sets
   * the DFA blocks' step size without touching the BP blocks' (spec pitfall 2).
   */
  feedbackScale?: number;
  /**
   * What a BP block below a DFA block receives (`createDfa`'s `boundaryFeed`); absent =
   * `'dfa-delta'`. Only the CIFAR-10 hybrids have such a block.
   */
  boundaryFeed?: BoundaryFeed;
}

/** What the MNIST run trains. */
export interface DfaPaperSettings extends PaperRunSettings<PaperMethod> {
  /** Hidden width of the tanh MLP (Nøkland: 800, or 240 in the 7-layer net). */
  hidden: number;
  /** Hidden layers of the tanh MLP; absent = 2 (the 2×800 net, whose results files predate the field). */
  depth?: number;
  /** Images held out of the 60,000 training images for the stopping choice. */
  validationCount: number;
}

/** The defaults: Nøkland's network, the package's own lab settings for the optimizer. */
export const DEFAULT_SETTINGS: DfaPaperSettings = {
  hidden: 800,
  methods: ['bp', 'dfa', 'bdfa'],
  maxEpochs: 100,
  patience: 15,
  validationCount: 5000,
  batchSize: 64,
  lr: 0.05,
  lrDecayEpochs: [40, 60],
  momentum: 0.9,
  modelSeed: 1,
  feedbackSeed: 7,
  dataSeed: 1,
  alignmentEvery: 100,
};

/** A published result the MNIST run is compared with: test error % per method (null where none is published). */
export interface NoklandReference {
  source: string;
  verified: boolean;
  testErrorPercent: Record<PaperMethod, number | null>;
}

const nokland = (network: string, bp: number, dfa: number): NoklandReference => ({
  source: `Nøkland, "Direct Feedback Alignment Provides Learning in Deep Neural Networks", NeurIPS 2016 (arXiv 1609.01596), MNIST ${network} tanh, no dropout`,
  verified: false,
  testErrorPercent: { bp, dfa, bdfa: null },
});

/**
 * Nøkland's MNIST tanh networks the run trains (`--network`), their shape and his test errors
 * (unverified: of his MNIST numbers only the dropout DFA value, 1.45, is confirmed against the paper).
 */
export const NOKLAND_NETWORKS = {
  '2x800': { hidden: 800, depth: 2, paper: nokland('2×800', 1.6, 1.74) },
  '1x800': { hidden: 800, depth: 1, paper: nokland('1×800', 1.59, 1.68) },
  '7x240': { hidden: 240, depth: 7, paper: nokland('7×240', 2.16, 2.32) },
} as const satisfies Record<string, { hidden: number; depth: number; paper: NoklandReference }>;

/** The name of one of {@link NOKLAND_NETWORKS}. */
export type NoklandNetwork = keyof typeof NOKLAND_NETWORKS;

/** Acceptance targets (points of test error). */
export const TARGETS = { dfaVsBp: 0.3, bdfaVsDfa: 0.3 };

export const METHOD_LABEL: Record<PaperMethod, string> = { bp: 'BP', dfa: 'DFA', bdfa: 'binary DFA' };
