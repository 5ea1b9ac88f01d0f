import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';
import { numericGrad } from '../testing/reference';
import { BatchNorm1d, BatchNorm2d } from './index';
import { batchNorm, expectClose, values } from './float64.test-helper';

const EPS = 1e-5;

describe('BatchNorm (cpu)', () => {
  beforeAll(async () => {
    await t.setBackend('cpu');
  });

  it('BatchNorm2d: train mode uses batch statistics and updates running mean / unbiased var with momentum 0.1; eval uses them', async () => {
    await t.expectNoLeaks(async () => {
      const [n, c, h, w] = [3, 2, 2, 3];
      const inner = h * w;
      const count = n * inner;
      const bn = new BatchNorm2d(c);
      expect(bn.namedParameters().map(([name, p]) => [name, p.role, p.unitAxis])).toEqual([['weight', 'scale', 0], ['bias', 'shift', 0]]);
      expect(bn.namedBuffers().map(([name]) => name)).toEqual(['runningMean', 'runningVar']);
      const gamma = [1.5, -0.5];
      const beta = [0.25, 2];
      bn.weight.assign(t.keep(t.tensor(gamma)));
      bn.bias.assign(t.keep(t.tensor(beta)));
      const runMean = new Float64Array(c);
      const runVar = new Float64Array(c).fill(1);
      for (const seed of [1, 2]) {
        const xv = values(n * c * inner, seed, -2, 3);
        const x = t.tensor(Float32Array.from(xv), [n, c, h, w]);
        const oldMean = bn.runningMean.value;
        const y = t.tidy(() => bn.forward(x));
        expect(oldMean.isDisposed).toBe(true);
        const ref = batchNorm(xv, gamma, beta, n, c, inner, EPS);
        expectClose(await y.data(), ref.y, 1e-5, 1e-5);
        for (let ch = 0; ch < c; ch++) {
          runMean[ch] = 0.9 * runMean[ch] + 0.1 * ref.mean[ch];
          runVar[ch] = 0.9 * runVar[ch] + 0.1 * ref.variance[ch] * (count / (count - 1));
        }
        expectClose(await bn.runningMean.value.data(), runMean, 1e-5, 1e-6);
        expectClose(await bn.runningVar.value.data(), runVar, 1e-5, 1e-6);
        t.dispose([x, y]);
      }
      bn.eval();
      const xv = values(n * c * inner, 3, -2, 3);
      const x = t.tensor(Float32Array.from(xv), [n, c, h, w]);
      const meanBefore = bn.runningMean.value;
      const y = t.tidy(() => bn.forward(x));
      expect(bn.runningMean.value).toBe(meanBefore); // eval leaves the running statistics alone
      expectClose(await y.data(), batchNorm(xv, gamma, beta, n, c, inner, EPS, { mean: runMean, var: runVar }).y, 1e-5, 1e-5);
      t.dispose([x, y]);
      bn.dispose();
    });
  });

  it('BatchNorm1d normalises [N, C] per feature; forward outside tidy leaves only its output; rejects one value per channel', async () => {
    await t.expectNoLeaks(async () => {
      const bn = new BatchNorm1d(3, { momentum: 0.2 });
      const xv = values(4 * 3, 9, -1, 4);
      const x = t.tensor(Float32Array.from(xv), [4, 3]);
      const before = t.memory().numTensors;
      const y = bn.forward(x);
      expect(t.memory().numTensors).toBe(before + 1);
      const ref = batchNorm(xv, [1, 1, 1], [0, 0, 0], 4, 3, 1, EPS);
      expectClose(await y.data(), ref.y, 1e-5, 1e-5);
      expectClose(await bn.runningMean.value.data(), Array.from(ref.mean, (m) => 0.2 * m), 1e-5, 1e-6);
      expectClose(await bn.runningVar.value.data(), Array.from(ref.variance, (v) => 0.8 + 0.2 * v * (4 / 3)), 1e-5, 1e-6);
      const one = t.zeros([1, 3]);
      expect(() => bn.forward(one)).toThrow(/more than one value per channel/);
      const wrong = t.zeros([4, 2]);
      expect(() => bn.forward(wrong)).toThrow(/BatchNorm1d: expected input \[N, 3\] or \[N, 3, L\], got \[4,2\]/);
      t.dispose([x, y, one, wrong]);
      bn.dispose();
    });
  });

  it('the gradient flows through the batch statistics and matches finite differences', async () => {
    await t.expectNoLeaks(async () => {
      const [n, c, h, w] = [2, 2, 2, 2];
      const inner = h * w;
      const size = n * c * inner;
      const bn = new BatchNorm2d(c);
      const gamma = [1.2, 0.7];
      const beta = [-0.3, 0.4];
      bn.weight.assign(t.keep(t.tensor(gamma)));
      bn.bias.assign(t.keep(t.tensor(beta)));
      const xv = values(size, 21, -2, 2);
      const rv = values(size, 22, -1, 1);
      const x = t.tensor(Float32Array.from(xv), [n, c, h, w]);
      const r = t.tensor(Float32Array.from(rv), [n, c, h, w]);
      const [gx, gg, gb] = t.grad((xi: t.Tensor, _g: t.Tensor, _b: t.Tensor) => t.sum(t.mul(bn.forward(xi), r)))(x, bn.weight.value, bn.bias.value);
      const loss = (xs: ArrayLike<number>, g: ArrayLike<number>, b: ArrayLike<number>) =>
        batchNorm(xs, g, b, n, c, inner, EPS).y.reduce((s, v, i) => s + v * rv[i], 0);
      const ngx = numericGrad((v) => loss(v, gamma, beta), Float64Array.from(xv), 1e-5);
      const ngg = numericGrad((v) => loss(xv, v, beta), Float64Array.from(gamma), 1e-5);
      const ngb = numericGrad((v) => loss(xv, gamma, v), Float64Array.from(beta), 1e-5);
      expectClose(await gx.data(), ngx, 1e-3, 1e-4);
      expectClose(await gg.data(), ngg, 1e-3, 1e-4);
      expectClose(await gb.data(), ngb, 1e-3, 1e-4);
      // The x-gradient of a normalised output sums to zero per channel (it does not without the batch-statistics path).
      const g = await gx.data();
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let i = 0; i < n; i++) for (let k = 0; k < inner; k++) s += g[(i * c + ch) * inner + k];
        expect(Math.abs(s)).toBeLessThan(1e-4);
      }
      t.dispose([x, r, gx, gg, gb]);
      bn.dispose();
    });
  });
});
