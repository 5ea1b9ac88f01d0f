import { f16round } from '@petamoriken/float16';
import { describe, expect, it } from 'vitest';
import { Engine } from '../engine';
import { roundFloat32ArrayToFloat16 } from '../fp16/host';
import { cast } from '../ops/cast';
import { tensor } from '../ops/creation';
import { splitmix32 } from '../random';
import { expectNoLeaks } from '../testing/leaks';
import { simdRoundFloat16 } from './simd-fp16';
import { SimdInstance } from './simd-instance';

// The WebAssembly SIMD binary16 rounding, in Node and in Chromium, bit for bit against the host
// rounding of src/fp16/host.ts (and, for non-NaN values, against @petamoriken/float16's f16round).

/** Every half, its float32 neighbours, the midpoints to the next half and their neighbours, both signs. */
function aroundEveryHalf(): Uint32Array {
  const f32 = new Float32Array(1);
  const bits = new Uint32Array(f32.buffer);
  const out: number[] = [];
  const halfValue = (h: number) => {
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    return e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15);
  };
  for (let h = 0; h < 0x7c00; h++) {
    const v = halfValue(h);
    const next = h + 1 < 0x7c00 ? halfValue(h + 1) : 65536;
    for (const point of [v, (v + next) / 2]) {
      f32[0] = point;
      const b = bits[0];
      for (const d of [-1, 0, 1]) {
        const u = (b + d) >>> 0;
        out.push(u, (u | 0x80000000) >>> 0);
      }
    }
  }
  return Uint32Array.from(out);
}

function randomBits(n: number, seed: number): Uint32Array {
  const next = splitmix32(seed);
  return Uint32Array.from({ length: n }, () => (next() * 4294967296) >>> 0);
}

/** Rounds `bits` (as float32 values) with the SIMD kernel and the host, and returns the indices where the bits differ. */
function mismatches(s: SimdInstance, bits: Uint32Array): number[] {
  const x = new Float32Array(bits.buffer);
  const got = new Float32Array(x.length);
  simdRoundFloat16(s, x, got);
  const want = new Uint32Array(roundFloat32ArrayToFloat16(x).buffer);
  const gotBits = new Uint32Array(got.buffer);
  const bad: number[] = [];
  for (let i = 0; i < bits.length; i++) if (gotBits[i] !== want[i]) bad.push(i);
  return bad;
}

describe('WebAssembly SIMD binary16 rounding', () => {
  it('equals the host rounding bit for bit around every half: values, midpoints (ties) and their float32 neighbours', () => {
    const s = new SimdInstance();
    const bits = aroundEveryHalf();
    expect(bits.length).toBeGreaterThan(0x7c00 * 12 - 1);
    expect(mismatches(s, bits)).toEqual([]);
    s.release();
  });

  it('equals the host rounding on 2^21 random bit patterns (NaN payloads, infinities, float32 denormals) and every array tail', () => {
    const s = new SimdInstance();
    const bits = randomBits(1 << 21, 16);
    bits.set([0x7f800000, 0xff800000, 0x7fc00000, 0xffbfffff, 0x7f800001, 0x00000001, 0x80000001, 0x477fefff, 0x477ff000, 0x33000000, 0x33000001], 0);
    expect(mismatches(s, bits)).toEqual([]);
    for (let n = 0; n < 9; n++) expect(mismatches(s, bits.slice(0, n))).toEqual([]);
    s.release();
  });

  it('agrees with an independent binary16 library on every non-NaN value', () => {
    const s = new SimdInstance();
    const x = new Float32Array(randomBits(1 << 16, 17).buffer);
    const got = new Float32Array(x.length);
    simdRoundFloat16(s, x, got);
    for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]) && !Object.is(got[i], f16round(x[i]))) throw new Error(`${x[i]}: got ${got[i]}, f16round ${f16round(x[i])}`);
    s.release();
  });

  it('rejects an output of another length', () => {
    const s = new SimdInstance();
    expect(() => simdRoundFloat16(s, new Float32Array(4), new Float32Array(3))).toThrow(/out holds 3 values, x 4/);
    s.release();
  });

  it("runs cast(x, 'float16') on the cpu backend: the same bits with the WebAssembly and the JavaScript kernels, and the gradient", async () => {
    const x = new Float32Array(randomBits(5000, 18).buffer).map((v) => (Number.isNaN(v) ? 1.5 : v));
    const results: Float32Array[] = [];
    for (const kernels of ['wasm-simd', 'js'] as const) {
      const engine = new Engine();
      await engine.setBackend('cpu', { cpuKernels: kernels });
      await expectNoLeaks(async () => {
        for (const n of [x.length, 100]) {
          const a = tensor(engine, x.subarray(0, n));
          const h = cast(a, 'float16');
          expect(h.dtype).toBe('float16');
          const values = await h.data();
          if (n === x.length) results.push(values);
          else expect(values).toEqual(roundFloat32ArrayToFloat16(x.subarray(0, n)));
          a.dispose();
          h.dispose();
        }
      }, engine);
      engine.destroy();
    }
    expect(new Uint32Array(results[0].buffer)).toEqual(new Uint32Array(roundFloat32ArrayToFloat16(x).buffer));
    expect(new Uint32Array(results[1].buffer)).toEqual(new Uint32Array(results[0].buffer));
  });
});
