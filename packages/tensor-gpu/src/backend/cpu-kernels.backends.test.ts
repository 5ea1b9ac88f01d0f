import { describe, expect, it, vi } from 'vitest';
import { valueAndGrad } from '../autodiff/grad';
import { Engine } from '../engine';
import type { CpuKernels } from '../kernels/host-kernels';
import { conv2d } from '../ops/conv';
import { tensor } from '../ops/creation';
import { mul } from '../ops/elementwise';
import { matmul } from '../ops/matmul';
import { sum } from '../ops/reduce';
import { splitmix32 } from '../random';
import { assertClose } from '../testing/compare';
import { expectNoLeaks } from '../testing/leaks';
import * as R from '../testing/reference';

// The cpu backend's two product implementations, each chosen explicitly, through the ops
// (matmul with every transpose and shared operands, conv2d and both of its gradients) against the
// float64 reference.

function values(n: number, seed: number): Float64Array {
  const next = splitmix32(seed);
  return Float64Array.from({ length: n }, () => Math.fround(2 * next() - 1));
}

/** Float64 gradients of Σ conv2d(x, w) ⊙ g: the adjoint of the reference convolution's loop. */
function conv2dGradients(x: R.Ref, w: R.Ref, g: R.Ref, o: R.ConvRefOptions): { dx: Float64Array; dw: Float64Array } {
  const [n, c, h, wd] = x.shape;
  const [oc, cg, kh, kw] = w.shape;
  const [, , oh, ow] = g.shape;
  const og = oc / o.groups;
  const dx = new Float64Array(x.data.length);
  const dw = new Float64Array(w.data.length);
  for (let b = 0; b < n; b++) for (let k = 0; k < oc; k++) for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) {
    const gy = g.data[((b * oc + k) * oh + y) * ow + xx];
    const grp = Math.floor(k / og);
    for (let ci = 0; ci < cg; ci++) for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
      const iy = y * o.stride[0] - o.padding[0] + ky * o.dilation[0];
      const ix = xx * o.stride[1] - o.padding[1] + kx * o.dilation[1];
      if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
      const xi = ((b * c + grp * cg + ci) * h + iy) * wd + ix;
      const wi = ((k * cg + ci) * kh + ky) * kw + kx;
      dx[xi] += gy * w.data[wi];
      dw[wi] += gy * x.data[xi];
    }
  }
  return { dx, dw };
}

describe('cpu backend product kernels', () => {
  it("defaults to 'wasm-simd', switches explicitly, and rejects unknown choices", async () => {
    const engine = new Engine();
    await engine.setBackend('cpu');
    expect(engine.getCpuKernels()).toBe('wasm-simd');
    const a = tensor(engine, [[1, 2], [3, 4]]);
    await engine.setBackend('cpu', { cpuKernels: 'js' });
    expect(engine.getCpuKernels()).toBe('js');
    const y = matmul(a, a);
    expect([...(await y.data())]).toEqual([7, 10, 15, 22]);
    await engine.setBackend('cpu');
    expect(engine.getCpuKernels()).toBe('js');
    await expect(engine.setBackend('cpu', { cpuKernels: 'simd' as CpuKernels })).rejects.toThrow(/options\.cpuKernels must be 'wasm-simd' or 'js', got "simd"/);
    engine.destroy();
  });

  it('refuses to fall back silently where WebAssembly SIMD is missing, and runs the JavaScript kernels when asked', async () => {
    const validate = vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    try {
      const engine = new Engine();
      await expect(engine.setBackend('cpu')).rejects.toThrow(/WebAssembly SIMD is not available.*cpuKernels: 'js'/);
      await engine.setBackend('cpu', { cpuKernels: 'js' });
      expect(engine.getCpuKernels()).toBe('js');
      const a = tensor(engine, [[1, 2], [3, 4]]);
      const y = matmul(a, a);
      expect([...(await y.data())]).toEqual([7, 10, 15, 22]);
      engine.destroy();
    } finally {
      validate.mockRestore();
    }
  });

  for (const kernels of ['wasm-simd', 'js'] as const) {
    describe(kernels, () => {
      const withEngine = async (fn: (engine: Engine) => Promise<void>) => {
        const engine = new Engine();
        await engine.setBackend('cpu', { cpuKernels: kernels });
        expect(engine.getCpuKernels()).toBe(kernels);
        await expectNoLeaks(() => fn(engine), engine);
        engine.destroy();
      };

      it('matmul matches the reference for every transpose, batched and shared operands', () =>
        withEngine(async (engine) => {
          let seed = 10;
          const T = (r: R.Ref) => R.transpose(r, r.shape.length === 3 ? [0, 2, 1] : [1, 0]);
          for (const [sa, sb] of [[[17, 65], [65, 7]], [[3, 17, 65], [65, 7]], [[17, 65], [3, 65, 7]], [[3, 17, 65], [3, 65, 7]]]) {
            for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
              const ar = R.ref(sa, values(R.size(sa), seed++));
              const br = R.ref(sb, values(R.size(sb), seed++));
              const a = tensor(engine, Float32Array.from((ta ? T(ar) : ar).data), (ta ? T(ar) : ar).shape);
              const b = tensor(engine, Float32Array.from((tb ? T(br) : br).data), (tb ? T(br) : br).shape);
              const y = matmul(a, b, { transposeA: ta, transposeB: tb });
              assertClose(y, await y.data(), R.matmul(ar, br), 1e-5, 1e-6);
              for (const z of [a, b, y]) z.dispose();
            }
          }
        }));

      it('conv2d and both of its gradients match the float64 reference', () =>
        withEngine(async (engine) => {
          const cases: [number[], number[], R.ConvRefOptions][] = [
            [[2, 3, 9, 7], [5, 3, 3, 3], { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 }],
            [[3, 4, 11, 10], [6, 2, 5, 3], { stride: [2, 1], padding: [2, 0], dilation: [1, 2], groups: 2 }],
            [[2, 1, 28, 28], [6, 1, 5, 5], { stride: [1, 1], padding: [2, 2], dilation: [1, 1], groups: 1 }],
          ];
          let seed = 100;
          for (const [sx, sw, o] of cases) {
            const xr = R.ref(sx, values(R.size(sx), seed++));
            const wr = R.ref(sw, values(R.size(sw), seed++));
            const yr = R.conv2d(xr, wr, o);
            const gr = R.ref(yr.shape, values(R.size(yr.shape), seed++));
            const { dx, dw } = conv2dGradients(xr, wr, gr, o);
            const x = tensor(engine, Float32Array.from(xr.data), sx);
            const w = tensor(engine, Float32Array.from(wr.data), sw);
            const g = tensor(engine, Float32Array.from(gr.data), yr.shape);
            const options = { stride: o.stride, padding: o.padding, dilation: o.dilation, groups: o.groups };
            const y = conv2d(x, w, options);
            assertClose(y, await y.data(), yr, 1e-5, 1e-6);
            const { value, grads } = valueAndGrad((a: typeof x, b: typeof w) => sum(mul(conv2d(a, b, options), g)))(x, w);
            assertClose(grads[0], await grads[0].data(), R.ref(sx, dx), 1e-5, 1e-5);
            assertClose(grads[1], await grads[1].data(), R.ref(sw, dw), 1e-5, 1e-5);
            for (const z of [x, w, g, y, value, ...grads]) z.dispose();
          }
        }));
    });
  }
});
