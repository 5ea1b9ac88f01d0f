import * as t from '@nnlab/tensor-gpu';
import type { Configuration } from '../hyperband/space';
import type { Evaluator } from '../hyperband/executor';
import { buildModel, sampleSize, type Architecture } from '../model/architecture';
import { fusionKey, resolveConfig, singleModelOptimizer, type ModelConfig } from '../model/config';
import { pack } from '../model/pack';
import { checkDataset, epochOrder, gatherBatch } from './dataset';
import { trainPack, type PaddingMode } from './train-pack';

/** What an evaluator trains on and how it scores: validation accuracy after `budget` epochs from scratch. */
export interface EvaluatorSetup {
  /** The architecture every configuration trains. */
  architecture: Architecture;
  /** Training data. */
  train: t.train.LabeledData;
  /** Validation data (the score is the accuracy on it). */
  validation: t.train.LabeledData;
  /** Maps a sampled configuration to a model config (seed, lr, optimiser, batch size, ...). */
  toModelConfig: (config: Configuration) => ModelConfig;
  /** Batch size for configurations that set none. */
  batchSize?: number;
  /** Seed of the sample order (the same for every configuration). */
  seed: number;
  /** How a pack's different batch sizes share the data (default `'own-batches'`: every model sees every sample). */
  paddingMode?: PaddingMode;
  /** Rows per evaluation chunk (default 1000). */
  evalBatchSize?: number;
}

function checkSetup(setup: EvaluatorSetup, owner: string): number {
  if (!setup || typeof setup.toModelConfig !== 'function') throw new Error(`${owner}: setup.toModelConfig must be a function`);
  const size = sampleSize(setup.architecture);
  checkDataset(setup.train, size, `${owner}: setup.train`);
  checkDataset(setup.validation, size, `${owner}: setup.validation`);
  if (!Number.isInteger(setup.seed)) throw new Error(`${owner}: setup.seed must be an integer, got ${String(setup.seed)}`);
  return size;
}

function checkBudget(budget: number, owner: string): number {
  if (!Number.isInteger(budget) || budget < 1) throw new Error(`${owner}: budget must be a positive integer number of epochs, got ${String(budget)}`);
  return budget;
}

/**
 * The pack-aware evaluator: trains a job's configurations as packs ({@link pack} + {@link trainPack};
 * configurations that cannot share a fused update go into separate packs) for `budget` epochs and
 * returns each one's validation accuracy.
 */
export function packedEvaluator(setup: EvaluatorSetup): Evaluator {
  checkSetup(setup, 'packedEvaluator');
  return async (configs, budget) => {
    checkBudget(budget, 'packedEvaluator');
    const models = configs.map((c) => setup.toModelConfig(c));
    const groups = new Map<string, number[]>();
    models.forEach((m, i) => groups.set(fusionKey(m), [...(groups.get(fusionKey(m)) ?? []), i]));
    const scores = new Array<number>(configs.length);
    for (const members of groups.values()) {
      const packed = pack(setup.architecture, members.map((i) => models[i]));
      try {
        await trainPack(packed, setup.train, { epochs: budget, seed: setup.seed, paddingMode: setup.paddingMode ?? 'own-batches', batchSize: setup.batchSize });
        const accuracies = await packed.evaluate(setup.validation.images, setup.validation.labels, setup.evalBatchSize ?? 1000);
        members.forEach((i, k) => (scores[i] = accuracies[k]));
      } finally {
        packed.dispose();
      }
    }
    return scores;
  };
}

/** Trains one model alone, the ordinary way (tensor-gpu's `sgd`/`adam`, `crossEntropy`), over whole epochs in batches of its batch size. */
export async function trainSingleModel(architecture: Architecture, config: ModelConfig, data: t.train.LabeledData, options: { epochs: number; seed: number; batchSize?: number }): Promise<t.nn.Sequential> {
  const c = resolveConfig(config, 0);
  const size = sampleSize(architecture);
  const count = checkDataset(data, size);
  const batch = c.batchSize ?? options.batchSize;
  if (batch === undefined) throw new Error('trainSingleModel: config.batchSize or options.batchSize is needed');
  const model = buildModel(architecture, c.seed);
  const optimizer = singleModelOptimizer(c);
  const params = model.parameters();
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const order = epochOrder(count, options.seed, epoch);
      for (let start = 0; start < count; start += batch) {
        const n = Math.min(batch, count - start);
        const { x, labels } = gatherBatch(data, size, order.subarray(start, start + n));
        t.tidy(() => {
          t.train.trainStep(model, t.tensor(x, [n, ...architecture.inputShape]), labels, { optimizer, parameters: params });
        });
      }
    }
  } finally {
    optimizer.dispose();
  }
  return model;
}

/** Accuracy of one model on `data`, in chunks of `batchSize` rows. */
export async function accuracy(model: t.nn.Module, architecture: Architecture, data: t.train.LabeledData, batchSize = 1000): Promise<number> {
  const size = sampleSize(architecture);
  const count = checkDataset(data, size);
  let correct = 0;
  model.eval();
  try {
    for (let start = 0; start < count; start += batchSize) {
      const n = Math.min(batchSize, count - start);
      const ids = t.noGrad(() => t.tidy(() => t.argmax(model.forward(t.tensor(data.images.subarray(start * size, (start + n) * size), [n, ...architecture.inputShape])), 1)));
      const values = await ids.data();
      ids.dispose();
      for (let i = 0; i < n; i++) if (values[i] === data.labels[start + i]) correct++;
    }
  } finally {
    model.train();
  }
  return correct / count;
}

/**
 * The original (unpacked) evaluator: trains every configuration of a job alone, one after another
 * ({@link trainSingleModel}), and returns each one's validation accuracy. With `'own-batches'`
 * packing the packed evaluator trains the same models.
 */
export function singleModelEvaluator(setup: EvaluatorSetup): Evaluator {
  checkSetup(setup, 'singleModelEvaluator');
  return async (configs, budget) => {
    checkBudget(budget, 'singleModelEvaluator');
    const scores: number[] = [];
    for (const c of configs) {
      const model = await trainSingleModel(setup.architecture, setup.toModelConfig(c), setup.train, { epochs: budget, seed: setup.seed, batchSize: setup.batchSize });
      try {
        scores.push(await accuracy(model, setup.architecture, setup.validation, setup.evalBatchSize ?? 1000));
      } finally {
        model.dispose();
      }
    }
    return scores;
  };
}
