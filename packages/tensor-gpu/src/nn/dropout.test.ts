import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';
import { Dropout } from './index';

describe('Dropout (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('is reproducible from its seed, advances its generator every call, and scales kept values by 1/(1−p)', async () => {
    await t.expectNoLeaks(async () => {
      const p = 0.3;
      const x = t.tensor(Float32Array.from({ length: 4000 }, (_, i) => 1 + (i % 5)), [40, 100]);
      const xv = await x.data();
      const run = async (d: Dropout) => {
        const y = t.tidy(() => d.forward(x));
        const v = await y.data();
        y.dispose();
        return v;
      };
      const a = new Dropout(p, { seed: 123 });
      const b = new Dropout(p, { seed: 123 });
      const a1 = await run(a);
      const a2 = await run(a);
      expect(a.callCount).toBe(2);
      expect(Array.from(await run(b))).toEqual(Array.from(a1));
      expect(Array.from(await run(b))).toEqual(Array.from(a2));
      expect(Array.from(a2)).not.toEqual(Array.from(a1));
      a.resetGenerator();
      expect(Array.from(await run(a))).toEqual(Array.from(a1));
      expect(Array.from(await run(new Dropout(p, { seed: 124 })))).not.toEqual(Array.from(a1));
      let zeros = 0;
      a1.forEach((v, i) => {
        if (v === 0) zeros++;
        else expect(v).toBeCloseTo(xv[i] / (1 - p), 5);
      });
      expect(zeros / a1.length).toBeGreaterThan(p - 0.04);
      expect(zeros / a1.length).toBeLessThan(p + 0.04);
      x.dispose();
    });
  });

  it('is the identity in eval mode and for p = 0; p = 1 zeroes; the gradient is the scaled mask', async () => {
    await t.expectNoLeaks(async () => {
      const x = t.tensor([[1, -2, 3, 4], [5, 6, -7, 8]]);
      const d = new Dropout(0.5, { seed: 1 }).eval();
      expect(d.forward(x)).toBe(x);
      expect(d.callCount).toBe(0);
      expect(new Dropout(0, { seed: 1 }).forward(x)).toBe(x);
      const all = new Dropout(1, { seed: 1 }).forward(x);
      expect(Array.from(await all.data()).every((v) => v === 0)).toBe(true);
      d.train();
      const [g] = t.grad((xi: t.Tensor) => t.sum(d.forward(xi)))(x);
      d.resetGenerator();
      const y = t.tidy(() => d.forward(x));
      const [gv, yv, xv] = [await g.data(), await y.data(), await x.data()];
      gv.forEach((v, i) => expect(v).toBeCloseTo(yv[i] === 0 ? 0 : yv[i] / xv[i], 6));
      expect(gv.some((v) => v === 2)).toBe(true);
      expect(() => new Dropout(1.5)).toThrow(/probability in \[0, 1\]/);
      t.dispose([x, all, g, y]);
    });
  });
});
