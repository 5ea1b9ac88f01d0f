import { boxMuller, splitmix32 } from '../random';

/** A seeded random source: each call returns the next number in [0, 1). */
export type Rng = () => number;

/**
 * Checks a seed and converts it to an unsigned 32-bit integer.
 *
 * @param seed - an integer (negative values wrap modulo 2^32).
 * @returns `seed >>> 0`.
 * @throws RangeError when `seed` is not a finite integer.
 */
export function seedToUint32(seed: number): number {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be a finite integer, got ${seed}`);
  return seed >>> 0;
}

/**
 * The package's seeded generator (splitmix32, shared with `randn`/`rand`) after checking the seed.
 * The same seed always gives the same sequence on every platform. Not for cryptography.
 *
 * @param seed - an integer seed.
 * @returns a function returning the next number in [0, 1) (multiples of 2^-32).
 */
export function createRng(seed: number): Rng {
  return splitmix32(seedToUint32(seed));
}

/**
 * Draws an integer uniformly from `0 .. n - 1` (bias below n / 2^32).
 *
 * @param rng - the random source.
 * @param n - the number of choices, at least 1.
 */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/**
 * Draws a standard normal value (Box–Muller from two draws of `rng`, the same transform `randn`
 * uses; the second value of the pair is dropped, so each call costs two draws).
 *
 * @param rng - the random source.
 */
export function randomNormal(rng: Rng): number {
  return boxMuller(rng(), rng())[0];
}
