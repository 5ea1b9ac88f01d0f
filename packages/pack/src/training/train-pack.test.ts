import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxRelativeError, packedSlices, randomData, rowsOf, trainAlone, type HostBatch } from '../testing.test-helper';
import { mlpArchitecture } from '../model/architecture';
import type { ModelConfig } from '../model/config';
import { pack } from '../model/pack';
import { epochOrder } from './dataset';
import { trainPack } from './train-pack';

const arch = mlpArchitecture([10, 8, 3]);
const configs: ModelConfig[] = [
  { seed: 1, lr: 0.1, momentum: 0.9, batchSize: 4 },
  { seed: 2, lr: 0.05, batchSize: 7 },
  { seed: 3, lr: 0.2, momentum: 0.5, weightDecay: 0.01, batchSize: 5 },
];
const COUNT = 30;
const EPOCHS = 2;
const SEED = 9;

describe('trainPack (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it("'slice': model k trains on the first b_k rows of every B_max chunk, exactly as alone", async () => {
    await t.expectNoLeaks(async () => {
      const data = randomData(COUNT, 10, 3, 5);
      const packed = pack(arch, configs);
      const report = await trainPack(packed, data, { epochs: EPOCHS, seed: SEED });
      expect(report.steps).toBe(EPOCHS * Math.ceil(COUNT / 7));
      // Per epoch: chunks of 7 rows (7,7,7,7,2); model k takes min(b_k, chunk) of each.
      expect(report.samplesSeen).toEqual([4, 7, 5].map((b) => EPOCHS * (4 * Math.min(b, 7) + Math.min(b, 2))));
      report.lastLosses.forEach((l) => expect(Number.isFinite(l)).toBe(true));
      for (let k = 0; k < 3; k++) {
        const batches: HostBatch[] = [];
        for (let e = 0; e < EPOCHS; e++) {
          const order = epochOrder(COUNT, SEED, e);
          for (let s = 0; s < COUNT; s += 7) batches.push(rowsOf(data, 10, order.subarray(s, s + Math.min(configs[k].batchSize!, COUNT - s))));
        }
        expect(maxRelativeError(await packedSlices(packed.network, k, 3), await trainAlone(arch, configs[k], batches))).toBeLessThanOrEqual(1e-5);
      }
      packed.dispose();
    });
  });

  it("'own-batches': model k walks every epoch in its own batches of b_k rows, exactly as alone", async () => {
    await t.expectNoLeaks(async () => {
      const data = randomData(COUNT, 10, 3, 6);
      const packed = pack(arch, configs);
      const report = await trainPack(packed, data, { epochs: EPOCHS, seed: SEED, paddingMode: 'own-batches' });
      expect(report.steps).toBe(EPOCHS * Math.ceil(COUNT / 4));
      expect(report.samplesSeen).toEqual([COUNT * EPOCHS, COUNT * EPOCHS, COUNT * EPOCHS]);
      for (let k = 0; k < 3; k++) {
        const b = configs[k].batchSize!;
        const batches: HostBatch[] = [];
        for (let e = 0; e < EPOCHS; e++) {
          const order = epochOrder(COUNT, SEED, e);
          for (let s = 0; s < COUNT; s += b) batches.push(rowsOf(data, 10, order.subarray(s, s + b)));
        }
        expect(maxRelativeError(await packedSlices(packed.network, k, 3), await trainAlone(arch, configs[k], batches))).toBeLessThanOrEqual(1e-5);
      }
      packed.dispose();
    });
  });

  it('rejects bad options', async () => {
    await t.expectNoLeaks(async () => {
      const data = randomData(COUNT, 10, 3, 7);
      const packed = pack(arch, [{ seed: 1, lr: 0.1 }]);
      await expect(trainPack(packed, data, { epochs: 1, seed: 1 })).rejects.toThrow(/configs\[0\] sets no batchSize/);
      await expect(trainPack(packed, data, { epochs: 0, seed: 1, batchSize: 4 })).rejects.toThrow(/epochs must be a positive integer/);
      await expect(trainPack(packed, { ...data, images: data.images.subarray(1) }, { epochs: 1, seed: 1, batchSize: 4 })).rejects.toThrow(/data.images must hold/);
      await expect(trainPack(packed, { ...data, count: data.count + 1 }, { epochs: 1, seed: 1, batchSize: 4 })).rejects.toThrow(/data.count is 31 but labels hold 30 samples/);
      await expect(trainPack(packed, data, { epochs: 1, seed: 1, batchSize: 4, paddingMode: 'x' as 'slice' })).rejects.toThrow(/paddingMode/);
      const nan = data.images.slice();
      nan[25] = NaN;
      await expect(trainPack(packed, { ...data, images: nan }, { epochs: 1, seed: 1, batchSize: 4 })).rejects.toThrow(/data.images\[25\] is NaN \(sample 2\)/);
      await expect(trainPack(packed, { ...data, labels: Int32Array.from(data.labels, (l, i) => (i === 3 ? -1 : l)) }, { epochs: 1, seed: 1, batchSize: 4 })).rejects.toThrow(/data.labels\[3\] is -1/);
      packed.dispose();
    });
  });
});
