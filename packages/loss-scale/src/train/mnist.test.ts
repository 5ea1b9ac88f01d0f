import * as t from '@nnlab/tensor-gpu';
import { loadMnist } from '@nnlab/tensor-gpu/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { adaptiveScaling } from '../policy/adaptive';
import { noScaling } from '../policy/fixed';
import type { LossScalePolicy } from '../policy/types';
import { requirePresent, sharedData } from '../testing/shared-data.test-helper';
import { trainEpochs } from './loop';
import { MixedPrecisionTrainer } from './trainer';

const shared = sharedData('mnist', ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']);

// MNIST-FC 784-100-50-10, one epoch over the first 10,000 training images, batch 128, SGD
// momentum 0.9, lr 0.05; test accuracy on the full 10,000-image test split.
const TRAIN = 10_000;

describe.skipIf(shared.skip)('MNIST-FC in emulated float16 (cpu)', () => {
  let mnist: Awaited<ReturnType<typeof loadMnist>>;

  beforeAll(async () => {
    requirePresent(shared);
    await t.setBackend('cpu');
    mnist = await loadMnist();
  });

  async function run(precision: 'float16' | 'float32', policy: LossScalePolicy, maxSteps?: number) {
    const model = t.nn.mnistFc({ seed: 1 });
    const optimizer = t.optim.sgd({ lr: 0.05, momentum: 0.9 });
    const trainer = new MixedPrecisionTrainer(model, optimizer, { precision, policy, recordEvery: 5 });
    const train = { images: mnist.train.images.subarray(0, TRAIN * 784), labels: mnist.train.labels.subarray(0, TRAIN), count: TRAIN, shape: mnist.train.shape };
    await trainEpochs(trainer, train, { epochs: 1, batchSize: 128, inputShape: [784], seed: 1, maxSteps });
    const evaluation = maxSteps ? null : await t.train.evaluate(trainer.inferenceModel(), mnist.test, { inputShape: [784] });
    const result = { accuracy: evaluation?.accuracy ?? NaN, recorder: trainer.recorder, skipped: trainer.skippedSteps };
    trainer.dispose();
    optimizer.dispose();
    model.dispose();
    return result;
  }

  it('float16 with adaptive scaling reaches the float32 test accuracy within 0.3 points', async () => {
    const fp32 = await run('float32', noScaling());
    const fp16 = await run('float16', adaptiveScaling());
    console.log(`MNIST-FC, 1 epoch on 10k: float32 ${(100 * fp32.accuracy).toFixed(2)}%, float16 + adaptive ${(100 * fp16.accuracy).toFixed(2)}%, skipped ${fp16.skipped}, input-gradient underflow ${fp16.recorder.underflowRate('input').toExponential(2)}`);
    expect(fp32.accuracy).toBeGreaterThan(0.85);
    expect(Math.abs(fp16.accuracy - fp32.accuracy)).toBeLessThanOrEqual(0.003);
    expect(fp16.skipped).toBe(0);
  }, 240_000);

  it('without scaling some layer shows a non-zero float16 underflow rate', async () => {
    const plain = await run('float16', noScaling(), 10);
    const rates = plain.recorder.layerNames().map((l) => plain.recorder.underflowRate('weight', l));
    console.log(`no scaling, 10 steps: weight-gradient underflow by layer ${rates.map((r) => r.toExponential(2)).join(', ')}`);
    expect(Math.max(...rates)).toBeGreaterThan(0);
  }, 120_000);
});
