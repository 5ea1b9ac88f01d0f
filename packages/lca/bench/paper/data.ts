// The training splits of the paper runs: the reference's MNIST and CIFAR-10 splits (seed 0),
// CIFAR-10 normalised per channel and optionally 2×2 average pooled (the scaled ResNet run).
import * as t from '@nnlab/tensor-gpu';
import { loadCifar10, loadMnist } from '@nnlab/tensor-gpu/node';
import type { LcaNetworkSettings } from './settings';

/** Averages 2×2 blocks of `[N, C, H, W]` images with tensor-gpu's avgPool2d, a few hundred images at a time. */
async function halveImages(data: t.train.LabeledData): Promise<t.train.LabeledData> {
  const [c, h, w] = data.shape;
  const out = new Float32Array(data.count * c * (h / 2) * (w / 2));
  const per = c * h * w;
  for (let start = 0; start < data.count; start += 500) {
    const n = Math.min(500, data.count - start);
    const pooled = t.tidy(() => t.avgPool2d(t.tensor(data.images.subarray(start * per, (start + n) * per), [n, c, h, w]), { kernel: 2, stride: 2 }));
    out.set(await pooled.data(), (start * per) / 4);
    pooled.dispose();
  }
  return { images: out, labels: data.labels, count: data.count, shape: [c, h / 2, w / 2] };
}

/** The training split the network trains on (its head when `trainCount` is set). */
export async function loadTrainSplit(s: LcaNetworkSettings): Promise<t.train.LabeledData> {
  if (s.network === 'lenet') {
    const mnist = await loadMnist();
    // The reference's split: 55,000 training and 5,000 validation images, drawn with seed 0.
    const split = t.data.trainValidationSplit(mnist.train.count, 5000 / mnist.train.count, 0);
    const train = t.train.subsetOf(mnist.train, split.train);
    return { ...(s.trainCount === null ? train : t.train.headOf(train, s.trainCount)), shape: [1, 28, 28] };
  }
  const batches = s.trainCount === null ? [1, 2, 3, 4, 5] : Array.from({ length: Math.ceil(s.trainCount / 9000) }, (_, i) => i + 1);
  const cifar = await loadCifar10(undefined, { trainBatches: batches });
  if (!cifar.train) throw new Error('loadTrainSplit: the CIFAR-10 loader returned no training split');
  const split = t.data.trainValidationSplit(cifar.train.count, s.trainCount === null ? 5000 / cifar.train.count : 0.1, 0);
  let train = t.train.subsetOf(cifar.train, split.train);
  if (s.trainCount !== null) train = t.train.headOf(train, s.trainCount);
  const shape = train.shape as [number, number, number];
  const images = train.images.slice();
  const { mean, std } = t.data.channelMeanStd(images, shape);
  t.data.normalizeInPlace(images, mean, std, shape);
  const normalised = { images, labels: train.labels, count: train.count, shape: [...shape] };
  return s.imageSize === 16 ? halveImages(normalised) : normalised;
}
