// Test helper (not part of the library): a small separable data set and a small model.
import { createRng } from '../data/rng';
import { ReLU } from '../nn/activations';
import { Sequential } from '../nn/containers';
import { Linear } from '../nn/linear';
import type { LabeledData } from './types';

/**
 * `count` points in 2-D around `classes` well separated centres on a circle (radius 3, noise
 * σ = 0.5): a data set any small classifier separates.
 */
export function blobs(count: number, classes: number, seed: number): LabeledData {
  const rng = createRng(seed);
  const images = new Float32Array(count * 2);
  const labels = new Int32Array(count);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  for (let i = 0; i < count; i++) {
    const c = i % classes;
    const angle = (2 * Math.PI * c) / classes;
    images[2 * i] = 3 * Math.cos(angle) + 0.5 * normal();
    images[2 * i + 1] = 3 * Math.sin(angle) + 0.5 * normal();
    labels[i] = c;
  }
  return { images, labels, count, shape: [2] };
}

/** A 2-16-`classes` ReLU MLP with seeded initialisation. */
export function smallMlp(classes: number, seed: number): Sequential {
  return new Sequential(new Linear(2, 16, { seed }), new ReLU(), new Linear(16, classes, { seed: seed + 1 }));
}
