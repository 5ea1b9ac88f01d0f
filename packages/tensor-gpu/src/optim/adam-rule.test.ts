import { describe, expect, it } from 'vitest';
import * as t from '../index';
import { Parameter } from '../nn/parameter';
import { adam } from './adam';
import { adamHostState, adamUpdate } from './adam-rule';
import { adamReference, floats } from './reference.test-helper';

describe('adamUpdate (host float64)', () => {
  const o = { lr: 0.003, beta1: 0.5, beta2: 0.9, eps: 0.1, weightDecay: 0.1 };
  const init = floats(12, 5);
  const grads = [0, 1, 2, 3].map((s) => floats(12, 50 + s, -3, 3));

  it('matches the independent float64 reference step by step', () => {
    const expected = adamReference(init, grads, o);
    const p = Float64Array.from(init);
    const state = adamHostState(p.length);
    grads.forEach((g, step) => {
      adamUpdate(p, g, state, o);
      expect(state.t).toBe(step + 1);
      for (let i = 0; i < p.length; i++) {
        expect(p[i]).toBeCloseTo(expected[step].p[i], 12);
        expect(state.m[i]).toBeCloseTo(expected[step].m[i], 12);
        expect(state.v[i]).toBeCloseTo(expected[step].v[i], 12);
      }
    });
  });

  it('agrees with the tensor optimizer adam (float32) on the same gradients', async () => {
    await t.setBackend('cpu');
    const host = Float64Array.from(init);
    const state = adamHostState(host.length);
    const param = new Parameter(t.tensor(init, [12]), 'weight');
    const opt = adam(o);
    for (const g of grads) {
      adamUpdate(host, g, state, o);
      const gt = t.tensor(g, [12]);
      opt.step([param], [gt]);
      gt.dispose();
    }
    const device = await param.value.data();
    for (let i = 0; i < host.length; i++) expect(Math.abs(device[i] - host[i])).toBeLessThan(1e-6);
    opt.dispose();
    param.value.dispose();
  });

  it('checks lengths', () => {
    expect(() => adamUpdate(new Float64Array(2), [1], adamHostState(2), o)).toThrow(/same length/);
  });
});
