import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';
import type { Module } from '../nn/module';
import { adam } from '../optim/adam';
import { sgd } from '../optim/sgd';
import { evaluate } from './evaluate';
import { fit } from './fit';
import { blobs, smallMlp } from './synthetic.test-helper';
import type { FitProgress } from './types';

async function weightsOf(model: Module): Promise<Float32Array[]> {
  return Promise.all(model.parameters().map((p) => p.value.data()));
}

describe('fit and evaluate (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('reaches > 95% accuracy on a small separable data set; validation and progress are reported', async () => {
    const train = blobs(300, 3, 1);
    const test = blobs(150, 3, 2);
    const model = smallMlp(3, 7);
    const optimizer = sgd({ lr: 0.1, momentum: 0.9 });
    const progress: FitProgress[] = [];
    const before = await evaluate(model, test, { batchSize: 64 });
    const history = await fit(model, train, {
      epochs: 5, batchSize: 32, optimizer, seed: 3, lossEvery: 4, validation: test, evalEvery: 2, onProgress: (p) => progress.push(p),
    });
    const after = await evaluate(model, test);
    expect(after.count).toBe(150);
    expect(after.accuracy).toBeGreaterThan(0.95);
    expect(after.loss).toBeLessThan(before.loss);
    expect(history.steps).toBe(5 * 10);
    expect(optimizer.stepCount).toBe(50);
    expect(history.epochs.map((e) => e.validation !== undefined)).toEqual([false, true, false, true, true]);
    expect(history.epochs[4].validation!.accuracy).toBeCloseTo(after.accuracy, 6);
    expect(history.epochs[4].loss).toBeLessThan(history.epochs[0].loss);
    // Read-backs: every 4 global steps inside an epoch, plus each epoch's end.
    const epoch0 = progress.filter((p) => p.epoch === 0);
    expect(epoch0.map((p) => p.step)).toEqual([4, 8, 10]);
    expect(progress.every((p) => p.stepsPerEpoch === 10 && Number.isFinite(p.loss) && p.elapsedMs >= 0)).toBe(true);
    expect(progress.filter((p) => p.validation).length).toBe(3);
    expect(model.training).toBe(true);
    optimizer.dispose();
    model.dispose();
  });

  it('is reproducible: the same seed gives identical weights, another seed different ones', async () => {
    const data = blobs(120, 3, 5);
    const run = async (seed: number) => {
      const model = smallMlp(3, 11);
      const optimizer = adam({ lr: 0.01 });
      await fit(model, data, { epochs: 2, batchSize: 16, optimizer, seed });
      const w = await weightsOf(model);
      optimizer.dispose();
      model.dispose();
      return w;
    };
    const a = await run(42);
    const b = await run(42);
    const c = await run(43);
    a.forEach((w, i) => expect(Array.from(b[i])).toEqual(Array.from(w)));
    expect(a.some((w, i) => w.some((v, j) => v !== c[i][j]))).toBe(true);
  });

  it('keeps memory flat and compiles nothing after the first epoch', async () => {
    const data = blobs(96, 3, 8);
    const model = smallMlp(3, 13);
    const optimizer = sgd({ lr: 0.05, momentum: 0.9, nesterov: true });
    const seen: ReturnType<typeof t.memory>[] = [];
    // Everything fit creates is freed; the optimizer's momentum buffers live until it is disposed.
    await t.expectNoLeaks(async () => {
      await fit(model, data, { epochs: 3, batchSize: 32, optimizer, lossEvery: 1, onProgress: () => seen.push(t.memory()) });
      optimizer.dispose();
    });
    expect(seen.length).toBe(9);
    for (const m of seen.slice(1)) {
      expect(m.numTensors).toBe(seen[0].numTensors);
      expect(m.numBytes).toBe(seen[0].numBytes);
      expect(m.numKernels).toBe(seen[0].numKernels);
    }
    model.dispose();
  });

  it('evaluate: accuracy and loss match a host computation; the mode is restored; Uint8Array labels', async () => {
    const model = smallMlp(3, 17);
    const data = blobs(50, 3, 9);
    const labels = Uint8Array.from(data.labels);
    const logits = t.tidy(() => model.forward(t.tensor(data.images, [50, 2])));
    const values = await logits.data();
    logits.dispose();
    let correct = 0;
    let loss = 0;
    for (let i = 0; i < 50; i++) {
      const row = Array.from(values.subarray(3 * i, 3 * i + 3));
      const best = row.indexOf(Math.max(...row));
      if (best === labels[i]) correct++;
      const m = Math.max(...row);
      loss += m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0)) - row[labels[i]];
    }
    model.eval();
    const r = await t.expectNoLeaks(() => evaluate(model, { ...data, labels }, { batchSize: 16 }));
    expect(model.training).toBe(false);
    expect(r.accuracy).toBeCloseTo(correct / 50, 10);
    expect(r.loss).toBeCloseTo(loss / 50, 5);
    model.dispose();
  });

  it('rejects inconsistent data and options with clear messages', async () => {
    const model = smallMlp(3, 19);
    const optimizer = sgd({ lr: 0.1 });
    const data = blobs(10, 3, 1);
    await expect(fit(model, { ...data, count: 11 }, { epochs: 1, batchSize: 4, optimizer })).rejects.toThrow(/images has 20 values, expected count × prod\(shape\) = 11 × 2/);
    await expect(fit(model, data, { epochs: 0, batchSize: 4, optimizer })).rejects.toThrow(/epochs must be a positive integer/);
    await expect(fit(model, data, { epochs: 1, batchSize: 4, optimizer, inputShape: [3] })).rejects.toThrow(/inputShape \[3\] does not hold one sample/);
    await expect(evaluate(model, { ...data, labels: new Int32Array(3) })).rejects.toThrow(/labels has 3 entries, expected 10/);
    optimizer.dispose();
    model.dispose();
  });
});
