import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';
import { backendOptions, backendsUnderTest, requireBackend } from '../testing/backends';
import { closeness } from '../testing/compare';

const K = 3;
const relClose = async (a: t.Tensor, b: t.Tensor, what: string) => {
  const [x, y] = [await a.data(), await b.data()];
  const scale = Math.max(1e-6, ...Array.from(y, Math.abs));
  const c = closeness(x, y, 0, 1e-5 * scale);
  expect(c.ok, `${what}: ${c.message}`).toBe(true);
};

/** Model k's slice of a packed tensor `[K, ...]`. */
const modelSlice = (p: t.Tensor, k: number) => t.reshape(t.slice(p, [k, ...p.shape.slice(1).map(() => 0)], [1, ...p.shape.slice(1)]), p.shape.slice(1));

for (const backend of backendsUnderTest()) {
  describe(`packed kernels on ${backend}`, () => {
    let ok = false;
    beforeAll(async () => {
      ok = await requireBackend(backend);
      if (ok) await t.setBackend(backend, await backendOptions(backend));
    });

    for (const sharedInput of [true, false]) {
      it(`packed MLP forward and gradients equal ${K} separate models (${sharedInput ? 'shared' : 'per-model'} input)`, async (ctx) => {
        if (!ok) return ctx.skip();
        await t.expectNoLeaks(async () => {
          const params = [t.randn([K, 5, 6], { seed: 1 }), t.randn([K, 5], { seed: 2 }), t.randn([K, 4, 5], { seed: 3 }), t.randn([K, 4], { seed: 4 })];
          const x = sharedInput ? t.randn([7, 6], { seed: 5 }) : t.randn([K, 7, 6], { seed: 5 });
          const labels = [0, 1, 2, 3, 0, 1, 2];
          const packedLoss = (w1: t.Tensor, b1: t.Tensor, w2: t.Tensor, b2: t.Tensor) =>
            t.sum(t.packedCrossEntropy(t.packedLinear(t.relu(t.packedLinear(x, w1, b1)), w2, b2), labels));
          const packed = t.valueAndGrad(packedLoss)(params[0], params[1], params[2], params[3]);
          for (let k = 0; k < K; k++) {
            const own = t.tidy(() => params.map((p) => modelSlice(p, k)));
            const xk = sharedInput ? x : t.tidy(() => modelSlice(x, k));
            const single = t.valueAndGrad((w1: t.Tensor, b1: t.Tensor, w2: t.Tensor, b2: t.Tensor) =>
              t.crossEntropy(t.add(t.matmul(t.relu(t.add(t.matmul(xk, t.transpose(w1)), b1)), t.transpose(w2)), b2), labels),
            )(own[0], own[1], own[2], own[3]);
            for (let i = 0; i < 4; i++) {
              const g = t.tidy(() => modelSlice(packed.grads[i], k));
              await relClose(g, single.grads[i], `model ${k} parameter ${i}`);
              g.dispose();
            }
            t.dispose([...own, single.value, ...single.grads]);
            if (!sharedInput) xk.dispose();
          }
          t.dispose([...params, x, packed.value, ...packed.grads]);
        });
      });
    }

    it('packed conv2d equals K separate convolutions, forward and backward', async (ctx) => {
      if (!ok) return ctx.skip();
      await t.expectNoLeaks(async () => {
        for (const sharedInput of [true, false]) {
          const w = t.randn([K, 4, 2, 3, 3], { seed: 11 });
          const b = t.randn([K, 4], { seed: 12 });
          const x = sharedInput ? t.randn([2, 2, 6, 5], { seed: 13 }) : t.randn([K, 2, 2, 6, 5], { seed: 13 });
          const weights = t.randn([K, 2, 4, 6, 5], { seed: 14 });
          const packed = t.valueAndGrad((wp: t.Tensor, bp: t.Tensor) => t.sum(t.mul(t.packedConv2d(x, wp, bp, { padding: 1 }), weights)))(w, b);
          for (let k = 0; k < K; k++) {
            const [wk, bk, xk, mk] = t.tidy(() => [modelSlice(w, k), modelSlice(b, k), sharedInput ? t.reshape(x, x.shape) : modelSlice(x, k), modelSlice(weights, k)]);
            const single = t.valueAndGrad((ws: t.Tensor, bs: t.Tensor) => t.sum(t.mul(t.add(t.conv2d(xk, ws, { padding: 1 }), t.reshape(bs, [1, 4, 1, 1])), mk)))(wk, bk);
            const [gw, gb] = t.tidy(() => [modelSlice(packed.grads[0], k), modelSlice(packed.grads[1], k)]);
            await relClose(gw, single.grads[0], `conv weight grad, model ${k}`);
            await relClose(gb, single.grads[1], `conv bias grad, model ${k}`);
            t.dispose([wk, bk, xk, mk, gw, gb, single.value, ...single.grads]);
          }
          t.dispose([w, b, x, weights, packed.value, ...packed.grads]);
        }
      });
    });

    for (const options of [{ padding: 1 }, { stride: 2, dilation: [1, 2] as const, padding: [0, 2] as const }]) {
      it(`packed conv2d values and input gradients equal ${K} separate convolutions (${JSON.stringify(options)})`, async (ctx) => {
        if (!ok) return ctx.skip();
        await t.expectNoLeaks(async () => {
          for (const sharedInput of [true, false]) {
            const w = t.randn([K, 4, 2, 3, 3], { seed: 21 });
            const x = sharedInput ? t.randn([2, 2, 7, 6], { seed: 22 }) : t.randn([K, 2, 2, 7, 6], { seed: 22 });
            const y = t.tidy(() => t.packedConv2d(x, w, undefined, options));
            const weights = t.randn(y.shape, { seed: 23 });
            const [dx] = t.grad((xs: t.Tensor) => t.sum(t.mul(t.packedConv2d(xs, w, undefined, options), weights)))(x);
            const expectedDx: t.Tensor[] = [];
            for (let k = 0; k < K; k++) {
              const [wk, xk, mk] = t.tidy(() => [modelSlice(w, k), sharedInput ? t.reshape(x, x.shape) : modelSlice(x, k), modelSlice(weights, k)]);
              const [yk, expectedY] = t.tidy(() => [modelSlice(y, k), t.conv2d(xk, wk, options)]);
              await relClose(yk, expectedY, `conv values, model ${k}`);
              expectedDx.push(t.grad((xs: t.Tensor) => t.sum(t.mul(t.conv2d(xs, wk, options), mk)))(xk)[0]);
              t.dispose([wk, xk, mk, yk, expectedY]);
            }
            // A shared input's gradient is the sum over the models; a per-model one is each model's own.
            const expected = t.tidy(() => (sharedInput ? expectedDx.reduce((a, b) => t.add(a, b)) : t.stack(expectedDx)));
            await relClose(dx, expected, `input gradient (${sharedInput ? 'shared' : 'per model'})`);
            t.dispose([w, x, y, weights, dx, expected, ...expectedDx]);
          }
        });
      });
    }
  });
}
