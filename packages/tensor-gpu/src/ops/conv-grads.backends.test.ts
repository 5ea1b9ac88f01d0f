import { expect } from 'vitest';
import * as t from '../index';
import { splitmix32 } from '../random';
import { describeOnBackends } from '../testing/backend-suite.test-helper';
import { assertClose } from '../testing/compare';
import * as R from '../testing/reference';

const values = (n: number, seed: number) => {
  const next = splitmix32(seed);
  return Float64Array.from({ length: n }, () => next() * 2 - 1);
};

/** Finite differences in float64 of `⟨f(v), dy⟩` with respect to `v`: the oracle of every gradient op here. */
function oracle(f: (v: Float64Array) => R.Ref, v: Float64Array, dy: Float64Array): Float64Array {
  return R.numericGrad((p) => f(p).data.reduce((s, y, i) => s + y * dy[i], 0), Float64Array.from(v));
}

const conv = { stride: [2, 1] as [number, number], padding: [1, 0] as [number, number], dilation: [1, 2] as [number, number], groups: 2 };
const xShape = [2, 4, 5, 6];
const wShape = [6, 2, 3, 2];

describeOnBackends('convolution and pooling gradient ops', (_backend, test) => {
  test('conv2dInputGrad and conv2dWeightGrad match float64 finite differences (groups, stride, padding, dilation)', async () => {
    await t.expectNoLeaks(async () => {
      const xv = values(R.size(xShape), 1);
      const wv = values(R.size(wShape), 2);
      const yShape = R.conv2d(R.ref(xShape, xv), R.ref(wShape, wv), conv).shape;
      const dyv = values(R.size(yShape), 3);
      const x = t.tensor(Float32Array.from(xv), xShape);
      const w = t.tensor(Float32Array.from(wv), wShape);
      const dy = t.tensor(Float32Array.from(dyv), yShape);
      const gx = t.conv2dInputGrad(dy, w, xShape, conv);
      const gw = t.conv2dWeightGrad(dy, x, wShape, conv);
      expect(gx.shape).toEqual(xShape);
      expect(gw.shape).toEqual(wShape);
      assertClose(gx, await gx.data(), R.ref(xShape, oracle((p) => R.conv2d(R.ref(xShape, p), R.ref(wShape, wv), conv), xv, dyv)), 1e-4, 1e-5);
      assertClose(gw, await gw.data(), R.ref(wShape, oracle((p) => R.conv2d(R.ref(xShape, xv), R.ref(wShape, p), conv), wv, dyv)), 1e-4, 1e-5);
      t.dispose([x, w, dy, gx, gw]);
    });
  });

  test('maxPool2dGrad and avgPool2dGrad match float64 finite differences', async () => {
    await t.expectNoLeaks(async () => {
      const shape = [1, 2, 5, 5];
      const xv = values(R.size(shape), 4); // distinct values: no ties for the maximum
      const options = { kernel: 3, stride: 2, padding: 1 };
      const pool = (p: Float64Array, kind: 'max' | 'avg') => R.pool2d(R.ref(shape, p), [3, 3], [2, 2], [1, 1], kind);
      const dyv = values(R.size(pool(xv, 'max').shape), 5);
      const x = t.tensor(Float32Array.from(xv), shape);
      const dy = t.tensor(Float32Array.from(dyv), pool(xv, 'max').shape);
      const gMax = t.maxPool2dGrad(x, dy, options);
      const gAvg = t.avgPool2dGrad(dy, shape, options);
      assertClose(gMax, await gMax.data(), R.ref(shape, oracle((p) => pool(p, 'max'), xv, dyv)), 1e-4, 1e-5);
      assertClose(gAvg, await gAvg.data(), R.ref(shape, oracle((p) => pool(p, 'avg'), xv, dyv)), 1e-4, 1e-5);
      t.dispose([x, dy, gMax, gAvg]);
    });
  });

  test('name the argument that does not fit', async () => {
    const w = t.zeros(wShape);
    const dy = t.zeros([2, 6, 2, 2]);
    expect(() => t.conv2dInputGrad(dy, w, xShape, conv)).toThrow(/conv2dInputGrad: dy must have the output's shape \[2,6,3,4\], got \[2,6,2,2\]/);
    expect(() => t.conv2dWeightGrad(dy, w, [6, 2], conv)).toThrow(/conv2dWeightGrad: x must be \[N, C, H, W\] and w/);
    expect(() => t.avgPool2dGrad(dy, [2, 6, 0, 4], { kernel: 2 })).toThrow(/avgPool2dGrad: inputShape must be an array of positive integers/);
    expect(() => t.maxPool2dGrad(dy, w, { kernel: 2 })).toThrow(/maxPool2dGrad: dy must have the output's shape \[2,6,1,1\], got \[6,2,3,2\]/);
    t.dispose([w, dy]);
  });
});
