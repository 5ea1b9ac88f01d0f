import { expect } from 'vitest';
import * as t from '../../index';
import { splitmix32 } from '../../random';
import * as R from '../../testing/reference';
import { describeOnWebGpu, wgslDispatchesOf } from '../webgpu-suite.test-helper';
import { MIN_WORKGROUP_ROW } from './softmax';

// The fused softmax / log-softmax kernels (a workgroup per row) against float64: values, gradients
// by finite differences, cross-entropy through them, and the float64 meaning of ±∞ and NaN (that of
// the composite op on the cpu backend; the composite's translated shaders lose NaN on SwiftShader).

function values(n: number, seed: number, scale = 3, shift = 0): Float64Array {
  const next = splitmix32(seed);
  return Float64Array.from({ length: n }, () => Math.fround(shift + scale * (next() * 2 - 1)));
}

function expectClose(got: Float32Array, want: ArrayLike<number>, tol: number, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i]), `${what} at ${i}: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i])));
}

describeOnWebGpu('fused softmax on webgpu', (test) => {
  test('softmax and logSoftmax match float64 in one dispatch, rows per thread and per workgroup, large offsets', async () => {
    for (const [shape, shift] of [[[3, 1], 0], [[5, 7], 0], [[2, 3, 130], 0], [[4, 70], 1000], [[3, MIN_WORKGROUP_ROW + 77], 0], [[2, MIN_WORKGROUP_ROW], 500]] as [number[], number][]) {
      const v = values(R.size(shape), shape.length + shape[0], 3, shift);
      const x = t.tensor(Float32Array.from(v), shape);
      const ax = shape.length - 1;
      for (const op of ['softmax', 'logSoftmax'] as const) {
        let y: t.Tensor | null = null;
        expect(await wgslDispatchesOf(() => { y = t[op](x); })).toBe(1);
        expectClose(await y!.data(), R[op](R.ref(shape, v), ax).data, 2e-6, `${op} ${shape} +${shift}`);
        y!.dispose();
      }
      x.dispose();
    }
  });

  test('gradients of softmax, logSoftmax and crossEntropy match float64 finite differences', async () => {
    for (const shape of [[4, 9], [2, 70], [1, MIN_WORKGROUP_ROW + 5]]) {
      const v = values(R.size(shape), shape[1]);
      const w = values(R.size(shape), shape[1] + 1);
      const wt = t.tensor(Float32Array.from(w), shape);
      for (const op of ['softmax', 'logSoftmax'] as const) {
        const x = t.tensor(Float32Array.from(v), shape);
        const { value, grads } = t.valueAndGrad((a: t.Tensor) => t.sum(t.mul(t[op](a), wt)))(x);
        const want = R.numericGrad((p) => R[op](R.ref(shape, p), 1).data.reduce((s, y, i) => s + y * w[i], 0), Float64Array.from(v));
        expectClose(await grads[0].data(), want, 1e-4, `${op} gradient ${shape}`);
        t.dispose([x, value, ...grads]);
      }
      wt.dispose();
      const labels = Array.from({ length: shape[0] }, (_, i) => (i * 5) % shape[1]);
      const x = t.tensor(Float32Array.from(v), shape);
      const { value, grads } = t.valueAndGrad((a: t.Tensor) => t.crossEntropy(a, labels))(x);
      expect(Math.abs((await value.data())[0] - R.crossEntropy(R.ref(shape, v), labels))).toBeLessThan(1e-5);
      const want = R.numericGrad((p) => R.crossEntropy(R.ref(shape, p), labels), Float64Array.from(v));
      expectClose(await grads[0].data(), want, 1e-4, `crossEntropy gradient ${shape}`);
      t.dispose([x, value, ...grads]);
    }
  });

  test('a gradient of a gradient goes through the differentiable composite', async () => {
    // d/dx Σ (∂/∂x Σ w·softmax(x))² checked against float64 finite differences of that function.
    const shape = [2, 5];
    const v = values(10, 31);
    const w = values(10, 32);
    const wt = t.tensor(Float32Array.from(w), shape);
    const x = t.tensor(Float32Array.from(v), shape);
    const inner = (a: t.Tensor) => t.valueAndGrad((b: t.Tensor) => t.sum(t.mul(t.softmax(b), wt)))(a);
    const { value, grads } = t.valueAndGrad((a: t.Tensor) => {
      const g = inner(a);
      g.value.dispose();
      return t.sum(t.mul(g.grads[0], g.grads[0]));
    })(x);
    const firstGrad = (p: Float64Array) => {
      const y = R.softmax(R.ref(shape, p), 1).data;
      return Array.from(y, (yi, i) => {
        const row = Math.floor(i / 5) * 5;
        let s = 0;
        for (let k = row; k < row + 5; k++) s += w[k] * y[k];
        return yi * (w[i] - s);
      });
    };
    const want = R.numericGrad((p) => firstGrad(p).reduce((s, g) => s + g * g, 0), Float64Array.from(v));
    expectClose(await grads[0].data(), want, 1e-3, 'second-order gradient');
    t.dispose([x, wt, value, ...grads]);
  });

  test('±Infinity and NaN rows get their float64 values, rows per thread and per workgroup', async () => {
    const rows = [
      [1, NaN, 2, 3], // NaN anywhere: the row is NaN
      [1, Infinity, 2, 3], // +∞: ∞ − ∞ makes the row NaN
      [-Infinity, 0, 1, -Infinity], // −∞ entries: probability 0, log-probability −∞
      [-Infinity, -Infinity, -Infinity, -Infinity], // nothing finite: NaN
      [0.5, -1, 2, 0],
    ];
    for (const cols of [4, MIN_WORKGROUP_ROW + 3]) {
      // Longer rows repeat their last value, which keeps each row's case.
      const flat = rows.flatMap((r) => Array.from({ length: cols }, (_, i) => r[Math.min(i, 3)]));
      const x = t.tensor(Float32Array.from(flat), [rows.length, cols]);
      for (const op of ['softmax', 'logSoftmax'] as const) {
        const y = t[op](x);
        const got = await y.data();
        y.dispose();
        const want = R[op](R.ref([rows.length, cols], flat), 1).data;
        for (let i = 0; i < got.length; i++) {
          const ok = Number.isFinite(want[i]) ? Math.abs(got[i] - want[i]) < 1e-6 : Object.is(got[i], want[i]) || (Number.isNaN(got[i]) && Number.isNaN(want[i]));
          expect(ok, `${op} ${cols} at ${i}: ${got[i]} vs ${want[i]}`).toBe(true);
        }
        expect(got.slice(0, 2 * cols).every(Number.isNaN), op).toBe(true);
        expect([got[2 * cols], got[3 * cols - 1]]).toEqual(op === 'softmax' ? [0, 0] : [-Infinity, -Infinity]);
      }
      x.dispose();
    }
  });
});
