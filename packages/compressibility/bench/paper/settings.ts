// Settings of the LeNet-300-100 paper run and the published numbers it is compared with.
import type { Method } from '../../src/index';

/** What {@link runCompressibilityPaper} trains; every field is written to the results file. */
export interface CompressibilityPaperSettings {
  /** Training epochs before pruning (every method). */
  epochs: number;
  /** Epochs after which the training learning rate is divided by 10 (fixed before any result was seen). */
  lrDecayEpochs: number[];
  /** Fine-tuning (retraining) epochs with the zeros fixed, lr decaying linearly from lr/5 to 0; per stage for iterative pruning. */
  fineTuneEpochs: number;
  batchSize: number;
  lr: number;
  /** Images held out of the 60,000 training images: every choice between operating points reads them, never the test set. */
  validationCount: number;
  /** Seed of the weights, the batch order and the validation split. */
  seed: number;
  /** Regularised methods, trained from scratch. */
  trained: Method[];
  /** Magnitude pruning of the λ = 0 model, one entry per sparsity setting (per layer, by parameter name). */
  magnitude: Record<string, Record<string, number>>;
  /**
   * Iterative magnitude pruning of the λ = 0 model (Han et al. 2015, as in Deep Compression): prune to
   * each stage's per-layer sparsity in turn, retraining `fineTuneEpochs` after each; the last stage is the result.
   */
  iterativeMagnitude: Record<string, Record<string, number>[]>;
  /** Shared magnitudes of the codebook quantiser per setting (15 → 31 symbols; 31 → 63, about Deep Compression's 6 bits). */
  codebookSizes: number[];
  /** Error levels (validation error %) at which the families are compared. */
  errorLevels: number[];
}

// Deep Compression's kept fractions for LeNet-300-100: 8%, 9%, 26% of fc1, fc2, fc3.
const DEEP_COMPRESSION_RATES = { '0.weight': 0.92, '2.weight': 0.91, '4.weight': 0.74 };

export const DEFAULT_SETTINGS: CompressibilityPaperSettings = {
  epochs: 40,
  lrDecayEpochs: [20, 30],
  fineTuneEpochs: 10,
  batchSize: 64,
  lr: 0.1,
  validationCount: 5000,
  seed: 1,
  // In the order they run: the most informative first, so a run cut short by time still compares.
  trained: [
    { kind: 'none' },
    { kind: 'compressibility', lambda: 0.001 },
    { kind: 'compressibility', lambda: 0.002 },
    { kind: 'l1', lambda: 1e-4 },
    { kind: 'l1', lambda: 5e-5 },
    { kind: 'compressibility', lambda: 0.0005 },
  ],
  magnitude: {
    'Deep Compression rates': DEEP_COMPRESSION_RATES,
    'Deep Compression rates + 3 pts': { '0.weight': 0.95, '2.weight': 0.94, '4.weight': 0.77 },
  },
  iterativeMagnitude: {
    'Deep Compression rates, 3 stages': [{ '0.weight': 0.5, '2.weight': 0.5, '4.weight': 0.3 }, { '0.weight': 0.8, '2.weight': 0.8, '4.weight': 0.55 }, DEEP_COMPRESSION_RATES],
  },
  codebookSizes: [15, 31],
  errorLevels: [1.6, 1.8, 2.0, 2.5],
};

/** Han, Mao, Dally, "Deep Compression", ICLR 2016 (arXiv 1510.00149), Table 1/2, LeNet-300-100. */
export const DEEP_COMPRESSION = {
  source: 'Han, Mao, Dally, "Deep Compression", ICLR 2016 (arXiv 1510.00149), LeNet-300-100 on MNIST',
  referenceErrorPercent: 1.64,
  compressedErrorPercent: 1.58,
  ratio: 40,
  keptPercent: 8,
  pipeline: 'magnitude pruning + retraining, 6-bit k-means weight sharing with centroid fine-tuning, Huffman coding of indices and relative positions',
};

/** The target of this comparison. */
export const TARGET = { ratio: 40, errorPercent: 1.6 };
