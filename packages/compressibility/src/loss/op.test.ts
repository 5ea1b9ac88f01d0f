// The tensor-gpu composite op against the float64 oracle and finite differences (cpu backend).
import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { gaussian, maxRelError } from '../random.test-helper';
import { compressibilityLoss } from './loss';
import type { CompressibilityOptions } from './options';
import { compressibilityGradient, compressibilityValue, compressibilityValueOfGroups } from './reference';

async function valueAndGradOf(values: Float64Array[], shapes: number[][], options: CompressibilityOptions): Promise<{ value: number; grads: Float32Array[] }> {
  const tensors = values.map((v, i) => t.tensor(Float32Array.from(v), shapes[i]));
  const { value, grads } = t.valueAndGrad((...ws: t.Tensor[]) => compressibilityLoss(ws, options))(...tensors);
  const out = { value: (await value.data())[0], grads: await Promise.all(grads.map((g) => g.data())) };
  t.dispose([...tensors, value, ...grads]);
  return out;
}

describe('compressibilityLoss as a tensor-gpu op (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('matches the float64 value and gradient to float32 tolerance, for every form', async () => {
    await t.expectNoLeaks(async () => {
      const w = gaussian(300, 21).map((x) => Math.fround(x));
      for (const form of ['ratio', 'square', 'normalized'] as const) {
        const { value, grads } = await valueAndGradOf([w], [[20, 15]], { form });
        const expected = compressibilityValue(w, { form });
        expect(Math.abs(value - expected) / expected, form).toBeLessThan(1e-5);
        expect(maxRelError(grads[0], compressibilityGradient(w, { form })), form).toBeLessThan(1e-4);
      }
    });
  });

  it('matches the float64 smoothed loss', async () => {
    const w = gaussian(64, 4).map((x) => Math.fround(x));
    const options = { smoothing: 'smooth', eps1: 1e-2, eps2: 1e-4 } as const;
    const { value, grads } = await valueAndGradOf([w], [[8, 8]], options);
    expect(Math.abs(value - compressibilityValue(w, options)) / value).toBeLessThan(1e-5);
    expect(maxRelError(grads[0], compressibilityGradient(w, options))).toBeLessThan(1e-4);
  });

  it('its gradient matches central differences of the op itself (float32, h = 1e-2)', async () => {
    const w = gaussian(12, 8).map((x) => Math.fround(x + Math.sign(x) * 0.2));
    const { grads } = await valueAndGradOf([w], [[3, 4]], {});
    const f = async (v: Float64Array) => t.tidy(() => compressibilityLoss([t.tensor(Float32Array.from(v), [3, 4])])).data().then((d) => d[0]);
    const h = 1e-2;
    const fd = new Float64Array(w.length);
    for (let i = 0; i < w.length; i++) {
      const plus = Float64Array.from(w);
      const minus = Float64Array.from(w);
      plus[i] += h;
      minus[i] -= h;
      fd[i] = ((await f(plus)) - (await f(minus))) / (2 * h);
    }
    expect(maxRelError(grads[0], fd)).toBeLessThan(2e-3);
  });

  it("scope 'layer' sums per-tensor losses, 'global' takes one concatenated vector; gradients agree with float64", async () => {
    const a = gaussian(60, 1).map((x) => Math.fround(x));
    const b = gaussian(24, 2).map((x) => Math.fround(3 * x));
    for (const scope of ['layer', 'global'] as const) {
      const { value, grads } = await valueAndGradOf([a, b], [[6, 10], [4, 6]], { scope });
      expect(value, scope).toBeCloseTo(compressibilityValueOfGroups([a, b], { scope }), 4);
      const ga = scope === 'layer' ? compressibilityGradient(a) : compressibilityGradient([...a, ...b]).subarray(0, 60);
      expect(maxRelError(grads[0], ga), scope).toBeLessThan(1e-4);
    }
  });

  it('leaves biases out by default (role or rank 1) and includes them with includeBias', async () => {
    const model = t.nn.mnistFc({ seed: 3 });
    const named = model.namedParameters();
    const weightValues = await Promise.all(named.filter(([, p]) => p.role === 'weight').map(([, p]) => p.value.data()));
    const allValues = await Promise.all(named.map(([, p]) => p.value.data()));
    const plain = t.tidy(() => compressibilityLoss(model));
    const withBias = t.tidy(() => compressibilityLoss(model, { includeBias: true }));
    expect((await plain.data())[0]).toBeCloseTo(compressibilityValueOfGroups(weightValues), 2);
    expect((await withBias.data())[0]).toBeCloseTo(compressibilityValueOfGroups(allValues), 2);
    const bare = t.tidy(() => compressibilityLoss(named.map(([, p]) => p.value)));
    expect((await bare.data())[0]).toBeCloseTo((await plain.data())[0], 3);
    t.dispose([plain, withBias, bare]);
    model.dispose();
    expect(() => compressibilityLoss([t.tensor([1, 2])])).toThrow(/no tensor to regularise/);
  });

  it('an all-zero layer gives a finite loss and gradient (the eps guard)', async () => {
    const { value, grads } = await valueAndGradOf([new Float64Array(6)], [[2, 3]], {});
    expect(value).toBe(0);
    expect(Array.from(grads[0]).every(Number.isFinite)).toBe(true);
  });

  it('the ternary critical point survives float32: gradient on the support ≈ 0', async () => {
    const w = new Float64Array(100);
    for (let i = 0; i < 37; i++) w[(i * 7) % 100] = i % 2 ? 0.3 : -0.3;
    const { value, grads } = await valueAndGradOf([w], [[10, 10]], {});
    expect(value).toBeCloseTo(Math.sqrt(37), 4);
    let worst = 0;
    w.forEach((x, i) => {
      if (x !== 0) worst = Math.max(worst, Math.abs(grads[0][i]));
    });
    expect(worst).toBeLessThan(1e-5);
  });
});
