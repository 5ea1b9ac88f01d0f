import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { forward, isConv } from './network';
import { networkFromModule } from './from-module';

beforeAll(async () => {
  await t.setBackend('cpu');
});

describe('networkFromModule', () => {
  it('converts Conv2d / ReLU / Flatten / Linear models and agrees with the tensor-gpu forward pass', async () => {
    await t.expectNoLeaks(async () => {
      const model = new t.nn.Sequential(
        new t.nn.Conv2d(2, 3, 3, { stride: 2, padding: 1, seed: 1 }),
        new t.nn.ReLU(),
        new t.nn.Flatten(),
        new t.nn.Linear(3 * 3 * 3, 6, { seed: 2 }),
        new t.nn.Linear(6, 5, { seed: 3 }),
        new t.nn.ReLU(),
        new t.nn.Linear(5, 4, { seed: 4 }),
      );
      const net = await networkFromModule(model, [2, 5, 5]);
      // Two consecutive Linear layers are composed into one affine layer.
      expect(net.layers.map((l) => [l.inSize, l.outSize])).toEqual([[50, 27], [27, 5], [5, 4]]);
      // The convolution stays one (its taps: 3 channels × 3×3 positions, each reading ≤ 2×3×3 inputs).
      expect(net.layers.map(isConv)).toEqual([true, false, false]);
      const x = t.rand([3, 2, 5, 5], { seed: 9, low: -1, high: 1 });
      const y = t.tidy(() => model.forward(x));
      const xs = await x.data();
      const ys = await y.data();
      t.dispose([x, y]);
      for (let n = 0; n < 3; n++) {
        const ours = forward(net, xs.subarray(n * 50, (n + 1) * 50));
        for (let i = 0; i < 4; i++) expect(Math.abs(ours[i] - ys[n * 4 + i])).toBeLessThan(1e-4);
      }
      model.dispose();
    });
  });

  it('composes a convolution with a following affine layer into one dense layer, with the same outputs', async () => {
    const model = new t.nn.Sequential(new t.nn.Conv2d(1, 2, 2, { seed: 5 }), new t.nn.Flatten(), new t.nn.Linear(8, 3, { seed: 6 }), new t.nn.ReLU(), new t.nn.Linear(3, 2, { seed: 7 }));
    const net = await networkFromModule(model, [1, 3, 3]);
    expect(net.layers.map(isConv)).toEqual([false, false]);
    const x = t.rand([1, 1, 3, 3], { seed: 3, low: -1, high: 1 });
    const y = t.tidy(() => model.forward(x));
    const ours = forward(net, await x.data());
    const ys = await y.data();
    for (let i = 0; i < 2; i++) expect(Math.abs(ours[i] - ys[i])).toBeLessThan(1e-5);
    t.dispose([x, y]);
    model.dispose();
  });

  it('rejects unsupported layers and shapes', async () => {
    const tanh = new t.nn.Sequential(new t.nn.Linear(2, 2, { seed: 1 }), new t.nn.Tanh());
    await expect(networkFromModule(tanh, [2])).rejects.toThrow(/layer 1 \(Tanh\) is not supported/);
    const wrong = new t.nn.Sequential(new t.nn.Linear(3, 2, { seed: 1 }));
    await expect(networkFromModule(wrong, [2])).rejects.toThrow(/expects 3 inputs, gets 2/);
    await expect(networkFromModule(wrong, [0])).rejects.toThrow(/inputShape must be positive integers/);
    tanh.dispose();
    wrong.dispose();
  });
});
