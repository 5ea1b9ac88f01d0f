import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';
import { Parameter } from '../nn/parameter';
import { closeness } from '../testing/compare';
import { adam } from './adam';
import { adamReference, floats, type AdamRefOptions } from './reference.test-helper';

const SHAPES = [[4, 3], [3]];
const STEPS = 3;

function expectClose(actual: Float32Array, expected: Float64Array, what: string, rtol = 1e-5, atol = 1e-6): void {
  const c = closeness(actual, expected, rtol, atol);
  expect(c.ok, `${what}: ${c.message}`).toBe(true);
}

async function checkAgainstReference(options: Partial<AdamRefOptions> & { lr: number }): Promise<void> {
  const o: AdamRefOptions = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, ...options };
  const init = SHAPES.map((s, k) => floats(s.reduce((a, b) => a * b, 1), 20 + k));
  const grads = SHAPES.map((s, k) => Array.from({ length: STEPS }, (_, step) => floats(init[k].length, 200 + 10 * k + step, -3, 3)));
  const expected = init.map((p0, k) => adamReference(p0, grads[k], o));
  const params = SHAPES.map((s, k) => new Parameter(t.tensor(init[k], s), 'weight'));
  const opt = adam(o);
  for (let step = 0; step < STEPS; step++) {
    const g = SHAPES.map((s, k) => t.tensor(grads[k][step], s));
    opt.step(params, g);
    t.dispose(g);
    for (let k = 0; k < params.length; k++) {
      const e = expected[k][step];
      expectClose(await params[k].value.data(), e.p, `param ${k} after step ${step + 1}`);
      expectClose(await opt.state(params[k])!.m.data(), e.m, `m ${k} after step ${step + 1}`);
      expectClose(await opt.state(params[k])!.v.data(), e.v, `v ${k} after step ${step + 1}`);
    }
  }
  expect(opt.stepCount).toBe(STEPS);
  opt.dispose();
  for (const p of params) p.value.dispose();
}

describe('adam (cpu) matches PyTorch’s rule in float64 over 3 steps', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('default betas and eps, bias-corrected', async () => {
    await t.expectNoLeaks(() => checkAgainstReference({ lr: 0.01 }));
  });

  it('other betas, a large eps and weight decay', async () => {
    await t.expectNoLeaks(() => checkAgainstReference({ lr: 0.003, beta1: 0.5, beta2: 0.9, eps: 0.1, weightDecay: 0.1 }));
  });

  it('the first update moves every element by about lr (sign of the gradient)', async () => {
    await t.expectNoLeaks(async () => {
      const p = new Parameter(t.tensor([0, 0, 0]), 'weight');
      const g = t.tensor([3, -0.5, 1e-3]);
      const opt = adam({ lr: 0.1 });
      opt.step([p], [g]);
      expectClose(await p.value.data(), Float64Array.from([-0.1, 0.1, -0.1]), 'first step', 1e-4, 1e-6);
      opt.dispose();
      t.dispose([p.value, g]);
    });
  });

  it('rejects bad hyperparameters', () => {
    expect(() => adam({ lr: 0.1, beta1: 1 })).toThrow(/beta1 must be a finite number in \[0, 1\)/);
    expect(() => adam({ lr: 0.1, eps: -1 })).toThrow(/eps must be a finite number ≥ 0/);
  });
});
