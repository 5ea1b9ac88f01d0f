import { defaultEngine } from '../default-engine';
import { splitmix32 } from '../random';

/**
 * A seed derived from `seed` and an index (a layer's position in a model, a parameter within a
 * layer, a call counter): the index-th value of a splitmix32 stream started from a hash of `seed`.
 * The same pair always gives the same 32-bit seed; for one `seed`, different indices (below 2³²)
 * give different seeds. This is how one model seed makes every layer reproducible.
 */
export function deriveSeed(seed: number, index: number): number {
  if (!Number.isFinite(seed) || !Number.isInteger(index) || index < 0) {
    throw new Error(`deriveSeed: seed must be a finite number and index a non-negative integer, got ${seed} and ${index}`);
  }
  const toUint32 = (u: number) => Math.floor(u * 4294967296) >>> 0;
  const base = toUint32(splitmix32(seed >>> 0)());
  return toUint32(splitmix32((base + Math.imul(index >>> 0, 0x9e3779b9)) >>> 0)());
}

/** The seed to use: `seed` when given (as a uint32), else a fresh random one. */
export function resolveSeed(seed: number | undefined, owner: string): number {
  if (seed === undefined) return defaultEngine.nextRandomSeed();
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new Error(`${owner}: seed must be a finite number, got ${String(seed)}`);
  return seed >>> 0;
}
