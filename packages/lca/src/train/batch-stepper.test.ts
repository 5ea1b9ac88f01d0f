import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchStepper } from './batch-stepper';

/** Ten samples of 2 values whose label is their index, so a loss can see which samples a batch holds. */
function indexed(count: number): t.train.LabeledData {
  return { images: Float32Array.from({ length: count * 2 }, (_, i) => i / 10), labels: Int32Array.from({ length: count }, (_, i) => i), count, shape: [2] };
}

describe('batchStepper (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('visits a seeded permutation in full batches and reshuffles with seed + k when the next batch would not fit', async () => {
    const data = indexed(10);
    const seen: number[][] = [];
    const loss: t.train.LossFunction = (output, labels) => {
      seen.push(Array.from(labels));
      return t.crossEntropy(output, Int32Array.from(labels, () => 0));
    };
    const model = new t.nn.Linear(2, 3, { seed: 1 });
    const optimizer = t.optim.sgd({ lr: 0.1 });
    const stepper = batchStepper(model, data, { optimizer, batchSize: 4, seed: 7, loss });
    for (let i = 0; i < 5; i++) stepper.step().dispose();
    const order = t.data.permutation(10, 7);
    const expected = [Array.from(order.subarray(0, 4)), Array.from(order.subarray(4, 8))];
    t.data.shuffleInPlace(order, 8);
    expected.push(Array.from(order.subarray(0, 4)), Array.from(order.subarray(4, 8)));
    t.data.shuffleInPlace(order, 9);
    expected.push(Array.from(order.subarray(0, 4)));
    expect(seen).toEqual(expected);
    expect(optimizer.stepCount).toBe(5);
    optimizer.dispose();
    model.dispose();
  });

  it('rejects a batch larger than the data, a fractional seed and a missing optimizer', () => {
    const model = new t.nn.Linear(2, 3, { seed: 1 });
    const optimizer = t.optim.sgd({ lr: 0.1 });
    expect(() => batchStepper(model, indexed(3), { optimizer, batchSize: 4, seed: 0 })).toThrow(/batchSize must be an integer in \[1, 3\]/);
    expect(() => batchStepper(model, indexed(3), { optimizer, batchSize: 2, seed: 0.5 })).toThrow(/seed must be an integer/);
    expect(() => batchStepper(model, indexed(3), { optimizer: {} as never, batchSize: 2, seed: 0 })).toThrow(/optimizer must have step/);
    optimizer.dispose();
    model.dispose();
  });
});
