import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { LCA_MODELS, lcaModel } from './models';

describe('lcaModel (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('builds every model with its parameter count and a forward pass of the right shape', async () => {
    const counts: Record<string, number> = { 'mnist-fc': 84_060, lenet: 808_970, lenet5: 61_706 };
    for (const name of LCA_MODELS) {
      await t.expectNoLeaks(async () => {
        const { model, inputShape } = lcaModel(name, 3);
        const size = model.parameters().reduce((n, p) => n + p.value.size, 0);
        if (counts[name] !== undefined) expect(size, name).toBe(counts[name]);
        const y = t.tidy(() => model.eval().forward(t.zeros([2, ...inputShape])));
        expect(y.shape).toEqual([2, 10]);
        y.dispose();
        model.dispose();
      });
    }
  });

  it('mnist-fc has He-normal weights and zero biases, as the reference', async () => {
    const { model } = lcaModel('mnist-fc', 5);
    const [w, b] = await Promise.all(model.parameters().slice(0, 2).map((p) => p.value.data()));
    const std = Math.sqrt(w.reduce((a, v) => a + v * v, 0) / w.length);
    expect(std / Math.sqrt(2 / 784)).toBeGreaterThan(0.97);
    expect(std / Math.sqrt(2 / 784)).toBeLessThan(1.03);
    expect(b.every((v) => v === 0)).toBe(true);
    model.dispose();
    expect(() => lcaModel('vgg' as never, 1)).toThrow(/lcaModel: name must be one of mnist-fc, lenet, lenet5, resnet-small, got "vgg"/);
  });
});
