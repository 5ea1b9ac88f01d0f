// The models of the LCA paper's experiments on MNIST, with the reference code's initialisation.
import * as t from '@nnlab/tensor-gpu';

/** The models {@link lcaModel} builds. */
export const LCA_MODELS = ['mnist-fc', 'lenet', 'lenet5', 'resnet-small'] as const;

/** One of {@link LCA_MODELS}. */
export type LcaModelName = (typeof LCA_MODELS)[number];

/** A model and the shape of one sample it takes. */
export interface LcaModel {
  /** The model, in training mode. */
  model: t.nn.Sequential;
  /** Shape of one input sample (`[784]` for the MLP, `[1, 28, 28]` for the CNNs). */
  inputShape: number[];
}

/** The reference "LeNet": conv5×5·20 → pool → conv5×5·40 → pool → dropout .25 → FC400 → dropout .5 → FC10 (808,970 parameters), He-normal weights, zero biases. */
function referenceLenet(seed: number): t.nn.Sequential {
  const s = new t.nn.SeedSequence(seed);
  const he = { init: t.nn.heNormal, biasInit: t.nn.zeros };
  return new t.nn.Sequential(
    new t.nn.Conv2d(1, 20, 5, { padding: 2, seed: s.next(), ...he }),
    new t.nn.ReLU(),
    new t.nn.MaxPool2d(2),
    new t.nn.Conv2d(20, 40, 5, { padding: 2, seed: s.next(), ...he }),
    new t.nn.ReLU(),
    new t.nn.MaxPool2d(2),
    new t.nn.Dropout(0.25, { seed: s.next() }),
    new t.nn.Flatten(),
    new t.nn.Linear(7 * 7 * 40, 400, { seed: s.next(), ...he }),
    new t.nn.ReLU(),
    new t.nn.Dropout(0.5, { seed: s.next() }),
    new t.nn.Linear(400, 10, { seed: s.next(), ...he }),
  );
}

/** A small ResNet for 28×28 MNIST: stem conv 1→8 + BN, residual blocks 8→8, 8→16 (stride 2), 16→32 (stride 2), global pooling, FC 32→10. */
function smallResnet(seed: number): t.nn.Sequential {
  const s = new t.nn.SeedSequence(seed);
  return new t.nn.Sequential(
    new t.nn.Conv2d(1, 8, 3, { padding: 1, bias: false, init: t.nn.heNormal, seed: s.next() }),
    new t.nn.BatchNorm2d(8),
    new t.nn.ReLU(),
    new t.nn.BasicBlock(8, 8, 1, 'A', s),
    new t.nn.BasicBlock(8, 16, 2, 'A', s),
    new t.nn.BasicBlock(16, 32, 2, 'A', s),
    new t.nn.GlobalAvgPool2d(),
    new t.nn.Linear(32, 10, { init: t.nn.heNormal, seed: s.next() }),
  );
}

/**
 * Builds one of the models LCA is studied on: `'mnist-fc'` (784-100-50-10 ReLU MLP, He-normal
 * weights and zero biases as the reference), `'lenet'` (the reference's LeNet), `'lenet5'`
 * (tensor-gpu's LeNet-5, PyTorch's initialisation) or `'resnet-small'`.
 *
 * @throws Error for an unknown name or a seed that is not an integer.
 */
export function lcaModel(name: LcaModelName, seed: number): LcaModel {
  if (!Number.isInteger(seed)) throw new Error(`lcaModel: seed must be an integer, got ${String(seed)}`);
  switch (name) {
    case 'mnist-fc':
      return { model: t.nn.mnistFc({ seed, init: t.nn.heNormal, biasInit: t.nn.zeros }), inputShape: [784] };
    case 'lenet':
      return { model: referenceLenet(seed), inputShape: [1, 28, 28] };
    case 'lenet5':
      return { model: t.nn.lenet5({ seed }), inputShape: [1, 28, 28] };
    case 'resnet-small':
      return { model: smallResnet(seed), inputShape: [1, 28, 28] };
    default:
      throw new Error(`lcaModel: name must be one of ${LCA_MODELS.join(', ')}, got ${JSON.stringify(name)}`);
  }
}
