// Settings of the pack paper run and the published numbers it is compared with.

export interface PackPaperSettings {
  /** Pack sizes of the step-time comparison. */
  ks: number[];
  /** Rows of the shared batch. */
  batchSize: number;
  /** Timed repetitions per pack size (median reported). */
  repeats: number;
  /** Hyperband's maximum budget R (epochs) and halving rate η. */
  R: number;
  eta: number;
  /** MNIST images for Hyperband's training and validation (from the training split; the test split is not read). */
  hyperbandTrain: number;
  hyperbandValidation: number;
  /** Largest pack of the pack-aware search (kNN: a seed configuration and its topk nearest). */
  packSizes: number[];
  /** Rounds of the Hyperband comparison; every other round runs the searches in reverse order, so load drifts hit both sides. */
  hyperbandRounds: number;
  seed: number;
}

export const DEFAULT_SETTINGS: PackPaperSettings = {
  ks: [1, 2, 4, 8],
  batchSize: 64,
  repeats: 11,
  R: 27,
  eta: 3,
  hyperbandTrain: 2000,
  hyperbandValidation: 1000,
  packSizes: [4],
  hyperbandRounds: 2,
  seed: 3,
};

/**
 * Liu et al., "Understanding and Optimizing Packed Neural Network Training for Hyper-Parameter
 * Tuning" (arXiv 2002.02885): CPU improvement 1 − T_pack/ΣT_single per K, from the figure scripts of
 * the authors' development repository (TensorFlow on a CPU; the paper's text is not checked), and
 * the abstract's Hyperband speed-up.
 */
export const PACK_PAPER = {
  source: 'Liu, Krishnan, Elmore, Franklin, arXiv 2002.02885 (DEEM 2021); CPU values from fig_model_improve_cpu.py of csruiliu/rotary-dlt',
  cpuImprovementPercent: {
    MLP: { 2: 30.4, 3: 41.5, 4: 45.1 },
    ResNet: { 2: 39.4, 3: 51.4, 4: 55.4 },
  } as Record<string, Record<number, number>>,
  hyperbandSpeedup: 2.7,
  hyperbandSetup: 'not published (hardware, data set, policy, R, η)',
};
