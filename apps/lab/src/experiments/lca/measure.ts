import * as t from '@nnlab/tensor-gpu';
import { loadMnist } from '@nnlab/tensor-gpu/node';
import { batchStepper, lcaModel, OnlineLca, type LcaModelName, type LcaResult, type Quadrature } from '@nnlab/lca';
import type { ExperimentContext } from '../../experiment';
import { layerNames } from '../../report/layer-names';

/** What one run of the `lca` experiment is asked to do. */
export interface LcaRunSettings {
  /** The model. */
  model: LcaModelName;
  /** Training iterations. */
  iterations: number;
  /** Training examples the loss is decomposed on (all 55,000 with `full`). */
  lcaExamples: number;
  /** Reference scale: the whole training split (chunks of 11,000) and the validation split. */
  full: boolean;
  /** Also allocate the loss of the validation split. */
  validation: boolean;
  /** The path integral. */
  quadrature: Quadrature;
  /** The tensor-gpu backend. */
  backend: t.BackendRequest;
  /** Base seed. */
  seed: number;
}

/** Everything a run measured, as plain data (it is the `data` of report.json). */
export interface LcaMeasurement {
  /** The model. */
  model: LcaModelName;
  /** The backend that ran. */
  backend: string;
  /** Parameters of the model. */
  parameterCount: number;
  /** Readable layer names (`fc1 784→100`) by module path, the names LCA's layers carry (`0`, `2`, …). */
  layerNames: Record<string, string>;
  /** Training iterations. */
  iterations: number;
  /** Training examples the loss was decomposed on. */
  lcaExamples: number;
  /** Samples per oracle pass. */
  chunkSize: number;
  /** The path integral. */
  quadrature: Quadrature;
  /** Base seed (also of the peak analysis). */
  seed: number;
  /** Training setup, as the reference. */
  hyperparameters: { batchSize: number; lr: number; momentum: number; init: string };
  /** Milliseconds spent training and allocating. */
  timing: { trainMs: number; lcaMs: number };
  /** Bytes the online LCA held. */
  lcaMemoryBytes: number;
  /** The training loss of every step (on its batch). */
  trainingLoss: number[];
  /** First-order LCA summed over parameters, per iteration: ⟨g(θ_t), Δθ_t⟩. */
  firstOrderPerIteration: number[];
  /** The LCA of the training examples. */
  train: LcaResult;
  /** The LCA of the validation examples, when asked for. */
  validation: LcaResult | null;
}

/** Batch size, learning rate and momentum of the reference's MNIST runs. */
const REFERENCE_TRAINING = { batchSize: 250, lr: 0.01, momentum: 0.9 };

/**
 * Trains the model on MNIST with the reference's SGD and allocates every iteration's loss
 * change online; returns the plain measurement (no judgement, no HTML).
 */
export async function measureLca(ctx: ExperimentContext, s: LcaRunSettings): Promise<LcaMeasurement> {
  const previousBackend = t.getBackend();
  const backend = await t.setBackend(s.backend);
  try {
    const mnist = await loadMnist();
    // The reference's split: 55,000 training and 5,000 validation images, drawn with seed 0.
    const split = t.data.trainValidationSplit(mnist.train.count, 5000 / mnist.train.count, 0);
    const train = t.train.subsetOf(mnist.train, split.train);
    const validation = t.train.subsetOf(mnist.train, split.validation);
    const examples = s.full ? train.count : Math.min(train.count, s.lcaExamples);
    const lcaTrain = s.full ? train : t.train.headOf(train, examples);
    const withValidation = s.full || s.validation;
    const lcaValidation = s.full ? validation : t.train.headOf(validation, examples);
    const chunkSize = s.full ? 11_000 : Math.min(examples, 5000);

    const { model, inputShape } = lcaModel(s.model, s.seed);
    const parameterCount = model.parameters().reduce((n, p) => n + p.value.size, 0);
    ctx.log(`lca: ${s.model} (${parameterCount} parameters) on ${backend}, ${s.iterations} iterations, LCA on ${lcaTrain.count} training examples${withValidation ? ` and ${lcaValidation.count} validation examples` : ''}, ${s.quadrature}`);
    const optimizer = t.optim.sgd({ lr: REFERENCE_TRAINING.lr, momentum: REFERENCE_TRAINING.momentum });
    const trainer = batchStepper(model, train, { optimizer, batchSize: REFERENCE_TRAINING.batchSize, seed: s.seed, inputShape });
    const firstOrder: number[] = [];
    const trainingLoss: number[] = [];
    let trainMs = 0;
    let lcaMs = 0;
    const started = performance.now();
    const lca = await OnlineLca.create(model, {
      data: lcaTrain,
      extraSplits: withValidation ? { validation: lcaValidation } : undefined,
      inputShape,
      chunkSize,
      quadrature: s.quadrature,
      // First-order LCA comes for free: ⟨g(θ_t), Δθ_t⟩ from the start gradient the Simpson rule reuses.
      onIteration: (it) => {
        const g = it.splits.train.before.grad;
        let sum = 0;
        for (let i = 0; i < g.length; i++) sum += g[i] * it.delta[i];
        firstOrder.push(sum);
      },
    });
    lcaMs += performance.now() - started;
    const bar = ctx.progress(`lca ${s.model}`, s.iterations);
    try {
      for (let i = 0; i < s.iterations; i++) {
        const a = performance.now();
        const loss = trainer.step();
        trainingLoss.push((await loss.data())[0]);
        loss.dispose();
        const b = performance.now();
        await lca.observe();
        trainMs += b - a;
        lcaMs += performance.now() - b;
        bar.tick();
      }
    } finally {
      bar.done();
      optimizer.dispose();
      lca.dispose();
    }
    const measurement: LcaMeasurement = {
      model: s.model,
      backend,
      parameterCount,
      layerNames: layerNames(model),
      iterations: s.iterations,
      lcaExamples: lcaTrain.count,
      chunkSize,
      quadrature: s.quadrature,
      seed: s.seed,
      hyperparameters: { ...REFERENCE_TRAINING, init: s.model === 'lenet5' ? 'pytorch' : 'he-normal' },
      timing: { trainMs, lcaMs },
      lcaMemoryBytes: lca.memoryBytes(),
      trainingLoss,
      firstOrderPerIteration: firstOrder,
      train: lca.result('train'),
      validation: withValidation ? lca.result('validation') : null,
    };
    model.dispose();
    return measurement;
  } finally {
    if (previousBackend && previousBackend !== t.getBackend()) await t.setBackend(previousBackend);
  }
}
