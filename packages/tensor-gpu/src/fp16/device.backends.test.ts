import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';
import { splitmix32 } from '../random';
import { backendOptions, backendsUnderTest, requireBackend } from '../testing/backends';

/** Adversarial float32 inputs for binary16 rounding: ties, subnormals, overflow edges, specials, random bits. */
function adversarialValues(n: number, seed: number): Float32Array {
  const next = splitmix32(seed);
  const out: number[] = [0, -0, Infinity, -Infinity, NaN, 65504, -65504, 65519.99, 65520, -65520, 65519, 2 ** -24, 2 ** -25, -(2 ** -25), 2 ** -25 * 1.0000001, 2 ** -14, 1023.5 * 2 ** -24, 1, -1, 2048 + 1, 2048 + 3];
  // Exact ties between neighbouring binary16 values, at many exponents, both parities.
  for (let e = -24; e < 15; e++) for (let m = 0; m < 8; m++) out.push(((2049 + 2 * m) / 2048) * 2 ** e, -((2050 + 2 * m) / 2048) * 2 ** e);
  const bits = new Uint32Array(1);
  const f = new Float32Array(bits.buffer);
  while (out.length < n) {
    const r = next();
    if (r < 0.4) {
      bits[0] = (next() * 4294967296) >>> 0; // random bit patterns (NaNs and f32 denormals included)
      out.push(f[0]);
    } else if (r < 0.6) out.push((next() - 0.5) * 2 ** -13); // subnormal range
    else if (r < 0.7) out.push((next() - 0.5) * 140000); // around the overflow threshold
    else out.push((next() - 0.5) * 2 ** Math.floor(next() * 40 - 20));
  }
  return Float32Array.from(out.slice(0, n));
}

const isF32Denormal = (v: number) => v !== 0 && Math.abs(v) < 2 ** -126;

