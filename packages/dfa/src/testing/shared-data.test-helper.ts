// Test helper (not part of the library): the repository's shared-data rules for real-data tests.
export { inCI, requirePresent, sharedData, type SharedData } from '../../../../scripts/shared-data.test-helper';

/** The MNIST IDX files. */
export const MNIST_FILE_NAMES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'] as const;
