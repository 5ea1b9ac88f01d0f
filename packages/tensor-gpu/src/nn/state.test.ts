import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';
import { Linear, loadStateDict, resnet20, Sequential, stateDict, BatchNorm1d, type StateDict } from './index';

describe('state dicts (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('round trip: a model built with another seed gives identical outputs after loading (BatchNorm running stats included)', async () => {
    await t.expectNoLeaks(async () => {
      const a = resnet20({ seed: 1 });
      const b = resnet20({ seed: 2 });
      const x = t.rand([2, 3, 8, 8], { seed: 4 });
      // One training step's forward moves the running statistics of `a` away from their initial values.
      t.tidy(() => {
        a.forward(x);
      });
      a.eval();
      b.eval();
      const dict = await stateDict(a);
      expect(Object.keys(dict).length).toBe(a.parameters().length + a.namedBuffers().length);
      expect(dict['1.runningMean'].shape).toEqual([16]);
      expect(dict['0.weight'].shape).toEqual([16, 3, 3, 3]);
      const ya = t.tidy(() => a.forward(x));
      const yb = t.tidy(() => b.forward(x));
      expect(Array.from(await yb.data())).not.toEqual(Array.from(await ya.data()));
      const oldWeight = b.parameters()[0].value;
      loadStateDict(b, dict);
      expect(oldWeight.isDisposed).toBe(true);
      const yb2 = t.tidy(() => b.forward(x));
      expect(Array.from(await yb2.data())).toEqual(Array.from(await ya.data()));
      // The loaded tensors are owned by the model: an enclosing tidy does not free them.
      const c = resnet20({ seed: 3 }).eval();
      t.tidy(() => loadStateDict(c, dict));
      const yc = t.tidy(() => c.forward(x));
      expect(Array.from(await yc.data())).toEqual(Array.from(await ya.data()));
      t.dispose([x, ya, yb, yb2, yc]);
      [a, b, c].forEach((m) => m.dispose());
    });
  });

  it('checks every name and shape before replacing anything, naming the key and both shapes', async () => {
    await t.expectNoLeaks(async () => {
      const model = new Sequential(new Linear(3, 2, { seed: 1 }), new BatchNorm1d(2));
      const good = await stateDict(model);
      expect(Object.keys(good)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '1.runningMean', '1.runningVar']);
      const without = (k: string) => Object.fromEntries(Object.entries(good).filter(([n]) => n !== k)) as StateDict;
      expect(() => loadStateDict(model, without('1.runningVar'))).toThrow(/missing key\(s\) '1\.runningVar' \(shape \[2\]\)/);
      expect(() => loadStateDict(model, { ...good, extra: { shape: [1], data: new Float32Array(1) } })).toThrow(/unexpected key\(s\) 'extra'/);
      const wrongShape = { ...good, '0.weight': { shape: [3, 2], data: new Float32Array(6) } };
      const before = model.parameters()[0].value;
      expect(() => loadStateDict(model, wrongShape)).toThrow(/key '0\.weight' has shape \[3,2\] in the state dict but \[2,3\] in the module/);
      expect(model.parameters()[0].value).toBe(before);
      expect(() => loadStateDict(model, { ...good, '0.bias': { shape: [2], data: new Float32Array(3) } })).toThrow(/'0\.bias' has 3 values but shape \[2\] needs 2/);
      model.dispose();
    });
  });
});
