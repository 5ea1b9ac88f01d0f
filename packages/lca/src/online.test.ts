import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { OnlineLca } from './online';
import { blobs } from './testing/synthetic.test-helper';
import { mlp } from './testing/models.test-helper';
import { makeTrainer } from './testing/sgd.test-helper';

describe('OnlineLca (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('keeps only what is asked: memory grows by O(1) per iteration without series; splits share n_t', async () => {
    const train = blobs(300, 6, 3, 51);
    const validation = blobs(100, 6, 3, 52);
    const model = mlp([6, 16, 3], 7);
    const trainer = makeTrainer(model, train, { lr: 0.1, momentum: 0.9, batchSize: 30, seed: 8 });
    const none = { parameterTotals: false, layerSeries: false, tensorSeries: false, unitSeries: false };
    await t.expectNoLeaks(async () => {
      const lca = await OnlineLca.create(model, { data: train, extraSplits: { validation }, keep: none });
      const step = lca.wrap(trainer.step);
      await step();
      const early = lca.memoryBytes();
      for (let i = 0; i < 20; i++) await step();
      const late = lca.memoryBytes();
      expect(late - early).toBeLessThanOrEqual(20 * 2 * 8 * 7);
      const r = lca.result('train');
      const v = lca.result('validation');
      expect(r.iterations).toBe(21);
      expect(v.pieces).toEqual(r.pieces);
      expect(r.layers[0].series).toBeUndefined();
      expect(r.parameterTotals).toBeUndefined();
      expect(v.losses.length).toBe(22);
      lca.dispose();
      trainer.dispose();
    });
    model.dispose();
  });

  it('needs data or oracles', async () => {
    const model = mlp([2, 2], 1);
    await expect(OnlineLca.create(model, {})).rejects.toThrow(/data/);
    model.dispose();
  });
});
