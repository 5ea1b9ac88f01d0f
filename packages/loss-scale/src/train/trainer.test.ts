import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { NO_CAPS } from '../formula/options';
import { adaptiveScaling } from '../policy/adaptive';
import { dynamicScaling } from '../policy/dynamic';
import { noScaling, staticScaling } from '../policy/fixed';
import type { LossScalePolicy } from '../policy/types';
import { batch, mlp } from '../testing/models.test-helper';
import { MixedPrecisionTrainer } from './trainer';

async function values(model: t.nn.Module): Promise<Float32Array[]> {
  return Promise.all(model.parameters().map((p) => p.value.data()));
}

/** The weights of a seeded MLP after one float16 step on a seeded batch. */
async function weightsAfterOneStep(policy: LossScalePolicy, makeOptimizer: () => t.optim.StepOptimizer): Promise<Float32Array[]> {
  const model = mlp([8, 16, 4], 1);
  const optimizer = makeOptimizer();
  const trainer = new MixedPrecisionTrainer(model, optimizer, { policy });
  const { x, labels } = batch(4, [8], 4, 2);
  await trainer.step(x, labels);
  const out = await values(model);
  x.dispose();
  trainer.dispose();
  optimizer.dispose();
  model.dispose();
  return out;
}

describe('MixedPrecisionTrainer', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('skips the update when a gradient overflows and leaves the master weights untouched', async () => {
    await t.expectNoLeaks(async () => {
      const model = mlp([8, 16, 4], 1);
      const optimizer = t.optim.sgd({ lr: 0.1 });
      // s₀ = 2^40 overflows float16 at the loss gradient already.
      const trainer = new MixedPrecisionTrainer(model, optimizer, { policy: staticScaling({ scale: 2 ** 40 }) });
      const { x, labels } = batch(4, [8], 4, 2);
      const before = await values(model);
      const step = await trainer.step(x, labels);
      expect(step.skipped).toBe(true);
      expect(step.lossGrad!.overflow).toBeGreaterThan(0);
      expect(trainer.skippedSteps).toBe(1);
      expect(await values(model)).toEqual(before);
      x.dispose();
      trainer.dispose();
      optimizer.dispose();
      model.dispose();
    });
  });

  it('drives any StepOptimizer: a hand-written SGD step gives the weights of tensor-gpu\'s sgd', async () => {
    await t.expectNoLeaks(async () => {
      const library = await weightsAfterOneStep(staticScaling({ scale: 64 }), () => t.optim.sgd({ lr: 0.1 }));
      const handWritten = await weightsAfterOneStep(staticScaling({ scale: 64 }), () => ({
        step: (params, grads) => params.forEach((p, i) => p.assign(t.tidy(() => t.sub(p.value, t.mul(grads[i], 0.1))))),
        dispose: () => undefined,
      }));
      for (let i = 0; i < library.length; i++) for (let j = 0; j < library[i].length; j++) expect(handWritten[i][j]).toBeCloseTo(library[i][j], 6);
    });
  });

  it('applies unscaled float32 updates: static S gives the same weights as no scaling when nothing underflows', async () => {
    await t.expectNoLeaks(async () => {
      const sgd = () => t.optim.sgd({ lr: 0.1 });
      const plain = await weightsAfterOneStep(noScaling(), sgd);
      const scaled = await weightsAfterOneStep(staticScaling({ scale: 64 }), sgd);
      // Power-of-two scaling is exact in float16 away from the subnormals and overflow.
      for (let i = 0; i < plain.length; i++) for (let j = 0; j < plain[i].length; j++) expect(scaled[i][j]).toBeCloseTo(plain[i][j], 6);
    });
  });

  it('drives the dynamic policy: doubling, then halving and skipping on overflow', async () => {
    await t.expectNoLeaks(async () => {
      const model = mlp([8, 16, 4], 1);
      const optimizer = t.optim.sgd({ lr: 0.01 });
      const trainer = new MixedPrecisionTrainer(model, optimizer, { policy: dynamicScaling(), recordEvery: 0 });
      const { x, labels } = batch(4, [8], 4, 2);
      const steps = [];
      for (let i = 0; i < 24; i++) steps.push(await trainer.step(x, labels));
      const firstSkip = steps.findIndex((s) => s.skipped);
      expect(firstSkip).toBeGreaterThan(5);
      for (let i = 0; i < firstSkip; i++) expect(steps[i].lossScale).toBe(2 ** i);
      expect(steps[firstSkip + 1].lossScale).toBe(steps[firstSkip].lossScale / 2);
      expect(steps.every((s) => s.layers.length === 0)).toBe(true);
      x.dispose();
      trainer.dispose();
      optimizer.dispose();
      model.dispose();
    });
  });

  it('records per-layer scales and rates: powers of two ≥ 1, accumulated scale ≤ AB', async () => {
    await t.expectNoLeaks(async () => {
      const model = mlp([16, 32, 32, 32, 4], 1);
      const optimizer = t.optim.sgd({ lr: 0.01 });
      const trainer = new MixedPrecisionTrainer(model, optimizer, {
        policy: adaptiveScaling({ scaleUpperBound: 64, accumUpperBound: 256 }),
        loss: (logits, labels) => t.mul(t.crossEntropy(logits, labels), 2 ** -14),
      });
      const { x, labels } = batch(8, [16], 4, 2);
      for (let i = 0; i < 3; i++) await trainer.step(x, labels);
      expect(trainer.recorder.layerNames()).toEqual(['0', '2', '4', '6']);
      for (const step of trainer.recorder.steps) {
        expect(step.layers.map((l) => l.layer)).toEqual(['0', '2', '4', '6']);
        for (const l of step.layers) {
          expect(l.alpha).toBeGreaterThanOrEqual(1);
          expect(Number.isInteger(Math.log2(l.alpha))).toBe(true);
          expect(l.alpha * l.incomingScale).toBeLessThanOrEqual(256);
          expect(l.weightGrad!.count).toBe((model.at(Number(l.layer)) as t.nn.Linear).weight.value.size);
        }
        expect(step.layers[0].inputGrad).toBeNull(); // the data needs no gradient
        expect(step.layers.some((l) => l.alpha > 1)).toBe(true);
      }
      expect(trainer.recorder.series('2', 'alpha')).toHaveLength(3);
      expect(trainer.recorder.underflowRate('input')).toBeGreaterThanOrEqual(0);
      x.dispose();
      trainer.dispose();
      optimizer.dispose();
      model.dispose();
    });
  });

  it('float32 precision trains the plain model with the same loop', async () => {
    await t.expectNoLeaks(async () => {
      const model = mlp([8, 4], 1);
      const optimizer = t.optim.sgd({ lr: 0.5 });
      const trainer = new MixedPrecisionTrainer(model, optimizer, { precision: 'float32' });
      const { x, labels } = batch(4, [8], 4, 2);
      const first = await trainer.step(x, labels);
      let last = first;
      for (let i = 0; i < 5; i++) last = await trainer.step(x, labels);
      expect(last.loss).toBeLessThan(first.loss);
      expect(first.layers).toEqual([]);
      x.dispose();
      trainer.dispose();
      optimizer.dispose();
      model.dispose();
    });
  });

  it('rejects bad arguments with a clear message', async () => {
    const model = mlp([8, 4], 1);
    const optimizer = t.optim.sgd({ lr: 0.1 });
    expect(() => new MixedPrecisionTrainer({} as t.nn.Module, optimizer)).toThrow(/model must be a tensor-gpu nn.Module/);
    expect(() => new MixedPrecisionTrainer(model, optimizer, { precision: 'float64' as 'float32' })).toThrow(/precision must be 'float16' or 'float32'/);
    expect(() => new MixedPrecisionTrainer(model, optimizer, { recordEvery: -1 })).toThrow(/recordEvery/);
    const trainer = new MixedPrecisionTrainer(model, optimizer, { policy: adaptiveScaling(NO_CAPS) });
    const x = t.zeros([2, 8]);
    await expect(trainer.step(x, new Int32Array(3))).rejects.toThrow(/labels must be an Int32Array with one entry per sample \(2\)/);
    const wrong = t.zeros([2, 5]);
    await expect(trainer.step(wrong, new Int32Array(2))).rejects.toThrow(/expected input \[batch, 8\]/);
    t.dispose([x, wrong]);
    trainer.dispose();
    optimizer.dispose();
    model.dispose();
  });
});

