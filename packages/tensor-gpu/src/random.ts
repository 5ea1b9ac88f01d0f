/**
 * Seeded pseudo-random numbers generated on the host, so a seed gives bit-identical values on
 * every backend. splitmix32 for uniform bits; Box–Muller in float64 for normals.
 */
export function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

/** `n` uniform float32 values in `[low, high)`. */
export function uniformSamples(n: number, seed: number, low: number, high: number): Float32Array {
  const next = splitmix32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = low + (high - low) * next();
  return out;
}

/**
 * Box–Muller: two independent standard normal values from two uniform draws in [0, 1) (the first
 * is used as `1 − u1`, in (0, 1], so the logarithm never sees 0).
 */
export function boxMuller(u1: number, u2: number): [number, number] {
  const radius = Math.sqrt(-2 * Math.log(1 - u1));
  return [radius * Math.cos(2 * Math.PI * u2), radius * Math.sin(2 * Math.PI * u2)];
}

/** `n` normal float32 values with the given mean and standard deviation. */
export function normalSamples(n: number, seed: number, mean: number, std: number): Float32Array {
  const next = splitmix32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const [a, b] = boxMuller(next(), next());
    out[i] = mean + std * a;
    if (i + 1 < n) out[i + 1] = mean + std * b;
  }
  return out;
}
