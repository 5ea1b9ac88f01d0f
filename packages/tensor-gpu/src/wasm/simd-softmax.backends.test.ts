import { describe, expect, it } from 'vitest';
import { valueAndGrad } from '../autodiff/grad';
import { Engine } from '../engine';
import { SOFTMAX_OPS, type SoftmaxOp } from '../kernels/softmax';
import { tensor } from '../ops/creation';
import { mul } from '../ops/elementwise';
import { sum } from '../ops/reduce';
import { crossEntropy, logSoftmax, softmax } from '../ops/softmax';
import { splitmix32 } from '../random';
import type { Tensor } from '../tensor';
import { expectNoLeaks } from '../testing/leaks';
import { SimdInstance } from './simd-instance';
import { simdSoftmax } from './simd-softmax';

// The row-wise softmax primitives in WebAssembly SIMD, in Node and in Chromium, against float64
// oracles; then softmax, logSoftmax and crossEntropy through the cpu backend with both kernel
// sets: values against float64, gradients against float64 derivatives and central differences.

const U = 2 ** -24;

function logits(n: number, seed: number, scale = 8): Float32Array {
  const next = splitmix32(seed);
  return Float32Array.from({ length: n }, () => Math.fround(scale * (2 * next() - 1)));
}

/** Float64 softmax and log-softmax of one row. */
function rowOracle(x: ArrayLike<number>): { p: number[]; logP: number[] } {
  let m = -Infinity;
  for (let k = 0; k < x.length; k++) m = Math.max(m, x[k]);
  let s = 0;
  for (let k = 0; k < x.length; k++) s += Math.exp(x[k] - m);
  const logS = Math.log(s);
  return { p: Array.from(x, (v) => Math.exp(v - m) / s), logP: Array.from(x, (v) => v - m - logS) };
}

/** Float64 value of `op` on row `r`: the forward ops from `a`, the gradients from dy = `a` and y = `b`. */
function oracle(op: SoftmaxOp, a: Float32Array, b: Float32Array, rows: number, cols: number): { want: Float64Array; scale: Float64Array } {
  const want = new Float64Array(rows * cols);
  const scale = new Float64Array(rows * cols); // magnitudes the float64 result was computed from (cancellation)
  for (let r = 0; r < rows; r++) {
    const at = r * cols;
    const x = a.subarray(at, at + cols);
    const y = b.subarray(at, at + cols);
    if (op === 'softmax' || op === 'logSoftmax') {
      const { p, logP } = rowOracle(x);
      const m = Math.max(...x);
      for (let k = 0; k < cols; k++) {
        want[at + k] = op === 'softmax' ? p[k] : logP[k];
        scale[at + k] = op === 'softmax' ? 0 : Math.abs(x[k] - m) + Math.abs(logP[k] - (x[k] - m));
      }
    } else if (op === 'softmaxGrad') {
      let d = 0;
      for (let k = 0; k < cols; k++) d += x[k] * y[k];
      for (let k = 0; k < cols; k++) [want[at + k], scale[at + k]] = [y[k] * (x[k] - d), Math.abs(y[k]) * (Math.abs(x[k]) + Math.abs(d))];
    } else {
      let s = 0;
      for (let k = 0; k < cols; k++) s += x[k];
      for (let k = 0; k < cols; k++) [want[at + k], scale[at + k]] = [x[k] - Math.exp(y[k]) * s, Math.abs(x[k]) + Math.exp(y[k]) * cols * 4];
    }
  }
  return { want, scale };
}

describe('WebAssembly SIMD softmax primitives', () => {
  it('match float64 within 1 float32 ulp plus float64 cancellation, on short, odd and long rows', () => {
    const s = new SimdInstance();
    let seed = 1;
    for (const op of SOFTMAX_OPS) {
      for (const [rows, cols] of [[1, 1], [3, 3], [64, 10], [5, 7], [4, 1000], [2, 4097]]) {
        const a = logits(rows * cols, seed++, op === 'softmax' || op === 'logSoftmax' ? 30 : 1);
        const forward = op === 'softmaxGrad' ? 'softmax' : 'logSoftmax';
        // The gradients read a forward output: compute it in float64 and store it as float32.
        const x = logits(rows * cols, seed++);
        const b = Float32Array.from(oracle(forward, x, x, rows, cols).want);
        const out = new Float32Array(rows * cols);
        simdSoftmax(s, op === 'softmax' || op === 'logSoftmax' ? [a] : [a, b], out, { op, rows, cols });
        const { want, scale } = oracle(op, a, b, rows, cols);
        for (let i = 0; i < out.length; i++) {
          const bound = Math.abs(want[i]) * U + 2 ** -50 * scale[i] + 2 ** -149;
          if (!(Math.abs(out[i] - want[i]) <= bound)) throw new Error(`${op} [${rows}, ${cols}] at ${i}: got ${out[i]}, float64 ${want[i]}`);
        }
      }
    }
    s.release();
  });

  it('keep the stable forms on extreme rows: huge logits, ±Infinity, NaN', () => {
    const s = new SimdInstance();
    const cases: [number[], number[], number[]][] = [
      // logits, softmax, logSoftmax
      [[1000, 0, -1000, 1000], [0.5, 0, 0, 0.5], [-Math.LN2, -1000 - Math.LN2, -2000 - Math.LN2, -Math.LN2]],
      [[-Infinity, 0, 0, -Infinity, 0], [0, 1 / 3, 1 / 3, 0, 1 / 3], [-Infinity, -Math.log(3), -Math.log(3), -Infinity, -Math.log(3)]],
      [[1, NaN, 2, 3, 4], [NaN, NaN, NaN, NaN, NaN], [NaN, NaN, NaN, NaN, NaN]],
    ];
    for (const [x, p, logP] of cases) {
      for (const [op, want] of [['softmax', p], ['logSoftmax', logP]] as const) {
        const out = new Float32Array(x.length);
        simdSoftmax(s, [Float32Array.from(x)], out, { op, rows: 1, cols: x.length });
        expect(Array.from(out)).toEqual(want.map(Math.fround));
      }
    }
    s.release();
  });

  it('reject inputs and outputs that do not fit the rows', () => {
    const s = new SimdInstance();
    expect(() => simdSoftmax(s, [new Float32Array(6)], new Float32Array(5), { op: 'softmax', rows: 2, cols: 3 })).toThrow(/needs 1 input\(s\) and an output of 2·3 values/);
    expect(() => simdSoftmax(s, [new Float32Array(6)], new Float32Array(6), { op: 'softmaxGrad', rows: 2, cols: 3 })).toThrow(/needs 2 input/);
    expect(() => simdSoftmax(s, [new Float32Array(6)], new Float32Array(6), { op: 'soft' as SoftmaxOp, rows: 2, cols: 3 })).toThrow(/params\.op must be one of/);
    s.release();
  });
});

