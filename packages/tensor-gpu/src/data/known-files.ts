// Sizes and checksums of the official data-set files, after decompression. Sources: the
// published MD5s of MNIST, Fashion-MNIST and CIFAR-10 (see shared/data/*/SOURCES.md).

/** The expected size and checksums of one data file, after gunzip. */
export interface KnownFile {
  /** File name without `.gz` (e.g. `t10k-labels-idx1-ubyte`). */
  readonly file: string;
  /** Size in bytes after gunzip. */
  readonly bytes: number;
  /** MD5 of the uncompressed bytes, lowercase hex. */
  readonly md5: string;
  /** SHA-256 of the uncompressed bytes, lowercase hex, when published. */
  readonly sha256?: string;
}

/** The four files of an IDX image data set (MNIST layout). */
export interface IdxFileSet {
  /** Training images, uint8 `[N, 28, 28]`. */
  readonly trainImages: KnownFile;
  /** Training labels, uint8 `[N]`. */
  readonly trainLabels: KnownFile;
  /** Test images, uint8 `[N, 28, 28]`. */
  readonly testImages: KnownFile;
  /** Test labels, uint8 `[N]`. */
  readonly testLabels: KnownFile;
}

const TRAIN_IMAGE_BYTES = 16 + 60000 * 784;
const TRAIN_LABEL_BYTES = 8 + 60000;
const TEST_IMAGE_BYTES = 16 + 10000 * 784;
const TEST_LABEL_BYTES = 8 + 10000;

/** MNIST: 60,000 training and 10,000 test images, 28 × 28. */
export const MNIST_FILES: IdxFileSet = {
  trainImages: { file: 'train-images-idx3-ubyte', bytes: TRAIN_IMAGE_BYTES, md5: '6bbc9ace898e44ae57da46a324031adb' },
  trainLabels: { file: 'train-labels-idx1-ubyte', bytes: TRAIN_LABEL_BYTES, md5: 'a25bea736e30d166cdddb491f175f624' },
  testImages: { file: 't10k-images-idx3-ubyte', bytes: TEST_IMAGE_BYTES, md5: '2646ac647ad5339dbf082846283269ea' },
  testLabels: { file: 't10k-labels-idx1-ubyte', bytes: TEST_LABEL_BYTES, md5: '27ae3e4e09519cfbb04c329615203637' },
};

/** Fashion-MNIST: 60,000 training and 10,000 test images, 28 × 28. */
export const FASHION_MNIST_FILES: IdxFileSet = {
  trainImages: { file: 'train-images-idx3-ubyte', bytes: TRAIN_IMAGE_BYTES, md5: 'f4a8712d7a061bf5bd6d2ca38dc4d50a' },
  trainLabels: { file: 'train-labels-idx1-ubyte', bytes: TRAIN_LABEL_BYTES, md5: '9018921c3c673c538a1fc5bad174d6f9' },
  testImages: { file: 't10k-images-idx3-ubyte', bytes: TEST_IMAGE_BYTES, md5: '8181f5470baa50b63fa0f6fddb340f0a' },
  testLabels: { file: 't10k-labels-idx1-ubyte', bytes: TEST_LABEL_BYTES, md5: '15d484375f8d13e6eb1aabb0c3f46965' },
};

const CIFAR_BATCH_BYTES = 10000 * 3073;

/** CIFAR-10 binary batches: `data_batch_1` … `data_batch_5` (training) and `test_batch`, 10,000 records each. */
export const CIFAR10_FILES: Readonly<Record<string, KnownFile>> = {
  data_batch_1: {
    file: 'data_batch_1.bin',
    bytes: CIFAR_BATCH_BYTES,
    md5: '5dd7e06a14cb22eb9f671a540d1b7c25',
    sha256: 'cee916563c9f80d84e3cc88e17fdc0941787f1244f00a67874d45b261883ada5',
  },
  data_batch_2: {
    file: 'data_batch_2.bin',
    bytes: CIFAR_BATCH_BYTES,
    md5: '5ea93a67294ea407fff1d09f752e9692',
    sha256: 'a591ca11fa1708a91ee40f54b3da4784ccd871ecf2137de63f51ada8b3fa57ed',
  },
  data_batch_3: {
    file: 'data_batch_3.bin',
    bytes: CIFAR_BATCH_BYTES,
    md5: '942cd6a4bcdd0dd3c604fbe906cb4421',
    sha256: 'bbe8596564c0f86427f876058170b84dac6670ddf06d79402899d93ceea26f67',
  },
  data_batch_4: {
    file: 'data_batch_4.bin',
    bytes: CIFAR_BATCH_BYTES,
    md5: 'ae636b3ba5c66a11e91e8cb52e771fcb',
    sha256: '014e562d6e23c72197cc727519169a60359f5eccd8945ad5a09d710285ff4e48',
  },
  data_batch_5: {
    file: 'data_batch_5.bin',
    bytes: CIFAR_BATCH_BYTES,
    md5: '53f37980c15c3d472c316c40844f3f0d',
    sha256: '755304fc0b379caeae8c14f0dac912fbc7d6cd469eb67a1029a08a39453a9add',
  },
  test_batch: {
    file: 'test_batch.bin',
    bytes: CIFAR_BATCH_BYTES,
    md5: '803d5f7f4d78ea53de84dbe85f74fb6d',
    sha256: '8e2eb146ae340b09e24670f29cabc6326dba54da8789dab6768acf480273f65b',
  },
};
