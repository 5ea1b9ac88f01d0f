// Settings of the LeNet-300-100 paper run and the published numbers it is compared with.
import type { Method } from '../../src/index';
import type { PaperNetwork } from './networks';

/** What {@link runCompressibilityPaper} trains; every field is written to the results file. */
export interface CompressibilityPaperSettings {
  /** The network trained (absent in files written before LeNet-5 was added: LeNet-300-100). */
  network?: PaperNetwork;
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

/** The target of this comparison (LeNet-300-100). */
export const TARGET = { ratio: 40, errorPercent: 1.6 };

// Deep Compression's kept fractions for Caffe's LeNet-5 (Han et al. 2015, Table 2): 66%, 12%, 8%, 19%.
const DEEP_COMPRESSION_RATES_LENET5 = { '0.weight': 0.34, '2.weight': 0.88, '5.weight': 0.92, '7.weight': 0.81 };

/**
 * Caffe's LeNet-5 (`caffeLenet5`, 431,080 parameters) through the same pipeline. Fixed before any
 * LeNet-5 result was seen, sized to about an hour of each core of a shared 2-core CPU (an epoch of
 * this network costs 45–100 s there, about four of LeNet-300-100's): Caffe's own rate 0.01 with
 * momentum 0.9, 12 epochs (÷10 after 6 and 9) and 3 retraining epochs per pruning stage; the λ
 * values that gave the most accurate points on LeNet-300-100; no one-shot magnitude pruning (the
 * iterative one is Deep Compression's).
 */
export const LENET5_SETTINGS: CompressibilityPaperSettings = {
  network: 'lenet-5',
  epochs: 12,
  lrDecayEpochs: [6, 9],
  fineTuneEpochs: 3,
  batchSize: 64,
  lr: 0.01,
  validationCount: 5000,
  seed: 1,
  trained: [
    { kind: 'none' },
    { kind: 'compressibility', lambda: 0.0005 },
    { kind: 'l1', lambda: 5e-5 },
    // Appended after the three above had run (λ = 0.0005 compressed LeNet-5 only 9.5×): each family's
    // stronger λ from LeNet-300-100, chosen before either ran on LeNet-5.
    { kind: 'compressibility', lambda: 0.002 },
    { kind: 'l1', lambda: 1e-4 },
  ],
  magnitude: {},
  iterativeMagnitude: {
    'Deep Compression rates, 3 stages': [{ '0.weight': 0.1, '2.weight': 0.5, '5.weight': 0.5, '7.weight': 0.3 }, { '0.weight': 0.2, '2.weight': 0.75, '5.weight': 0.8, '7.weight': 0.6 }, DEEP_COMPRESSION_RATES_LENET5],
  },
  codebookSizes: [15, 31],
  errorLevels: [0.8, 0.9, 1.0, 1.2],
};

/**
 * LeNet-5 with `retrainEpochs` of retraining per pruning stage instead of 3 (Deep Compression retrains
 * far longer than it trains): the same λ = 0 weights (its checkpoint), iterative magnitude pruning to
 * Deep Compression's rates only, and λ = 0 itself listed so that a fresh checkout can train those weights.
 */
export function lenet5LongRetrainSettings(retrainEpochs: number): CompressibilityPaperSettings {
  return { ...LENET5_SETTINGS, fineTuneEpochs: retrainEpochs, trained: [{ kind: 'none' }] };
}

/** Deep Compression's LeNet-5 point, reported beside the LeNet-5 run (the project's target is LeNet-300-100's). */
export const TARGET_LENET5 = { ratio: 39, errorPercent: 0.74 };