describe('unscaling in float16 (the reference) against float32 (the default)', () => {
  it('float16 unscaling flushes small weight gradients that float32 unscaling keeps', async () => {
    await t.setBackend('cpu');
    await t.expectNoLeaks(async () => {
      const firstLayerGrad = async (unscaleIn: 'float32' | 'float16') => {
        const model = mlp([8, 16, 4], 1);
        const optimizer = t.optim.sgd({ lr: 1 });
        // Loss × 2^-20 with S = 2^20: the scaled gradients are ordinary, the unscaled ones are ~2^-27 and below.
        const trainer = new MixedPrecisionTrainer(model, optimizer, { policy: staticScaling({ scale: 2 ** 20 }), unscaleIn, loss: (l, y) => t.mul(t.crossEntropy(l, y), 2 ** -20) });
        const before = await model.parameters()[0].value.data();
        const { x, labels } = batch(4, [8], 4, 2);
        await trainer.step(x, labels);
        const after = await model.parameters()[0].value.data();
        x.dispose();
        trainer.dispose();
        optimizer.dispose();
        model.dispose();
        return before.map((b, i) => b - after[i]); // lr 1: the update is the gradient
      };
      const wide = await firstLayerGrad('float32');
      const narrow = await firstLayerGrad('float16');
      const moved = (g: Float32Array) => g.filter((v) => v !== 0).length;
      expect(moved(wide)).toBeGreaterThan(moved(narrow));
    });
    const model = mlp([2, 2], 1);
    expect(() => new MixedPrecisionTrainer(model, t.optim.sgd({ lr: 1 }), { unscaleIn: 'bfloat16' as 'float16' })).toThrow(/unscaleIn must be 'float32' or 'float16'/);
    model.dispose();
  });
});
