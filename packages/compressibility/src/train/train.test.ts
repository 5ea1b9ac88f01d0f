// SGD, masks and the training loop on small problems (cpu backend).
import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { compressibilityLoss } from '../loss/loss';
import { compressibilityValueOfGroups } from '../loss/reference';
import { l1Penalty, withCompressibility } from '../loss/regularizer';
import { gaussian } from '../random.test-helper';
import { accuracyOf } from './evaluate';
import { trainEpochs } from './loop';
import { magnitudeKeep, thresholdKeep } from './mask-rules';
import { disposeMasks, magnitudeMasks, maskedOptimizer, thresholdMasks } from './masks';

/** Two Gaussian blobs in 8 dimensions, labels 0 and 1. */
function blobs(count: number, seed: number): t.train.LabeledData {
  const noise = gaussian(count * 8, seed);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 2);
  const images = Float32Array.from(noise, (x, k) => 0.5 * x + (labels[Math.floor(k / 8)] ? 1 : -1) * (k % 8 < 4 ? 1 : 0));
  return { images, labels, count, shape: [8] };
}

function mlp(seed: number): t.nn.Sequential {
  return new t.nn.Sequential(new t.nn.Linear(8, 16, { seed }), new t.nn.ReLU(), new t.nn.Linear(16, 2, { seed: seed + 1 }));
}

describe('training pieces (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('mask rules: threshold at a fraction of max|w|, magnitude to an exact sparsity', () => {
    expect(Array.from(thresholdKeep([0.5, -0.004, 0.006, 0, -1], 0.005))).toEqual([1, 0, 1, 0, 1]);
    const keep = magnitudeKeep(gaussian(1000, 1), 0.9);
    expect(keep.reduce((a, b) => a + b, 0)).toBe(100);
    expect(() => thresholdKeep([1], 1)).toThrow(/threshold must be a number in \[0, 1\)/);
  });

  it('withCompressibility adds λ·L_c to the task loss; l1Penalty is Σ|w| of the weights', async () => {
    const model = mlp(3);
    const x = t.tensor(blobs(4, 2).images, [4, 8]);
    const labels = Int32Array.of(0, 1, 0, 1);
    const [task, reg, lc, l1] = t.tidy(() => {
      const out = model.forward(x);
      return [t.train.softmaxCrossEntropy(out, labels), withCompressibility(t.train.softmaxCrossEntropy, model, { lambda: 0.25 })(out, labels), compressibilityLoss(model), l1Penalty(model)];
    });
    const v = async (s: t.Tensor) => (await s.data())[0];
    expect(await v(reg)).toBeCloseTo((await v(task)) + 0.25 * (await v(lc)), 5);
    const weights = await Promise.all(model.namedParameters().filter(([, p]) => p.role === 'weight').map(([, p]) => p.value.data()));
    expect(await v(lc)).toBeCloseTo(compressibilityValueOfGroups(weights), 4);
    expect(await v(l1)).toBeCloseTo(weights.reduce((s, w) => s + w.reduce((a, b) => a + Math.abs(b), 0), 0), 3);
    t.dispose([task, reg, lc, l1, x]);
    model.dispose();
  });

  it('trains a small MLP without leaking; masked fine-tuning keeps pruned weights at exactly zero', async () => {
    const data = blobs(256, 5);
    const model = mlp(7);
    await t.expectNoLeaks(async () => {
      const opt = t.optim.sgd({ lr: 0.05, momentum: 0.9 });
      const loss = withCompressibility(t.train.softmaxCrossEntropy, model, { lambda: 0.01 });
      const history = await trainEpochs(model, data, { epochs: 3, batchSize: 32, optimizer: opt, loss, lossEvery: 8 });
      opt.dispose();
      expect(history.steps).toBe(24);
      expect(history.losses[history.losses.length - 1][1]).toBeLessThan(history.losses[0][1]);
    });
    expect((await accuracyOf(model, data)).accuracy).toBeGreaterThan(0.9);

    const masks = await thresholdMasks(model, { threshold: 0.3 });
    const pruned = await Promise.all(masks.map((m) => m.param.value.data()));
    const zeroed = pruned.map((w) => w.map((x) => (x === 0 ? 1 : 0)));
    expect(zeroed.flatMap((z) => Array.from(z)).some((z) => z === 1)).toBe(true);
    const opt = maskedOptimizer(t.optim.sgd({ lr: 0.05, momentum: 0.9 }), masks);
    await trainEpochs(model, data, { epochs: 1, batchSize: 32, optimizer: opt, loss: t.train.softmaxCrossEntropy, seed: 3 });
    opt.dispose();
    const after = await Promise.all(masks.map((m) => m.param.value.data()));
    after.forEach((w, k) => w.forEach((x, i) => {
      if (zeroed[k][i]) expect(x === 0).toBe(true);
    }));
    disposeMasks(masks);

    const magnitude = await magnitudeMasks(model, 0.75);
    for (const m of magnitude) {
      const w = await m.param.value.data();
      expect(w.filter((x) => x === 0).length).toBeGreaterThanOrEqual(Math.round(0.75 * w.length));
    }
    disposeMasks(magnitude);
    model.dispose();
  });

  it('masked fine-tuning with optim.sgd keeps pruned weights exactly zero', async () => {
    const data = blobs(128, 9);
    const model = mlp(11);
    const masks = await thresholdMasks(model, { threshold: 0.5 });
    const opt = maskedOptimizer(t.optim.sgd({ lr: 0.05, momentum: 0.9 }), masks);
    await trainEpochs(model, data, { epochs: 1, batchSize: 32, optimizer: opt, loss: t.train.softmaxCrossEntropy });
    opt.dispose();
    for (const m of masks) {
      const w = await m.param.value.data();
      const keep = await m.mask.data();
      w.forEach((x, i) => {
        if (keep[i] === 0) expect(x === 0).toBe(true);
      });
    }
    disposeMasks(masks);
    model.dispose();
  });
});
