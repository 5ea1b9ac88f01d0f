import * as t from '@nnlab/tensor-gpu';
import { loadMnist } from '@nnlab/tensor-gpu/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conservationError, meanFractionHelping, pieceCounts } from './aggregate/derived';
import type { LcaResult } from './aggregate/result';
import { OnlineLca } from './online';
import { mlp } from './testing/models.test-helper';
import { makeTrainer } from './testing/sgd.test-helper';

// MNIST-FC 784-100-50-10 (He-normal, as the reference), batch 250, SGD momentum 0.9, lr 0.01,
// trained on a 10k subset of the training split; LCA on 2,000 training examples, adaptive Simpson.
const ITERATIONS = 30;

function subset(split: t.train.LabeledData, count: number): t.train.LabeledData {
  const size = split.shape.reduce((a, b) => a * b, 1);
  return { images: split.images.subarray(0, count * size), labels: split.labels.subarray(0, count), count, shape: split.shape };
}

describe('MNIST-FC: fraction of parameters helping (cpu)', () => {
  let result: LcaResult;
  let model: t.nn.Sequential;

  beforeAll(async () => {
    await t.setBackend('cpu');
    const mnist = await loadMnist();
    const train = subset(mnist.train, 10_000);
    model = mlp([784, 100, 50, 10], 1);
    const trainer = makeTrainer(model, train, { lr: 0.01, momentum: 0.9, batchSize: 250, seed: 2, inputShape: [784] });
    const lca = await OnlineLca.create(model, { data: subset(train, 2000), inputShape: [784], chunkSize: 2000 });
    for (let i = 0; i < ITERATIONS; i++) {
      trainer.step();
      await lca.observe();
    }
    result = lca.result();
    lca.dispose();
    trainer.dispose();
  });

  afterAll(() => model?.dispose());

  it('the mean fraction helping lies in [0.5, 0.65] ("barely over 50%")', () => {
    const f = meanFractionHelping(result);
    console.log(
      `MNIST-FC, ${ITERATIONS} iterations: mean fraction helping ${f.toFixed(3)} (all P; ${meanFractionHelping(result, 'moved').toFixed(3)} of moved), ` +
        `conservation error ${(100 * conservationError(result)).toFixed(3)}%, pieces ${JSON.stringify(pieceCounts(result))}, ` +
        `loss ${result.losses[0].toFixed(4)} → ${result.losses[ITERATIONS].toFixed(4)}`,
    );
    expect(f).toBeGreaterThan(0.5);
    expect(f).toBeLessThanOrEqual(0.65);
  });

  it('the loss went down and LCA accounts for it', () => {
    expect(result.losses[ITERATIONS]).toBeLessThan(result.losses[0]);
    expect(conservationError(result)).toBeLessThan(0.005);
  });
});
