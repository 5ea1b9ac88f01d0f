import * as t from '@nnlab/tensor-gpu';
import { adaptiveScale, meanSquareAndAbsMax, type AdaptiveScale } from './adaptive';
import type { AdaptiveScaleOptions } from './options';

/** Options of {@link linearUnderflowCheck}: the spec's reference setup by default. */
export interface LinearUnderflowCheckOptions {
  /** Standard deviation of the non-zero entries of the incoming gradient G. */
  gradStd: number;
  /** Output features = N (default 512). */
  outFeatures?: number;
  /** Input features (default 512). */
  inFeatures?: number;
  /** Batch rows of G (default 128). */
  batch?: number;
  /** Fraction of G's entries set to zero, as after a ReLU (default 0.5). */
  zeroFraction?: number;
  /** Seed of the host generator (default 1). */
  seed?: number;
  /** Options of the adaptive scale. */
  scale?: AdaptiveScaleOptions;
}

/** Result of {@link linearUnderflowCheck}. */
export interface LinearUnderflowCheck {
  /** The adaptive scale computed from G and W (float64 reference). */
  scale: AdaptiveScale;
  /** Entries of G·W that are non-zero in float64. */
  nonZero: number;
  /** Fraction of those that are 0 in float16 without scaling: fp16(fp16(G)·fp16(W)). */
  underflowUnscaled: number;
  /** The same with the adaptive scale: fp16(fp16(αG)·fp16(W)). */
  underflowScaled: number;
  /** N·max|αG|·max|W|: the bound that must stay ≤ 65504. */
  overflowProduct: number;
  /** Whether some scaled output is non-finite in float16. */
  nonFinite: boolean;
}

/** Standard normal draws from a seeded uniform generator (Box–Muller). */
export function gaussian(count: number, std: number, seed: number): Float64Array {
  const rng = t.data.createRng(seed);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = 1 - rng();
    const v = rng();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/**
 * A float64 check of one Linear layer's backward, as in Zhao et al.'s analysis: W ~ N(0, 2/in),
 * G Gaussian with half its entries zero; computes α and counts, among the entries of G·W that
 * are non-zero in float64, those that are 0 after the float16 product (inputs rounded to float16,
 * float64 accumulation, output rounded to float16) without scaling and with α.
 */
export function linearUnderflowCheck(options: LinearUnderflowCheckOptions): LinearUnderflowCheck {
  const { gradStd } = options;
  if (typeof gradStd !== 'number' || !(gradStd > 0) || !Number.isFinite(gradStd)) throw new Error(`linearUnderflowCheck: gradStd must be a finite number > 0, got ${String(gradStd)}`);
  const out = options.outFeatures ?? 512;
  const inF = options.inFeatures ?? 512;
  const batch = options.batch ?? 128;
  const zeroFraction = options.zeroFraction ?? 0.5;
  for (const [name, v] of [['outFeatures', out], ['inFeatures', inF], ['batch', batch]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`linearUnderflowCheck: ${name} must be a positive integer, got ${String(v)}`);
  }
  if (!(zeroFraction >= 0 && zeroFraction < 1)) throw new Error(`linearUnderflowCheck: zeroFraction must be in [0, 1), got ${String(zeroFraction)}`);
  const seed = options.seed ?? 1;
  const w = gaussian(out * inF, Math.sqrt(2 / inF), seed);
  const g = gaussian(batch * out, gradStd, seed + 1);
  const keep = t.data.createRng(seed + 2);
  for (let i = 0; i < g.length; i++) if (keep() < zeroFraction) g[i] = 0;
  const gs = meanSquareAndAbsMax(g);
  const ws = meanSquareAndAbsMax(w);
  const scale = adaptiveScale({ gradMeanSquare: gs.meanSquare, weightMeanSquare: ws.meanSquare, gradAbsMax: gs.absMax, weightAbsMax: ws.absMax, reduction: out }, options.scale);
  const alpha = scale.alpha;
  const w16 = Float64Array.from(w, t.roundToFloat16);
  const g16 = Float64Array.from(g, t.roundToFloat16);
  const gScaled16 = Float64Array.from(g, (v) => t.roundToFloat16(alpha * v));
  let nonZero = 0;
  let flushedUnscaled = 0;
  let flushedScaled = 0;
  let nonFinite = false;
  // G [batch, out] · W [out, in] → [batch, in]
  for (let r = 0; r < batch; r++) {
    for (let c = 0; c < inF; c++) {
      let exact = 0;
      let plain = 0;
      let scaled = 0;
      for (let k = 0; k < out; k++) {
        const wk = w[k * inF + c];
        const gi = r * out + k;
        exact += g[gi] * wk;
        plain += g16[gi] * w16[k * inF + c];
        scaled += gScaled16[gi] * w16[k * inF + c];
      }
      if (exact === 0) continue;
      nonZero++;
      if (t.roundToFloat16(plain) === 0) flushedUnscaled++;
      const s = t.roundToFloat16(scaled);
      if (s === 0) flushedScaled++;
      if (!Number.isFinite(s)) nonFinite = true;
    }
  }
  return {
    scale,
    nonZero,
    underflowUnscaled: flushedUnscaled / nonZero,
    underflowScaled: flushedScaled / nonZero,
    overflowProduct: out * alpha * gs.absMax * ws.absMax,
    nonFinite,
  };
}
