import * as t from '@nnlab/tensor-gpu';
import { afterAll, describe, expect, it } from 'vitest';
import { adaptiveScaling } from '../policy/adaptive';
import { dynamicScaling } from '../policy/dynamic';
import { staticScaling } from '../policy/fixed';
import type { LossScalePolicy } from '../policy/types';
import { batch } from '../testing/models.test-helper';
import { MixedPrecisionTrainer } from './trainer';

// tensor-gpu computes float16 results on the cpu backend with host kernels (WebAssembly SIMD and
// float64 loops) or, as the reference, with its portable gpu.js kernels; mixed-precision training
// must give the same master weights, bit for bit, and the same loss scales on both.

/** LeNet-5 trained `steps` steps on one batch with the given float16 kernels: its weights and the trainer's scales. */
async function train(kernels: t.Float16Kernels, policy: () => LossScalePolicy, steps: number): Promise<{ weights: Uint32Array[]; losses: number[] }> {
  await t.setBackend('cpu', { float16Kernels: kernels });
  expect(t.getFloat16Kernels()).toBe(kernels);
  return t.expectNoLeaks(async () => {
    const model = t.nn.lenet5({ seed: 3 });
    const optimizer = t.optim.sgd({ lr: 0.05, momentum: 0.9 });
    const trainer = new MixedPrecisionTrainer(model, optimizer, { precision: 'float16', policy: policy() });
    const { x, labels } = batch(16, [1, 28, 28], 10, 4);
    const losses: number[] = [];
    for (let s = 0; s < steps; s++) losses.push((await trainer.step(x, labels)).loss);
    const weights = await Promise.all(model.parameters().map(async (p) => new Uint32Array((await p.value.data()).buffer)));
    x.dispose();
    trainer.dispose();
    optimizer.dispose();
    model.dispose();
    return { weights, losses };
  });
}

describe('float16 training with host and portable float16 kernels', () => {
  afterAll(async () => {
    await t.setBackend('cpu', { float16Kernels: 'host' });
  });

  const policies: [string, () => LossScalePolicy][] = [
    ['static S = 128', () => staticScaling({ scale: 128 })],
    ['dynamic', () => dynamicScaling()],
    ['adaptive', () => adaptiveScaling()],
  ];
  for (const [name, policy] of policies) {
    it(`LeNet-5, ${name}: identical master weights and losses after 2 steps`, async () => {
      const host = await train('host', policy, 2);
      const portable = await train('portable', policy, 2);
      expect(host.losses).toEqual(portable.losses);
      expect(host.losses.every(Number.isFinite)).toBe(true);
      expect(host.weights.length).toBe(portable.weights.length);
      host.weights.forEach((w, i) => expect(Array.from(w), `parameter ${i}`).toEqual(Array.from(portable.weights[i])));
    });
  }
});
