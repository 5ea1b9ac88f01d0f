import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';

describe('cast', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('passes gradients through every dtype pair, the same dtype included', async () => {
    await t.expectNoLeaks(async () => {
      const x = t.tensor([0.5, -1.25, 3], [3]);
      for (const [first, second] of [['float32', 'float32'], ['float16', 'float16'], ['float16', 'float32'], ['float32', 'float16']] as const) {
        const [dx] = t.grad((v: t.Tensor) => t.sum(t.mul(t.cast(t.cast(v, first), second), t.tensor([2, 3, 4]))))(x);
        expect(dx.dtype, `${first} → ${second}`).toBe('float32');
        expect(Array.from(await dx.data()), `${first} → ${second}`).toEqual([2, 3, 4]);
        dx.dispose();
      }
      x.dispose();
    });
  });

  it('rejects an unknown dtype, naming it', () => {
    const x = t.tensor([1]);
    expect(() => t.cast(x, 'int8' as t.DType)).toThrow(/cast: dtype must be 'float32' or 'float16', got "int8"/);
    x.dispose();
  });
});
