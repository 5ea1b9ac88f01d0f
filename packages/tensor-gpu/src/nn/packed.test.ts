import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';

const K = 3;

describe('packed layers (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  const build = (seed: number) => new t.nn.Sequential(new t.nn.Linear(6, 5, { seed }), new t.nn.ReLU(), new t.nn.Linear(5, 4, { seed: seed + 100 }));
  const buildPacked = (seeds: number[]) =>
    new t.nn.Sequential(
      new t.nn.PackedLinear(K, 6, 5, { seeds }),
      new t.nn.FoldModels(new t.nn.ReLU()),
      new t.nn.PackedLinear(K, 5, 4, { seeds: seeds.map((s) => s + 100) }),
    );

  it('model k of a packed layer starts exactly as an unpacked layer with seed k', async () => {
    await t.expectNoLeaks(async () => {
      const seeds = [7, 8, 9];
      const packed = buildPacked(seeds);
      const singles = seeds.map(build);
      const x = t.randn([4, 6], { seed: 1 });
      const y = t.tidy(() => packed.forward(x));
      expect(y.shape).toEqual([K, 4, 4]);
      const all = await y.data();
      for (let k = 0; k < K; k++) {
        const yk = t.tidy(() => singles[k].forward(x));
        expect(Array.from(all.subarray(k * 16, (k + 1) * 16))).toEqual(Array.from(await yk.data()));
        yk.dispose();
      }
      t.dispose([x, y]);
      packed.dispose();
      singles.forEach((m) => m.dispose());
    });
  });

  it('packModels and unpackModels round-trip K models', async () => {
    await t.expectNoLeaks(async () => {
      const singles = [1, 2, 3].map(build);
      const packed = buildPacked([11, 12, 13]);
      t.nn.packModels(packed, singles);
      const copies = [21, 22, 23].map(build);
      t.nn.unpackModels(packed, copies);
      for (let k = 0; k < K; k++) {
        const a = singles[k].parameters();
        const b = copies[k].parameters();
        for (let i = 0; i < a.length; i++) expect(Array.from(await b[i].value.data())).toEqual(Array.from(await a[i].value.data()));
      }
      expect(() => t.nn.packModels(packed, singles.slice(0, 2))).toThrow(/packModels: parameter 0/);
      packed.dispose();
      [...singles, ...copies].forEach((m) => m.dispose());
    });
  });
});
