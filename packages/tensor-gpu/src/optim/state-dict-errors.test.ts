import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';
import type { StateDict } from '../nn/state';
import { smallMlp } from '../train/synthetic.test-helper';
import type { Optimizer } from './optimizer';

/** `optimizer` after two steps on the MLP with seeded gradients; returns the model and the saved dict. */
async function trained(optimizer: Optimizer) {
  const model = smallMlp(3, 1);
  const params = model.trainableParameters();
  for (let step = 0; step < 2; step++) {
    const grads = params.map((p, i) => t.randn(p.value.shape, { seed: 10 * step + i }));
    optimizer.step(params, grads);
    t.dispose(grads);
  }
  return { model, dict: await optimizer.stateDict(model.namedParameters()) };
}

const without = (dict: StateDict, key: string): StateDict => Object.fromEntries(Object.entries(dict).filter(([k]) => k !== key));
const withEntry = (dict: StateDict, key: string, shape: number[], values: number[]): StateDict => ({ ...dict, [key]: { shape, data: Float32Array.from(values) } });

describe('optimizer state dicts: what they hold and what they reject (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('keys the state by parameter name, with the step count and, for Adam, the per-parameter update counts', async () => {
    await t.expectNoLeaks(async () => {
      const momentum = t.optim.sgd({ lr: 0.1, momentum: 0.9 });
      const a = await trained(momentum);
      expect(Object.keys(a.dict)).toEqual(['stepCount', '0.weight.momentum', '0.bias.momentum', '2.weight.momentum', '2.bias.momentum']);
      expect(Array.from(a.dict.stepCount.data)).toEqual([2]);
      expect(a.dict['0.weight.momentum'].data).toEqual(await momentum.state(a.model.trainableParameters()[0])!.momentum.data());

      const adam = t.optim.adam({ lr: 0.01 });
      const b = await trained(adam);
      expect(Object.keys(b.dict)).toEqual(['stepCount', ...['0.weight', '0.bias', '2.weight', '2.bias'].flatMap((n) => [`${n}.m`, `${n}.v`, `${n}.updates`])]);
      expect(Array.from(b.dict['2.bias.updates'].data)).toEqual([2]);

      const plain = t.optim.sgd({ lr: 0.1 });
      const c = await trained(plain);
      expect(Object.keys(c.dict)).toEqual(['stepCount']);
      for (const o of [momentum, adam, plain]) o.dispose();
      t.dispose([a, b, c].flatMap((x) => x.model.parameters().map((p) => p.value)));
    });
  });

  it('saves no state for a frozen parameter and loads a dict without it', async () => {
    await t.expectNoLeaks(async () => {
      const model = smallMlp(3, 1);
      const [w0] = model.parameters();
      w0.trainable = false;
      const adam = t.optim.adam({ lr: 0.01 });
      const params = model.parameters();
      const grads = params.map((p, i) => t.randn(p.value.shape, { seed: i }));
      adam.step(params, grads);
      t.dispose(grads);
      const dict = await adam.stateDict(model.namedParameters());
      expect(Object.keys(dict).some((k) => k.startsWith('0.weight'))).toBe(false);
      const fresh = t.optim.adam({ lr: 0.01 });
      fresh.loadStateDict(model.namedParameters(), dict);
      expect(fresh.state(w0)).toBeUndefined();
      expect(await fresh.state(params[1])!.m.data()).toEqual(dict['0.bias.m'].data);
      for (const o of [adam, fresh]) o.dispose();
      t.dispose(model.parameters().map((p) => p.value));
    });
  });

  it('rejects mismatched dicts with an error naming the key, and changes nothing', async () => {
    await t.expectNoLeaks(async () => {
      const adam = t.optim.adam({ lr: 0.01 });
      const { model, dict } = await trained(adam);
      const named = model.namedParameters();
      const target = t.optim.adam({ lr: 0.01 });
      const bad: Array<[StateDict, RegExp]> = [
        [without(dict, 'stepCount'), /adam\.loadStateDict: missing key 'stepCount'/],
        [withEntry(dict, 'stepCount', [], [2.5]), /key 'stepCount' must hold a non-negative integer, got 2\.5/],
        [withEntry(dict, 'stepCount', [1], [2]), /key 'stepCount' must be a scalar/],
        [withEntry(dict, 'stepCount', [], [0]), /'stepCount' is 0 but the dict holds state for parameter '0\.weight'/],
        [without(dict, '0.bias.v'), /parameter '0\.bias' has '0\.bias\.m', '0\.bias\.updates' but is missing '0\.bias\.v'/],
        [withEntry(dict, '0.weight.m', [2, 16], new Array(32).fill(0)), /key '0\.weight\.m' has shape \[2,16\] in the state dict but the parameter has shape \[16,2\]/],
        [withEntry(dict, '0.weight.updates', [], [3]), /'0\.weight\.updates' is 3 but must be in \[1, 2\]/],
        [withEntry(dict, '5.weight.m', [1], [0]), /unexpected key\(s\) '5\.weight\.m'; adam holds 'stepCount' and '<parameter>\.m', '<parameter>\.v', '<parameter>\.updates' for the named parameters/],
        [withEntry(dict, '0.weight.momentum', [16, 2], new Array(32).fill(0)), /unexpected key\(s\) '0\.weight\.momentum'/],
      ];
      for (const [d, message] of bad) {
        expect(() => target.loadStateDict(named, d), String(message)).toThrow(message);
        expect(target.stepCount).toBe(0);
        expect(target.state(named[0][1])).toBeUndefined();
      }
      const momentum = t.optim.sgd({ lr: 0.1, momentum: 0.9 });
      expect(() => momentum.loadStateDict(named, dict)).toThrow(/sgd\.loadStateDict: unexpected key\(s\) '0\.weight\.m', '0\.weight\.v', '0\.weight\.updates'/);
      expect(() => target.loadStateDict(model.parameters() as never, dict)).toThrow(/adam\.loadStateDict: params\[0\] is not a \[name, Parameter\] pair; pass module\.namedParameters\(\)/);
      expect(() => target.loadStateDict(named, null as never)).toThrow(/adam\.loadStateDict: expected a state dict object, got null/);
      await expect(adam.stateDict(named.slice(1))).rejects.toThrow(/adam\.stateDict: the optimizer holds state for 1 parameter\(s\) that params does not name/);
      for (const o of [adam, target, momentum]) o.dispose();
      t.dispose(model.parameters().map((p) => p.value));
    });
  });

  it('replaces the state it held before, disposing it', async () => {
    await t.expectNoLeaks(async () => {
      const adam = t.optim.adam({ lr: 0.01 });
      const { model, dict } = await trained(adam);
      const before = t.memory().numTensors;
      adam.loadStateDict(model.namedParameters(), dict);
      expect(t.memory().numTensors).toBe(before);
      expect(adam.stepCount).toBe(2);
      adam.dispose();
      expect(() => adam.loadStateDict(model.namedParameters(), dict)).toThrow(/adam: the optimizer was disposed/);
      t.dispose(model.parameters().map((p) => p.value));
    });
  });
});
