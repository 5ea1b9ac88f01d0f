import { describe, expect, it } from 'vitest';
import { valueAndGrad } from '../autodiff/grad';
import { Engine } from '../engine';
import { hostReduce } from '../kernels/host-reduce';
import { REDUCE_OPS, type ReduceOp, type ReduceParams } from '../kernels/reduce';
import { tensor } from '../ops/creation';
import { mul } from '../ops/elementwise';
import { argmax, argmin, max, mean, min, sum } from '../ops/reduce';
import { splitmix32 } from '../random';
import type { Tensor } from '../tensor';
import { expectNoLeaks } from '../testing/leaks';
import { SimdInstance } from './simd-instance';
import { simdReduce } from './simd-reduce';
import { WasmHeap } from './wasm-heap';

// The reductions in WebAssembly SIMD, in Node and in Chromium: sum and mean against a float64
// oracle within the bound their summation order gives (assembly/reduce.ts), max, min, argmax and
// argmin bit for bit against the JavaScript loop and an independent oracle (NaN, ±0, ties
// included); then every axis set of ranks 1–4 through the cpu backend with both kernel sets.

const U = 2 ** -24;
/** Each float32 lane adds at most 16 values (15 roundings) before float64 takes over. */
const LANE_ROUNDINGS = 15;

function values(n: number, seed: number, integers = false): Float32Array {
  const next = splitmix32(seed);
  // Small integers tie often: they exercise the first-extreme rules.
  return Float32Array.from({ length: n }, () => (integers ? Math.floor(5 * next()) - 2 : Math.fround(2 * next() - 1)));
}

/** Float64 value of `op` over the middle (and leading) axis of `[lead, outer, reduce, inner]`, and Σ|x| per output (for the sum bound). */
function oracle(op: ReduceOp, x: Float32Array, { outer, reduce, inner, lead = 1 }: ReduceParams): { want: Float64Array; magnitude: Float64Array } {
  const want = new Float64Array(outer * inner);
  const magnitude = new Float64Array(outer * inner);
  const count = lead * reduce;
  for (let p = 0; p < outer; p++) {
    for (let i = 0; i < inner; i++) {
      // The j-th reduced value in row-major order: l = j div reduce, k = j mod reduce.
      const at = (j: number) => x[((Math.floor(j / reduce) * outer + p) * reduce + (j % reduce)) * inner + i];
      let r = 0;
      if (op === 'sum' || op === 'mean') {
        for (let j = 0; j < count; j++) {
          r += at(j);
          magnitude[p * inner + i] += Math.abs(at(j));
        }
        if (op === 'mean') r /= count;
      } else {
        // The first value, replaced only by a strictly greater (less) one; arg ops keep its index.
        let best = 0;
        const wins = (v: number, w: number) => (op === 'max' || op === 'argmax' ? v > w : v < w);
        for (let j = 1; j < count; j++) if (wins(at(j), at(best))) best = j;
        r = op === 'argmax' || op === 'argmin' ? best : at(best);
      }
      want[p * inner + i] = r;
    }
  }
  return { want, magnitude };
}

/** Throws unless `got` is `op` of `x` per the float64 oracle: within the sum bound, else bit for bit. */
function expectReduction(op: ReduceOp, x: Float32Array, got: Float32Array, params: ReduceParams, what: string): void {
  const { want, magnitude } = oracle(op, x, params);
  const divisor = op === 'mean' ? params.reduce * (params.lead ?? 1) : 1;
  for (let o = 0; o < want.length; o++) {
    if (op === 'sum' || op === 'mean') {
      const bound = (LANE_ROUNDINGS * U * magnitude[o]) / divisor + Math.abs(want[o]) * U + 2 ** -149;
      if (!(Math.abs(got[o] - want[o]) <= bound)) throw new Error(`${what} ${op} at ${o}: got ${got[o]}, float64 ${want[o]} (bound ${bound})`);
    } else if (!Object.is(got[o], Math.fround(want[o]))) {
      throw new Error(`${what} ${op} at ${o}: got ${got[o]}, expected ${want[o]}`);
    }
  }
}

