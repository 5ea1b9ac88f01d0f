import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';

describe('autodiff and memory scopes (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('valueAndGrad mirrors arrays and plain objects of parameters', async () => {
    await t.expectNoLeaks(async () => {
      const w = t.tensor([1, 2, 3]);
      const b = t.tensor([0.5]);
      const loss = (p: { w: t.Tensor; b: t.Tensor }, scale: t.Tensor[]) => t.sum(t.mul(t.add(t.mul(p.w, p.w), p.b), scale[0]));
      const s = t.tensor([2]);
      const { value, grads } = t.valueAndGrad(loss)({ w, b }, [s]);
      expect((await value.data())[0]).toBeCloseTo(2 * (1 + 4 + 9 + 1.5));
      expect(Array.from(await grads[0].w.data())).toEqual([4, 8, 12]);
      expect(Array.from(await grads[0].b.data())).toEqual([6]);
      expect(Array.from(await grads[1][0].data())).toEqual([15.5]);
      t.dispose([w, b, s, value, grads[0].w, grads[0].b, grads[1][0]]);
    });
  });

  it('a shared gradient is handed out as distinct tensors; unused inputs get zeros', async () => {
    await t.expectNoLeaks(async () => {
      const a = t.tensor([1, 2]);
      const b = t.tensor([3, 4]);
      const c = t.tensor([5]);
      const [ga, gb, gc] = t.grad((x: t.Tensor, y: t.Tensor, _z: t.Tensor) => t.sum(t.add(x, y)))(a, b, c);
      expect(ga).not.toBe(gb);
      ga.dispose();
      expect(Array.from(await gb.data())).toEqual([1, 1]);
      expect(Array.from(await gc.data())).toEqual([0]);
      t.dispose([a, b, c, gb, gc]);
    });
  });

  it('noGrad stops recording; valueAndGrad rejects non-scalars', async () => {
    await t.expectNoLeaks(async () => {
      const x = t.tensor([1, 2]);
      const [g] = t.grad((v: t.Tensor) => t.sum(t.add(t.noGrad(() => t.mul(v, 10)), v)))(x);
      expect(Array.from(await g.data())).toEqual([1, 1]);
      expect(() => t.valueAndGrad((v: t.Tensor) => t.mul(v, 2))(x)).toThrow(/must return a scalar/);
      t.dispose([x, g]);
    });
  });

  it('tidy frees intermediates, returns survivors to the parent scope, honours keep', async () => {
    const before = t.memory().numTensors;
    const kept = t.tidy(() => {
      const inner = t.tidy(() => {
        const a = t.ones([2]);
        const k = t.keep(t.add(a, 1));
        return { out: t.mul(a, 3), k };
      });
      return inner;
    });
    expect(t.memory().numTensors).toBe(before + 2);
    expect(Array.from(await kept.out.data())).toEqual([3, 3]);
    t.dispose(kept);
    expect(t.memory().numTensors).toBe(before);
    expect(() => t.tidy(() => Promise.resolve(1) as any)).toThrow(/must be synchronous/);
  });

  it('customGrad validates what backward returns', () => {
    const x = t.tensor([1]);
    const bad = t.customGrad((v: t.Tensor) => t.mul(v, 2), () => []);
    expect(() => t.grad((v: t.Tensor) => t.sum(bad(v)))(x)).toThrow(/one gradient \(or null\) per input/);
    x.dispose();
  });
});
