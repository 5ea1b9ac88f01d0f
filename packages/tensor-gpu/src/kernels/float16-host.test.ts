import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { valueAndGrad } from '../autodiff/grad';
import { Engine } from '../engine';
import { fromFloat16Bits } from '../fp16/host';
import { cast } from '../ops/cast';
import { avgPool2d, maxPool2d } from '../ops/conv';
import { avgPool2dGrad, maxPool2dGrad } from '../ops/conv-grads';
import { tensor } from '../ops/creation';
import { elementwise, mul, relu, tanh } from '../ops/elementwise';
import { transpose } from '../ops/layout';
import { bmm, matmul } from '../ops/matmul';
import { max, mean, min, sum } from '../ops/reduce';
import { crossEntropy, logSoftmax, softmax } from '../ops/softmax';
import type { Tensor } from '../tensor';
import { expectNoLeaks } from '../testing/leaks';
import { ELEMENTWISE_BODIES, type ElementwiseOp } from './elementwise';
import { seededUint32 } from '../testing/seeded-uint32';

// The float16 host implementations of the cpu backend against the portable path they replace
// (every primitive's gpu.js source with its binary16 rounding, `float16Kernels: 'portable'`):
// the same float16 inputs must give the same bits, NaNs compared as NaN (JavaScript leaves a
// NaN's sign and payload unspecified).

const rng = seededUint32;

/** Binary16 edge values: zeros, subnormals, the normal limits, near-overflow values, ties' neighbours, Inf and NaN. */
const EDGES = [0, -0, 2 ** -24, -(2 ** -24), 3 * 2 ** -24, 2 ** -14 - 2 ** -24, 2 ** -14, -(2 ** -14), 1, -1, 1 + 2 ** -10, 2047, 2049, 32768, 60000, 65504, -65504, Infinity, -Infinity, NaN];

/**
 * `n` binary16 values: mostly moderate normals of both signs (so that sums and products stay
 * finite and land near binary16 ties), some random bit patterns over the whole format
 * (subnormals, huge values, Inf, NaN), and the edge values.
 */
function halves(n: number, seed: number, wild = 0.1): Float32Array {
  const next = rng(seed);
  const bits = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const r = next() / 2 ** 32;
    // Exponent field 10…19: magnitudes from 2^-5 to 2^4.
    bits[i] = r < wild ? next() & 0xffff : ((next() & 1) << 15) | ((10 + (next() % 10)) << 10) | (next() & 0x3ff);
  }
  const values = fromFloat16Bits(bits);
  if (wild > 0) for (let i = 0; i < Math.min(n, EDGES.length); i++) values[(i * 7919) % n] = EDGES[i];
  return values;
}

const host = new Engine();
const portable = new Engine();

beforeAll(async () => {
  await host.setBackend('cpu');
  await portable.setBackend('cpu', { float16Kernels: 'portable' });
});
afterAll(() => {
  host.destroy();
  portable.destroy();
});

/** The bits of a float32 value; every NaN maps to one pattern. */
function bitsOf(values: Float32Array): number[] {
  const u = new Uint32Array(values.buffer, values.byteOffset, values.length);
  return Array.from(values, (v, i) => (Number.isNaN(v) ? 0x7fc00000 : u[i]));
}

/** Runs `f` on both engines with the same float16 inputs and expects the same bits; returns the host result's values. */
async function same(inputs: readonly { values: Float32Array; shape: number[] }[], f: (...xs: Tensor[]) => Tensor | Tensor[], label: string, float16Result = true): Promise<Float32Array[]> {
  const run = async (engine: Engine) =>
    expectNoLeaks(async () => {
      const xs = inputs.map((i) => tensor(engine, i.values, i.shape, 'float16'));
      const out = engine.tidy(() => f(...xs));
      const outs = Array.isArray(out) ? out : [out];
      const values = await Promise.all(outs.map((o) => o.data()));
      // Gradients may come back as float32 (the seed of backprop is), but the forward runs float16.
      expect(outs.some((o) => o.dtype === 'float16'), label).toBe(float16Result);
      for (const x of [...xs, ...outs]) x.dispose();
      return values;
    }, engine);
  const [got, want] = [await run(host), await run(portable)];
  expect(got.length).toBe(want.length);
  got.forEach((g, k) => {
    const [gb, wb] = [bitsOf(g), bitsOf(want[k])];
    const first = gb.findIndex((b, i) => b !== wb[i]);
    expect(first, `${label}, output ${k}: first difference at ${first}: host ${g[first]}, portable ${want[k][first]}`).toBe(-1);
  });
  return got;
}

