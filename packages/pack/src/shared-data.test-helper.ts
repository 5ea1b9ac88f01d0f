// Test helper (not part of the library): whether the MNIST tests run, skip (outside CI only) or
// fail (CI=true and the data missing), by the repository's shared-data rules.
import { sharedData, type SharedData } from '../../../scripts/shared-data.test-helper';

export { inCI } from '../../../scripts/shared-data.test-helper';

/** The MNIST directory of the shared data and whether its tests run. */
export function sharedMnist(): SharedData {
  return sharedData('mnist', ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']);
}
