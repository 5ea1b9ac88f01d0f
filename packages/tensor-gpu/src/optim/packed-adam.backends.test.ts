import { expect } from 'vitest';
import * as t from '../index';
import { describeOnBackends } from '../testing/backend-suite.test-helper';
import { Parameter } from '../nn/parameter';
import { adam } from './adam';
import { packedAdam } from './packed-adam';
import { expectPackedMatchesSingles } from './packed.test-helper';

const K = 3;
const lr = [0.01, 0.05, 0.002];
const beta1 = [0.9, 0.8, 0.95];
const beta2 = [0.999, 0.99, 0.9];
const eps = [1e-8, 1e-6, 1e-4];
const weightDecay = [0, 1e-2, 1e-3];

describeOnBackends('packed Adam', (_backend, test) => {
  test('one packed step per tensor equals K separate Adam runs with per-model hyperparameters', async () => {
    await t.expectNoLeaks(async () => {
      const popt = packedAdam({ models: K, lr, beta1, beta2, eps, weightDecay });
      const sopts = Array.from({ length: K }, (_, k) => adam({ lr: lr[k], beta1: beta1[k], beta2: beta2[k], eps: eps[k], weightDecay: weightDecay[k] }));
      await expectPackedMatchesSingles(popt, sopts, 4);
    });
  });

  test('a model whose learning rate is 0 keeps its parameters; bad options are named', async () => {
    await t.expectNoLeaks(async () => {
      const packed = new Parameter(t.keep(t.randn([2, 3], { seed: 2 })), 'weight');
      const before = await packed.value.data();
      const opt = packedAdam({ models: 2, lr: [0.1, 0] });
      const g = t.ones([2, 3]);
      opt.step([packed], [g]);
      const after = await packed.value.data();
      expect(Array.from(after.subarray(3))).toEqual(Array.from(before.subarray(3)));
      after.subarray(0, 3).forEach((v, i) => expect(v).toBeCloseTo(before[i] - 0.1, 5));
      const wrong = new Parameter(t.ones([3, 2]), 'weight');
      const wrongGrad = t.ones([3, 2]);
      expect(() => opt.step([wrong], [wrongGrad])).toThrow(/packedAdam.step: params\[0\] has shape \[3,2\] but the leading axis must be the 2 models/);
      opt.dispose();
      t.dispose([g, packed.value, wrong.value, wrongGrad]);
    });
    expect(() => packedAdam({ models: 2, lr: 0.1, beta1: [0.9, 1] })).toThrow(/packedAdam: beta1 must be a finite number in \[0, 1\) or 2 of them/);
    expect(() => packedAdam({ models: 0, lr: 0.1 })).toThrow(/packedAdam: models must be a positive integer/);
    expect(() => packedAdam({ models: 2, lr: [0.1] })).toThrow(/packedAdam: lr must be a finite number ≥ 0 or 2 of them/);
  });
});
