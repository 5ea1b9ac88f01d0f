import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { adaptiveScale, meanSquareAndAbsMax } from '../formula/adaptive';
import { gaussian } from '../formula/linear-check';
import { NO_CAPS, resolveAdaptiveScaleOptions } from '../formula/options';
import { adaptiveScaling } from './adaptive';
import { devicePowerOfTwoFloor, deviceAdaptiveScale } from './device-scale';

describe('adaptive scale on the device', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('equals the float64 formula on float16 gradients and weights (caps on and off, scalar s_prev)', async () => {
    await t.expectNoLeaks(async () => {
      for (const [std, previous, options] of [
        [1e-5, 1, {}],
        [1e-6, 1, NO_CAPS],
        [1e-7, 4, NO_CAPS],
        [1e-7, 256, {}],
        [3e-3, 1, NO_CAPS],
      ] as const) {
        const g = t.tidy(() => t.cast(t.tensor(Float32Array.from(gaussian(64 * 96, std, 3)), [64, 96]), 'float16'));
        const w = t.tidy(() => t.cast(t.tensor(Float32Array.from(gaussian(96 * 40, 0.1, 4)), [96, 40]), 'float16'));
        const gs = meanSquareAndAbsMax(await g.data());
        const ws = meanSquareAndAbsMax(await w.data());
        const host = adaptiveScale({ gradMeanSquare: gs.meanSquare, weightMeanSquare: ws.meanSquare, gradAbsMax: gs.absMax, weightAbsMax: ws.absMax, reduction: 96, previousScale: previous }, options);
        const prevTensor = t.scalar(previous);
        const onDevice = deviceAdaptiveScale(g, w, 96, prevTensor, resolveAdaptiveScaleOptions(options));
        const withNumber = deviceAdaptiveScale(g, w, 96, previous, resolveAdaptiveScaleOptions(options));
        expect((await onDevice.data())[0]).toBe(host.alpha);
        expect((await withNumber.data())[0]).toBe(host.alpha);
        t.dispose([g, w, prevTensor, onDevice, withNumber]);
      }
    });
  });

  it('gives 1 for a zero or non-finite gradient', async () => {
    await t.expectNoLeaks(async () => {
      const w = t.ones([4, 3]);
      for (const v of [0, Infinity, NaN]) {
        const g = t.full([2, 4], v, 'float16');
        const a = deviceAdaptiveScale(g, w, 4, 1, resolveAdaptiveScaleOptions());
        expect((await a.data())[0]).toBe(1);
        t.dispose([g, a]);
      }
      w.dispose();
    });
  });

  it('floors to powers of two exactly, also next to them', async () => {
    const values = [1, 1.5, 2, 63.99, 64, 64.01, 1023, 1024, 0.75, 3e-5, 65504];
    const x = t.tensor(values, [values.length]);
    const p = devicePowerOfTwoFloor(x);
    expect(Array.from(await p.data())).toEqual(values.map((v) => 2 ** Math.floor(Math.log2(v))));
    t.dispose([x, p]);
  });

  it('reuses α for F − 1 steps when updateEvery = F', async () => {
    await t.expectNoLeaks(async () => {
      const policy = adaptiveScaling({ updateEvery: 3, ...NO_CAPS });
      const w = t.full([8, 8], 0.05, 'float16');
      const alphas: number[] = [];
      for (let iteration = 0; iteration < 4; iteration++) {
        // The gradient shrinks tenfold per step; α only follows at steps 0 and 3.
        const g = t.full([4, 8], 10 ** (-4 - iteration), 'float16');
        const a = policy.layerScale({ layer: 'l', grad: g, weight: w, reduction: 8, previous: 1, iteration });
        alphas.push((await (a as t.Tensor).data())[0]);
        g.dispose();
      }
      expect(alphas[1]).toBe(alphas[0]);
      expect(alphas[2]).toBe(alphas[0]);
      expect(alphas[3]).toBeGreaterThan(alphas[0]);
      w.dispose();
      policy.dispose();
    });
  });

  it('rejects bad options', () => {
    expect(() => adaptiveScaling({ updateEvery: 0 })).toThrow(/updateEvery must be an integer ≥ 1/);
    expect(() => adaptiveScaling({ initScale: -1 })).toThrow(/initScale/);
    expect(() => adaptiveScaling({ branchMinScale: 0 })).toThrow(/branchMinScale/);
  });
});
