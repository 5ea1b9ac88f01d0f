import { describe, expect, it } from 'vitest';
import { valueAndGrad } from '../autodiff/grad';
import { Engine } from '../engine';
import type { ElementwiseOp } from '../kernels/elementwise';
import { tensor } from '../ops/creation';
import { exp, log, mul, sigmoid, tanh } from '../ops/elementwise';
import { sum } from '../ops/reduce';
import { splitmix32 } from '../random';
import type { Tensor } from '../tensor';
import { expectNoLeaks } from '../testing/leaks';
import { SimdInstance } from './simd-instance';
import { simdTranscendental } from './simd-transcendental';

// exp, log, tanh and sigmoid in WebAssembly SIMD, in Node and in Chromium, against float64
// oracles: every result within 1 float32 ulp of the float64 value, special values exact, and
// (what the float64-lane design promises) equal to the JavaScript loop's float32 result except
// where the float64 value lies within about 2^-49 of a float32 rounding boundary.

const ORACLES: Record<'exp' | 'log' | 'tanh' | 'sigmoid', (x: number) => number> = {
  exp: Math.exp,
  log: Math.log,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
};
type Op = keyof typeof ORACLES;

/** The spacing of float32 values at the magnitude of `v` (2^-149 among the denormals). */
function f32Ulp(v: number): number {
  const a = Math.abs(v);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** Inputs over the op's whole useful range, edges and specials first. */
function inputs(op: Op, n: number, seed: number): Float32Array {
  const next = splitmix32(seed);
  const edges = [0, -0, Infinity, -Infinity, NaN, 1, -1, 2 ** -149, -(2 ** -149), 2 ** -126, 1e-30, -1e-30, 3.4028234663852886e38, -3.4028234663852886e38];
  const byOp: Record<Op, number[]> = {
    // Overflow at ln(2^128) ≈ 88.7228, the last normal at -87.3365, the last denormal near -103.97.
    exp: [88.72283, 88.72284, 88.7, 89, -87.33654, -87.3366, -103.2789, -103.972, -103.9721, -104, 710, -746, 1e-8, -1e-8],
    log: [0.99999994, 1.0000001, 2, 0.5, Math.SQRT2, Math.SQRT1_2, 1e-45, 1e-40, 1e38, -2, -Infinity],
    tanh: [0.125, -0.125, 0.12499999, 1e-4, 9.01, 9.02, 20, 21, -20, 1e-38],
    sigmoid: [-87.33654, -88.72283, -103.2789, -103.972, -104, 16.63553, 17.32868, 36, 37, 710, -746],
  };
  const out = [...edges, ...byOp[op]];
  while (out.length < n) {
    const r = next();
    if (op === 'log') {
      const bits = new Uint32Array([(next() * 0x7f800000) >>> 0]); // every positive finite float32, denormals included
      out.push(new Float32Array(bits.buffer)[0]);
    } else if (r < 0.5) out.push((next() - 0.5) * (op === 'exp' || op === 'sigmoid' ? 240 : 24));
    else out.push((next() < 0.5 ? -1 : 1) * 2 ** (next() * 60 - 50));
  }
  return Float32Array.from(out.slice(0, n));
}

/** Checks `got` against the float64 oracle; returns how many differ from the JavaScript loop's float32 result. */
function check(op: Op, x: Float32Array, got: Float32Array): number {
  let differ = 0;
  for (let i = 0; i < x.length; i++) {
    const exact = ORACLES[op](x[i]);
    const js = Math.fround(exact);
    const where = `${op}(${x[i]}): got ${got[i]}, float64 ${exact}`;
    if (Number.isNaN(exact) || !Number.isFinite(js) || js === 0) {
      // NaN, overflow to ±∞, underflow to ±0 and signed zeros must be exactly what JavaScript stores.
      if (!Object.is(got[i], js)) throw new Error(`special value differs: ${where}`);
      continue;
    }
    if (!(Math.abs(got[i] - exact) <= f32Ulp(exact))) throw new Error(`more than 1 float32 ulp off: ${where}`);
    if (!Object.is(got[i], js)) differ++;
  }
  return differ;
}

describe('WebAssembly SIMD exp, log, tanh, sigmoid', () => {
  for (const op of Object.keys(ORACLES) as Op[]) {
    it(`${op}: within 1 float32 ulp of float64 on 2^18 values, specials exact, nearly always equal to Math.${op === 'sigmoid' ? 'exp-based sigmoid' : op} in float32`, () => {
      const s = new SimdInstance();
      const x = inputs(op, 1 << 18, 40 + op.length);
      const got = new Float32Array(x.length);
      simdTranscendental(s, op, x, got);
      // At most one in 2^16 may round to the other neighbour than JavaScript's (none in practice).
      expect(check(op, x, got)).toBeLessThanOrEqual(x.length >> 16);
      // Every length of tail (the scalar loop after the last full vector).
      for (let n = 0; n < 9; n++) {
        const part = new Float32Array(n);
        simdTranscendental(s, op, x.subarray(0, n), part);
        expect(check(op, x.subarray(0, n), part)).toBe(0);
      }
      s.release();
    });
  }

  it('rejects an op it does not have and an output of another length', () => {
    const s = new SimdInstance();
    expect(() => simdTranscendental(s, 'sqrt' as ElementwiseOp, new Float32Array(4), new Float32Array(4))).toThrow(/op must be one of exp, log, tanh, sigmoid, got 'sqrt'/);
    expect(() => simdTranscendental(s, 'exp', new Float32Array(4), new Float32Array(5))).toThrow(/out holds 5 values, x 4/);
    s.release();
  });

  it('runs the ops and their gradients on the cpu backend: values within 1 ulp of float64, gradients match the derivatives', async () => {
    const engine = new Engine();
    await engine.setBackend('cpu', { cpuKernels: 'wasm-simd' });
    const ops: [Op, (x: Tensor) => Tensor, (x: number) => number][] = [
      ['exp', exp, Math.exp],
      ['log', log, (v) => 1 / v],
      ['tanh', tanh, (v) => 1 - Math.tanh(v) ** 2],
      ['sigmoid', sigmoid, (v) => Math.exp(-v) / (1 + Math.exp(-v)) ** 2],
    ];
    await expectNoLeaks(async () => {
      for (const [name, f, derivative] of ops) {
        const next = splitmix32(90 + name.length);
        const n = 1000;
        const xs = Float32Array.from({ length: n }, () => (name === 'log' ? 0.05 + 4 * next() : 8 * next() - 4));
        const gs = Float32Array.from({ length: n }, () => 2 * next() - 1);
        const x = tensor(engine, xs);
        const g = tensor(engine, gs);
        const y = f(x);
        check(name, xs, await y.data());
        const { value, grads } = valueAndGrad((a: Tensor) => sum(mul(f(a), g)))(x);
        const dx = await grads[0].data();
        for (let i = 0; i < n; i++) {
          const want = gs[i] * derivative(xs[i]);
          // A few float32 roundings of the chain rule's products and of y itself.
          if (!(Math.abs(dx[i] - want) <= 4e-6 * (1 + Math.abs(want)))) throw new Error(`${name}' at ${xs[i]}: got ${dx[i]}, float64 ${want}`);
        }
        for (const z of [x, g, y, value, ...grads]) z.dispose();
      }
    }, engine);
    engine.destroy();
  });
});
