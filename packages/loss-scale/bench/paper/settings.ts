// Settings of the CIFAR-10 ResNet-20 paper run: the reference's setting (`--full`), the scaled
// setting that fits a shared 2-core CPU in about an hour, and the smoke setting (`--quick`).

/** A precision/scaling configuration of the comparison. */
export type PaperMethod = 'fp32' | 'none' | 'static' | 'dynamic' | 'adaptive' | 'adaptive-static';

/** The configurations the reference compared: every preset trains these. */
export const PAPER_METHODS: readonly PaperMethod[] = ['fp32', 'none', 'static', 'dynamic', 'adaptive'];

/**
 * Configurations beyond the reference's, trained only when named (`--only adaptive-static`), so
 * that a results file of the reference's five stays resumable: adaptive scaling started at the
 * static scale S instead of the reference's s₀ = 1 (the reference script's `--loss_scale`).
 */
export const EXTRA_METHODS: readonly PaperMethod[] = ['adaptive-static'];

/** Every configuration, in the order the tables show them. */
export const ALL_METHODS: readonly PaperMethod[] = [...PAPER_METHODS, ...EXTRA_METHODS];

export const METHOD_LABEL: Record<PaperMethod, string> = {
  fp32: 'float32',
  none: 'fp16, no scaling',
  static: 'fp16, static',
  dynamic: 'fp16, dynamic (Chainer)',
  adaptive: 'fp16, adaptive',
  'adaptive-static': 'fp16, adaptive from s₀ = S',
};

/** What {@link runLossScalePaper} trains; every field is written to the results file. */
export interface LossScalePaperSettings {
  /** `'full'`, `'medium'`, `'scaled'` or `'quick'`: which preset the values below came from. */
  preset: 'full' | 'medium' | 'scaled' | 'quick';
  /** Channels of ResNet-20's first stage (the paper: 16; stages have width, 2·width, 4·width). */
  width: number;
  /** Side of the images the network sees: 32 (CIFAR-10 as is) or 16 (2×2 average pooling). */
  imageSize: 32 | 16;
  /** Training images: the first this many of the training batches. */
  trainCount: number;
  /** Test images: the first this many of the test batch. */
  testCount: number;
  epochs: number;
  /** Epochs at which the learning rate is multiplied by 0.1 (the reference: 81 and 122 of 164). */
  lrMilestones: number[];
  batchSize: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  /** Random 4-pixel-padded crops and horizontal flips (the reference's CIFAR augmentation). */
  augment: boolean;
  /** Static scale S. */
  staticScale: number;
  /** Adaptive scaling: SB, AB (the reference's CIFAR script: 128 and 4096) and F (recompute α every F steps). */
  adaptive: { scaleUpperBound: number; accumUpperBound: number; updateEvery: number };
  /** Record per-layer float16 counts every this many steps. */
  recordEvery: number;
  /** Seed of the weights (same initial weights for every method) and of the batch order. */
  seed: number;
  /** Methods, trained round-robin one epoch at a time so all get equally far when time runs out. */
  methods: PaperMethod[];
}

const REFERENCE = { batchSize: 128, lr: 0.1, momentum: 0.9, weightDecay: 1e-4, staticScale: 128, adaptive: { scaleUpperBound: 128, accumUpperBound: 4096, updateEvery: 1 }, methods: [...PAPER_METHODS] };

/** The reference's CIFAR-10 ResNet-20 setting (`chainerlp/train_utils.py`, `run_train.sh`), F = 1 instead of 1000. */
export const FULL_SETTINGS: LossScalePaperSettings = {
  ...REFERENCE, preset: 'full', width: 16, imageSize: 32, trainCount: 50_000, testCount: 10_000, epochs: 164, lrMilestones: [81, 122], augment: true, recordEvery: 50, seed: 1,
};

/**
 * Scaled to about an hour for all five methods (one process each) on a shared 2-core CPU:
 * ResNet-20 at half width (8/16/32 channels) on 16×16 images (2×2 average pooled), the first 1,024
 * training images (8 steps of 128 per epoch), 4 epochs with the decays at the same fractions of
 * training as the reference (81/164 and 122/164 of 4 → epochs 2 and 3), no augmentation, test on
 * the first 500 test images.
 */
export const SCALED_SETTINGS: LossScalePaperSettings = {
  ...REFERENCE, preset: 'scaled', width: 8, imageSize: 16, trainCount: 1024, testCount: 500, epochs: 4, lrMilestones: [2, 3], augment: false, recordEvery: 5, seed: 1,
};

/**
 * The scaled network trained about 60 times longer, now that an emulated float16 step costs about
 * what a float32 step does (0.3–0.45 s at this size on one idle core): the first 20,000 training
 * images (156 steps of 128 per epoch), 12 epochs with the decays at the reference's fractions (81/164
 * and 122/164 of 12 → epochs 6 and 9), no augmentation (a 4-pixel shift on 16×16 images would be
 * twice the reference's relative crop), test on all 10,000 test images (sampling error of a
 * difference about ±0.7 points instead of ±2.8). About 1,900 steps per method: roughly an hour of
 * both cores for the five methods.
 */
export const MEDIUM_SETTINGS: LossScalePaperSettings = {
  ...REFERENCE, preset: 'medium', width: 8, imageSize: 16, trainCount: 20_000, testCount: 10_000, epochs: 12, lrMilestones: [6, 9], augment: false, recordEvery: 25, seed: 1,
};

/** Seconds: width 4, 16×16, 256 images, one epoch. */
export const QUICK_SETTINGS: LossScalePaperSettings = {
  ...REFERENCE, preset: 'quick', width: 4, imageSize: 16, trainCount: 256, testCount: 256, epochs: 1, lrMilestones: [], batchSize: 128, augment: false, recordEvery: 1, seed: 1,
};

/** What the paper and its reference repository say about this setting. */
export const PAPER = {
  source: 'Zhao, Vogel, Ahmed, "Adaptive Loss Scaling for Mixed Precision Training" (arXiv 1910.12385; IJCAI 2020 as "Reducing Underflow in Mixed Precision Training by Gradient Scaling"); setting from the reference repository kumasento/gradient-scaling',
  claim: 'adaptive loss scaling reaches better accuracy than the existing MPT methods (static, dynamic) and than float32',
  cifarAccuracies: null as null,
  note: 'CIFAR accuracies and underflow-rate figures are not published in the sources the spec could read; the closest published numbers are ImageNet and SSD (spec §4)',
};

/** The project's acceptance target: float16 with adaptive scaling within this many points of float32. */
export const TARGET_POINTS = 0.5;
