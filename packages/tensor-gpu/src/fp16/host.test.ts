import { describe, it, expect } from 'vitest';
import { f16round, getFloat16, setFloat16 } from '@petamoriken/float16';
import { fromFloat16Bits, roundFloat32ArrayToFloat16, roundToFloat16, toFloat16Bits } from './host';
import { seededUint32 } from '../testing/seeded-uint32';

// ---------------------------------------------------------------------------------------------
// Helpers

const rng = seededUint32;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 with bit pattern `bits`, as a number. */
function fromBits32(bits: number): number {
  u32[0] = bits >>> 0;
  return f32[0];
}

/** The bit pattern of `Math.fround(x)`. */
function bits32(x: number): number {
  f32[0] = x;
  return u32[0];
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** The float64 `steps` representable numbers away from `x` (x finite, not crossing zero). */
function stepFloat64(x: number, steps: number): number {
  f64[0] = x;
  u64[0] += BigInt(steps) * (x < 0 ? -1n : 1n);
  return f64[0];
}

const hex = (n: number, w: number) => '0x' + (n >>> 0).toString(16).padStart(w, '0');

/** Half bit patterns from the oracle (@petamoriken/float16 setFloat16), for non-NaN inputs. */
function oracleHalfBits(a: Float32Array): Uint16Array {
  const out = new Uint16Array(a.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) setFloat16(view, 2 * i, a[i], true);
  return out;
}

/** The half NaN our rule demands for the float32 NaN with bits `u`. */
function expectedHalfNaN(u: number): number {
  return ((u >>> 16) & 0x8000) | 0x7c00 | 0x200 | ((u >>> 13) & 0x3ff);
}

/**
 * Independent exact reference for rounding a float64 to binary16, with plain arithmetic:
 * find the binade by powers of two, scale to an integer count of half ulps (exact, a power-of-two
 * scale), and round the fraction half to even explicitly.
 */
function refRoundToFloat16(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === 0 || !Number.isFinite(x)) return x;
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  let e = 0;
  while (Math.pow(2, e) > ax) e--;
  while (Math.pow(2, e + 1) <= ax) e++;
  const spacing = Math.pow(2, Math.max(e, -14) - 10);
  const n = ax / spacing;
  const floor = Math.floor(n);
  const frac = n - floor;
  const m = frac > 0.5 ? floor + 1 : frac < 0.5 ? floor : floor % 2 === 0 ? floor : floor + 1;
  const r = m * spacing;
  return r > 65504 ? sign * Infinity : sign * r;
}

// ---------------------------------------------------------------------------------------------
// The float32 test set (>= 1e6 values)

interface CaseSet {
  values: Float32Array;
  counts: Record<string, number>;
}

