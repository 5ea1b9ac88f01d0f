// Small seeded classification data for fast tests: Gaussian blobs with overlapping classes.
import * as t from '@nnlab/tensor-gpu';

/** `count` samples of `features` values in `classes` overlapping blobs (float32 values, Int32 labels). */
export function blobs(count: number, features: number, classes: number, seed: number): t.train.LabeledData {
  const rng = t.data.createRng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const centres = Array.from({ length: classes }, () => Array.from({ length: features }, () => gauss()));
  const images = new Float32Array(count * features);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const c = Math.floor(rng() * classes);
    labels[i] = c;
    for (let f = 0; f < features; f++) images[i * features + f] = centres[c][f] + 1.5 * gauss();
  }
  return { images, labels, count, shape: [features] };
}
