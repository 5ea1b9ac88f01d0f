import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { SMALL_CIFAR_CNN_PARAMETERS, smallCifarCnn, tanhMlp } from './models';

const count = (m: t.nn.Module) => m.parameters().reduce((n, p) => n + p.value.size, 0);

describe('DFA models (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('have their parameter counts and output shapes, and leak nothing', async () => {
    await t.expectNoLeaks(async () => {
      const mlp = tanhMlp(32, 1);
      const cnn = smallCifarCnn(1);
      expect(count(mlp)).toBe(784 * 32 + 32 + 32 * 32 + 32 + 32 * 10 + 10);
      expect(count(cnn)).toBe(SMALL_CIFAR_CNN_PARAMETERS);
      expect(SMALL_CIFAR_CNN_PARAMETERS).toBe(3 * 8 * 9 + 8 + 8 * 16 * 9 + 16 + 1024 * 128 + 128 + 128 * 10 + 10);
      const y = t.tidy(() => [mlp.forward(t.zeros([2, 784])), cnn.forward(t.zeros([2, 3, 32, 32]))]);
      expect(y.map((v) => v.shape)).toEqual([[2, 10], [2, 10]]);
      t.dispose(y);
      mlp.dispose();
      cnn.dispose();
    });
  });

  it('builds Nøkland’s deeper and shallower MLPs, seeding the layers in order', async () => {
    await t.expectNoLeaks(async () => {
      const [one, seven, two] = [tanhMlp(24, 3, 1), tanhMlp(24, 3, 7), tanhMlp(24, 3)];
      // The 2×800 net as it was built before depth existed: its results files must stay reproducible.
      const seeds = new t.nn.SeedSequence(3);
      const twoAsBefore = new t.nn.Sequential(
        new t.nn.Linear(784, 24, { seed: seeds.next() }),
        new t.nn.Tanh(),
        new t.nn.Linear(24, 24, { seed: seeds.next() }),
        new t.nn.Tanh(),
        new t.nn.Linear(24, 10, { seed: seeds.next() }),
      );
      expect(count(one)).toBe(784 * 24 + 24 + 24 * 10 + 10);
      expect(count(seven)).toBe(784 * 24 + 24 + 6 * (24 * 24 + 24) + 24 * 10 + 10);
      expect(seven.layers.filter((l) => l instanceof t.nn.Tanh)).toHaveLength(7);
      // The first layer draws the first seed whatever the depth.
      const weights = (m: t.nn.Sequential) => Promise.all(m.parameters().map((p) => p.value.data()));
      expect((await weights(seven))[0]).toEqual((await weights(one))[0]);
      expect(await weights(two)).toEqual(await weights(twoAsBefore));
      const y = t.tidy(() => seven.forward(t.zeros([3, 784])));
      expect(y.shape).toEqual([3, 10]);
      y.dispose();
      [one, seven, two, twoAsBefore].forEach((m) => m.dispose());
    });
  });

  it('rejects bad sizes and seeds naming the argument', () => {
    expect(() => tanhMlp(0, 1)).toThrow(/tanhMlp: hidden must be a positive integer, got 0/);
    expect(() => tanhMlp(8, 1, 0)).toThrow(/tanhMlp: depth must be a positive integer \(hidden layers\), got 0/);
    expect(() => smallCifarCnn(1.5)).toThrow(/smallCifarCnn: seed must be an integer, got 1.5/);
  });
});
