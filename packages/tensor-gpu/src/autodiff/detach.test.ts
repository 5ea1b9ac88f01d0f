import { describe, expect, it } from 'vitest';
import * as t from '../index';

describe('detach and isRecorded', () => {
  it('detach cuts the gradient: d/dx [x·detach(x)] is detach(x), not 2x', async () => {
    await t.expectNoLeaks(async () => {
      const x = t.tensor([1.5, -2, 3]);
      const [g] = t.grad((a: t.Tensor) => t.sum(t.mul(a, t.detach(a))))(x);
      expect(Array.from(await g.data())).toEqual([1.5, -2, 3]);
      const [full] = t.grad((a: t.Tensor) => t.sum(t.mul(a, a)))(x);
      expect(Array.from(await full.data())).toEqual([3, -4, 6]);
      t.dispose([x, g, full]);
    });
  });

  it('detach keeps values and shape and needs its own dispose', async () => {
    await t.expectNoLeaks(async () => {
      const x = t.tensor([[1, 2], [3, 4]]);
      const d = t.detach(x);
      expect(d.shape).toEqual([2, 2]);
      expect(d).not.toBe(x);
      x.dispose();
      expect(Array.from(await d.data())).toEqual([1, 2, 3, 4]);
      d.dispose();
    });
  });

  it('isRecorded is true for watched arguments and what is computed from them, false otherwise', async () => {
    await t.expectNoLeaks(async () => {
      const x = t.tensor([1, 2]);
      const c = t.tensor([3, 4]);
      const seen: Record<string, boolean> = {};
      const [g] = t.grad((a: t.Tensor) => {
        const y = t.mul(a, c);
        seen.argument = t.isRecorded(a);
        seen.derived = t.isRecorded(y);
        seen.constant = t.isRecorded(c);
        seen.detached = t.isRecorded(t.detach(y));
        seen.underNoGrad = t.noGrad(() => t.isRecorded(a));
        return t.sum(y);
      })(x);
      seen.outside = t.isRecorded(x);
      expect(seen).toEqual({ argument: true, derived: true, constant: false, detached: false, underNoGrad: false, outside: false });
      t.dispose([x, c, g]);
    });
  });

  it('reject non-tensors and disposed tensors naming the function', () => {
    expect(() => t.detach(3 as never)).toThrow(/detach: x must be a Tensor, got number/);
    const x = t.tensor([1]);
    x.dispose();
    expect(() => t.isRecorded(x)).toThrow(/isRecorded: tensor #\d+ .* was already disposed/);
  });
});
