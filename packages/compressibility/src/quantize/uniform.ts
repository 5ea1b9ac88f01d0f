/** The uniform symmetric scalar quantiser: q = round(w/Δ), Δ = max|w| / (2^(b−1) − 1). */
import { maxAbs } from '../train/mask-rules';
import type { UniformQuantized } from './types';

/** Checks a bit width b ∈ [2, 12]. */
export function checkBits(bits: number, owner: string): number {
  if (!Number.isInteger(bits) || bits < 2 || bits > 12) throw new Error(`${owner}: bits must be an integer in 2..12, got ${String(bits)}`);
  return bits;
}

/**
 * Quantises `values` with `bits` bits (sign included): symbols in ±(2^(b−1) − 1), step Δ rounded to
 * float32 so that the stored file reproduces the weights exactly. Zeros stay zero.
 */
export function quantizeUniform(name: string, shape: readonly number[], values: ArrayLike<number>, bits: number): UniformQuantized {
  checkBits(bits, 'quantizeUniform');
  const levels = 2 ** (bits - 1) - 1;
  const max = maxAbs(values);
  const scale = max > 0 ? Math.fround(max / levels) : 0;
  const symbols = new Int32Array(values.length);
  if (scale > 0) {
    for (let i = 0; i < values.length; i++) {
      const q = Math.round(values[i] / scale);
      symbols[i] = Math.max(-levels, Math.min(levels, q));
    }
  }
  return { kind: 'uniform', name, shape: [...shape], scale, symbols };
}
