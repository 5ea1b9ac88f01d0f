import { expect } from 'vitest';
import * as t from '../../index';
import { convInputGrad, convWeightGrad } from '../../ops/conv-grads';
import { convGeometry } from '../../ops/conv-geometry';
import { splitmix32 } from '../../random';
import { describeOnWebGpu, wgslDispatchesOf } from '../webgpu-suite.test-helper';
import { MIN_GEMM_CHANNELS } from './conv2d';

// The implicit-GEMM convolution gradients against a float64 oracle that scatters every product of
// the forward loop into both gradients (an independent formulation of the same sums).

interface Case {
  n: number; c: number; h: number; w: number; o: number; kh: number; kw: number; groups: number;
  stride: [number, number]; padding: [number, number]; dilation: [number, number];
  layout: 'nchw' | 'packed'; shared: boolean;
}

function randomValues(n: number, seed: number): Float32Array {
  const next = splitmix32(seed);
  return Float32Array.from({ length: n }, () => Math.fround(next() * 2 - 1));
}

function geometryOf(k: Case) {
  const g = convGeometry(k, { stride: k.stride, padding: k.padding, dilation: k.dilation }, 'test', { layout: k.layout, sharedInput: k.shared });
  const [cg, og] = [k.c / k.groups, k.o / k.groups];
  const xShape = k.layout === 'nchw' ? [k.n, k.c, k.h, k.w] : k.shared ? [k.n, cg, k.h, k.w] : [k.groups, k.n, cg, k.h, k.w];
  const yShape = k.layout === 'nchw' ? [k.n, k.o, g.oh, g.ow] : [k.groups, k.n, og, g.oh, g.ow];
  return { g, xShape, yShape, wShape: [k.o, cg, k.kh, k.kw] };
}

/** Both gradients in float64: every (output, tap) product of the forward sum, scattered. */
function gradients64(k: Case, oh: number, ow: number, x: Float32Array, w: Float32Array, dy: Float32Array) {
  const [cg, og] = [k.c / k.groups, k.o / k.groups];
  const xAt = (grp: number, b: number, ci: number, iy: number, ix: number) =>
    k.layout === 'nchw' ? ((b * k.c + grp * cg + ci) * k.h + iy) * k.w + ix : k.shared ? ((b * cg + ci) * k.h + iy) * k.w + ix : (((grp * k.n + b) * cg + ci) * k.h + iy) * k.w + ix;
  const yAt = (grp: number, b: number, j: number, y: number, xx: number) =>
    k.layout === 'nchw' ? ((b * k.o + grp * og + j) * oh + y) * ow + xx : (((grp * k.n + b) * og + j) * oh + y) * ow + xx;
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  for (let grp = 0; grp < k.groups; grp++) for (let b = 0; b < k.n; b++) for (let j = 0; j < og; j++) {
    for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) {
      const d = dy[yAt(grp, b, j, y, xx)];
      for (let ci = 0; ci < cg; ci++) for (let ky = 0; ky < k.kh; ky++) for (let kx = 0; kx < k.kw; kx++) {
        const iy = y * k.stride[0] - k.padding[0] + ky * k.dilation[0];
        const ix = xx * k.stride[1] - k.padding[1] + kx * k.dilation[1];
        if (iy < 0 || iy >= k.h || ix < 0 || ix >= k.w) continue;
        const wi = (((grp * og + j) * cg + ci) * k.kh + ky) * k.kw + kx;
        const xi = xAt(grp, b, ci, iy, ix);
        dx[xi] += d * w[wi];
        dw[wi] += d * x[xi];
      }
    }
  }
  return { dx, dw };
}

function expectClose(got: Float32Array, want: Float64Array, inner: number, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Number.isFinite(want[i])) expect(Object.is(got[i], want[i]) || (Number.isNaN(want[i]) && Number.isNaN(got[i])), `${what} at ${i}: ${got[i]} vs ${want[i]}`).toBe(true);
    else expect(Math.abs(got[i] - want[i]), `${what} at ${i}`).toBeLessThanOrEqual(2e-6 * inner + 1e-5 * Math.abs(want[i]));
  }
}

const base = { stride: [1, 1] as [number, number], padding: [0, 0] as [number, number], dilation: [1, 1] as [number, number], layout: 'nchw' as const, shared: false };
const C = MIN_GEMM_CHANNELS;