function buildCases(): CaseSet {
  const bits: number[] = [];
  const counts: Record<string, number> = {};
  const add = (name: string, list: number[]) => {
    counts[name] = list.length;
    for (const b of list) bits.push(b >>> 0);
  };
  const withNeg = (list: number[]) => list.flatMap((b) => [b >>> 0, (b | 0x80000000) >>> 0]);
  const next = rng(0x5eed16);

  const random: number[] = [];
  for (let i = 0; i < 700_000; i++) random.push(next());
  add('random bit patterns', random);

  // Exact ties between every pair of adjacent finite halves (both even and odd low bits),
  // and the float32 neighbours just below and above each tie.
  const ties: number[] = [];
  for (let h = 0; h < 0x7c00; h++) {
    const t = h < 0x400 ? bits32((h + 0.5) * 2 ** -24) : (((h + 0x1c000) << 13) + 0x1000) >>> 0;
    ties.push(t, t - 1, t + 1);
  }
  add('ties and neighbours', withNeg(ties));

  const sub: number[] = [];
  for (let i = 0; i < 100_000; i++) {
    const mag = Math.exp(Math.log(1e-8) + (next() / 2 ** 32) * (Math.log(6.1e-5) - Math.log(1e-8)));
    sub.push(bits32(mag) | (next() & 0x80000000));
  }
  for (const b of [0x33000000, 0x33800000, 0x38800000, 0x387fc000, 0x387fe000, 0x33c00000]) {
    for (let d = -3; d <= 3; d++) sub.push(...withNeg([b + d]));
  }
  add('subnormal range', sub);

  const edges: number[] = [];
  for (const x of [65504, 65519.99, 65520, 65536, 65535, 1e5, 3.4028234663852886e38, 1, 2, 0.5, 2 ** -14]) {
    for (let d = -2; d <= 2; d++) edges.push(...withNeg([bits32(x) + d]));
  }
  edges.push(...withNeg([0, 0x7f800000]));
  add('edges, zeros, infinities', edges);

  const denormals: number[] = [1, 2, 0x7fffff, 0x400000];
  for (let i = 0; i < 50_000; i++) denormals.push(next() & 0x7fffff);
  add('float32 denormals', withNeg(denormals));

  const nans: number[] = [0x7f800001, 0x7fc00000, 0x7fffffff, 0x7fbfffff, 0x7f802000, 0x7f801fff, 0x7fc00001];
  for (let i = 0; i < 25_000; i++) {
    const m = next() & 0x3fffff;
    nans.push(0x7fc00000 | m); // quiet
    nans.push(0x7f800000 | (m === 0 ? 1 : m)); // signalling
  }
  add('NaNs (quiet and signalling)', withNeg(nans));

  const halves: number[] = [];
  for (let h = 0; h < 0x10000; h++) {
    const e = (h >>> 10) & 0x1f;
    if (e === 0x1f) continue; // NaNs and infinities are above
    halves.push(bits32(getFloat16(new DataView(new Uint16Array([h]).buffer), 0, true)));
  }
  add('every finite half', halves);

  return { values: new Float32Array(new Uint32Array(bits).buffer), counts };
}

const cases = buildCases();
const caseBits = new Uint32Array(cases.values.buffer);
const isNaN32 = (u: number) => (u & 0x7fffffff) > 0x7f800000;

// ---------------------------------------------------------------------------------------------

