import { ReLU } from './activations';
import { Conv2d } from './conv2d';
import { Sequential } from './containers';
import { Flatten } from './flatten';
import { Linear } from './linear';
import { MaxPool2d } from './pooling';
import { resolveSeed } from './seed';
import type { Initializer, InitOptions } from './init';
import { SeedSequence } from './seed-sequence';

export { resnet20, type ResNet20Options } from './resnet';

/** Options of the model builders. */
export interface ModelOptions {
  /** One seed for the whole model: each layer initialises from a seed derived from it (random when omitted). */
  seed?: number;
  /** Weight initialiser of every Linear and Conv2d layer (default: PyTorch's, `defaultWeightInit`). */
  init?: Initializer;
  /** Bias initialiser of every Linear and Conv2d layer (default: PyTorch's, `defaultBiasInit`). */
  biasInit?: Initializer;
}

/** The seeds of a model's layers and the initialisers every weight layer takes, checked once. */
function layerOptions(options: ModelOptions, owner: string): () => InitOptions {
  for (const key of ['init', 'biasInit'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function') throw new Error(`${owner}: options.${key} must be an initialiser function, got ${typeof options[key]}`);
  }
  const seeds = new SeedSequence(resolveSeed(options.seed, owner));
  return () => ({ seed: seeds.next(), init: options.init, biasInit: options.biasInit });
}

/** A ReLU MLP through the given widths, each Linear layer initialised from `next()`. */
function mlp(widths: readonly number[], next: () => InitOptions): Sequential {
  const layers = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    if (i > 0) layers.push(new ReLU());
    layers.push(new Linear(widths[i], widths[i + 1], next()));
  }
  return new Sequential(...layers);
}

/** Number of parameters of {@link mnistFc}. */
export const MNIST_FC_PARAMETERS = 84_060;

/**
 * The 784-100-50-10 ReLU MLP for flattened MNIST images `[N, 784]` → logits `[N, 10]`
 * (84,060 parameters). Layers: `0` Linear 784→100, `1` ReLU, `2` Linear 100→50, `3` ReLU,
 * `4` Linear 50→10; PyTorch's default initialisation.
 */
export function mnistFc(options: ModelOptions = {}): Sequential {
  return mlp([784, 100, 50, 10], layerOptions(options, 'mnistFc'));
}

/** Number of parameters of {@link lenet300100}. */
export const LENET_300_100_PARAMETERS = 266_610;

/**
 * LeNet-300-100: the 784-300-100-10 ReLU MLP for flattened MNIST `[N, 784]` → `[N, 10]`
 * (266,610 parameters). Layers: `0` Linear 784→300, `1` ReLU, `2` Linear 300→100, `3` ReLU,
 * `4` Linear 100→10.
 */
export function lenet300100(options: ModelOptions = {}): Sequential {
  return mlp([784, 300, 100, 10], layerOptions(options, 'lenet300100'));
}

/** Number of parameters of {@link lenet5}. */
export const LENET5_PARAMETERS = 61_706;

/**
 * A LeNet-5-style CNN for `[N, 1, 28, 28]` images → logits `[N, 10]` (61,706 parameters):
 * `0` Conv2d 1→6 5×5 padding 2, `1` ReLU, `2` MaxPool2d 2, `3` Conv2d 6→16 5×5, `4` ReLU,
 * `5` MaxPool2d 2, `6` Flatten (16·5·5 = 400), `7` Linear 400→120, `8` ReLU, `9` Linear 120→84,
 * `10` ReLU, `11` Linear 84→10.
 */
export function lenet5(options: ModelOptions = {}): Sequential {
  const next = layerOptions(options, 'lenet5');
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2, ...next() }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(6, 16, 5, next()),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(400, 120, next()),
    new ReLU(),
    new Linear(120, 84, next()),
    new ReLU(),
    new Linear(84, 10, next()),
  );
}

/** Number of parameters of {@link cifarCnn}. */
export const CIFAR_CNN_PARAMETERS = 122_570;

/**
 * A small CNN for CIFAR-10 `[N, 3, 32, 32]` → logits `[N, 10]` (122,570 parameters):
 * `0` Conv2d 3→32 3×3 padding 1, `1` ReLU, `2` MaxPool2d 2 (→16×16), `3` Conv2d 32→64 3×3
 * padding 1, `4` ReLU, `5` MaxPool2d 2 (→8×8), `6` Conv2d 64→64 3×3 padding 1, `7` ReLU,
 * `8` MaxPool2d 2 (→4×4), `9` Flatten (1024), `10` Linear 1024→64, `11` ReLU, `12` Linear 64→10.
 * Parameters: 896 + 18,496 + 36,928 + 65,600 + 650.
 */
export function cifarCnn(options: ModelOptions = {}): Sequential {
  const next = layerOptions(options, 'cifarCnn');
  return new Sequential(
    new Conv2d(3, 32, 3, { padding: 1, ...next() }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(32, 64, 3, { padding: 1, ...next() }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(64, 64, 3, { padding: 1, ...next() }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(1024, 64, next()),
    new ReLU(),
    new Linear(64, 10, next()),
  );
}
