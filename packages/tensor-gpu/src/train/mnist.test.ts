// A short real training run: mnistFc on a fixed 10,000-image MNIST subset, on the webasm backend.
import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';
import { loadMnist } from '../data/datasets-node';
import { normalize } from '../data/normalize';
import type { ImageSplit } from '../data/types';
import { mnistFc } from '../nn/models';
import { multiStepLr } from '../optim/schedules';
import { sgd } from '../optim/sgd';
import { evaluate } from './evaluate';
import { fit } from './fit';

/** The first `count` samples of a split (a fixed subset), standardised with MNIST's mean and std. */
function head(split: ImageSplit, count: number): ImageSplit {
  const images = normalize(split.images.subarray(0, count * 784), [0.1307], [0.3081], split.shape);
  return { ...split, images, labels: split.labels.subarray(0, count), count };
}

describe('MNIST-FC on 10,000 MNIST images (webasm)', () => {
  beforeAll(async () => {
    await t.setBackend('webasm');
  });

  // The recipe: batch 32 (313 steps), Nesterov momentum 0.9, lr 0.03 cut by 5× at 60% and 85%
  // of the epoch, standardised inputs. Model seeds 1, 2, 3 gave 91.55%, 91.70%, 90.75% on the
  // first 2,000 test images (93.1–93.4% on all 10,000). Plain momentum at lr 0.05, batch 64,
  // without standardising or decay gave 84.5–89% (the first 2,000 test images are harder than
  // the rest: ~3 points below the full test set).
  it('one epoch of SGD with momentum reaches ≥ 90% on the first 2,000 test images, with flat memory', async () => {
    const { train, test } = await loadMnist();
    const model = mnistFc({ seed: 1 });
    const optimizer = sgd({ lr: multiStepLr(0.03, { milestones: [188, 266], gamma: 0.2 }), momentum: 0.9, nesterov: true });
    const live: number[] = [];
    const started = performance.now();
    await t.expectNoLeaks(async () => {
      const history = await fit(model, head(train, 10_000), {
        epochs: 1, batchSize: 32, optimizer, seed: 1, inputShape: [784], onProgress: () => live.push(t.memory().numTensors),
      });
      expect(history.steps).toBe(313);
      optimizer.dispose();
    });
    const result = await evaluate(model, head(test, 2_000), { inputShape: [784], batchSize: 500 });
    const seconds = (performance.now() - started) / 1000;
    console.info(`mnistFc, 1 epoch on 10k images (webasm): test accuracy ${(100 * result.accuracy).toFixed(2)}% on 2,000 images, loss ${result.loss.toFixed(4)}, ${seconds.toFixed(1)} s`);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(new Set(live).size).toBe(1);
    model.dispose();
  });
});