describe('fp16 host conversion', () => {
  it('covers at least 1e6 float32 values', () => {
    expect(cases.values.length).toBeGreaterThanOrEqual(1_000_000);
    for (const n of Object.values(cases.counts)) expect(n).toBeGreaterThan(0);
  });

  it('toFloat16Bits matches the oracle bit for bit (NaNs by the payload rule)', () => {
    const ours = toFloat16Bits(cases.values);
    const oracle = oracleHalfBits(cases.values);
    const bad: string[] = [];
    let nanCount = 0;
    for (let i = 0; i < ours.length; i++) {
      const u = caseBits[i];
      let want = oracle[i];
      if (isNaN32(u)) {
        want = expectedHalfNaN(u);
        nanCount++;
      }
      if (ours[i] !== want && bad.length < 10) bad.push(`${hex(u, 8)} -> ${hex(ours[i], 4)}, want ${hex(want, 4)}`);
    }
    expect(bad).toEqual([]);
    expect(nanCount).toBeGreaterThan(100_000);
  });

  it('roundFloat32ArrayToFloat16 matches f16round bit for bit (NaNs by the payload rule)', () => {
    const ours = new Uint32Array(roundFloat32ArrayToFloat16(cases.values).buffer);
    const expected = new Float32Array(cases.values.length);
    for (let i = 0; i < expected.length; i++) expected[i] = f16round(cases.values[i]);
    const want32 = new Uint32Array(expected.buffer);
    const bad: string[] = [];
    for (let i = 0; i < ours.length; i++) {
      const u = caseBits[i];
      const want = isNaN32(u) ? ((u & 0x80000000) | 0x7fc00000 | (u & 0x7fe000)) >>> 0 : want32[i];
      if (ours[i] !== want && bad.length < 10) bad.push(`${hex(u, 8)} -> ${hex(ours[i], 8)}, want ${hex(want, 8)}`);
    }
    expect(bad).toEqual([]);
  });

  it('roundToFloat16 matches f16round on every float32 case', () => {
    const bad: string[] = [];
    for (let i = 0; i < cases.values.length; i++) {
      const x = cases.values[i];
      const got = roundToFloat16(x);
      const ok = Number.isNaN(x) ? Number.isNaN(got) : Object.is(got, f16round(x));
      if (!ok && bad.length < 10) bad.push(`${x} (${hex(caseBits[i], 8)}) -> ${got}, want ${f16round(x)}`);
    }
    expect(bad).toEqual([]);
  });

  it('round trip fromFloat16Bits(toFloat16Bits(x)) equals roundFloat32ArrayToFloat16(x) bitwise', () => {
    const viaBits = new Uint32Array(fromFloat16Bits(toFloat16Bits(cases.values)).buffer);
    const direct = new Uint32Array(roundFloat32ArrayToFloat16(cases.values).buffer);
    let mismatches = 0;
    for (let i = 0; i < direct.length; i++) if (viaBits[i] !== direct[i]) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('fromFloat16Bits widens all 65536 halves exactly', () => {
    const all = new Uint16Array(0x10000);
    for (let h = 0; h < 0x10000; h++) all[h] = h;
    const wide = fromFloat16Bits(all);
    const wideBits = new Uint32Array(wide.buffer);
    const view = new DataView(all.buffer);
    const bad: string[] = [];
    for (let h = 0; h < 0x10000; h++) {
      const isNaN16 = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      const ok = isNaN16
        ? wideBits[h] === (((h & 0x8000) << 16) | 0x7f800000 | ((h & 0x3ff) << 13)) >>> 0
        : Object.is(wide[h], getFloat16(view, 2 * h, true));
      if (!ok && bad.length < 10) bad.push(`${hex(h, 4)} -> ${hex(wideBits[h], 8)}`);
    }
    expect(bad).toEqual([]);
    // Every half survives the trip back unchanged, NaN payloads and signalling NaNs included.
    const back = toFloat16Bits(wide);
    let changed = 0;
    for (let h = 0; h < 0x10000; h++) {
      const isSignalling = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0 && (h & 0x200) === 0;
      if (back[h] !== (isSignalling ? h | 0x200 : h)) changed++;
    }
    expect(changed).toBe(0);
  });

  it('quiets NaNs and keeps the top 10 payload bits', () => {
    const nan = new Float32Array(new Uint32Array([0x7f800001, 0xff802000, 0x7fffffff, 0x7fc00000, 0xffa55555]).buffer);
    expect(Array.from(toFloat16Bits(nan), (h) => hex(h, 4))).toEqual(['0x7e00', '0xfe01', '0x7fff', '0x7e00', '0xff2a']);
  });

  it('handles named edge values', () => {
    const x = new Float32Array([65504, 65519.99, 65520, -65520, 2 ** -25, 2 ** -24, 3 * 2 ** -25, 0, -0, -1e-45, Infinity]);
    expect(Array.from(toFloat16Bits(x), (h) => hex(h, 4))).toEqual([
      '0x7bff', '0x7bff', '0x7c00', '0xfc00', '0x0000', '0x0001', '0x0002', '0x0000', '0x8000', '0x8000', '0x7c00',
    ]);
    expect(Object.is(roundToFloat16(-1e-30), -0)).toBe(true);
    expect(roundToFloat16(65519.999999)).toBe(65504);
    expect(roundToFloat16(65520)).toBe(Infinity);
    expect(roundToFloat16(-1e300)).toBe(-Infinity);
    expect(roundToFloat16(Number.MIN_VALUE)).toBe(0);
  });

  it('rounds float64 inputs once, directly (against an exact reference)', () => {
    // The double-rounding trap: 1 + 2^-11 is the tie between halves 1 and 1 + 2^-10; a float64
    // just above it rounds to the tie in float32, which then goes to even (1). Correct is up.
    const trap = 1 + 2 ** -11 + 2 ** -40;
    expect(Math.fround(trap)).toBe(1 + 2 ** -11);
    expect(f16round(Math.fround(trap))).toBe(1);
    expect(refRoundToFloat16(trap)).toBe(1 + 2 ** -10);
    expect(roundToFloat16(trap)).toBe(1 + 2 ** -10);

    const inputs: number[] = [];
    // Every tie between adjacent finite halves, and float64s 1, 2, 2^20 and 2^28 ulps away on
    // either side (all round the same as the tie's float32 neighbours, except through float32).
    for (let h = 0; h < 0x7c00; h++) {
      const tie = h < 0x400 ? (h + 0.5) * 2 ** -24 : fromBits32(((h + 0x1c000) << 13) + 0x1000);
      for (const s of [0, 1, 2, 1 << 20, 1 << 28]) {
        for (const x of s === 0 ? [tie] : [stepFloat64(tie, s), stepFloat64(tie, -s)]) inputs.push(x, -x);
      }
    }
    const next = rng(0xf1064);
    for (let i = 0; i < 60_000; i++) {
      // Random float64s with magnitudes 2^-30 .. 2^17 and all 52 mantissa bits random.
      f64[0] = 0;
      const words = new Uint32Array(f64.buffer);
      words[0] = next();
      words[1] = (((next() % 48) + 1023 - 30) << 20) | (next() & 0xfffff) | (next() & 0x80000000);
      inputs.push(f64[0]);
    }
    inputs.push(2 ** -25, stepFloat64(2 ** -25, 1), stepFloat64(2 ** -25, -1), 65520, stepFloat64(65520, -1));
    inputs.push(65504, stepFloat64(65504, 1), 1e-320, -1e-320, 1e300, NaN, -0, 0, Infinity, -Infinity);

    let doubleRoundingDiffers = 0;
    const bad: string[] = [];
    for (const x of inputs) {
      const want = refRoundToFloat16(x);
      const got = roundToFloat16(x);
      const ok = Number.isNaN(want) ? Number.isNaN(got) : Object.is(got, want);
      if (!ok && bad.length < 10) bad.push(`${x} -> ${got}, want ${want}`);
      if (!Object.is(f16round(Math.fround(x)), want) && !Number.isNaN(x)) doubleRoundingDiffers++;
    }
    expect(bad).toEqual([]);
    expect(inputs.length).toBeGreaterThan(400_000);
    // The set does exercise the trap: many inputs where float32-first rounding is wrong.
    expect(doubleRoundingDiffers).toBeGreaterThan(10_000);
  });

  it('the reference agrees with the oracle on float32 inputs', () => {
    let mismatches = 0;
    for (let i = 0; i < cases.values.length; i += 23) {
      const x = cases.values[i];
      if (!Number.isNaN(x) && !Object.is(refRoundToFloat16(x), f16round(x))) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('supports out arrays, in-place rounding and views with a byte offset', () => {
    const base = new Float32Array([9, 1.0001, 3.14159, 70000, -2e-6, 7]);
    const view = base.subarray(1, 5);
    const rounded = roundFloat32ArrayToFloat16(view, view);
    expect(rounded).toBe(view);
    expect(Array.from(base)).toEqual([9, 1, 3.140625, Infinity, Math.fround(-2.026557922363281e-6), 7]);
    const halves = new Uint16Array(6).subarray(2, 6);
    expect(toFloat16Bits(view, halves)).toBe(halves);
    const wide = new Float32Array(8).subarray(4);
    expect(Array.from(fromFloat16Bits(halves, wide))).toEqual(Array.from(view));
    expect(() => toFloat16Bits(view, new Uint16Array(3))).toThrow(RangeError);
    expect(() => fromFloat16Bits(halves, new Float32Array(5))).toThrow(RangeError);
    expect(() => roundFloat32ArrayToFloat16(view, new Float32Array(1))).toThrow(RangeError);
  });
});
