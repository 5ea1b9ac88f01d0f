import * as t from '@nnlab/tensor-gpu';
import { loadMnist } from '@nnlab/tensor-gpu/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { mlpArchitecture } from './model/architecture';
import type { ModelConfig } from './model/config';
import { pack } from './model/pack';
import { sharedMnist } from './shared-data.test-helper';
import { accuracy, trainSingleModel } from './training/evaluators';
import { trainPack } from './training/train-pack';

const mnist = sharedMnist();
const arch = mlpArchitecture([784, 32, 10]);
const configs: ModelConfig[] = [
  { seed: 1, lr: 0.1, momentum: 0.9, batchSize: 32 },
  { seed: 2, lr: 0.01, momentum: 0.9, batchSize: 64 },
  { seed: 3, lr: 0.5, batchSize: 16 },
];

describe.skipIf(mnist.skip)('MNIST: a pack of three MLPs with different lr, momentum and batch size (cpu)', () => {
  let train: t.train.LabeledData;
  let test: t.train.LabeledData;

  beforeAll(async () => {
    if (!mnist.present) throw new Error(`${mnist.reason} (required when CI=true)`);
    await t.setBackend('cpu');
    const data = await loadMnist({ dir: mnist.dir });
    train = t.train.headOf(data.train, 2000);
    test = t.train.headOf(data.test, 1000);
  });

  it('trains each model as it trains alone (own batches) and learns MNIST', async () => {
    await t.expectNoLeaks(async () => {
      const packed = pack(arch, configs);
      await trainPack(packed, train, { epochs: 1, seed: 4, paddingMode: 'own-batches' });
      const packedAccuracy = await packed.evaluate(test.images, test.labels);
      packed.dispose();
      for (let k = 0; k < 3; k++) {
        const model = await trainSingleModel(arch, configs[k], train, { epochs: 1, seed: 4 });
        expect(Math.abs(packedAccuracy[k] - (await accuracy(model, arch, test)))).toBeLessThanOrEqual(1 / 1000 + 1e-12);
        model.dispose();
      }
      // 2,000 training digits, one epoch (measured: 0.772, 0.625, 0.786): far above chance (0.1); lr 0.01 learns less.
      expect(packedAccuracy[0]).toBeGreaterThan(0.7);
      expect(packedAccuracy[2]).toBeGreaterThan(0.7);
      expect(packedAccuracy[1]).toBeLessThan(packedAccuracy[0]);
    });
  });
});
