// The proximal optimizer against the float64 proximal step.
import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { proxStepReference } from '../loss/reference';
import { gaussian, maxRelError } from '../random.test-helper';
import { proxCompressibility } from './prox';

describe('proxCompressibility (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('without momentum, matches the float64 proximal step for 5 steps, with exact zeros', async () => {
    await t.expectNoLeaks(async () => {
      let ref: Float64Array = gaussian(60, 3).map((x) => Math.fround(x));
      const p = new t.nn.Parameter(t.tensor(Float32Array.from(ref), [6, 10]), 'weight');
      const bias = new t.nn.Parameter(t.tensor([0.5, -0.5]), 'bias');
      const opt = proxCompressibility({ lr: 0.5, lambda: 2, momentum: 0 });
      for (let step = 0; step < 5; step++) {
        const task = gaussian(60, 100 + step).map((x) => Math.fround(0.1 * x));
        const g = t.tensor(Float32Array.from(task), [6, 10]);
        const gb = t.tensor([1, 1]);
        opt.step([p, bias], [g, gb]);
        t.dispose([g, gb]);
        ref = proxStepReference(ref, 0.5, 2, task);
        const got = await p.value.data();
        expect(maxRelError(got, ref), `step ${step + 1}`).toBeLessThan(1e-5);
        for (let i = 0; i < ref.length; i++) if (ref[i] === 0) expect(got[i] === 0, `zero ${i} at step ${step + 1}`).toBe(true);
      }
      expect(ref.filter((x) => x === 0).length).toBeGreaterThan(5);
      // The bias takes a plain SGD step: 0.5 − 5·0.5·1.
      expect(Array.from(await bias.value.data())).toEqual([-2, -3]);
      opt.dispose();
      t.dispose([p.value, bias.value]);
    });
  });

  it("scope 'global' thresholds all weights with one ‖w‖₂", async () => {
    const a = gaussian(20, 1).map((x) => Math.fround(x));
    const b = gaussian(30, 2).map((x) => Math.fround(2 * x));
    const pa = new t.nn.Parameter(t.tensor(Float32Array.from(a), [4, 5]), 'weight');
    const pb = new t.nn.Parameter(t.tensor(Float32Array.from(b), [5, 6]), 'weight');
    const opt = proxCompressibility({ lr: 0.3, lambda: 1, momentum: 0, scope: 'global' });
    const zeros = [t.zeros([4, 5]), t.zeros([5, 6])];
    opt.step([pa, pb], zeros);
    const ref = proxStepReference([...a, ...b], 0.3, 1);
    expect(maxRelError([...(await pa.value.data()), ...(await pb.value.data())], ref)).toBeLessThan(1e-5);
    t.dispose([...zeros, pa.value, pb.value]);
    opt.dispose();
  });

  it('rejects the squared form', () => {
    expect(() => proxCompressibility({ lr: 0.1, lambda: 1, form: 'square' })).toThrow(/squared form has no ℓ1\/smooth split/);
  });
});
