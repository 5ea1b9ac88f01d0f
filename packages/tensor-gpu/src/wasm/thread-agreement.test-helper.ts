// The workload that checks a threaded WebAssembly kernel set against a single-threaded one, shared
// by the Node (worker_threads) and browser (Web Workers) thread tests.
import { expect } from 'vitest';
import type { ConvGeometry } from '../kernels/conv';
import { splitmix32 } from '../random';
import type { WasmSimdKernels } from './simd-kernels';

/** `n` seeded float32 values in [−1, 1). */
export function seededValues(n: number, seed: number): Float32Array {
  const next = splitmix32(seed);
  return Float32Array.from({ length: n }, () => Math.fround(2 * next() - 1));
}

/**
 * Runs batched products split by blocks of rows (m ≥ p) and of columns (m < p), once per
 * `[transposeA, transposeB]` pair, and a 2×32×14×14 / 5×5 convolution with both gradients on
 * `threaded` and `single`, expecting identical bits; inputs are drawn from seeds `firstSeed` to
 * `firstSeed + 4`.
 */
export function expectThreadedKernelsAgree(threaded: WasmSimdKernels, single: WasmSimdKernels, transposes: readonly (readonly [boolean, boolean])[], firstSeed: number): void {
  const both = (run: (k: WasmSimdKernels) => Float32Array) => expect(run(threaded)).toEqual(run(single));
  const shapes = [[259, 131, 129], [129, 131, 259]];
  for (const [m, n, p] of shapes) {
    for (const [transposeA, transposeB] of transposes) {
      const g = { batch: 2, m, n, p, aBatchStride: 0, bBatchStride: n * p, transposeA, transposeB };
      const a = seededValues(m * n, firstSeed), b = seededValues(2 * n * p, firstSeed + 1);
      both((k) => {
        const out = new Float32Array(2 * m * p);
        k.matmul(a, b, out, g);
        return out;
      });
    }
  }
  const cg: ConvGeometry = { n: 2, c: 32, h: 14, w: 14, o: 32, kh: 5, kw: 5, oh: 14, ow: 14, sh: 1, sw: 1, ph: 2, pw: 2, dh: 1, dw: 1, groups: 1 };
  const x = seededValues(2 * 32 * 196, firstSeed + 2), w = seededValues(32 * 32 * 25, firstSeed + 3), dy = seededValues(2 * 32 * 196, firstSeed + 4);
  both((k) => { const y = new Float32Array(dy.length); k.conv2d(cg, x, w, y); return y; });
  both((k) => { const dx = new Float32Array(x.length); k.conv2dInputGrad(cg, dy, w, dx); return dx; });
  both((k) => { const dw = new Float32Array(w.length); k.conv2dWeightGrad(cg, dy, x, dw); return dw; });
}