describe('WebAssembly SIMD reductions', () => {
  it('match the float64 oracle on [lead, outer, reduce, inner] views across the lane, vector and block edges', () => {
    const s = new SimdInstance();
    let seed = 1;
    for (const reduce of [1, 3, 4, 5, 15, 16, 17, 63, 255, 256, 257, 1000, 4099]) {
      for (const inner of [1, 2, 3, 5, 17, 21, 36]) {
        for (const [outer, lead] of [[1, 1], [3, 1], [3, 2], [1, 5]]) {
          const params = { outer, reduce, inner, lead };
          for (const op of REDUCE_OPS) {
            if (lead > 1 && (op === 'argmax' || op === 'argmin')) continue;
            const x = values(lead * outer * reduce * inner, seed++, op !== 'sum' && op !== 'mean');
            const out = new Float32Array(outer * inner);
            simdReduce(s, x, out, { op, ...params });
            expectReduction(op, x, out, { op, ...params }, `[${lead}, ${outer}, ${reduce}, ${inner}]`);
            if (op !== 'sum' && op !== 'mean') {
              const loop = new Float32Array(out.length);
              hostReduce([x], loop, [], { op, ...params });
              expect(out).toEqual(loop);
            }
          }
        }
      }
    }
    s.release();
  });

  it('keep float64 accuracy where one float32 accumulator would not: 2²⁴ followed by 100000 ones', () => {
    const s = new SimdInstance();
    const n = 100001;
    const x = new Float32Array(n).fill(1);
    x[0] = 2 ** 24; // a float32 running sum stays at 2^24: 1 is below half its ulp
    for (const [outer, reduce, inner, at] of [[1, n, 1, 0], [1, n, 3, 0]] as const) {
      const input = new Float32Array(outer * reduce * inner);
      for (let k = 0; k < reduce; k++) for (let i = 0; i < inner; i++) input[k * inner + i] = x[k];
      const out = new Float32Array(outer * inner);
      simdReduce(s, input, out, { op: 'sum', outer, reduce, inner });
      // Exact: 16877216. Only the lanes' 15 ones next to 2^24 round away (ties to even).
      expect(Math.abs(out[at] - (2 ** 24 + 100000))).toBeLessThanOrEqual(16);
    }
    s.release();
  });

  it('treat NaN, ±Infinity and ±0 as the JavaScript loop does', () => {
    const s = new SimdInstance();
    const rows: number[][] = [
      [NaN, 1, 2, 3, 4, 5, 6, 7, 8], // NaN first: max, min NaN; arg ops 0
      [1, NaN, 9, 3, 4, 5, NaN, -7, 8], // a later NaN is never an extreme
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, NaN],
      [-1, -0, 0, -2, 0, -0, -3, -4, -5], // max: the first zero wins (-0)
      [-1, 0, -0, -2, -0, 0, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13], // max: +0
      [1, 0, -0, 2, 3, 4, 5, 6, 7], // min: +0
      [Infinity, 1, -Infinity, 2, 3, 4, 5, 6, 7], // sum NaN
      [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity],
      [-0, -0, -0, -0, -0, -0], // sum +0, as float64 0 + -0
    ];
    for (const row of rows) {
      const n = row.length;
      for (const inner of [1, 5]) {
        // The row down every column (strided), and along each row (inner == 1).
        const x = new Float32Array(n * inner);
        for (let k = 0; k < n; k++) for (let i = 0; i < inner; i++) x[k * inner + i] = row[k];
        for (const op of REDUCE_OPS) {
          const params = { op, outer: 1, reduce: n, inner };
          const out = new Float32Array(inner);
          const loop = new Float32Array(inner);
          simdReduce(s, x, out, params);
          hostReduce([x], loop, [], params);
          for (let i = 0; i < inner; i++) if (!Object.is(out[i], loop[i])) throw new Error(`${op} of [${row}] (inner ${inner}): got ${out[i]}, the loop ${loop[i]}`);
        }
      }
    }
    s.release();
  });

  it('over a leading axis too: NaN only when the run starts with it, ±0 from the first zero in row-major order', () => {
    const s = new SimdInstance();
    // [lead 3, outer 1, reduce 9]: rows l = 0, 1, 2 of one output.
    const runs: number[][][] = [
      [[1, 2, 3, 4, 5, 6, 7, 8, 9], [NaN, 20, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 5, 6, 7, 8, -30]], // a later row starting with NaN counts its other values
      [[NaN, 2, 3, 4, 5, 6, 7, 8, 9], [1, 20, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 5, 6, 7, 8, -30]],
      [[-1, -2, -3, -4, -5, -6, -7, -8, -9], [-1, -1, -0, -1, 0, -1, -1, -1, -1], [0, -1, -1, -1, -1, -1, -1, -1, -1]],
      [[1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 1, 1, 1, 1, 1, 1, 1], [0, 1, 1, -0, 1, 1, 1, 1, 1]],
    ];
    for (const run of runs) {
      for (const inner of [1, 5]) {
        const x = new Float32Array(27 * inner);
        run.flat().forEach((v, j) => x.fill(v, j * inner, (j + 1) * inner));
        for (const op of ['sum', 'mean', 'max', 'min'] as const) {
          const params = { op, outer: 1, reduce: 9, inner, lead: 3 };
          const out = new Float32Array(inner);
          const loop = new Float32Array(inner);
          simdReduce(s, x, out, params);
          hostReduce([x], loop, [], params);
          for (let i = 0; i < inner; i++) if (!Object.is(out[i], loop[i])) throw new Error(`${op} of ${JSON.stringify(run)} (inner ${inner}): got ${out[i]}, the loop ${loop[i]}`);
        }
      }
    }
    s.release();
  });

  // Tensors live in a shared memory (Node; browsers only when cross-origin isolated).
  it.runIf(typeof SharedArrayBuffer === 'function' && globalThis.crossOriginIsolated !== false)('reads operands in the heap in place and gives its scratch back', () => {
    const heap = new WasmHeap(true);
    const s = new SimdInstance({ heap });
    const [x, out] = [64 * 784, 784].map((n) => heap.take(n));
    x.set(values(x.length, 9));
    const scratch = () => heap.bytesInUse - heap.arrayBytes;
    simdReduce(s, x, out, { op: 'sum', outer: 1, reduce: 64, inner: 784 });
    const inPlace = scratch();
    const copied = new Float32Array(784);
    simdReduce(s, Float32Array.from(x), copied, { op: 'sum', outer: 1, reduce: 64, inner: 784 });
    expect(copied).toEqual(out);
    expect(scratch() - inPlace).toBeGreaterThanOrEqual(4 * (x.length + out.length));
    s.release();
    expect(scratch()).toBe(0);
    for (const v of [x, out]) heap.give(v);
    expect(heap.bytesInUse).toBe(0);
    heap.release();
  });

  it('reject bad parameters and arrays that do not fit them, naming them', () => {
    const s = new SimdInstance();
    const x = new Float32Array(6);
    expect(() => simdReduce(s, x, new Float32Array(2), { op: 'prod' as ReduceOp, outer: 2, reduce: 3, inner: 1 })).toThrow(/params\.op must be one of sum, mean/);
    expect(() => simdReduce(s, x, new Float32Array(2), { op: 'sum', outer: 2, reduce: 3.5, inner: 1 })).toThrow(/params\.reduce must be a non-negative integer, got 3\.5/);
    expect(() => simdReduce(s, x, new Float32Array(2), { op: 'max', outer: 2, reduce: 0, inner: 1 })).toThrow(/params\.reduce and params\.lead must be positive/);
    expect(() => simdReduce(s, x, new Float32Array(1), { op: 'sum', outer: 2, reduce: 3, inner: 1 })).toThrow(/needs an input of 1·2·3·1 values and an output of 2·1, got 6 and 1/);
    expect(() => simdReduce(s, x, new Float32Array(1), { op: 'argmax', outer: 1, reduce: 3, inner: 1, lead: 2 })).toThrow(/params\.lead must be 1/);
    const zeros = new Float32Array(2).fill(7);
    simdReduce(s, x, zeros, { op: 'sum', outer: 2, reduce: 0, inner: 1 });
    expect(Array.from(zeros)).toEqual([0, 0]);
    s.release();
  });
});

