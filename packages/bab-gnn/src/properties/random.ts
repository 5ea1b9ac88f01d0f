/** A small seeded generator (mulberry32) so that attacks and generated problems are reproducible. */

/** Uniform values in [0, 1) from a 32-bit seed; each call of the returned function gives the next. */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal value from a uniform generator (Box–Muller). */
export function gaussian(uniform: () => number): number {
  const u = Math.max(uniform(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
}
