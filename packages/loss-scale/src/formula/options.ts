import { FLOAT16_MAX } from '@nnlab/tensor-gpu';
import { REFERENCE_U_MIN } from './constants';

/** Constants of the adaptive layer-wise scale (spec defaults: the reference's `core.py`). */
export interface AdaptiveScaleOptions {
  /** Bound T_uf on the expected underflow rate of a layer's input gradient (default 1e-3). */
  underflowRate?: number;
  /** Smallest magnitude counted as representable, u_min (default 6.0e-8, as the reference). */
  uMin?: number;
  /** Largest finite magnitude, u_max (default 65504). */
  uMax?: number;
  /** Factor on N in σ, "assuming ReLU" (default 0.5). */
  reluFactor?: number;
  /** Per-layer cap SB on α (default 16; 65504 disables it in practice). */
  scaleUpperBound?: number;
  /** Cap AB on the accumulated scale α·s_prev (default 1024; 65504 disables it in practice). */
  accumUpperBound?: number;
  /** Round α down to a power of two, exact in float16 (default true). */
  powerOfTwo?: boolean;
}

/** {@link AdaptiveScaleOptions} with every default filled in and checked. */
export type ResolvedAdaptiveScaleOptions = Required<AdaptiveScaleOptions>;

/** Options that switch the heuristic caps off (SB = AB = 65504), as the IJCAI-era runs. */
export const NO_CAPS: Readonly<AdaptiveScaleOptions> = Object.freeze({ scaleUpperBound: FLOAT16_MAX, accumUpperBound: FLOAT16_MAX });

/** Fills in defaults and throws a clear error on a bad option. */
export function resolveAdaptiveScaleOptions(options: AdaptiveScaleOptions = {}, where = 'adaptive scaling'): ResolvedAdaptiveScaleOptions {
  if (options === null || typeof options !== 'object') throw new Error(`${where}: options must be an object`);
  const r: ResolvedAdaptiveScaleOptions = {
    underflowRate: options.underflowRate ?? 1e-3,
    uMin: options.uMin ?? REFERENCE_U_MIN,
    uMax: options.uMax ?? FLOAT16_MAX,
    reluFactor: options.reluFactor ?? 0.5,
    scaleUpperBound: options.scaleUpperBound ?? 16,
    accumUpperBound: options.accumUpperBound ?? 1024,
    powerOfTwo: options.powerOfTwo ?? true,
  };
  if (!(r.underflowRate > 0 && r.underflowRate < 1)) throw new Error(`${where}: underflowRate must be in (0, 1), got ${String(r.underflowRate)}`);
  for (const name of ['uMin', 'uMax', 'reluFactor', 'scaleUpperBound', 'accumUpperBound'] as const) {
    const v = r[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`${where}: ${name} must be a finite number > 0, got ${String(v)}`);
  }
  if (r.uMin >= r.uMax) throw new Error(`${where}: uMin (${r.uMin}) must be below uMax (${r.uMax})`);
  if (typeof r.powerOfTwo !== 'boolean') throw new Error(`${where}: powerOfTwo must be a boolean, got ${String(r.powerOfTwo)}`);
  return r;
}
