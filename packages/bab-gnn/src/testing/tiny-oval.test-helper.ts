// Test helper: a tiny model in the OVAL format (conv 1→2 k2 s1 p0 on 1×3×3, relu, flatten, linear
// 8→2), written by hand with its weights, for the parser tests and the fuzz tests.

/** The weights in file order: conv kernel [2,1,2,2], conv bias [2], linear [2,8], linear bias [2]. */
export const TINY_OVAL_VALUES = [
  1, -1, 0.5, 2, /* channel 0 */ -2, 1, 1, 0.25, /* channel 1 */
  0.5, -1, /* conv bias */
  1, 0, -1, 2, 0.5, 1, 0, -1, /* linear row 0 */ -1, 1, 1, 0, 0, -0.5, 2, 1, /* linear row 1 */
  0.25, -0.75, /* linear bias */
];

/** The weights file: float32 little-endian. */
export function tinyOvalWeights(values: readonly number[] = TINY_OVAL_VALUES): Uint8Array {
  const bytes = new Uint8Array(4 * values.length);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return bytes;
}

const tensor = (shape: number[], offset: number) => {
  const count = shape.reduce((a, b) => a * b, 1);
  return { shape, byte_offset: offset, count, byte_length: 4 * count };
};

/** The JSON description as an object (tests edit it), matching {@link tinyOvalWeights}. */
export function tinyOvalJson(): Record<string, unknown> {
  return {
    format: 'oval-cifar-model/1',
    name: 'tiny',
    input: { shape: [1, 1, 3, 3] },
    normalisation: { mean: [0.5], std: [0.25] },
    weights_bytes: 4 * TINY_OVAL_VALUES.length,
    layers: [
      { type: 'conv2d', in_shape: [1, 3, 3], out_shape: [2, 2, 2], kernel_size: [2, 2], stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1, weight: tensor([2, 1, 2, 2], 0), bias: tensor([2], 32) },
      { type: 'relu', in_shape: [2, 2, 2], out_shape: [2, 2, 2] },
      { type: 'flatten', in_shape: [2, 2, 2], out_shape: [8] },
      { type: 'linear', in_shape: [8], out_shape: [2], weight: tensor([2, 8], 40), bias: tensor([2], 104) },
    ],
  };
}

/** The tiny model's logits at x (1×3×3, row-major), computed by hand from the definition. */
export function tinyOvalLogits(x: readonly number[]): number[] {
  const v = TINY_OVAL_VALUES;
  const h: number[] = [];
  for (let o = 0; o < 2; o++) for (let y = 0; y < 2; y++) for (let c = 0; c < 2; c++) {
    const k = v.slice(4 * o, 4 * o + 4);
    const z = v[8 + o] + k[0] * x[y * 3 + c] + k[1] * x[y * 3 + c + 1] + k[2] * x[(y + 1) * 3 + c] + k[3] * x[(y + 1) * 3 + c + 1];
    h.push(Math.max(z, 0));
  }
  return [0, 1].map((r) => h.reduce((s, hv, j) => s + v[10 + 8 * r + j] * hv, v[26 + r]));
}
