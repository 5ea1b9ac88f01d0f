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

  it('rejects bad sizes and seeds naming the argument', () => {
    expect(() => tanhMlp(0, 1)).toThrow(/tanhMlp: hidden must be a positive integer, got 0/);
    expect(() => smallCifarCnn(1.5)).toThrow(/smallCifarCnn: seed must be an integer, got 1.5/);
  });
});