/** Every subset of `rank` axes, the empty one included. */
function axisSets(rank: number): number[][] {
  return Array.from({ length: 2 ** rank }, (_, bits) => Array.from({ length: rank }, (_, a) => a).filter((a) => bits & (1 << a)));
}

/** Float64 reduction of `x` (shape `shape`) over `axes`: row-major order, the first extreme winning. */
function axesOracle(op: 'sum' | 'mean' | 'max' | 'min', x: Float32Array, shape: readonly number[], axes: readonly number[]): { want: Float64Array; magnitude: Float64Array; count: number } {
  const kept = shape.map((_, a) => a).filter((a) => !axes.includes(a));
  const outSize = kept.reduce((n, a) => n * shape[a], 1);
  const want = new Float64Array(outSize);
  const magnitude = new Float64Array(outSize);
  const seen = new Uint8Array(outSize);
  const count = axes.reduce((n, a) => n * shape[a], 1);
  const coord = new Array(shape.length).fill(0);
  for (let i = 0; i < x.length; i++) {
    let o = 0;
    for (const a of kept) o = o * shape[a] + coord[a];
    const v = x[i];
    if (op === 'sum' || op === 'mean') {
      want[o] += v;
      magnitude[o] += Math.abs(v);
    } else if (!seen[o] || (op === 'max' ? v > want[o] : v < want[o])) want[o] = v;
    seen[o] = 1;
    for (let a = shape.length - 1; a >= 0 && ++coord[a] === shape[a]; a--) coord[a] = 0;
  }
  if (op === 'mean') for (let o = 0; o < outSize; o++) want[o] /= count;
  return { want, magnitude, count };
}

