import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { adaptiveScaling } from '../policy/adaptive';
import { noScaling, staticScaling } from '../policy/fixed';
import type { LossScalePolicy } from '../policy/types';
import { cosine, float32Grads, mlp, batch } from '../testing/models.test-helper';
import { BackwardPass } from './backward-pass';
import { convertModel } from './convert';
import { lossScaled } from './pass-through';

/** Unscaled float16 gradients of every parameter, as the trainer computes them (before the update). */
function mixedGrads(model: t.nn.Module, x: t.Tensor, labels: Int32Array, policy: LossScalePolicy, lossWeight = 1) {
  const structure = convertModel(model);
  const pass = new BackwardPass(policy, 0, true);
  const params = model.parameters().map((p) => p.value);
  const grads = t.grad((_ps: t.Tensor[]) => t.mul(t.crossEntropy(lossScaled(structure.forward(t.cast(x, 'float16'), pass), policy.lossScale(), pass), labels), lossWeight))(params)[0];
  return { grads, pass };
}

describe('mixed-precision gradients of an MLP', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  for (const [name, make] of [
    ['no scaling', () => noScaling()],
    ['static 128', () => staticScaling({ scale: 128 })],
    ['adaptive', () => adaptiveScaling()],
  ] as const) {
    it(`${name}: unscaled gradients match float32 to float16 rounding (cosine > 0.999)`, async () => {
      await t.expectNoLeaks(async () => {
        const model = mlp([32, 64, 48, 10], 3);
        const { x, labels } = batch(16, [32], 10, 5);
        const policy = make();
        const reference = float32Grads(model, x, labels);
        const { grads, pass } = mixedGrads(model, x, labels, policy);
        for (let i = 0; i < grads.length; i++) {
          expect(grads[i].dtype).toBe('float32');
          expect(cosine(await grads[i].data(), await reference[i].data())).toBeGreaterThan(0.999);
        }
        t.dispose([...grads, ...reference, x]);
        pass.dispose();
        policy.dispose();
        model.dispose();
      });
    });
  }

  it('adaptive scaling rescues gradients that plain float16 flushes to zero', async () => {
    await t.expectNoLeaks(async () => {
      const model = mlp([32, 64, 48, 10], 3);
      const { x, labels } = batch(16, [32], 10, 5);
      const weight = 2 ** -17; // loss gradients near 2^-21, deep in the float16 subnormals
      const reference = float32Grads(model, x, labels, weight);
      const plain = noScaling();
      const adaptive = adaptiveScaling({ scaleUpperBound: 65504, accumUpperBound: 65504, initScale: 1 });
      const a = mixedGrads(model, x, labels, plain, weight);
      const b = mixedGrads(model, x, labels, adaptive, weight);
      const first = 0; // the first layer's weight gradient has crossed every layer
      const cPlain = cosine(await a.grads[first].data(), await reference[first].data());
      const cAdaptive = cosine(await b.grads[first].data(), await reference[first].data());
      console.log(`loss weight 2^-17: first-layer weight-gradient cosine to float32: plain float16 ${cPlain.toFixed(4)}, adaptive ${cAdaptive.toFixed(4)}`);
      expect(cPlain).toBeLessThan(0.9);
      expect(cAdaptive).toBeGreaterThan(0.99);
      t.dispose([...a.grads, ...b.grads, ...reference, x]);
      a.pass.dispose();
      b.pass.dispose();
      adaptive.dispose();
      model.dispose();
    });
  });
});
