import { describe, expect, it } from 'vitest';
import { linearUnderflowCheck } from './linear-check';
import { NO_CAPS } from './options';

// The float64 underflow checks on sampled data: Linear 512×512, batch 128, W ~ N(0, 2/512), half of G zero.
describe('Linear 512×512 underflow check (float64 oracle with float16 rounding)', () => {
  const withCaps = new Map<number, ReturnType<typeof linearUnderflowCheck>>();
  const noCaps = new Map<number, ReturnType<typeof linearUnderflowCheck>>();
  const run = (sigma: number, caps: boolean) => {
    const cache = caps ? withCaps : noCaps;
    if (!cache.has(sigma)) cache.set(sigma, linearUnderflowCheck({ gradStd: sigma, seed: 7, scale: caps ? { scaleUpperBound: 16, accumUpperBound: 1024 } : NO_CAPS }));
    return cache.get(sigma)!;
  };

  it('α from sampled statistics: 4, 64 and 512 without caps; 4, 16, 16 with SB = 16', () => {
    expect([1e-5, 1e-6, 1e-7].map((s) => run(s, false).scale.alpha)).toEqual([4, 64, 512]);
    expect([1e-5, 1e-6, 1e-7].map((s) => run(s, true).scale.alpha)).toEqual([4, 16, 16]);
  });

  it('unscaled underflow reproduces 2.4% (σ_g = 1e-6) and 23% (σ_g = 1e-7) within ±20%', () => {
    expect(run(1e-6, false).underflowUnscaled / 0.024).toBeGreaterThan(0.8);
    expect(run(1e-6, false).underflowUnscaled / 0.024).toBeLessThan(1.2);
    expect(run(1e-7, false).underflowUnscaled / 0.23).toBeGreaterThan(0.8);
    expect(run(1e-7, false).underflowUnscaled / 0.23).toBeLessThan(1.2);
  });

  it('adaptive scaling without caps keeps the underflow rate ≤ 1e-3 at every σ_g', () => {
    for (const s of [1e-5, 1e-6, 1e-7]) {
      const r = run(s, false);
      console.log(`σ_g = ${s}: α = ${r.scale.alpha} (unbounded ${r.scale.unbounded.toFixed(1)}), underflow unscaled ${(100 * r.underflowUnscaled).toFixed(3)}%, scaled ${r.underflowScaled.toExponential(2)}; SB = 16: ${run(s, true).underflowScaled.toExponential(2)}`);
      expect(r.underflowScaled).toBeLessThanOrEqual(1e-3);
    }
  });

  it('SB = 16 limits the rescue at σ_g = 1e-7 to about 1.5% (spec pitfall 2)', () => {
    expect(run(1e-7, true).underflowScaled).toBeGreaterThan(0.01);
    expect(run(1e-7, true).underflowScaled).toBeLessThan(0.02);
  });

  it('never overflows: α·N·max|G|·max|W| ≤ 65504, every α a power of two ≥ 1, no Inf/NaN', () => {
    for (const caps of [true, false]) {
      for (const s of [1e-5, 1e-6, 1e-7]) {
        const r = run(s, caps);
        expect(r.overflowProduct).toBeLessThanOrEqual(65504);
        expect(r.scale.alpha).toBeGreaterThanOrEqual(1);
        expect(Number.isInteger(Math.log2(r.scale.alpha))).toBe(true);
        expect(r.nonFinite).toBe(false);
      }
    }
  });

  it('rejects a bad setup', () => {
    expect(() => linearUnderflowCheck({ gradStd: 0 })).toThrow(/gradStd must be a finite number > 0/);
    expect(() => linearUnderflowCheck({ gradStd: 1e-6, batch: 0 })).toThrow(/batch must be a positive integer/);
  });
});
