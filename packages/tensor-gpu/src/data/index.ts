// Browser-safe data-set parsing and batching. Node-only file loaders: see ./node.ts.
export { DataFileError, isGzipData } from './errors';
export {
  parseIdx,
  IDX_MAX_ELEMENTS,
  type IdxArrayByDtype,
  type IdxData,
  type IdxDtype,
  type IdxTypedArray,
  type ParseIdxOptions,
} from './idx';
export {
  parseCifar10,
  CIFAR10_IMAGE_BYTES,
  CIFAR10_IMAGE_SHAPE,
  CIFAR10_RECORD_BYTES,
  type Cifar10Data,
  type ParseCifar10Options,
} from './cifar';
export { cifar10RecordsFromSprite, CIFAR10_SPRITE_WIDTH, type Cifar10Sprite } from './cifar-sprite';
export type { DatasetSplits, ImageSplit } from './types';
export { bytesToUnitFloat, cifarImageSplit, idxImageSplit, type IdxImageSplitOptions } from './labeled';
export { CIFAR10_CLASSES, FASHION_MNIST_CLASSES, MNIST_CLASSES } from './classes';
export { CIFAR10_FILES, FASHION_MNIST_FILES, MNIST_FILES, type IdxFileSet, type KnownFile } from './known-files';
export { createRng, randomInt, randomNormal, seedToUint32, type Rng } from './rng';
export {
  batches,
  gatherBatch,
  permutation,
  shuffleInPlace,
  trainValidationSplit,
  type BatchOptions,
  type GatheredBatch,
  type IndexSplit,
  type WritableArrayLike,
} from './batching';
export { channelMeanStd, normalize, normalizeInPlace, type ChannelStats } from './normalize';
