// Small tensor-gpu models for the tests.
import * as t from '@nnlab/tensor-gpu';

/** A ReLU MLP through `widths`, He-normal weights and zero biases, seeded (Sequential: `0`, `2`, `4`, … are Linear). */
export function mlp(widths: readonly number[], seed: number): t.nn.Sequential {
  const layers: t.nn.Module[] = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    if (i > 0) layers.push(new t.nn.ReLU());
    layers.push(new t.nn.Linear(widths[i], widths[i + 1], { seed: seed + i, init: t.nn.heNormal, biasInit: t.nn.zeros }));
  }
  return new t.nn.Sequential(...layers);
}
