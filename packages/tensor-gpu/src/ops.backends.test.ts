import { beforeAll, describe, expect, it } from 'vitest';
import * as t from './index';
import { splitmix32 } from './random';
import { backendOptions, backendsUnderTest, requireBackend } from './testing/backends';
import { assertClose, closeness } from './testing/compare';
import { expectNoLeaks } from './testing/leaks';
import * as R from './testing/reference';

// One op suite, run on every backend of this environment against the float64 reference.
// GPU backends evaluate exp/log/tanh with shader intrinsics, hence the looser tolerance there.
const TOL: Record<string, [number, number]> = {
  cpu: [2e-6, 1e-6], webasm: [2e-6, 1e-6], headlessgl: [2e-5, 2e-6], webgl2: [2e-5, 2e-6], webgl: [2e-5, 2e-6], webgpu: [2e-5, 2e-6],
};

function values(n: number, seed: number, lo = -2, hi = 2): Float64Array {
  const next = splitmix32(seed);
  return Float64Array.from({ length: n }, () => Math.fround(lo + (hi - lo) * next()));
}

function pair(shape: number[], seed: number, lo?: number, hi?: number): [t.Tensor, R.Ref] {
  const v = values(R.size(shape), seed, lo, hi);
  return [t.tensor(Float32Array.from(v), shape), R.ref(shape, v)];
}

const UNARY_DOMAIN: Record<string, [number, number]> = { log: [0.1, 3], sqrt: [0.1, 3], reciprocal: [0.5, 3] };
const BINARY_CASES: [number[], number[]][] = [
  [[4, 3], [4, 3]], [[4, 3], [3]], [[2, 1, 5], [1, 4, 1]], [[1], [3, 2]], [[6, 1], [1, 7]], [[1, 1], [1, 1]], [[2, 3, 1, 2], [3, 4, 1]],
];

