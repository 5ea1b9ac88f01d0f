import * as t from '@nnlab/tensor-gpu';

/** The MNIST MLP of Nøkland (2016): 784-hidden-hidden-10 with tanh, PyTorch's initialisation. */
export function mnistMlp(hidden: number, seed: number): t.nn.Sequential {
  const s = new t.nn.SeedSequence(seed);
  return new t.nn.Sequential(
    new t.nn.Linear(784, hidden, { seed: s.next() }),
    new t.nn.Tanh(),
    new t.nn.Linear(hidden, hidden, { seed: s.next() }),
    new t.nn.Tanh(),
    new t.nn.Linear(hidden, 10, { seed: s.next() }),
  );
}

/** The small CIFAR-10 CNN: conv3×3·8 → pool → conv3×3·16 → pool → FC 1024→128 (ReLU) → FC 128→10 (133,882 parameters). */
export function cifarSmallCnn(seed: number): t.nn.Sequential {
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
