import * as t from '@nnlab/tensor-gpu';

/**
 * Nøkland's (2016) MNIST MLPs: 784, then `depth` tanh layers of `hidden` units, then 10 outputs
 * (2×800, 1×800, 7×240 in the paper), PyTorch's initialisation, each layer seeded from `seed` in
 * order (so `depth` 2, the default, gives the same weights as before `depth` existed). Input `[N, 784]`.
 *
 * @throws Error when `hidden` or `depth` is not a positive integer or `seed` not an integer.
 */
export function tanhMlp(hidden: number, seed: number, depth = 2): t.nn.Sequential {
  if (!Number.isInteger(hidden) || hidden < 1) throw new Error(`tanhMlp: hidden must be a positive integer, got ${String(hidden)}`);
  if (!Number.isInteger(seed)) throw new Error(`tanhMlp: seed must be an integer, got ${String(seed)}`);
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`tanhMlp: depth must be a positive integer (hidden layers), got ${String(depth)}`);
  const s = new t.nn.SeedSequence(seed);
  const layers: t.nn.Module[] = [];
  for (let i = 0; i < depth; i++) layers.push(new t.nn.Linear(i === 0 ? 784 : hidden, hidden, { seed: s.next() }), new t.nn.Tanh());
  return new t.nn.Sequential(...layers, new t.nn.Linear(hidden, 10, { seed: s.next() }));
}

/** Parameters of {@link smallCifarCnn}. */
export const SMALL_CIFAR_CNN_PARAMETERS = 133_882;

/**
 * A small CIFAR-10 CNN for the BP+DFA hybrid: conv3×3·8 → pool → conv3×3·16 → pool → FC 1024→128
 * (ReLU) → FC 128→10 (133,882 parameters), PyTorch's initialisation. Input `[N, 3, 32, 32]`.
 *
 * @throws Error when `seed` is not an integer.
 */
export function smallCifarCnn(seed: number): t.nn.Sequential {
  if (!Number.isInteger(seed)) throw new Error(`smallCifarCnn: seed must be an integer, got ${String(seed)}`);
  const s = new t.nn.SeedSequence(seed);
  return new t.nn.Sequential(
    new t.nn.Conv2d(3, 8, 3, { padding: 1, seed: s.next() }),
    new t.nn.ReLU(),
    new t.nn.MaxPool2d(2),
    new t.nn.Conv2d(8, 16, 3, { padding: 1, seed: s.next() }),
    new t.nn.ReLU(),
    new t.nn.MaxPool2d(2),
    new t.nn.Flatten(),
    new t.nn.Linear(16 * 8 * 8, 128, { seed: s.next() }),
    new t.nn.ReLU(),
    new t.nn.Linear(128, 10, { seed: s.next() }),
  );
}