for (const kernels of ['wasm-simd', 'js'] as const) {
  describe(`softmax, logSoftmax and crossEntropy on the cpu backend (${kernels})`, () => {
    it('values against float64, gradients against float64 derivatives and central differences', async () => {
      const engine = new Engine();
      await engine.setBackend('cpu', { cpuKernels: kernels });
      await expectNoLeaks(async () => {
        const [batch, classes] = [128, 10]; // 1280 values: past the WebAssembly threshold
        const xs = logits(batch * classes, 7, 6);
        const gs = logits(batch * classes, 8, 1);
        const labels = Array.from({ length: batch }, (_, i) => (i * 7) % classes);
        const x = tensor(engine, xs, [batch, classes]);
        const g = tensor(engine, gs, [batch, classes]);
        const rows = Array.from({ length: batch }, (_, r) => rowOracle(xs.subarray(r * classes, (r + 1) * classes)));
        const p = rows.flatMap((r) => r.p);
        const logP = rows.flatMap((r) => r.logP);
        const close = (got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string) => {
          for (let i = 0; i < want.length; i++) if (!(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])))) throw new Error(`${what} at ${i}: got ${got[i]}, float64 ${want[i]}`);
        };
        // Forward values.
        const y = softmax(x);
        const ly = logSoftmax(x);
        close(await y.data(), p, 2 * U, 'softmax');
        close(await ly.data(), logP, 2 * U, 'logSoftmax');
        // d/dx Σ softmax(x) ⊙ g = p ⊙ (g - Σ g ⊙ p); d/dx Σ logSoftmax(x) ⊙ g = g - p Σ g (per row).
        const sg = valueAndGrad((a: Tensor) => sum(mul(softmax(a), g)))(x);
        const lg = valueAndGrad((a: Tensor) => sum(mul(logSoftmax(a), g)))(x);
        const wantSg: number[] = [];
        const wantLg: number[] = [];
        for (let r = 0; r < batch; r++) {
          let d = 0;
          let s = 0;
          for (let k = 0; k < classes; k++) {
            d += gs[r * classes + k] * p[r * classes + k];
            s += gs[r * classes + k];
          }
          for (let k = 0; k < classes; k++) {
            const i = r * classes + k;
            wantSg.push(p[i] * (gs[i] - d));
            wantLg.push(gs[i] - p[i] * s);
          }
        }
        close(await sg.grads[0].data(), wantSg, 4 * U, 'softmax gradient');
        close(await lg.grads[0].data(), wantLg, 4 * U, 'logSoftmax gradient');
        // crossEntropy: the loss against float64, its gradient against central differences of the float64 loss.
        const loss64 = (v: ArrayLike<number>) => {
          let total = 0;
          for (let r = 0; r < batch; r++) total -= rowOracle(Array.from({ length: classes }, (_, k) => v[r * classes + k])).logP[labels[r]];
          return total / batch;
        };
        const ce = valueAndGrad((a: Tensor) => crossEntropy(a, labels))(x);
        close(await ce.value.data(), [loss64(xs)], 4 * U, 'crossEntropy');
        const dce = await ce.grads[0].data();
        const h = 1e-4;
        const probe = Float64Array.from(xs);
        for (let i = 0; i < batch * classes; i += 7) {
          probe[i] = xs[i] + h;
          const up = loss64(probe);
          probe[i] = xs[i] - h;
          const down = loss64(probe);
          probe[i] = xs[i];
          const fd = (up - down) / (2 * h);
          if (!(Math.abs(dce[i] - fd) <= 1e-7)) throw new Error(`crossEntropy gradient at ${i}: got ${dce[i]}, central difference ${fd}`);
        }
        for (const z of [x, g, y, ly, sg.value, lg.value, ce.value, ...sg.grads, ...lg.grads, ...ce.grads]) z.dispose();
      }, engine);
      engine.destroy();
    });
  });
}
