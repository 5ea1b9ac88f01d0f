import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';
import { Conv2d, Linear, deriveSeed, fansOf, glorotNormal, glorotUniform, heNormal, heUniform, kaimingUniform, zeros, defaultWeightInit, type Initializer } from './index';

function stats(v: Float32Array) {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  return { mean, std, min, max };
}

describe('nn initialisers (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('fans follow PyTorch: [out, in] and [outC, inC/groups, kH, kW]', () => {
    expect(fansOf([50, 100])).toEqual({ fanIn: 100, fanOut: 50 });
    expect(fansOf([8, 4, 3, 3])).toEqual({ fanIn: 36, fanOut: 72 });
    expect(() => fansOf([3])).toThrow(/at least 2 axes/);
  });

  it('each initialiser has the documented distribution and is reproducible from its seed', async () => {
    await t.expectNoLeaks(async () => {
      const shape = [256, 128];
      const args = { shape, fanIn: 128, fanOut: 256, seed: 5 };
      const cases: [string, Initializer, 'normal' | 'uniform', number][] = [
        ['heNormal', heNormal, 'normal', Math.sqrt(2 / 128)],
        ['heUniform', heUniform, 'uniform', Math.sqrt(6 / 128)],
        ['glorotNormal', glorotNormal, 'normal', Math.sqrt(2 / 384)],
        ['glorotUniform', glorotUniform, 'uniform', Math.sqrt(6 / 384)],
        ['defaultWeightInit', defaultWeightInit, 'uniform', 1 / Math.sqrt(128)],
        ['kaimingUniform(0)', kaimingUniform(0), 'uniform', Math.sqrt(6 / 128)],
      ];
      for (const [name, init, kind, scale] of cases) {
        const a = init(args);
        const b = init(args);
        const c = init({ ...args, seed: 6 });
        const va = await a.data();
        expect(Array.from(await b.data()), name).toEqual(Array.from(va));
        expect(Array.from(await c.data()), name).not.toEqual(Array.from(va));
        const s = stats(va);
        expect(Math.abs(s.mean), name).toBeLessThan(0.03 * scale * 3);
        if (kind === 'normal') expect(s.std / scale, name).toBeCloseTo(1, 1);
        else {
          expect(s.max, name).toBeLessThanOrEqual(scale);
          expect(s.min, name).toBeGreaterThanOrEqual(-scale);
          expect(s.max, name).toBeGreaterThan(0.99 * scale);
          expect(s.std / (scale / Math.sqrt(3)), name).toBeCloseTo(1, 1);
        }
        t.dispose([a, b, c]);
      }
      const z = zeros(args);
      expect((await z.data()).every((v) => v === 0)).toBe(true);
      z.dispose();
    });
  });

  it('layers default to PyTorch init (weights and bias within ±1/√fanIn) and honour init/biasInit/seed', async () => {
    await t.expectNoLeaks(async () => {
      const lin = new Linear(100, 50, { seed: 1 });
      const w = stats(await lin.weight.value.data());
      const b = stats(await lin.bias!.value.data());
      expect(w.max).toBeLessThanOrEqual(0.1);
      expect(w.min).toBeGreaterThanOrEqual(-0.1);
      expect(w.max).toBeGreaterThan(0.098);
      expect(b.max).toBeLessThanOrEqual(0.1);
      expect(b.min).toBeGreaterThanOrEqual(-0.1);
      const again = new Linear(100, 50, { seed: 1 });
      expect(Array.from(await again.weight.value.data())).toEqual(Array.from(await lin.weight.value.data()));
      expect(Array.from(await again.bias!.value.data())).toEqual(Array.from(await lin.bias!.value.data()));
      // Weight and bias draw from different derived seeds.
      expect(Array.from(await lin.bias!.value.data())).not.toEqual(Array.from((await lin.weight.value.data()).slice(0, 50)));
      const conv = new Conv2d(4, 8, 3, { seed: 2, init: heNormal, biasInit: zeros });
      expect((await conv.bias!.value.data()).every((v) => v === 0)).toBe(true);
      expect(stats(await conv.weight.value.data()).std).toBeGreaterThan(0.1); // √(2/36) ≈ 0.236 vs default 1/6/√3 ≈ 0.096
      const bad: Initializer = () => t.zeros([2]);
      expect(() => new Linear(3, 4, { init: bad })).toThrow(/must return a tensor of shape \[4,3\], got \[2\]/);
      [lin, again, conv].forEach((m) => m.dispose());
    });
  });

  it('deriveSeed is deterministic and spreads indices apart', () => {
    expect(deriveSeed(42, 3)).toBe(deriveSeed(42, 3));
    const seen = new Set(Array.from({ length: 1000 }, (_, i) => deriveSeed(42, i)));
    expect(seen.size).toBe(1000);
    expect(deriveSeed(42, 0)).not.toBe(deriveSeed(43, 0));
    expect(() => deriveSeed(1, -1)).toThrow(/non-negative integer/);
  });
});
