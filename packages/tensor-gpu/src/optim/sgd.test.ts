import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';
import { Parameter } from '../nn/parameter';
import { closeness } from '../testing/compare';
import { sgd } from './sgd';
import { floats, sgdReference, type SgdRefOptions } from './reference.test-helper';

const SHAPES = [[3, 5], [5]];
const STEPS = 3;

function expectClose(actual: Float32Array, expected: Float64Array, what: string): void {
  const c = closeness(actual, expected, 1e-5, 1e-6);
  expect(c.ok, `${what}: ${c.message}`).toBe(true);
}

/** Runs `sgd(options)` for 3 steps on two parameters and compares every step with the float64 reference. */
async function checkAgainstReference(options: Partial<SgdRefOptions> & { lr: number }, lrAt?: (step: number) => number): Promise<void> {
  const o: SgdRefOptions = { momentum: 0, nesterov: false, weightDecay: 0, dampening: 0, ...options };
  const init = SHAPES.map((s, k) => floats(s.reduce((a, b) => a * b, 1), 10 + k));
  const grads = SHAPES.map((s, k) => Array.from({ length: STEPS }, (_, step) => floats(init[k].length, 100 + 10 * k + step, -2, 2)));
  const expected = init.map((p0, k) => sgdReference(p0, grads[k], o, lrAt));
  const params = SHAPES.map((s, k) => new Parameter(t.tensor(init[k], s), 'weight'));
  const opt = sgd({ ...o, lr: lrAt ?? o.lr });
  for (let step = 0; step < STEPS; step++) {
    const g = SHAPES.map((s, k) => t.tensor(grads[k][step], s));
    opt.step(params, g);
    t.dispose(g);
    expect(opt.stepCount).toBe(step + 1);
    for (let k = 0; k < params.length; k++) {
      expect(params[k].value.shape).toEqual(SHAPES[k]);
      expectClose(await params[k].value.data(), expected[k][step], `param ${k} after step ${step + 1}`);
    }
  }
  expect(opt.state(params[0]) === undefined).toBe(o.momentum === 0);
  opt.dispose();
  for (const p of params) p.value.dispose();
}

describe('sgd (cpu) matches PyTorch’s rule in float64 over 3 steps', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('plain SGD, with and without weight decay', async () => {
    await t.expectNoLeaks(async () => {
      await checkAgainstReference({ lr: 0.1 });
      await checkAgainstReference({ lr: 0.05, weightDecay: 0.01 });
    });
  });

  it('momentum: the first step sets the buffer to the gradient; dampening and weight decay', async () => {
    await t.expectNoLeaks(async () => {
      await checkAgainstReference({ lr: 0.1, momentum: 0.9 });
      await checkAgainstReference({ lr: 0.1, momentum: 0.8, dampening: 0.3, weightDecay: 0.02 });
    });
  });

  it('Nesterov momentum with weight decay', async () => {
    await t.expectNoLeaks(async () => {
      await checkAgainstReference({ lr: 0.07, momentum: 0.9, nesterov: true, weightDecay: 0.05 });
    });
  });

  it('lr as a function of the step count (0 for the first update)', async () => {
    await t.expectNoLeaks(async () => {
      await checkAgainstReference({ lr: 0, momentum: 0.5 }, (step) => 0.2 / (step + 1));
    });
  });

  it('exposes the momentum buffer, skips frozen parameters, validates before changing anything', async () => {
    await t.expectNoLeaks(async () => {
      const a = new Parameter(t.tensor([1, 2]), 'weight');
      const frozen = new Parameter(t.tensor([5]), 'bias', 0, false);
      const opt = sgd({ lr: 0.5, momentum: 0.9 });
      const g = t.tensor([1, -1]);
      const gf = t.tensor([1]);
      opt.step([a, frozen], [g, gf]);
      expect(Array.from(await a.value.data())).toEqual([0.5, 2.5]);
      expect(Array.from(await opt.state(a)!.momentum.data())).toEqual([1, -1]);
      expect(Array.from(await frozen.value.data())).toEqual([5]);
      expect(opt.state(frozen)).toBeUndefined();
      const before = a.value;
      expect(() => opt.step([a], [])).toThrow(/1 parameters but 0 gradients/);
      expect(() => opt.step([a], [gf])).toThrow(/shape \[1\] but params\[0\] has shape \[2\]/);
      expect(a.value).toBe(before);
      expect(opt.stepCount).toBe(1);
      expect(opt.learningRate()).toBe(0.5);
      opt.dispose();
      expect(() => opt.step([a], [g])).toThrow(/disposed/);
      t.dispose([a.value, frozen.value, g, gf]);
    });
  });

  it('rejects bad hyperparameters with clear messages', () => {
    expect(() => sgd({ lr: -1 })).toThrow(/lr must be a finite number ≥ 0/);
    expect(() => sgd({ lr: 0.1, nesterov: true })).toThrow(/Nesterov momentum requires momentum > 0/);
    expect(() => sgd({ lr: 0.1, momentum: 0.9, dampening: 2 })).toThrow(/dampening must be a finite number in \[0, 1\]/);
    const opt = sgd({ lr: () => NaN });
    expect(() => opt.learningRate()).toThrow(/from the schedule at step 0/);
  });
});
