import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLayout } from './layout';
import { moduleLayout, readParameters, uploadParameters } from './module';

describe('parameter layout', () => {
  it('maps kernel rows and bias entries of a layer to the same unit', () => {
    const layout = createLayout([
      { name: 'fc.weight', shape: [2, 3] },
      { name: 'fc.bias', shape: [2] },
      { name: 'conv.weight', shape: [2, 1, 2, 2] },
      { name: 'conv.bias', shape: [2] },
      { name: 'scale', shape: [4], unitAxis: null },
    ]);
    expect(layout.size).toBe(6 + 2 + 8 + 2 + 4);
    expect(layout.layers).toEqual(['fc', 'conv', '']);
    expect(Array.from(layout.unitOf.subarray(0, 8))).toEqual([0, 0, 0, 1, 1, 1, 0, 1]);
    expect(Array.from(layout.unitOf.subarray(8, 18))).toEqual([2, 2, 2, 2, 3, 3, 3, 3, 2, 3]);
    expect(layout.units.map((u) => [u.layer, u.index, u.parameters])).toEqual([
      ['fc', 0, 4], ['fc', 1, 4], ['conv', 0, 5], ['conv', 1, 5], ['', -1, 4],
    ]);
  });

  it('rejects duplicate names and bad unit axes', () => {
    expect(() => createLayout([{ name: 'a', shape: [1] }, { name: 'a', shape: [2] }])).toThrow(/distinct/);
    expect(() => createLayout([{ name: 'a', shape: [2], unitAxis: 1 }])).toThrow(/unitAxis/);
  });
});

describe('module layout (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('follows namedParameters and unitAxis; θ round-trips through the host exactly', async () => {
    const model = new t.nn.Sequential(new t.nn.Conv2d(1, 3, 3, { seed: 1 }), new t.nn.BatchNorm2d(3), new t.nn.ReLU(), new t.nn.Flatten(), new t.nn.Linear(12, 2, { seed: 2 }));
    const params = moduleLayout(model);
    expect(params.layout.tensors.map((s) => s.name)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '4.weight', '4.bias']);
    expect(params.layout.layers).toEqual(['0', '1', '4']);
    expect(params.layout.units.length).toBe(3 + 3 + 2);
    const theta = await readParameters(params);
    expect(theta.length).toBe(27 + 3 + 3 + 3 + 24 + 2);
    await t.expectNoLeaks(async () => {
      const uploaded = uploadParameters(theta, params.layout);
      const back = await Promise.all(uploaded.map((u) => u.data()));
      expect(Float64Array.from(back.flatMap((b) => Array.from(b)))).toEqual(theta);
      t.dispose(uploaded);
    });
    model.dispose();
  });
});
