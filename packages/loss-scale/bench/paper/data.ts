// CIFAR-10 for the paper run: tensor-gpu's loader, per-channel normalisation with the training
// subset's statistics, optional 2×2 average pooling (the scaled setting) and the reference's
// augmentation (4-pixel-padded random crops, horizontal flips).
import * as t from '@nnlab/tensor-gpu';
import { loadCifar10 } from '@nnlab/tensor-gpu/node';

/** Training and test subsets as the network sees them. */
export interface PaperData {
  train: t.train.LabeledData;
  test: t.train.LabeledData;
}

/** Averages 2×2 pixel blocks: `[N, C, H, W]` → `[N, C, H/2, W/2]`. */
export function averagePool2(images: Float32Array, count: number, channels: number, side: number): Float32Array {
  const half = side / 2;
  const out = new Float32Array(count * channels * half * half);
  for (let plane = 0; plane < count * channels; plane++) {
    const src = plane * side * side;
    const dst = plane * half * half;
    for (let y = 0; y < half; y++) {
      for (let x = 0; x < half; x++) {
        const a = src + 2 * y * side + 2 * x;
        out[dst + y * half + x] = (images[a] + images[a + 1] + images[a + side] + images[a + side + 1]) / 4;
      }
    }
  }
  return out;
}

function prepare(split: t.train.LabeledData, count: number, imageSize: 16 | 32): t.train.LabeledData {
  const head = t.train.headOf(split, Math.min(count, split.count));
  const images = imageSize === 32 ? head.images.slice() : averagePool2(head.images, head.count, 3, 32);
  return { images, labels: head.labels, count: head.count, shape: [3, imageSize, imageSize] };
}

/** Loads the first `trainCount` training and `testCount` test images, normalised per channel. */
export async function loadPaperData(s: { trainCount: number; testCount: number; imageSize: 16 | 32 }): Promise<PaperData> {
  const batches = Array.from({ length: Math.ceil(s.trainCount / 10_000) }, (_, i) => i + 1);
  const cifar = await loadCifar10(undefined, { trainBatches: batches });
  if (!cifar.train) throw new Error('loadPaperData: the CIFAR-10 loader returned no training split');
  const train = prepare(cifar.train, s.trainCount, s.imageSize);
  const test = prepare(cifar.test, s.testCount, s.imageSize);
  const shape = train.shape as [number, number, number];
  const { mean, std } = t.data.channelMeanStd(train.images, shape);
  t.data.normalizeInPlace(train.images, mean, std, shape);
  t.data.normalizeInPlace(test.images, mean, std, shape);
  return { train, test };
}

/**
 * The reference's augmentation on one batch, in place: each image is padded by 4 zeros, cropped
 * back at a random offset and flipped horizontally with probability ½ (draws from `rng`).
 */
export function augmentBatch(x: Float32Array, count: number, channels: number, side: number, rng: () => number): void {
  const plane = side * side;
  const copy = new Float32Array(channels * plane);
  for (let n = 0; n < count; n++) {
    const base = n * channels * plane;
    copy.set(x.subarray(base, base + channels * plane));
    const dy = Math.floor(rng() * 9) - 4;
    const dx = Math.floor(rng() * 9) - 4;
    const flip = rng() < 0.5;
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < side; y++) {
        for (let xx = 0; xx < side; xx++) {
          const sy = y + dy;
          const sx = (flip ? side - 1 - xx : xx) + dx;
          x[base + c * plane + y * side + xx] = sy < 0 || sy >= side || sx < 0 || sx >= side ? 0 : copy[c * plane + sy * side + sx];
        }
      }
    }
  }
}
