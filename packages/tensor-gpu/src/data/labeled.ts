// Turns decoded image/label files into an ImageSplit: pairing checks and byte → [0,1] scaling.
import type { Cifar10Data } from './cifar';
import { CIFAR10_IMAGE_SHAPE } from './cifar';
import { DataFileError } from './errors';
import type { IdxData } from './idx';
import type { ImageSplit } from './types';

// Pure, so that a bundle that does not use it drops it.
const UNIT = /* @__PURE__ */ Float32Array.from({ length: 256 }, (_, i) => i / 255);

/**
 * Scales bytes to float32 in [0, 1]: `out[i] = bytes[i] / 255`.
 *
 * @param bytes - pixel bytes.
 * @returns a new array of the same length.
 */
export function bytesToUnitFloat(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = UNIT[bytes[i]];
  return out;
}

/** Options for {@link idxImageSplit}. */
export interface IdxImageSplitOptions {
  /** Labels must be below this; default 10. */
  numClasses?: number;
  /** Required `[H, W]` of the images, when known (e.g. `[28, 28]`). */
  imageSize?: readonly [number, number];
}

/**
 * Pairs a decoded IDX image file (uint8 `[N, H, W]`) with its IDX label file (uint8 `[N]`)
 * into a one-channel {@link ImageSplit}.
 *
 * @param images - the decoded image file.
 * @param labels - the decoded label file.
 * @param names - the two files' names, used in error messages.
 * @param options - class count and expected image size.
 * @returns the split, pixels scaled to [0, 1], shape `[1, H, W]`.
 * @throws {@link DataFileError} naming the file at fault for: a wrong dtype or rank, the wrong
 * image size, a label out of range, or image and label counts that differ (naming both files).
 */
export function idxImageSplit(
  images: IdxData,
  labels: IdxData,
  names: { images: string; labels: string },
  options: IdxImageSplitOptions = {},
): ImageSplit {
  const numClasses = options.numClasses ?? 10;
  if (images.dtype !== 'uint8' || images.dims.length !== 3) {
    throw new DataFileError(names.images, `expected uint8 images [N, H, W], found ${images.dtype} [${images.dims.join(', ')}]`);
  }
  if (labels.dtype !== 'uint8' || labels.dims.length !== 1) {
    throw new DataFileError(names.labels, `expected uint8 labels [N], found ${labels.dtype} [${labels.dims.join(', ')}]`);
  }
  const [count, h, w] = images.dims;
  const size = options.imageSize;
  if (size && (h !== size[0] || w !== size[1])) {
    throw new DataFileError(names.images, `images are ${h}x${w}, expected ${size[0]}x${size[1]}`);
  }
  if (labels.dims[0] !== count) {
    throw new DataFileError(
      names.images,
      `mismatched counts: ${count} images here but ${labels.dims[0]} labels in ${names.labels}`,
    );
  }
  const labelData = labels.data;
  for (let i = 0; i < count; i++) {
    if (labelData[i] >= numClasses) {
      throw new DataFileError(names.labels, `label ${i} is ${labelData[i]}, expected 0..${numClasses - 1}`);
    }
  }
  return { images: bytesToUnitFloat(images.data), labels: labelData, count, shape: [1, h, w] };
}

/**
 * Converts a decoded CIFAR-10 batch into an {@link ImageSplit} (pixels scaled to [0, 1]).
 *
 * @param data - the output of `parseCifar10`.
 * @returns the split, shape `[3, 32, 32]`; `labels` is the same array as `data.labels`.
 */
export function cifarImageSplit(data: Cifar10Data): ImageSplit {
  const [c, h, w] = CIFAR10_IMAGE_SHAPE;
  return { images: bytesToUnitFloat(data.images), labels: data.labels, count: data.count, shape: [c, h, w] };
}
