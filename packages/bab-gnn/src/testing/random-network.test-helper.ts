// Test helper: seeded random ReLU networks and boxes, and a float64 reference forward pass written
// independently of the library (nested arrays, no typed-array layout).
import { data } from '@nnlab/tensor-gpu';
import { createNetwork, type DenseNetwork } from '../network/network';

export function randomNetwork(sizes: readonly number[], seed: number, biasScale = 0.3): DenseNetwork {
  const u = data.createRng(seed);
  const layers = [];
  for (let k = 0; k + 1 < sizes.length; k++) {
    const scale = 1 / Math.sqrt(sizes[k]);
    layers.push({
      weights: Array.from({ length: sizes[k + 1] }, () => Array.from({ length: sizes[k] }, () => data.randomNormal(u) * scale)),
      bias: Array.from({ length: sizes[k + 1] }, () => data.randomNormal(u) * biasScale),
    });
  }
  return createNetwork(layers);
}

export function randomBox(n: number, seed: number, maxWidth = 1): { lower: Float64Array; upper: Float64Array } {
  const u = data.createRng(seed);
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = 2 * u() - 1;
    const w = maxWidth * (0.05 + u());
    lower[i] = c - w / 2;
    upper[i] = c + w / 2;
  }
  return { lower, upper };
}

export function samplePoint(box: { lower: Float64Array; upper: Float64Array }, u: () => number): number[] {
  return Array.from(box.lower, (l, i) => {
    const r = u();
    // Corners are where bounds are tight: sample them too.
    const v = r < 0.1 ? 0 : r > 0.9 ? 1 : u();
    return l + v * (box.upper[i] - l);
  });
}

/** Pre-activations per hidden layer and output, from nested arrays (independent of the library). */
export function referenceForward(net: DenseNetwork, x: readonly number[]): { pre: number[][]; out: number[] } {
  const pre: number[][] = [];
  let h = x.slice();
  net.layers.forEach((layer, k) => {
    const rows: number[][] = [];
    for (let i = 0; i < layer.outSize; i++) rows.push(Array.from(layer.weights.slice(i * layer.inSize, (i + 1) * layer.inSize)));
    const z = rows.map((row, i) => row.reduce((s, w, j) => s + w * h[j], layer.bias[i]));
    if (k < net.layers.length - 1) {
      pre.push(z);
      h = z.map((v) => Math.max(v, 0));
    } else h = z;
  });
  return { pre, out: h };
}
