// Real data: CIFAR-10 data_batch_1 and test_batch in ../shared/data/cifar-10 (skipped outside CI
// when missing; a failure under CI=true).
import { describe, expect, it } from 'vitest';
import { loadCifar10 } from './datasets-node';
import { channelMeanStd } from './normalize';
import { histogram, once, requirePresent, sharedData } from './shared-data.test-helper';

const shared = sharedData('cifar-10', ['data_batch_1.bin.gz', 'test_batch.bin.gz']);
const load = once(() => loadCifar10(shared.dir));

describe('CIFAR-10 from shared data', () => {
  it.skipIf(shared.skip)('loads 10000 + 10000 images of [3, 32, 32] (MD5 and SHA-256 checked)', async () => {
    requirePresent(shared);
    const { train, test } = await load();
    expect(train?.count).toBe(10000);
    expect(test.count).toBe(10000);
    expect(test.shape).toEqual([3, 32, 32]);
    expect(train?.images.length).toBe(10000 * 3072);
    expect(test.images.length).toBe(10000 * 3072);
  });

  it.skipIf(shared.skip)('has the label histograms and first labels', async () => {
    requirePresent(shared);
    const { train, test } = await load();
    expect(histogram(train!.labels)).toEqual([1005, 974, 1032, 1016, 999, 937, 1030, 1001, 1025, 981]);
    expect(histogram(test.labels)).toEqual(new Array(10).fill(1000));
    expect([...train!.labels.subarray(0, 10)]).toEqual([6, 9, 9, 4, 1, 1, 2, 7, 8, 3]);
    expect([...test.labels.subarray(0, 10)]).toEqual([3, 8, 8, 0, 6, 6, 1, 6, 3, 1]);
  });

  it.skipIf(shared.skip)('has channel statistics close to the published 50k-image values', async () => {
    requirePresent(shared);
    const { train } = await load();
    const { mean, std } = channelMeanStd(train!.images, train!.shape);
    const published = { mean: [0.49139968, 0.48215841, 0.44653091], std: [0.24703223, 0.24348513, 0.26158784] };
    for (let c = 0; c < 3; c++) {
      expect(Math.abs(mean[c] - published.mean[c])).toBeLessThan(0.01);
      expect(Math.abs(std[c] - published.std[c])).toBeLessThan(0.01);
    }
  });
});