for (const backend of backendsUnderTest()) {
  describe(`ops on ${backend}`, () => {
    let ok = false;
    const [rtol, atol] = TOL[backend];
    beforeAll(async () => {
      ok = await requireBackend(backend);
      if (ok) await t.setBackend(backend, await backendOptions(backend));
    });
    const test = (name: string, fn: () => Promise<void> | void) =>
      it(name, async (ctx) => {
        if (!ok) return ctx.skip();
        expect(t.getBackend()).toBe(backend);
        await expectNoLeaks(fn);
      });
    const check = async (x: t.Tensor, expected: R.Ref, rt = rtol, at = atol) => {
      assertClose(x, await x.data(), expected, rt, at);
    };

    test('unary ops match the reference (size-1 dims, odd sizes)', async () => {
      for (const [name, f] of Object.entries(R.UNARY)) {
        const [lo, hi] = UNARY_DOMAIN[name] ?? [-3, 3];
        const [x, xr] = pair([3, 1, 5], 11, lo, hi);
        const y = (t as any)[name](x) as t.Tensor;
        await check(y, R.map([xr], f));
        t.dispose([x, y]);
      }
    });

    test('binary ops broadcast like NumPy and match the reference', async () => {
      let seed = 100;
      for (const [name, f] of Object.entries(R.BINARY)) {
        for (const [sa, sb] of BINARY_CASES) {
          const [a, ar] = pair(sa, seed++, name === 'pow' ? 0.2 : -2, 2);
          const [b, br] = pair(sb, seed++, name === 'div' ? 0.5 : -2, 2);
          const y = (t as any)[name](a, b) as t.Tensor;
          await check(y, R.map([ar, br], f));
          t.dispose([a, b, y]);
        }
      }
      const [a, ar] = pair([2, 3], 7);
      const y = t.sub(1.5, a);
      await check(y, R.map([ar], (v) => 1.5 - v));
      t.dispose([a, y]);
    });

    test('where selects by condition with broadcasting', async () => {
      const c = t.tensor([1, 0, 1], [3]);
      const [a, ar] = pair([2, 3], 3);
      const y = t.where(c, a, -1);
      await check(y, R.map([R.ref([3], [1, 0, 1]), ar], (cv, av) => (cv ? av : -1)));
      t.dispose([c, a, y]);
    });

    test('reductions over any axes, with and without keepDims', async () => {
      const [x, xr] = pair([3, 4, 5], 21);
      const cases: [number[] | undefined, boolean][] = [[[0], false], [[1], true], [[2], false], [[0, 2], false], [[0, 1], true], [undefined, false]];
      for (const op of ['sum', 'mean', 'max', 'min'] as const) {
        for (const [axes, keep] of cases) {
          const y = t[op](x, axes, keep);
          await check(y, R.reduce(xr, axes ?? [0, 1, 2], keep, op), rtol * 4, atol * 4);
          y.dispose();
        }
      }
      const am = t.argmax(x, 1);
      expect(Array.from(await am.data())).toEqual(Array.from(R.reduce(xr, [1], false, 'argmax').data));
      t.dispose([x, am]);
    });

    test('matmul and bmm, square, non-square, size-1 and batched', async () => {
      const cases: [number[], number[]][] = [[[5, 7], [7, 3]], [[1, 1], [1, 1]], [[1, 9], [9, 1]], [[2, 3, 4], [2, 4, 5]], [[2, 3, 4], [4, 5]], [[3, 4], [2, 4, 2]], [[16, 33], [33, 17]]];
      let seed = 300;
      for (const [sa, sb] of cases) {
        const [a, ar] = pair(sa, seed++);
        const [b, br] = pair(sb, seed++);
        const y = t.matmul(a, b);
        await check(y, R.matmul(ar, br), 1e-5, 1e-5);
        t.dispose([a, b, y]);
      }
      expect(() => t.tidy(() => t.matmul(t.zeros([2, 3]), t.zeros([4, 5])))).toThrow(/matmul: shapes \[2,3\] and \[4,5\]/);
      expect(() => t.tidy(() => t.bmm(t.zeros([2, 3]), t.zeros([3, 5])))).toThrow(/bmm/);
    });

    test('transpose, reshape, slice, pad, concat, stack', async () => {
      const [x, xr] = pair([2, 3, 4], 41);
      const tr = t.transpose(x, [2, 0, 1]);
      await check(tr, R.transpose(xr, [2, 0, 1]), 0, 0);
      const rs = t.reshape(x, [6, -1]);
      expect(rs.shape).toEqual([6, 4]);
      await check(rs, { shape: [6, 4], data: xr.data }, 0, 0);
      const sl = t.slice(x, [1, 1, 0], [1, 2, -1]);
      await check(sl, R.slice(xr, [1, 1, 0], [1, 2, 4]), 0, 0);
      const pd = t.pad(x, [[0, 1], [2, 0], [1, 1]], 0.5);
      await check(pd, R.pad(xr, [[0, 1], [2, 0], [1, 1]], 0.5), 0, 0);
      const [y, yr] = pair([2, 1, 4], 42);
      const ct = t.concat([x, y, x], 1);
      await check(ct, R.concat([xr, yr, xr], 1), 0, 0);
      const st = t.stack([x, x], 1);
      expect(st.shape).toEqual([2, 2, 3, 4]);
      t.dispose([x, tr, rs, sl, pd, y, ct, st]);
      expect(() => t.tidy(() => t.reshape(t.zeros([2, 3]), [4, 2]))).toThrow(/reshape: cannot reshape \[2,3\]/);
    });

    test('softmax, logSoftmax (stable for large logits) and crossEntropy', async () => {
      const [x, xr] = pair([4, 6], 51, -30, 30);
      const big = t.add(x, 1000);
      const ls = t.logSoftmax(big, 1);
      await check(ls, R.logSoftmax(xr, 1), 1e-5, 1e-4);
      const sm = t.softmax(x, 0);
      await check(sm, R.softmax(xr, 0), rtol * 10, 1e-6);
      const labels = [0, 5, 2, 2];
      const ce = t.crossEntropy(x, labels);
      const lt = t.tensor(labels);
      const ce2 = t.crossEntropy(x, lt);
      const expected = R.crossEntropy(xr, labels);
      expect(closeness(await ce.data(), [expected], 1e-5, 1e-5).ok).toBe(true);
      expect(closeness(await ce2.data(), [expected], 1e-5, 1e-5).ok).toBe(true);
      t.dispose([x, big, ls, sm, ce, lt, ce2]);
      expect(() => t.tidy(() => t.crossEntropy(t.zeros([2, 3]), [0, 3]))).toThrow(/label 3 at index 1/);
    });

    // Gradient checks: f(x) = Σ op(x) ⊙ W for a fixed random W, autodiff on the device against
    // central finite differences of the float64 reference.
    const gradCheck = async (shapes: number[][], device: (...xs: t.Tensor[]) => t.Tensor, reference: (...xs: R.Ref[]) => R.Ref, seed: number, lo = -2, hi = 2) => {
      const inputs = shapes.map((s, k) => pair(s, seed + k, lo, hi));
      const out = reference(...inputs.map((p) => p[1]));
      const wv = values(R.size(out.shape), seed + 99);
      const w = t.tensor(Float32Array.from(wv), out.shape);
      const { value, grads } = t.valueAndGrad((...xs: t.Tensor[]) => t.sum(t.mul(device(...xs), w)))(...inputs.map((p) => p[0]));
      for (let k = 0; k < inputs.length; k++) {
        const f = (x: Float64Array) => {
          const refs = inputs.map((p, j) => (j === k ? R.ref(p[1].shape, x) : p[1]));
          return reference(...refs).data.reduce((s, v, i) => s + v * wv[i], 0);
        };
        const expected = R.numericGrad(f, Float64Array.from(inputs[k][1].data));
        const c = closeness(await grads[k].data(), expected, 1e-3, 1e-3);
        expect(c.ok, `input ${k}: ${c.message}`).toBe(true);
      }
      t.dispose([value, w, ...grads, ...inputs.map((p) => p[0])]);
    };

    test('gradients of unary ops match finite differences', async () => {
      let seed = 600;
      for (const [name, f] of Object.entries(R.UNARY)) {
        const [lo, hi] = UNARY_DOMAIN[name] ?? [-3, 3];
        await gradCheck([[2, 3]], (x) => (t as any)[name](x), (x) => R.map([x], f), seed++, lo, hi);
      }
    });

    test('gradients of binary ops reduce over broadcast axes', async () => {
      let seed = 700;
      for (const name of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow']) {
        const lo = name === 'pow' || name === 'div' ? 0.5 : -2;
        await gradCheck([[3, 1, 4], [2, 4]], (a, b) => (t as any)[name](a, b), (a, b) => R.map([a, b], R.BINARY[name]), seed++, lo, 2);
      }
    });

    test('gradients of reductions, matmul, layout and softmax ops', async () => {
      await gradCheck([[3, 4, 5]], (x) => t.sum(x, [0, 2], true), (x) => R.reduce(x, [0, 2], true, 'sum'), 801);
      await gradCheck([[3, 4, 5]], (x) => t.mean(x, 1), (x) => R.reduce(x, [1], false, 'mean'), 802);
      await gradCheck([[3, 4, 5]], (x) => t.max(x, 2), (x) => R.reduce(x, [2], false, 'max'), 803);
      await gradCheck([[3, 5], [5, 2]], (a, b) => t.matmul(a, b), (a, b) => R.matmul(a, b), 804);
      await gradCheck([[2, 3, 5], [5, 2]], (a, b) => t.matmul(a, b), (a, b) => R.matmul(a, b), 805);
      await gradCheck([[2, 3, 5], [2, 5, 2]], (a, b) => t.bmm(a, b), (a, b) => R.matmul(a, b), 806);
      // Transposed operands: op(A)·op(B) against the reference on explicitly transposed inputs.
      const T = (x: R.Ref) => R.transpose(x, x.shape.length === 3 ? [0, 2, 1] : [1, 0]);
      await gradCheck([[5, 3], [5, 2]], (a, b) => t.matmul(a, b, { transposeA: true }), (a, b) => R.matmul(T(a), b), 820);
      await gradCheck([[3, 5], [2, 5]], (a, b) => t.matmul(a, b, { transposeB: true }), (a, b) => R.matmul(a, T(b)), 821);
      await gradCheck([[5, 3], [2, 5]], (a, b) => t.matmul(a, b, { transposeA: true, transposeB: true }), (a, b) => R.matmul(T(a), T(b)), 822);
      await gradCheck([[2, 3, 5], [4, 5]], (a, b) => t.matmul(a, b, { transposeB: true }), (a, b) => R.matmul(a, T(b)), 823);
      await gradCheck([[5, 3], [2, 5, 4]], (a, b) => t.matmul(a, b, { transposeA: true }), (a, b) => R.matmul(T(a), b), 824);
      await gradCheck([[2, 5, 3], [2, 4, 5]], (a, b) => t.bmm(a, b, { transposeA: true, transposeB: true }), (a, b) => R.matmul(T(a), T(b)), 825);
      await gradCheck([[2, 3, 4]], (x) => t.transpose(x, [1, 2, 0]), (x) => R.transpose(x, [1, 2, 0]), 807);
      await gradCheck([[3, 4]], (x) => t.slice(x, [1, 1], [2, 2]), (x) => R.slice(x, [1, 1], [2, 2]), 808);
      await gradCheck([[3, 4]], (x) => t.pad(x, [[1, 0], [0, 2]]), (x) => R.pad(x, [[1, 0], [0, 2]], 0), 809);
      await gradCheck([[2, 3], [2, 1]], (a, b) => t.concat([a, b], 1), (a, b) => R.concat([a, b], 1), 810);
      await gradCheck([[4, 5]], (x) => t.logSoftmax(x, 1), (x) => R.logSoftmax(x, 1), 811);
      await gradCheck([[4, 5]], (x) => t.softmax(x, 0), (x) => R.softmax(x, 0), 812);
      await gradCheck([[4, 5]], (x) => t.reshape(t.crossEntropy(x, [1, 0, 4, 4]), [1]), (x) => R.ref([1], [R.crossEntropy(x, [1, 0, 4, 4])]), 813);
    });

    const CONV_CASES: [number[], number[], R.ConvRefOptions][] = [
      [[2, 3, 7, 6], [4, 3, 3, 3], { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 }],
      [[1, 4, 8, 9], [6, 2, 3, 2], { stride: [2, 1], padding: [1, 2], dilation: [1, 1], groups: 2 }],
      [[2, 2, 9, 9], [3, 2, 3, 3], { stride: [2, 2], padding: [2, 1], dilation: [2, 2], groups: 1 }],
      [[1, 1, 5, 5], [1, 1, 1, 1], { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 }],
    ];

    test('conv2d with stride, padding, dilation and groups', async () => {
      let seed = 1000;
      for (const [sx, sw, o] of CONV_CASES) {
        const [x, xr] = pair(sx, seed++);
        const [w, wr] = pair(sw, seed++);
        const y = t.conv2d(x, w, o);
        await check(y, R.conv2d(xr, wr, o), 1e-5, 1e-5);
        t.dispose([x, w, y]);
      }
      expect(() => t.tidy(() => t.conv2d(t.zeros([1, 3, 5, 5]), t.zeros([2, 2, 3, 3])))).toThrow(/conv2d: groups 1 does not fit/);
    });

    test('max and average pooling', async () => {
      const [x, xr] = pair([2, 3, 7, 8], 1100);
      const cases: [[number, number], [number, number], [number, number]][] = [[[2, 2], [2, 2], [0, 0]], [[3, 3], [2, 2], [1, 1]], [[3, 2], [1, 2], [0, 1]]];
      for (const [k, st, p] of cases) {
        const mp = t.maxPool2d(x, { kernel: k, stride: st, padding: p });
        await check(mp, R.pool2d(xr, k, st, p, 'max'), 0, 0);
        const ap = t.avgPool2d(x, { kernel: k, stride: st, padding: p });
        await check(ap, R.pool2d(xr, k, st, p, 'avg'), 1e-5, 1e-6);
        t.dispose([mp, ap]);
      }
      x.dispose();
    });

    test('gradients of conv2d and pooling match finite differences', async () => {
      let seed = 1200;
      for (const [sx, sw, o] of CONV_CASES.slice(0, 3)) {
        await gradCheck([sx, sw], (x, w) => t.conv2d(x, w, o), (x, w) => R.conv2d(x, w, o), seed++);
      }
      await gradCheck([[1, 2, 6, 7]], (x) => t.maxPool2d(x, { kernel: 3, stride: 2, padding: 1 }), (x) => R.pool2d(x, [3, 3], [2, 2], [1, 1], 'max'), seed++);
      await gradCheck([[1, 2, 6, 7]], (x) => t.avgPool2d(x, { kernel: [2, 3], stride: [2, 1] }), (x) => R.pool2d(x, [2, 3], [2, 1], [0, 0], 'avg'), seed++);
    });

    test('a small CNN end to end: gradients match finite differences', async () => {
      const labels = [1, 0];
      const cnnRef = (x: R.Ref, k: R.Ref, wf: R.Ref) => {
        const c = R.map([R.conv2d(x, k, { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 })], R.UNARY.relu);
        const p = R.pool2d(c, [2, 2], [2, 2], [0, 0], 'max');
        return R.ref([1], [R.crossEntropy(R.matmul({ shape: [2, 3 * 3 * 3], data: p.data }, wf), labels)]);
      };
      await gradCheck(
        [[2, 2, 6, 6], [3, 2, 3, 3], [27, 2]],
        (x, k, wf) => t.reshape(t.crossEntropy(t.matmul(t.reshape(t.maxPool2d(t.relu(t.conv2d(x, k, { padding: 1 })), { kernel: 2 }), [2, 27]), wf), labels), [1]),
        cnnRef,
        1300,
      );
    });

    test('customGrad replaces a backward rule', async () => {
      const [x] = pair([3], 901);
      const straightThrough = t.customGrad((v: t.Tensor) => t.floor(v), (dy) => [dy]);
      const { value, grads } = t.valueAndGrad((v: t.Tensor) => t.sum(t.mul(straightThrough(v), 3)))(x);
      expect(Array.from(await grads[0].data())).toEqual([3, 3, 3]);
      t.dispose([x, value, grads[0]]);
    });

    test('same seed gives bit-identical values and results', async () => {
      const run = async () => {
        const a = t.randn([8, 8], { seed: 5 });
        const b = t.rand([8, 8], { seed: 6, low: -1, high: 1 });
        const y = t.tidy(() => t.tanh(t.matmul(a, b)));
        const out = await y.data();
        t.dispose([a, b]);
        y.dispose();
        return out;
      };
      const first = await run();
      expect(Array.from(await run())).toEqual(Array.from(first));
    });

    test('errors: disposed tensors, bad shapes, unknown backends', async () => {
      const x = t.zeros([2]);
      x.dispose();
      expect(() => t.relu(x)).toThrow(/relu: tensor #\d+ \(shape \[2\]\) was already disposed/);
      await expect(x.data()).rejects.toThrow(/already disposed/);
      expect(() => t.tidy(() => t.add(t.zeros([2, 3]), t.zeros([4])))).toThrow(/add: shapes \[2,3\] and \[4\] cannot be broadcast/);
      expect(() => t.tensor([1, 2, 3], [2, 2])).toThrow(/tensor: shape \[2,2\] needs 4 values, got 3/);
      await expect(t.setBackend('vulkan' as any)).rejects.toThrow(/unknown backend 'vulkan'/);
    });

    test('training an MLP: memory stays flat and no kernel compiles after the first step', async () => {
      const w1 = t.randn([8, 16], { seed: 1, std: 0.3 });
      const w2 = t.randn([16, 3], { seed: 2, std: 0.3 });
      const x = t.randn([32, 8], { seed: 3 });
      const labels = Array.from({ length: 32 }, (_, i) => i % 3);
      let params = [w1, w2];
      const loss = (a: t.Tensor, b: t.Tensor) => t.crossEntropy(t.matmul(t.relu(t.matmul(x, a)), b), labels);
      const step = () => {
        const { value, grads } = t.valueAndGrad(loss)(params[0], params[1]);
        const next = t.tidy(() => params.map((p, i) => t.sub(p, t.mul(grads[i], 0.1))));
        t.dispose([value, ...grads, ...params]);
        params = next;
      };
      step();
      const first = t.memory();
      let lossValue = 0;
      for (let i = 0; i < 500; i++) step();
      const after = t.memory();
      expect(after.numTensors).toBe(first.numTensors);
      expect(after.numBuffers).toBe(first.numBuffers);
      expect(after.numKernels).toBe(first.numKernels);
      const final = t.tidy(() => loss(params[0], params[1]));
      lossValue = (await final.data())[0];
      expect(lossValue).toBeLessThan(1.0986); // below log(3): it learned something
      t.dispose([final, x, ...params]);
    });
  });
}
