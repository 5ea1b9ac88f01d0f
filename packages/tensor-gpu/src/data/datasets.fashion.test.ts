// Real data: the Fashion-MNIST test split in ../shared/data/fashion-mnist (skipped outside CI
// when missing; a failure under CI=true).
import { describe, expect, it } from 'vitest';
import { loadFashionMnist } from './datasets-node';
import { histogram, minMax, once, requirePresent, sharedData } from './shared-data.test-helper';

const shared = sharedData('fashion-mnist', ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']);
const load = once(() => loadFashionMnist(shared.dir));

describe('Fashion-MNIST from shared data', () => {
  it.skipIf(shared.skip)('loads the 10000 test images (MD5-checked), no train split', async () => {
    requirePresent(shared);
    const { train, test } = await load();
    expect(train).toBeUndefined();
    expect(test.count).toBe(10000);
    expect(test.shape).toEqual([1, 28, 28]);
    expect(test.images.length).toBe(10000 * 784);
  });

  it.skipIf(shared.skip)('has 1000 images per class, the known first labels and pixels in [0, 1]', async () => {
    requirePresent(shared);
    const { test } = await load();
    expect(histogram(test.labels)).toEqual(new Array(10).fill(1000));
    expect([...test.labels.subarray(0, 10)]).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    expect(minMax(test.images)).toEqual([0, 1]);
  });
});