/** Odd sizes, and more than 256 values: past the size below which the cpu backend runs its JavaScript loop. */
const SHAPES = [[263], [13, 21], [7, 9, 11], [3, 5, 7, 9]];

for (const kernels of ['wasm-simd', 'js'] as const) {
  describe(`reductions on the cpu backend (${kernels})`, () => {
    it('sum, mean, max, min over every axis set of ranks 1–4 (odd sizes), with and without keepDims, against float64', async () => {
      const engine = new Engine();
      await engine.setBackend('cpu', { cpuKernels: kernels });
      await expectNoLeaks(async () => {
        let seed = 100;
        for (const shape of SHAPES) {
          for (const axes of axisSets(shape.length)) {
            for (const keepDims of [false, true]) {
              for (const [op, fn] of [['sum', sum], ['mean', mean], ['max', max], ['min', min]] as const) {
                const xs = values(shape.reduce((n, d) => n * d, 1), seed++, op === 'max' || op === 'min');
                const x = tensor(engine, xs, shape);
                const y = fn(x, axes, keepDims);
                const what = `${op} of [${shape}] over [${axes}]${keepDims ? ' (keepDims)' : ''}`;
                const wantShape = axes.length === 0 ? shape : shape.flatMap((d, a) => (axes.includes(a) ? (keepDims ? [1] : []) : [d]));
                expect(y.shape, what).toEqual(wantShape);
                const got = await y.data();
                const { want, magnitude, count } = axesOracle(op, xs, shape, axes);
                for (let o = 0; o < want.length; o++) {
                  const bound = op === 'sum' || op === 'mean' ? (LANE_ROUNDINGS * U * magnitude[o]) / (op === 'mean' ? count : 1) + Math.abs(want[o]) * U : 0;
                  if (!(Math.abs(got[o] - want[o]) <= bound)) throw new Error(`${what} at ${o}: got ${got[o]}, float64 ${want[o]}`);
                }
                x.dispose();
                y.dispose();
              }
            }
          }
        }
      }, engine);
      engine.destroy();
    });

    it('argmax and argmin over each axis give the first extreme (ties, NaN)', async () => {
      const engine = new Engine();
      await engine.setBackend('cpu', { cpuKernels: kernels });
      await expectNoLeaks(async () => {
        const shape = [3, 5, 7, 9];
        const xs = values(3 * 5 * 7 * 9, 5, true);
        xs[0] = NaN; // first along every axis of output 0: index 0
        xs[9 * 7 * 5 + 1] = NaN; // later along axis 0: never an extreme
        const x = tensor(engine, xs, shape);
        for (let axis = 0; axis < 4; axis++) {
          for (const [op, fn] of [['argmax', argmax], ['argmin', argmin]] as const) {
            const y = fn(x, axis);
            const got = await y.data();
            const inner = shape.slice(axis + 1).reduce((n, d) => n * d, 1);
            const outer = shape.slice(0, axis).reduce((n, d) => n * d, 1);
            const { want } = oracle(op, xs, { op, outer, reduce: shape[axis], inner });
            expect(Array.from(got), `${op} over axis ${axis}`).toEqual(Array.from(want));
            y.dispose();
          }
        }
        x.dispose();
      }, engine);
      engine.destroy();
    });
  });
}

describe('gradients through reductions do not depend on the cpu kernels', () => {
  it('sum, mean, max, min: the WebAssembly kernels give the JavaScript kernels\' gradients bit for bit', async () => {
    const grads: Float32Array[][] = [];
    for (const kernels of ['wasm-simd', 'js'] as const) {
      const engine = new Engine();
      await engine.setBackend('cpu', { cpuKernels: kernels });
      const found = await expectNoLeaks(async () => {
        const x = tensor(engine, values(3 * 5 * 7 * 9, 11, true), [3, 5, 7, 9]);
        const w = tensor(engine, values(5 * 9, 12), [5, 1, 9]);
        const out: Float32Array[] = [];
        for (const [fn, axes] of [[sum, [0, 2]], [mean, [1, 3]], [max, [0, 2]], [min, [3]], [max, undefined]] as const) {
          const f = (a: Tensor) => sum(mul(fn(a, axes as number[] | undefined, true), axes === undefined ? 1 : w));
          const { value, grads: [g] } = valueAndGrad(f)(x);
          out.push(await g.data());
          value.dispose();
          g.dispose();
        }
        x.dispose();
        w.dispose();
        return out;
      }, engine);
      grads.push(found);
      engine.destroy();
    }
    grads[0].forEach((g, i) => expect(g, `gradient ${i}`).toEqual(grads[1][i]));
  });
});
