import { describe, expect, it } from 'vitest';
import type { MatmulGeometry } from '../kernels/matmul';
import { splitmix32 } from '../random';
import { isWasmSimdAvailable } from './kernels-module';
import { WasmSimdKernels } from './simd-kernels';

// The WebAssembly SIMD product on its own, in Node and in Chromium, against two independent
// oracles: the float64 product with a rigorous float32 error bound, and a float32 emulation of the
// summation order the kernel promises (k in order, separate multiply and add), which must match
// bit for bit whatever the blocking.

const U = 2 ** -24;

function values(n: number, seed: number): Float32Array {
  const next = splitmix32(seed);
  return Float32Array.from({ length: n }, () => Math.fround(2 * next() - 1));
}

/** Element (i, k) of op(A) and (k, j) of op(B) for batch entry bi. */
function reader(g: MatmulGeometry, a: Float32Array, b: Float32Array) {
  const { m, n, p } = g;
  return {
    a: (bi: number, i: number, k: number) => a[bi * g.aBatchStride + (g.transposeA ? k * m + i : i * n + k)],
    b: (bi: number, k: number, j: number) => b[bi * g.bBatchStride + (g.transposeB ? j * n + k : k * p + j)],
  };
}

/** Checks `out` against float64 (|err| ≤ γ_n Σ|a||b|) and against in-order float32 (bit-exact). */
function expectProduct(g: MatmulGeometry, a: Float32Array, b: Float32Array, out: Float32Array): void {
  const r = reader(g, a, b);
  const gamma = (g.n * U) / (1 - g.n * U);
  for (let bi = 0; bi < g.batch; bi++) {
    for (let i = 0; i < g.m; i++) {
      for (let j = 0; j < g.p; j++) {
        let exact = 0;
        let magnitude = 0;
        let ordered = 0;
        for (let k = 0; k < g.n; k++) {
          const t = r.a(bi, i, k) * r.b(bi, k, j);
          exact += t;
          magnitude += Math.abs(t);
          ordered = Math.fround(ordered + Math.fround(t));
        }
        const got = out[(bi * g.m + i) * g.p + j];
        const where = `[${bi},${i},${j}] of ${JSON.stringify(g)}`;
        if (!(Math.abs(got - exact) <= gamma * magnitude)) throw new Error(`float64 bound violated at ${where}: got ${got}, exact ${exact}`);
        if (!Object.is(got, ordered)) throw new Error(`summation order differs at ${where}: got ${got}, in-order float32 ${ordered}`);
      }
    }
  }
}

function run(kernels: WasmSimdKernels, g: MatmulGeometry, seed: number): void {
  const a = values(g.aBatchStride === 0 ? g.m * g.n : g.batch * g.m * g.n, seed);
  const b = values(g.bBatchStride === 0 ? g.n * g.p : g.batch * g.n * g.p, seed + 1);
  const out = new Float32Array(g.batch * g.m * g.p).fill(Number.NaN);
  kernels.matmul(a, b, out, g);
  expectProduct(g, a, b, out);
}

const geometry = (batch: number, m: number, n: number, p: number, transposeA: boolean, transposeB: boolean, sharedA = false, sharedB = false): MatmulGeometry => ({
  batch, m, n, p, transposeA, transposeB, aBatchStride: sharedA ? 0 : m * n, bBatchStride: sharedB ? 0 : n * p,
});

const TRANSPOSES: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

describe('WebAssembly SIMD matmul', () => {
  it('is available in this engine', () => {
    expect(isWasmSimdAvailable()).toBe(true);
  });

  it('matches the oracles over odd shapes and every transpose', () => {
    const kernels = new WasmSimdKernels();
    const sizes = [1, 3, 7, 17, 65];
    let seed = 1;
    for (const [ta, tb] of TRANSPOSES) {
      for (const m of sizes) for (const n of sizes) for (const p of sizes) run(kernels, geometry(1, m, n, p, ta, tb), seed++);
    }
    kernels.dispose();
  });

  it('matches the oracles across the cache blocks (k > 512 in 2 and 3 slices, rows > 128, columns > 2048)', () => {
    const kernels = new WasmSimdKernels();
    let seed = 500;
    for (const [ta, tb] of TRANSPOSES) {
      run(kernels, geometry(1, 133, 517, 37, ta, tb), seed++);
      run(kernels, geometry(1, 9, 1031, 19, ta, tb), seed++);
      run(kernels, geometry(1, 5, 300, 2063, ta, tb), seed++);
    }
    kernels.dispose();
  });

  it('handles batches with either operand shared (batch stride 0)', () => {
    const kernels = new WasmSimdKernels();
    let seed = 900;
    for (const [ta, tb] of TRANSPOSES) {
      for (const [sa, sb] of [[false, false], [true, false], [false, true]]) run(kernels, geometry(3, 9, 33, 11, ta, tb, sa, sb), seed++);
    }
    kernels.dispose();
  });

  it('writes zeros for an empty inner dimension and nothing for an empty output', () => {
    const kernels = new WasmSimdKernels();
    const out = new Float32Array(6).fill(7);
    kernels.matmul(new Float32Array(0), new Float32Array(0), out, geometry(2, 1, 0, 3, false, false));
    expect([...out]).toEqual([0, 0, 0, 0, 0, 0]);
    kernels.matmul(new Float32Array(0), new Float32Array(12), new Float32Array(0), geometry(1, 0, 4, 3, false, false));
    kernels.dispose();
  });

  it('reuses its memory: repeated calls do not grow it, and a disposed instance refuses work', () => {
    const kernels = new WasmSimdKernels();
    const g = geometry(2, 40, 70, 30, false, true);
    run(kernels, g, 1200);
    const settled = kernels.heapBytes;
    expect(settled).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) run(kernels, g, 1201 + i);
    run(kernels, geometry(1, 8, 8, 8, true, false), 1300);
    expect(kernels.heapBytes).toBe(settled);
    kernels.dispose();
    expect(kernels.heapBytes).toBe(0);
    expect(() => run(kernels, g, 1400)).toThrow(/disposed/);
  });

  it('rejects arrays too short for the geometry, naming the argument', () => {
    const kernels = new WasmSimdKernels();
    const g = geometry(2, 3, 4, 5, false, false);
    const a = new Float32Array(24), b = new Float32Array(40), out = new Float32Array(30);
    expect(() => kernels.matmul(a.subarray(1), b, out, g)).toThrow(/\ba holds 23 values, the geometry needs 24/);
    expect(() => kernels.matmul(a, b.subarray(1), out, g)).toThrow(/\bb holds 39 values/);
    expect(() => kernels.matmul(a, b, out.subarray(1), g)).toThrow(/\bout holds 29 values/);
    expect(() => kernels.matmul(a, b, out, { ...g, m: 2.5 })).toThrow(/geometry\.m must be a non-negative integer/);
    kernels.dispose();
  });
});
