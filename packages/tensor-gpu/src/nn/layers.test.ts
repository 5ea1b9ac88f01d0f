import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';
import { AvgPool2d, Conv2d, Flatten, GlobalAvgPool2d, Linear, MaxPool2d, ReLU, Sigmoid, Tanh } from './index';
import { conv2d, expectClose, linear, values } from './float64.test-helper';

describe('nn layers (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('Linear computes x Wᵀ + b like a float64 loop, with [out, in] weights', async () => {
    await t.expectNoLeaks(async () => {
      const layer = new Linear(5, 3, { seed: 7 });
      expect(layer.weight.value.shape).toEqual([3, 5]);
      expect(layer.bias!.value.shape).toEqual([3]);
      expect(layer.namedParameters().map(([n, p]) => [n, p.role, p.unitAxis])).toEqual([['weight', 'weight', 0], ['bias', 'bias', 0]]);
      const xv = values(4 * 5, 1);
      const x = t.tensor(Float32Array.from(xv), [4, 5]);
      const y = t.tidy(() => layer.forward(x));
      expect(y.shape).toEqual([4, 3]);
      expectClose(await y.data(), linear(xv, await layer.weight.value.data(), await layer.bias!.value.data(), 4, 5, 3));
      const noBias = new Linear(5, 2, { bias: false, seed: 3 });
      expect(noBias.bias).toBeNull();
      expect(noBias.namedParameters().map(([n]) => n)).toEqual(['weight']);
      const y2 = t.tidy(() => noBias.forward(x));
      expectClose(await y2.data(), linear(xv, await noBias.weight.value.data(), null, 4, 5, 2));
      const wrong = t.zeros([2, 4]);
      expect(() => layer.forward(wrong)).toThrow(/Linear: expected input \[batch, 5\], got \[2,4\]/);
      t.dispose([x, y, y2, wrong]);
      layer.dispose();
      noBias.dispose();
    });
  });

  it('Conv2d matches a float64 convolution (stride, padding, dilation, groups, bias broadcast [1,O,1,1])', async () => {
    const cases = [
      { n: 2, c: 3, h: 7, w: 6, o: 4, kh: 3, kw: 3, stride: 1, pad: 1, dil: 1, groups: 1, bias: true },
      { n: 1, c: 4, h: 9, w: 8, o: 6, kh: 3, kw: 2, stride: 2, pad: 2, dil: 2, groups: 2, bias: true },
      { n: 2, c: 2, h: 5, w: 5, o: 2, kh: 5, kw: 5, stride: 1, pad: 0, dil: 1, groups: 1, bias: false },
    ];
    await t.expectNoLeaks(async () => {
      for (const [k, g] of cases.entries()) {
        const conv = new Conv2d(g.c, g.o, [g.kh, g.kw], { stride: g.stride, padding: g.pad, dilation: g.dil, groups: g.groups, bias: g.bias, seed: 10 + k });
        expect(conv.weight.value.shape).toEqual([g.o, g.c / g.groups, g.kh, g.kw]);
        const xv = values(g.n * g.c * g.h * g.w, 20 + k);
        const x = t.tensor(Float32Array.from(xv), [g.n, g.c, g.h, g.w]);
        const y = t.tidy(() => conv.forward(x));
        const ref = conv2d(xv, await conv.weight.value.data(), conv.bias ? await conv.bias.value.data() : null, g);
        expect(y.shape).toEqual([g.n, g.o, ref.oh, ref.ow]);
        expectClose(await y.data(), ref.y, 1e-5, 1e-5);
        t.dispose([x, y]);
        conv.dispose();
      }
    });
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow(/divisible by groups 2/);
  });

  it('pooling, flatten and activations keep the batch axis and compute the right values', async () => {
    await t.expectNoLeaks(async () => {
      const x = t.tensor(Float32Array.from({ length: 2 * 3 * 4 * 4 }, (_, i) => (i % 7) - 3), [2, 3, 4, 4]);
      const out = t.tidy(() => ({
        max: new MaxPool2d(2).forward(x),
        avg: new AvgPool2d(2, { stride: 2 }).forward(x),
        gap: new GlobalAvgPool2d().forward(x),
        flat: new Flatten().forward(x),
        relu: new ReLU().forward(x),
        tanh: new Tanh().forward(x),
        sigmoid: new Sigmoid().forward(x),
      }));
      expect(out.max.shape).toEqual([2, 3, 2, 2]);
      expect(out.avg.shape).toEqual([2, 3, 2, 2]);
      expect(out.gap.shape).toEqual([2, 3]);
      expect(out.flat.shape).toEqual([2, 48]);
      const xv = await x.data();
      expect(Array.from(await out.flat.data())).toEqual(Array.from(xv));
      expectClose(await out.relu.data(), Array.from(xv, (v) => Math.max(v, 0)));
      expectClose(await out.tanh.data(), Array.from(xv, Math.tanh), 1e-5, 1e-6);
      expectClose(await out.sigmoid.data(), Array.from(xv, (v) => 1 / (1 + Math.exp(-v))), 1e-5, 1e-6);
      const gap = await out.gap.data();
      for (let p = 0; p < 6; p++) expect(gap[p]).toBeCloseTo(xv.slice(p * 16, p * 16 + 16).reduce((a, b) => a + b, 0) / 16, 5);
      t.dispose([x, ...Object.values(out)]);
    });
  });

  it('Linear gradients flow to weight, bias and input without leaks', async () => {
    await t.expectNoLeaks(async () => {
      const lin = new Linear(3, 2, { seed: 1 });
      const x = t.tensor([[1, 2, 3], [-1, 0, 2]]);
      // The parameter tensors themselves are the differentiated arguments.
      const [gx, gw, gb] = t.grad((xi: t.Tensor, _w: t.Tensor, _b: t.Tensor) => t.sum(lin.forward(xi)))(x, lin.weight.value, lin.bias!.value);
      // d/dW sum(x Wᵀ + b) = column sums of x for every output row; d/db = batch size; d/dx = row sums of W.
      expect(Array.from(await gw.data())).toEqual([0, 2, 5, 0, 2, 5]);
      expect(Array.from(await gb.data())).toEqual([2, 2]);
      const w = await lin.weight.value.data();
      expectClose(await gx.data(), [0, 1, 2, 0, 1, 2].map((k) => w[k] + w[k + 3]));
      t.dispose([x, gx, gw, gb]);
      lin.dispose();
    });
  });
});