for (const backend of backendsUnderTest()) {
  describe(`float16 emulation on ${backend}`, () => {
    let ok = false;
    beforeAll(async () => {
      ok = await requireBackend(backend);
      if (ok) await t.setBackend(backend, await backendOptions(backend));
    });

    it('device rounding is bit-exact with the host rounding', async (ctx) => {
      if (!ok) return ctx.skip();
      const input = adversarialValues(60000, 7);
      const expected = t.roundFloat32ArrayToFloat16(input);
      const x = t.tensor(input);
      const h = t.cast(x, 'float16');
      expect(h.dtype).toBe('float16');
      const got = await h.data();
      let mismatches = 0;
      let first = '';
      for (let i = 0; i < input.length; i++) {
        const e = expected[i];
        const g = got[i];
        // GPUs may flush float32 denormal inputs to zero (losing the sign of a result that is ±0 anyway).
        const same = Number.isNaN(e) ? Number.isNaN(g) : Object.is(g, e) || (isF32Denormal(input[i]) && g === 0 && e === 0);
        if (!same) {
          mismatches++;
          first ||= `input ${input[i]} -> ${g}, expected ${e}`;
        }
      }
      expect(mismatches, first).toBe(0);
      t.dispose([x, h]);
    });

    it('float16 ops round their results; mixed dtypes promote to float32', async (ctx) => {
      if (!ok) return ctx.skip();
      const next = splitmix32(3);
      const av = t.roundFloat32ArrayToFloat16(Float32Array.from({ length: 64 }, () => (next() - 0.5) * 8));
      const bv = t.roundFloat32ArrayToFloat16(Float32Array.from({ length: 64 }, () => (next() - 0.5) * 8));
      const a = t.tensor(av, [8, 8], 'float16');
      const b = t.tensor(bv, [8, 8], 'float16');
      const sum = t.add(a, b);
      const prod = t.mul(a, b);
      expect(sum.dtype).toBe('float16');
      expect(Array.from(await sum.data())).toEqual(Array.from(t.roundFloat32ArrayToFloat16(Float32Array.from(av, (v, i) => v + bv[i]))));
      expect(Array.from(await prod.data())).toEqual(Array.from(t.roundFloat32ArrayToFloat16(Float32Array.from(av, (v, i) => v * bv[i]))));
      const b32 = t.cast(b, 'float32');
      const mixed = t.add(a, b32);
      expect(mixed.dtype).toBe('float32');
      // Matmul: float32 accumulation rounded once by default, or rounded after every addition.
      const mm = t.matmul(a, b);
      const mmEach = t.matmul(a, b, { accumulate: 'float16' });
      const r = (v: number) => t.roundToFloat16(Math.fround(v));
      const once: number[] = [];
      const each: number[] = [];
      for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) {
        let acc32 = 0;
        let acc16 = 0;
        for (let k = 0; k < 8; k++) {
          acc32 = Math.fround(acc32 + Math.fround(av[i * 8 + k] * bv[k * 8 + j]));
          acc16 = r(acc16 + av[i * 8 + k] * bv[k * 8 + j]);
        }
        once.push(r(acc32));
        each.push(acc16);
      }
      expect(Array.from(await mm.data())).toEqual(once);
      expect(Array.from(await mmEach.data())).toEqual(each);
      t.dispose([a, b, sum, prod, b32, mixed, mm, mmEach]);
    });

    it('float16Stats counts underflow, subnormals and overflow on the device', async (ctx) => {
      if (!ok) return ctx.skip();
      const input = adversarialValues(20000, 11).map((v) => (Number.isFinite(v) ? v : 0));
      const x = t.tensor(input);
      const stats = await t.float16Stats(x);
      const rounded = t.roundFloat32ArrayToFloat16(input);
      let underflow = 0;
      let subnormal = 0;
      let overflow = 0;
      let nonZero = 0;
      input.forEach((v, i) => {
        if (v === 0) return;
        nonZero++;
        const r = rounded[i];
        if (r === 0) underflow++;
        else if (!Number.isFinite(r)) overflow++;
        else if (Math.abs(r) < 2 ** -14) subnormal++;
      });
      // float32 denormal inputs may read as zero on a GPU: they would underflow either way.
      const denormals = input.filter(isF32Denormal).length;
      expect(stats.count).toBe(input.length);
      expect(Math.abs(stats.nonZero - nonZero)).toBeLessThanOrEqual(denormals);
      expect(Math.abs(stats.underflow - underflow)).toBeLessThanOrEqual(denormals);
      expect(stats.subnormal).toBe(subnormal);
      expect(stats.overflow).toBe(overflow);
      expect(stats.nonFinite).toBe(0);
      x.dispose();
    });

    it('float16StatCounts keeps the counts on the device; non-finite values are counted apart from overflow', async (ctx) => {
      if (!ok) return ctx.skip();
      await t.expectNoLeaks(async () => {
        // No NaN here: WGSL lets a GPU assume there is none, so comparisons with NaN are not portable.
        const values = [0, 1, Infinity, -Infinity, 70000, -65520, 65519, t.FLOAT16_FLUSH_LIMIT, t.FLOAT16_MIN_SUBNORMAL, 3e-5, 2e-3];
        const x = t.tensor(values);
        const counts = t.float16StatCounts(x);
        expect(counts.shape).toEqual([5]);
        const stats = t.float16StatsFromCounts(values.length, await counts.data());
        // Host oracle: the bit-exact host rounding of each finite value.
        const finite = values.filter(Number.isFinite);
        const rounded = finite.map((v) => t.roundToFloat16(v));
        expect(stats).toEqual({
          count: values.length,
          nonZero: values.filter((v) => v !== 0).length,
          underflow: finite.filter((v, i) => v !== 0 && rounded[i] === 0).length,
          subnormal: rounded.filter((r) => r !== 0 && Math.abs(r) < t.FLOAT16_MIN_NORMAL).length,
          overflow: rounded.filter((r) => !Number.isFinite(r)).length,
          nonFinite: 2,
        });
        expect(await t.float16Stats(x)).toEqual(stats);
        t.dispose([x, counts]);
      });
    });
  });
}
