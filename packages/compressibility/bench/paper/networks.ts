// The networks of the Deep Compression comparison and what the paper reports for each.
import * as t from '@nnlab/tensor-gpu';

/** Which network a paper run trains. */
export type PaperNetwork = 'lenet-300-100' | 'lenet-5';

/**
 * Caffe's LeNet-5 as Deep Compression prunes it (431,080 parameters): conv 5×5·20 → max-pool 2 →
 * conv 5×5·50 → max-pool 2 → FC 500 → ReLU → FC 10, no ReLU after the convolutions (as in Caffe's
 * `lenet_train_test.prototxt`). Parameters `0.*` conv1, `2.*` conv2, `5.*` fc1, `7.*` fc2.
 */
export function caffeLenet5(seed: number): t.nn.Sequential {
  const seeds = new t.nn.SeedSequence(seed);
  const next = () => ({ seed: seeds.next() });
  return new t.nn.Sequential(
    new t.nn.Conv2d(1, 20, 5, next()),
    new t.nn.MaxPool2d(2),
    new t.nn.Conv2d(20, 50, 5, next()),
    new t.nn.MaxPool2d(2),
    new t.nn.Flatten(),
    new t.nn.Linear(800, 500, next()),
    new t.nn.ReLU(),
    new t.nn.Linear(500, 10, next()),
  );
}

/** Builds `network` with weights drawn from `seed`, and the shape of one sample as it takes it. */
export function paperNetwork(network: PaperNetwork, seed: number): { model: () => t.nn.Module; inputShape: number[] } {
  return network === 'lenet-5' ? { model: () => caffeLenet5(seed), inputShape: [1, 28, 28] } : { model: () => t.nn.lenet300100({ seed }), inputShape: [784] };
}

/** Han, Mao, Dally, "Deep Compression", ICLR 2016 (arXiv 1510.00149), Table 1 (and Han et al. 2015, Table 2, for the kept fractions). */
export const DEEP_COMPRESSION_BY_NETWORK = {
  'lenet-300-100': {
    source: 'Han, Mao, Dally, "Deep Compression", ICLR 2016 (arXiv 1510.00149), LeNet-300-100 on MNIST',
    referenceErrorPercent: 1.64,
    compressedErrorPercent: 1.58,
    ratio: 40,
    keptPercent: 8,
    pipeline: 'magnitude pruning + retraining, 6-bit k-means weight sharing with centroid fine-tuning, Huffman coding of indices and relative positions',
  },
  'lenet-5': {
    source: 'Han, Mao, Dally, "Deep Compression", ICLR 2016 (arXiv 1510.00149), LeNet-5 (Caffe, 431K parameters) on MNIST',
    referenceErrorPercent: 0.8,
    compressedErrorPercent: 0.74,
    ratio: 39,
    keptPercent: 8,
    pipeline: 'magnitude pruning + retraining (kept 66% conv1, 12% conv2, 8% fc1, 19% fc2), 8-bit conv / 5-bit FC k-means weight sharing with centroid fine-tuning, Huffman coding',
  },
} as const;