const arity = (op: ElementwiseOp) => (ELEMENTWISE_BODIES[op].includes('z') ? 3 : ELEMENTWISE_BODIES[op].includes('y') ? 2 : 1);

describe('float16 results on the cpu backend: host implementations = the portable gpu.js path, bit for bit', () => {
  it('is what the engines were asked for', () => {
    expect(host.getFloat16Kernels()).toBe('host');
    expect(portable.getFloat16Kernels()).toBe('portable');
    expect(host.kernels.entries('float16').length).toBeGreaterThan(40);
  });

  it('setBackend rejects an unknown float16Kernels choice, naming the option', async () => {
    const engine = new Engine();
    await expect(engine.setBackend('cpu', { float16Kernels: 'simd' as never })).rejects.toThrow(/options\.float16Kernels must be 'host' or 'portable', got "simd"/);
    engine.destroy();
  });

  it('every elementwise op, same shapes, broadcasts and scalar operands (SIMD-sized and small)', async () => {
    const ops = Object.keys(ELEMENTWISE_BODIES) as ElementwiseOp[];
    for (const [k, op] of ops.entries()) {
      const n = arity(op);
      const big = Array.from({ length: n }, (_, j) => ({ values: halves(4096, 100 * k + j), shape: [64, 64] }));
      await same(big, (...xs) => elementwise(op, ...xs), `${op} [64,64]`);
      await same(big.map((b) => ({ values: b.values.subarray(0, 37), shape: [37] })), (...xs) => elementwise(op, ...xs), `${op} [37]`);
      if (n >= 2) {
        const row = { values: halves(64, 7 * k + 1), shape: [1, 64] };
        const col = { values: halves(64, 7 * k + 2), shape: [64, 1] };
        await same([big[0], row, ...big.slice(2)], (...xs) => elementwise(op, ...xs), `${op} [64,64] with [1,64]`);
        await same([col, row, ...big.slice(2, 3).map((b) => ({ values: b.values.subarray(0, 64), shape: [64, 1] }))], (...xs) => elementwise(op, ...xs), `${op} [64,1] with [1,64]`);
        // Scalars that are binary16 values (the float32 kernels run) and ones that are not (float64
        // loops), one just past a binary16 tie (1 + 2^-11 + 2^-30).
        for (const s of [128, -0.5, 65504, 2 ** -24, 0.1, 1 + 2 ** -11 + 2 ** -30, -3.7, 2 ** -20]) {
          await same([big[0], ...big.slice(2)], (x, ...rest) => elementwise(op, x, s, ...rest), `${op}(x, ${s})`);
          if (n === 2) await same([big[1]], (y) => elementwise(op, s, y), `${op}(${s}, y)`);
        }
      }
    }
  });

  it('the single operations on 2^18 pairs of random binary16 bit patterns (the float32 kernels serve them)', async () => {
    const x = { values: halves(1 << 18, 41, 1), shape: [512, 512] };
    const y = { values: halves(1 << 18, 42, 1), shape: [512, 512] };
    for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const) await same([x, y], (a, b) => elementwise(op, a, b), `${op} random pairs`);
  });

  it('unary ops exhaustively over all 65536 binary16 values', async () => {
    const all = fromFloat16Bits(Uint16Array.from({ length: 65536 }, (_, i) => i));
    for (const op of (Object.keys(ELEMENTWISE_BODIES) as ElementwiseOp[]).filter((o) => arity(o) === 1)) {
      await same([{ values: all, shape: [256, 256] }], (x) => elementwise(op, x), `${op} exhaustive`);
    }
  });

  it('matmul and bmm, each operand plain or transposed, including Inf, NaN, subnormal and near-overflow entries', async () => {
    for (const [m, n, p] of [[5, 7, 3], [33, 129, 17], [64, 300, 40]]) {
      const a = { values: halves(m * n, m + n), shape: [m, n] };
      const b = { values: halves(n * p, n + p + 1), shape: [n, p] };
      const at = { values: a.values, shape: [n, m] };
      const bt = { values: b.values, shape: [p, n] };
      await same([a, b], (x, y) => matmul(x, y), `matmul ${m}x${n}x${p}`);
      await same([at, b], (x, y) => matmul(x, y, { transposeA: true }), `matmul Aᵀ ${m}x${n}x${p}`);
      await same([a, bt], (x, y) => matmul(x, y, { transposeB: true }), `matmul Bᵀ ${m}x${n}x${p}`);
      await same([at, bt], (x, y) => matmul(x, y, { transposeA: true, transposeB: true }), `matmul AᵀBᵀ ${m}x${n}x${p}`);
    }
    const a = { values: halves(3 * 9 * 20, 5), shape: [3, 9, 20] };
    const b = { values: halves(3 * 20 * 6, 6), shape: [3, 20, 6] };
    await same([a, b], (x, y) => bmm(x, y), 'bmm');
    // Moderate values only: long float64 sums that land near binary16 ties.
    const wideA = { values: halves(16 * 1000, 8, 0), shape: [16, 1000] };
    const wideB = { values: halves(1000 * 16, 9, 0), shape: [1000, 16] };
    await same([wideA, wideB], (x, y) => matmul(x, y), 'matmul depth 1000');
  });

  it('reductions, softmax, log-softmax and cross-entropy, with their gradients', async () => {
    const x = { values: halves(32 * 50, 11), shape: [32, 50] };
    const calm = { values: halves(32 * 50, 12, 0), shape: [32, 50] };
    for (const input of [x, calm]) {
      await same([input], (t) => [sum(t), sum(t, 0), sum(t, 1), mean(t, 1), max(t, 0), min(t, 1), mean(t)], 'reductions');
      await same([input], (t) => [softmax(t), logSoftmax(t), softmax(t, 0)], 'softmax');
    }
    await same([calm, { values: halves(32 * 50, 13, 0), shape: [32, 50] }], (t, w) => {
      const { value, grads } = valueAndGrad((a: Tensor) => sum(mul(softmax(a), w)))(t);
      const lsm = valueAndGrad((a: Tensor) => sum(mul(logSoftmax(a), w)))(t);
      return [value, grads[0], lsm.value, lsm.grads[0]];
    }, 'softmax gradients');
    const labels = Int32Array.from({ length: 32 }, (_, i) => (i * 7) % 50);
    await same([calm], (t) => {
      const { value, grads } = valueAndGrad((a: Tensor) => crossEntropy(a, labels))(t);
      return [value, grads[0]];
    }, 'cross-entropy (float32 loss, float16 log-softmax inside)', false);
  });

  it('max and average pooling with their gradients, windows apart, overlapping and padded', async () => {
    const x = { values: halves(4 * 3 * 12 * 12, 21), shape: [4, 3, 12, 12] };
    for (const options of [{ kernel: 2 }, { kernel: 3, stride: 1 }, { kernel: 3, stride: 2, padding: 1 }]) {
      const dyShape = [4, 3, 0, 0];
      await same([x], (t) => {
        const y = maxPool2d(t, options);
        dyShape[2] = y.shape[2];
        dyShape[3] = y.shape[3];
        return [y, avgPool2d(t, options)];
      }, `pooling ${JSON.stringify(options)}`);
      const dy = { values: halves(dyShape.reduce((a, b) => a * b), 22), shape: dyShape };
      await same([x, dy], (t, d) => [maxPool2dGrad(t, d, options), avgPool2dGrad(d, t.shape, options)], `pooling gradients ${JSON.stringify(options)}`);
    }
  });

  it('transposes (gather) and a float16 MLP: values and gradients of every parameter', async () => {
    const x = { values: halves(16 * 40, 31, 0), shape: [16, 40] };
    const w1 = { values: halves(24 * 40, 32, 0).map((v) => v / 8), shape: [24, 40] };
    const w2 = { values: halves(10 * 24, 33, 0).map((v) => v / 8), shape: [10, 24] };
    const labels = Int32Array.from({ length: 16 }, (_, i) => i % 10);
    await same([x], (t) => transpose(t), 'transpose');
    await same([x, w1, w2], (xs, a, b) => {
      const loss = (p: Tensor, q: Tensor) => {
        const h = tanh(relu(matmul(xs, p, { transposeB: true })));
        return cast(crossEntropy(cast(matmul(h, q, { transposeB: true }), 'float32'), labels), 'float16');
      };
      const { value, grads } = valueAndGrad(loss)(a, b);
      return [value, ...grads];
    }, 'MLP');
  });
});
