import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';
import { splitmix32 } from '../random';
import { backendOptions, backendsUnderTest, requireBackend } from '../testing/backends';
import type { WgslKernel } from './wgsl-kernel';
import { ROUND_F16_WGSL } from './kernels/round-f16';
import { MIN_TREE_REDUCE } from './kernels/reduce';
import { MIN_GEMM_CHANNELS } from './kernels/conv2d';

// The webgpu backend's own machinery: tiled matmul and tree reductions against float64 and host
// oracles, binary16 rounding in WGSL against the host's bits, buffer residency (no readback in a
// training step), the buffer pool and leak accounting.

function randomValues(n: number, seed: number): Float32Array {
  const next = splitmix32(seed);
  return Float32Array.from({ length: n }, () => Math.fround((next() - 0.5) * 4));
}

/** float64 `op(A)·op(B)` for one batch entry. */
function matmul64(a: Float32Array, b: Float32Array, m: number, n: number, p: number, ta: boolean, tb: boolean): Float64Array {
  const out = new Float64Array(m * p);
  for (let i = 0; i < m; i++) for (let j = 0; j < p; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += (ta ? a[k * m + i] : a[i * n + k]) * (tb ? b[j * n + k] : b[k * p + j]);
    out[i * p + j] = s;
  }
  return out;
}

/** Host oracle of a reduction with the portable kernel's documented meaning (kernels/reduce.ts). */
function reduceHost(op: 'max' | 'argmax' | 'min' | 'argmin', v: Float32Array): number {
  let acc = v[0];
  let best = 0;
  const better = op === 'max' || op === 'argmax' ? (x: number, y: number) => x > y : (x: number, y: number) => x < y;
  for (let k = 1; k < v.length; k++) if (better(v[k], acc)) { acc = v[k]; best = k; }
  return op === 'argmax' || op === 'argmin' ? best : acc;
}

const sameValue = (got: number, want: number) => (Number.isNaN(want) ? Number.isNaN(got) : Object.is(got, want));

