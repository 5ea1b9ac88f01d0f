import type { LabeledData } from '../train/types';

/**
 * One split of an image data set, ready to wrap into tensors: pixels as float32 in [0, 1],
 * laid out NCHW. It is the training vocabulary's `LabeledData` with byte labels and image shapes,
 * so `fit`, `evaluate` and every technique package take it as it is.
 */
export interface ImageSplit extends LabeledData {
  /** `count × C × H × W` pixel values scaled from bytes to [0, 1] (`byte / 255`), NCHW. */
  images: Float32Array;
  /** One class label per image. */
  labels: Uint8Array;
  /** Number of images. */
  count: number;
  /** Shape `[C, H, W]` of one image. */
  shape: [number, number, number];
}

/** The splits a loader returns: `train` is absent when the data set's files have none. */
export interface DatasetSplits {
  /** Training split, when present. */
  train?: ImageSplit;
  /** Test split. */
  test: ImageSplit;
}
