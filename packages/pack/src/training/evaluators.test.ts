import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomData } from '../testing.test-helper';
import { mlpArchitecture } from '../model/architecture';
import type { ModelConfig } from '../model/config';
import type { Configuration } from '../hyperband/space';
import { packedEvaluator, singleModelEvaluator, type EvaluatorSetup } from './evaluators';

const arch = mlpArchitecture([10, 12, 3]);

/** Labels that a small MLP can learn: the class is the argmax of three fixed projections of the input. */
function learnable(count: number, seed: number) {
  const { images } = randomData(count, 10, 3, seed);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = images.subarray(i * 10, (i + 1) * 10);
    const s = [v[0] + v[1] - v[2], v[3] + v[4] - v[5], v[6] + v[7] - v[8]];
    labels[i] = s.indexOf(Math.max(...s));
  }
  return { images, labels, count, shape: [10] };
}

describe('evaluators (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('the packed evaluator scores a mixed pack (batch sizes, optimisers) as the single-model evaluator does', async () => {
    await t.expectNoLeaks(async () => {
      const setup: EvaluatorSetup = {
        architecture: arch,
        train: learnable(60, 1),
        validation: learnable(200, 2),
        seed: 3,
        toModelConfig: (c: Configuration): ModelConfig => ({ seed: c.seed as number, lr: c.lr as number, momentum: 0.9, batchSize: c.batchSize as number, optimizer: c.optimizer as 'sgd' | 'adam' }),
      };
      const configs: Configuration[] = [
        { seed: 1, lr: 0.1, batchSize: 8, optimizer: 'sgd' },
        { seed: 2, lr: 0.01, batchSize: 16, optimizer: 'adam' },
        { seed: 3, lr: 0.3, batchSize: 12, optimizer: 'sgd' },
        { seed: 4, lr: 0.003, batchSize: 8, optimizer: 'adam' },
      ];
      const job = { ids: [0, 1, 2, 3], configs, budget: 3, bracket: 0, rung: 0 };
      const packed = await packedEvaluator(setup)(configs, 3, job);
      const single = await singleModelEvaluator(setup)(configs, 3, job);
      // Same models up to float rounding: at most one of 200 predictions may flip.
      packed.forEach((a, i) => expect(Math.abs(a - single[i])).toBeLessThanOrEqual(1 / 200 + 1e-12));
      // The scores are real accuracies: the better configs learn the task well above chance (1/3).
      expect(Math.max(...single)).toBeGreaterThan(0.6);
      await expect(Promise.resolve(packedEvaluator(setup)(configs, 0, job))).rejects.toThrow(/budget must be a positive integer/);
    });
  });
});