if (backendsUnderTest().includes('webgpu')) {
  describe('webgpu device', () => {
    let ok = false;
    beforeAll(async () => {
      ok = await requireBackend('webgpu');
      if (ok) await t.setBackend('webgpu', await backendOptions('webgpu'));
    });
    afterAll(() => t.defaultEngine.kernels.unregisterWgsl('testRoundF16'));
    const test = (name: string, fn: () => Promise<void>) =>
      it(name, async (ctx) => {
        if (!ok) return ctx.skip();
        expect(t.getBackend()).toBe('webgpu');
        await t.expectNoLeaks(fn);
      });

    test('tiled matmul matches float64 for every transpose, ragged edges and batches with a shared operand', async () => {
      const before = t.defaultEngine.webgpuStats()!.wgslDispatches;
      for (const [m, n, p] of [[1, 1, 1], [65, 17, 70], [3, 130, 5]]) {
        for (const ta of [false, true]) for (const tb of [false, true]) {
          const av = randomValues(m * n, m + n);
          const bv = randomValues(n * p, n + p);
          const a = t.tensor(av, ta ? [n, m] : [m, n]);
          const b = t.tensor(bv, tb ? [p, n] : [n, p]);
          const y = t.matmul(a, b, { transposeA: ta, transposeB: tb });
          expect(y.shape).toEqual([m, p]);
          const got = await y.data();
          const want = matmul64(av, bv, m, n, p, ta, tb);
          for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i]), `${m}x${n}x${p} ${ta}/${tb} at ${i}`).toBeLessThanOrEqual(1e-5 * n + 1e-5 * Math.abs(want[i]));
          t.dispose([a, b, y]);
        }
      }
      // Packed K-model product: K different A, one B shared by every model.
      const [K, m, n, p] = [3, 9, 33, 66];
      const av = randomValues(K * m * n, 5);
      const bv = randomValues(n * p, 6);
      const a = t.tensor(av, [K, m, n]);
      const b = t.tensor(bv, [n, p]);
      const y = t.matmul(a, b);
      const got = await y.data();
      for (let k = 0; k < K; k++) {
        const want = matmul64(av.subarray(k * m * n, (k + 1) * m * n), bv, m, n, p, false, false);
        for (let i = 0; i < want.length; i++) expect(Math.abs(got[k * m * p + i] - want[i])).toBeLessThanOrEqual(1e-4);
      }
      t.dispose([a, b, y]);
      expect(t.defaultEngine.webgpuStats()!.wgslDispatches - before).toBeGreaterThanOrEqual(13);
    });

    test('implicit-GEMM conv2d matches float64 with groups, stride, padding and dilation', async () => {
      const [n, c, h, w, o, k, groups] = [2, 4, 9, 8, 2 * MIN_GEMM_CHANNELS, 3, 2];
      const xv = randomValues(n * c * h * w, 21);
      const wv = randomValues(o * (c / groups) * k * k, 22);
      const x = t.tensor(xv, [n, c, h, w]);
      const wt = t.tensor(wv, [o, c / groups, k, k]);
      const before = t.defaultEngine.webgpuStats()!.wgslDispatches;
      const y = t.conv2d(x, wt, { stride: 2, padding: 1, dilation: [1, 2], groups });
      expect(t.defaultEngine.webgpuStats()!.wgslDispatches - before).toBe(1);
      // Fewer output channels per group than a tile can use: the portable kernel runs.
      const wFew = t.slice(wt, [0, 0, 0, 0], [8, c / groups, k, k]);
      const few = t.conv2d(x, wFew, { groups });
      expect(t.defaultEngine.webgpuStats()!.wgslDispatches - before).toBe(1);
      t.dispose([wFew, few]);
      const [, , oh, ow] = y.shape;
      const got = await y.data();
      const cg = c / groups;
      const og = o / groups;
      for (let b = 0; b < n; b++) for (let oc = 0; oc < o; oc++) for (let yy = 0; yy < oh; yy++) for (let xx = 0; xx < ow; xx++) {
        const grp = Math.floor(oc / og);
        let want = 0;
        for (let ci = 0; ci < cg; ci++) for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
          const iy = yy * 2 - 1 + ky;
          const ix = xx * 2 - 1 + kx * 2;
          if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
          want += xv[((b * c + grp * cg + ci) * h + iy) * w + ix] * wv[((oc * cg + ci) * k + ky) * k + kx];
        }
        expect(Math.abs(got[((b * o + oc) * oh + yy) * ow + xx] - want)).toBeLessThan(1e-5);
      }
      t.dispose([x, wt, y]);
    });

    test('float16 matmul output is the host rounding of the float32 result, bit for bit', async () => {
      const av = randomValues(40 * 70, 1).map((v) => v * 300);
      const bv = randomValues(70 * 50, 2).map((v) => v * 300);
      const a = t.tensor(av, [40, 70]);
      const b = t.tensor(bv, [70, 50]);
      const y32 = t.matmul(a, b);
      const a16 = t.cast(a, 'float16');
      const b16 = t.cast(b, 'float16');
      const a16as32 = t.cast(a16, 'float32');
      const b16as32 = t.cast(b16, 'float32');
      const y16 = t.matmul(a16, b16);
      const y16from32 = t.matmul(a16as32, b16as32);
      expect(y16.dtype).toBe('float16');
      const want = t.roundFloat32ArrayToFloat16(await y16from32.data());
      const got = await y16.data();
      for (let i = 0; i < want.length; i++) expect(sameValue(got[i], want[i]), `at ${i}: ${got[i]} vs ${want[i]}`).toBe(true);
      t.dispose([a, b, y32, a16, b16, a16as32, b16as32, y16, y16from32]);
    });

    test('WGSL round_f16 gives the host binary16 bits on ties, subnormals, overflow and specials', async () => {
      const kernel: WgslKernel = (spec) => ({
        key: 'testRoundF16',
        code: () => `${ROUND_F16_WGSL}
@group(0) @binding(1) var<storage, read> src : array<f32>;
@group(0) @binding(2) var<storage, read_write> out : array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g : vec3<u32>) {
  if (g.x < arrayLength(&out)) { out[g.x] = round_f16(src[g.x]); }
}`,
        workgroups: [Math.ceil(spec.outSize / 64), 1, 1],
      });
      t.registerWgslKernel('testRoundF16', kernel);
      const values: number[] = [0, -0, Infinity, -Infinity, NaN, 65504, 65519.996, 65520, -65520, 2 ** -24, 2 ** -25, -(2 ** -25), 2 ** -25 * 1.0000001, 2 ** -14, 1023.5 * 2 ** -24, 1.5 * 2 ** -24, 2.5 * 2 ** -24];
      for (let e = -24; e < 16; e++) for (let m = 0; m < 6; m++) values.push(((2049 + 2 * m) / 2048) * 2 ** e, -((2050 + 2 * m) / 2048) * 2 ** e);
      const next = splitmix32(9);
      const bits = new Uint32Array(1);
      const f = new Float32Array(bits.buffer);
      while (values.length < 20000) {
        bits[0] = (next() * 4294967296) >>> 0;
        values.push(next() < 0.5 ? f[0] : (next() - 0.5) * 2 ** Math.floor(next() * 50 - 30));
      }
      const input = Float32Array.from(values);
      const x = t.tensor(input);
      const spec = { name: 'testRoundF16', source: 'function (a) { return a[this.thread.x]; }', outSize: input.length };
      const y = t.runKernel(spec, [x], x.shape);
      const got = await y.data();
      const want = t.roundFloat32ArrayToFloat16(input);
      let mismatches = 0;
      let first = '';
      for (let i = 0; i < input.length; i++) {
        // A GPU may flush a float32 denormal input to zero: its binary16 value is ±0 either way.
        const denormal = input[i] !== 0 && Math.abs(input[i]) < 2 ** -126;
        if (!sameValue(got[i], want[i]) && !(denormal && got[i] === 0 && want[i] === 0)) {
          mismatches++;
          first ||= `${input[i]} -> ${got[i]}, host ${want[i]}`;
        }
      }
      expect(mismatches, first).toBe(0);
      t.dispose([x, y]);
    });

    test('tree reductions keep the sequential meaning: first NaN wins, later NaN never does, ties take the first index', async () => {
      const n = MIN_TREE_REDUCE * 5 + 3;
      const rows: Float32Array[] = [];
      rows.push(randomValues(n, 1));
      const nanFirst = randomValues(n, 2); nanFirst[0] = NaN; rows.push(nanFirst);
      const nanLater = randomValues(n, 3); nanLater[7] = NaN; nanLater[100] = NaN; rows.push(nanLater);
      const ties = new Float32Array(n).fill(1); ties[90] = 5; ties[130] = 5; ties[40] = -5; ties[150] = -5; rows.push(ties);
      rows.push(new Float32Array(n).fill(-Infinity));
      const flat = new Float32Array(rows.length * n);
      rows.forEach((r, i) => flat.set(r, i * n));
      const x = t.tensor(flat, [rows.length, n]);
      for (const op of ['max', 'argmax', 'min', 'argmin'] as const) {
        const y = t[op](x, 1);
        const got = await y.data();
        rows.forEach((r, i) => expect(sameValue(got[i], reduceHost(op, r)), `${op} of row ${i}: ${got[i]}`).toBe(true));
        y.dispose();
      }
      // Sums over the middle axis of [outer, reduce, inner], against float64.
      const [outer, reduce, inner] = [3, 300, 5];
      const v = randomValues(outer * reduce * inner, 4);
      const z = t.tensor(v, [outer, reduce, inner]);
      const s = t.sum(z, 1);
      const mean = t.mean(z, 1);
      const [gs, gm] = [await s.data(), await mean.data()];
      for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
        let want = 0;
        for (let k = 0; k < reduce; k++) want += v[(o * reduce + k) * inner + i];
        expect(Math.abs(gs[o * inner + i] - want)).toBeLessThan(1e-4);
        expect(Math.abs(gm[o * inner + i] - want / reduce)).toBeLessThan(1e-6);
      }
      t.dispose([x, z, s, mean]);
    });

    test('a training step reads nothing back, creates no buffer once warm and frees what it made', async () => {
      const model = new t.nn.Sequential(new t.nn.Linear(32, 16, { seed: 1 }), new t.nn.ReLU(), new t.nn.Linear(16, 4, { seed: 2 }));
      const optimizer = t.optim.sgd({ lr: 0.1, momentum: 0.9 });
      const x = t.randn([64, 32], { seed: 3 });
      const labels = Int32Array.from({ length: 64 }, (_, i) => i % 4);
      // Warm-up: the first steps create optimizer state and fill the pool. Submits fall every 32
      // dispatches, so where they fall within a step repeats after at most 32 steps.
      const firstLoss = t.train.trainStep(model, x, labels, { optimizer });
      for (let i = 0; i < 32; i++) t.train.trainStep(model, x, labels, { optimizer }).dispose();
      const stats0 = t.defaultEngine.webgpuStats()!;
      const memory0 = t.memory();
      for (let i = 0; i < 5; i++) t.train.trainStep(model, x, labels, { optimizer }).dispose();
      const stats1 = t.defaultEngine.webgpuStats()!;
      const memory1 = t.memory();
      expect(stats1.readbacks - stats0.readbacks).toBe(0);
      expect(stats1.dispatches - stats0.dispatches).toBeGreaterThan(5 * 10);
      expect(stats1.buffersCreated).toBe(stats0.buffersCreated);
      expect(memory1.numKernels).toBe(memory0.numKernels);
      expect(memory1.numBuffers).toBe(memory0.numBuffers);
      // Reading is the only readback, and the loss went down.
      const lastLoss = t.train.trainStep(model, x, labels, { optimizer });
      const [l0, l9] = [(await firstLoss.data())[0], (await lastLoss.data())[0]];
      expect(t.defaultEngine.webgpuStats()!.readbacks - stats1.readbacks).toBe(2);
      expect(l9).toBeLessThan(l0);
      const losses = [firstLoss, lastLoss];
      t.dispose([x, ...losses]);
      model.dispose();
      optimizer.dispose();
    });

    test('freed buffers return to the pool and are handed out again', async () => {
      const stats0 = t.defaultEngine.webgpuStats()!;
      const a = t.tensor(randomValues(1000, 1));
      a.dispose();
      const b = t.tensor(randomValues(990, 2)); // the same size class
      const stats1 = t.defaultEngine.webgpuStats()!;
      expect(stats1.buffersInUse - stats0.buffersInUse).toBe(1);
      expect(stats1.buffersCreated - stats0.buffersCreated).toBeLessThanOrEqual(1);
      expect(Array.from(await b.data())).toEqual(Array.from(randomValues(990, 2)));
      b.dispose();
      expect(t.defaultEngine.webgpuStats()!.buffersInUse).toBe(stats0.buffersInUse);
    });
  });
}