describeOnWebGpu('implicit-GEMM convolution gradients on webgpu', (test) => {
  const run = async (k: Case, poison?: (x: Float32Array, dy: Float32Array) => void, expectTiled = { input: true, weight: true }) => {
    const { g, xShape, yShape, wShape } = geometryOf(k);
    const xv = randomValues(xShape.reduce((a, b) => a * b), 1);
    const wv = randomValues(wShape.reduce((a, b) => a * b), 2);
    const dyv = randomValues(yShape.reduce((a, b) => a * b), 3);
    poison?.(xv, dyv);
    const [x, w, dy] = [t.tensor(xv, xShape), t.tensor(wv, wShape), t.tensor(dyv, yShape)];
    let gx: t.Tensor | null = null;
    let gw: t.Tensor | null = null;
    expect(await wgslDispatchesOf(() => { gx = convInputGrad(dy, w, g, xShape); })).toBe(expectTiled.input ? 1 : 0);
    expect(await wgslDispatchesOf(() => { gw = convWeightGrad(dy, x, g, wShape); })).toBe(expectTiled.weight ? 1 : 0);
    const want = gradients64(k, g.oh, g.ow, xv, wv, dyv);
    const [cg, og] = [k.c / k.groups, k.o / k.groups];
    expectClose(await gx!.data(), want.dx, (k.shared ? k.o : og) * k.kh * k.kw, 'input gradient');
    expectClose(await gw!.data(), want.dw, k.n * g.oh * g.ow, 'weight gradient');
    t.dispose([x, w, dy, gx!, gw!]);
    return { cg, og };
  };

  test('groups, stride, padding and dilation at ragged tile edges (NCHW)', async () => {
    await run({ ...base, n: 2, c: 2 * C, h: 7, w: 6, o: 2 * C, kh: 3, kw: 2, groups: 2, stride: [2, 1], padding: [1, 2], dilation: [1, 2] });
    await run({ ...base, n: 1, c: C + 1, h: 5, w: 5, o: C + 3, kh: 3, kw: 3, groups: 1, padding: [1, 1] });
    await run({ ...base, n: 3, c: C, h: 4, w: 9, o: 2 * C + 1, kh: 1, kw: 4, groups: 1, stride: [1, 3], dilation: [2, 1] });
  });

  test('packed layout, with and without an input shared by every group', async () => {
    const packed = { ...base, n: 2, c: 2 * C, h: 5, w: 6, o: 2 * C, kh: 3, kw: 3, groups: 2, stride: [2, 2] as [number, number], padding: [1, 0] as [number, number], layout: 'packed' as const };
    await run(packed);
    await run({ ...packed, shared: true });
  });

  test('few channels per group take the portable kernels, chosen per gradient', async () => {
    // C/groups below a tile's use for the input gradient, O/groups for the weight gradient.
    await run({ ...base, n: 2, c: 8, h: 5, w: 5, o: C, kh: 3, kw: 3, groups: 1, padding: [1, 1] }, undefined, { input: false, weight: true });
    await run({ ...base, n: 2, c: C, h: 5, w: 5, o: 8, kh: 3, kw: 3, groups: 1, padding: [1, 1] }, undefined, { input: true, weight: false });
  });

  test('±Infinity and NaN in the gathered operand reach exactly the gradients they feed', async () => {
    // dY feeds the input gradient only through taps that exist; the input feeds the weight
    // gradient only through taps inside the image. (A non-finite value in the dense operand —
    // the weights of dX, dY of dW — also meets the zeros of padding and stride gaps, 0·∞ = NaN,
    // as in every im2col product, so only the gathered side is pinned element for element.)
    const k = { ...base, n: 2, c: C, h: 6, w: 5, o: C, kh: 3, kw: 3, groups: 1, stride: [2, 1] as [number, number], padding: [1, 1] as [number, number] };
    const { g, xShape, yShape, wShape } = geometryOf(k);
    const xv = randomValues(xShape.reduce((a, b) => a * b), 4);
    const wv = randomValues(wShape.reduce((a, b) => a * b), 5);
    const dyv = randomValues(yShape.reduce((a, b) => a * b), 6);
    const dyPoisoned = dyv.slice();
    dyPoisoned[7] = NaN;
    dyPoisoned[100] = Infinity;
    const xPoisoned = xv.slice();
    xPoisoned[11] = -Infinity;
    xPoisoned[200] = NaN;
    const [x, w, dy, xp, dyp] = [t.tensor(xv, xShape), t.tensor(wv, wShape), t.tensor(dyv, yShape), t.tensor(xPoisoned, xShape), t.tensor(dyPoisoned, yShape)];
    const gx = convInputGrad(dyp, w, g, xShape);
    const gw = convWeightGrad(dy, xp, g, wShape);
    expectClose(await gx.data(), gradients64(k, g.oh, g.ow, xv, wv, dyPoisoned).dx, k.o * 9, 'input gradient');
    expectClose(await gw.data(), gradients64(k, g.oh, g.ow, xPoisoned, wv, dyv).dw, k.n * g.oh * g.ow, 'weight gradient');
    t.dispose([x, w, dy, xp, dyp, gx, gw]);
  });

  test('a conv layer trained through autodiff runs both tiled gradients', async () => {
    const x = t.randn([2, C, 6, 6], { seed: 7 });
    const w = t.randn([C, C, 3, 3], { seed: 8 });
    const wgsl = await wgslDispatchesOf(async () => {
      const { value, grads } = t.valueAndGrad((a: t.Tensor, b: t.Tensor) => t.sum(t.conv2d(a, b, { padding: 1 })))(x, w);
      // The sum's gradient is all ones: dX sums W over the taps reaching each input.
      const [gx] = grads;
      const got = await gx.data();
      const wv = await w.data();
      const total = (ci: number, ky: number, kx: number) => {
        let s = 0;
        for (let o = 0; o < C; o++) s += wv[((o * C + ci) * 3 + ky) * 3 + kx];
        return s;
      };
      // The corner input is reached by the taps (ky, kx) ∈ {0, 1}² only (padding 1).
      let want = 0;
      for (const ky of [0, 1]) for (const kx of [0, 1]) want += total(0, ky, kx);
      expect(Math.abs(got[0] - want)).toBeLessThan(1e-3);
      t.dispose([value, ...grads]);
    });
    expect(wgsl).toBeGreaterThanOrEqual(3); // forward, input and weight gradients (and the sum)
    t.dispose([x, w]);
  });
});
