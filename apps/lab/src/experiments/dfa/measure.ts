import * as t from '@nnlab/tensor-gpu';
import { loadCifar10, loadMnist } from '@nnlab/tensor-gpu/node';
import { createDfa, fitDfa, measureProjectionCost, smallCifarCnn, tanhMlp, type AlignmentRecord, type DfaOptions, type ProjectionCost } from '@nnlab/dfa';
import type { ExperimentContext } from '../../experiment';
import { layerName, layerNames } from '../../report/layer-names';

/** A training method: its label and the DFA options that make it. */
export interface MethodSpec {
  label: string;
  options: Pick<DfaOptions, 'rules' | 'binary'>;
}

/** The methods compared on MNIST. */
export const MNIST_METHODS: readonly MethodSpec[] = [
  { label: 'BP', options: { rules: 'bp' } },
  { label: 'DFA', options: { rules: 'dfa' } },
  { label: 'BDFA', options: { rules: 'dfa', binary: true } },
];

/** The methods compared on CIFAR-10. */
export const CIFAR_METHODS: readonly MethodSpec[] = [
  { label: 'BP', options: { rules: 'bp' } },
  { label: 'DFA (all layers)', options: { rules: 'dfa' } },
  { label: 'Hybrid (conv BP, FC DFA)', options: { rules: 'hybrid' } },
  { label: 'Binary hybrid', options: { rules: 'hybrid', binary: true } },
];

/** One trained model of the experiment (plain numbers for report.json). */
export interface DfaRun {
  /** Data set and split, e.g. `'MNIST'`, `'CIFAR-10 10%'`. */
  dataset: string;
  /** Method label. */
  label: string;
  /** Training images. */
  trainCount: number;
  /** Epochs. */
  epochs: number;
  /** Test error, percent. */
  errorPercent: number;
  /** Mean seconds of training per epoch (alignment measurements excluded). */
  secondsPerEpoch: number;
  /** Mean training loss of the last epoch. */
  finalLoss: number;
  /** Alignment with BP over training (empty for BP). */
  alignment: AlignmentRecord[];
  /** Readable name of each block's weight layer (`fc1 784→800`, see `report/layer-names.ts`), by block index. */
  blockNames: string[];
}

/** The sizes of one run, after defaults and command-line options. */
export interface DfaRunSettings {
  /** MNIST training images (first N of 60,000). */
  mnistTrain: number;
  /** MNIST test images (first N of 10,000). */
  mnistTest: number;
  /** MNIST epochs. */
  mnistEpochs: number;
  /** Width of the two hidden layers of the MNIST MLP. */
  hidden: number;
  /** CIFAR-10 training images (first N of training batch 1). */
  cifarTrain: number;
  /** CIFAR-10 test images. */
  cifarTest: number;
  /** CIFAR-10 epochs on the training subset. */
  cifarEpochs: number;
  /** CIFAR-10 epochs on the 10% subset. */
  smallEpochs: number;
  /** Directory of the CIFAR-10 binary batches or sprites (default: see `locateCifar10` of `@nnlab/tensor-gpu/node`). */
  cifarDir?: string;
  /** SGD learning rate on MNIST (every method). */
  mnistLr: number;
  /** SGD learning rate on CIFAR-10 (every method). */
  cifarLr: number;
  /** Base seed of every random draw. */
  seed: number;
  /** A `--quick` smoke run: the checks against the papers are not made. */
  quick: boolean;
  /**
   * Judge the MNIST errors against the papers' windows (DFA within 0.5 points of BP, BDFA of DFA):
   * on all of MNIST only. Runs on a subset stop long before the methods converge, so there the
   * gaps are reported and the alignment is what is checked.
   */
  judgeErrors: boolean;
}

/** Everything a run measured, as plain data (it is the `data` of report.json). */
export interface DfaMeasurement {
  /** The sizes actually used (test counts after clamping to the data). */
  settings: Omit<DfaRunSettings, 'cifarDir'> & { batch: number };
  /** The MNIST runs, in the order of {@link MNIST_METHODS}. */
  mnist: DfaRun[];
  /** The CIFAR-10 runs: every method of {@link CIFAR_METHODS} on the training subset, then on its 10%. */
  cifar: DfaRun[];
  /** Float vs sign projection costs of binary feedback. */
  projection: ProjectionCost[];
}

type Split = t.train.LabeledData;

/** The first `count` samples of a split, as the model takes one sample (`shape`). */
function head(split: Split, count: number, shape: readonly number[]): Split {
  return { ...t.train.headOf(split, count), shape };
}

interface TrainJob {
  dataset: string;
  method: MethodSpec;
  model: () => t.nn.Sequential;
  inputShape: number[];
  train: Split;
  test: Split;
  epochs: number;
  lr: number;
  alignmentEvery: number;
  /** Base seed of every random draw. */
  seed: number;
}

/** Samples per step, every method. */
export const BATCH = 64;

async function trainOne(ctx: ExperimentContext, job: TrainJob): Promise<DfaRun> {
  const model = job.model();
  const network = createDfa(model, { seed: job.seed + 17, inputShape: job.inputShape, ...job.method.options });
  const names = layerNames(model);
  // A Sequential registers its layers under their index, the module path layerNames keys by.
  const blockNames = network.blocks.map((block) => layerName(names, String(model.layers.indexOf(block.weightLayer))));
  const optimizer = t.optim.sgd({ lr: job.lr, momentum: 0.9 });
  const steps = Math.ceil(job.train.count / BATCH) * job.epochs;
  const bar = ctx.progress(`dfa ${job.dataset} ${job.method.label}`, steps);
  try {
    // One untimed pass first: kernels compile per shape on first use, which should not count
    // against whichever method happens to run first.
    t.tidy(() => {
      const n = Math.min(BATCH, job.train.count);
      const size = job.inputShape.reduce((a, b) => a * b, 1);
      const { loss, grads } = network.gradients(t.tensor(job.train.images.slice(0, n * size), [n, ...job.inputShape]), job.train.labels.subarray(0, n));
      t.dispose([loss, ...grads]);
    });
    const measure = job.method.options.rules !== 'bp';
    const history = await fitDfa(network, job.train, {
      epochs: job.epochs,
      batchSize: BATCH,
      optimizer,
      seed: job.seed,
      alignmentEvery: measure ? job.alignmentEvery : undefined,
      onStep: () => bar.tick(),
    });
    const { accuracy } = await t.train.evaluate(model, job.test, { inputShape: job.inputShape });
    const seconds = history.epochs.reduce((s, e) => s + e.seconds, 0) / history.epochs.length;
    return {
      dataset: job.dataset,
      label: job.method.label,
      trainCount: job.train.count,
      epochs: job.epochs,
      errorPercent: 100 * (1 - accuracy),
      secondsPerEpoch: seconds,
      finalLoss: history.epochs[history.epochs.length - 1].loss,
      alignment: history.alignment,
      blockNames,
    };
  } finally {
    bar.done();
    optimizer.dispose();
    network.dispose();
    model.dispose();
  }
}

/** Trains every method on MNIST and CIFAR-10 and times the binary projection; returns the plain measurement. */
export async function measureDfa(ctx: ExperimentContext, s: DfaRunSettings): Promise<DfaMeasurement> {
  const { seed, quick, hidden } = s;
  const previous = t.getBackend();
  await t.setBackend('cpu');
  try {
    ctx.log(`dfa: MNIST 784-${hidden}-${hidden}-10 tanh on ${s.mnistTrain}/${s.mnistTest} images × ${s.mnistEpochs} epochs; CIFAR-10 small CNN on ${s.cifarTrain} (and ${Math.max(1, Math.round(s.cifarTrain / 10))}) / ${s.cifarTest} images × ${s.cifarEpochs} (${s.smallEpochs}) epochs; cpu backend`);
    const mnist = await loadMnist();
    const mnistSplits = { train: head(mnist.train, s.mnistTrain, [784]), test: head(mnist.test, s.mnistTest, [784]) };
    const stepsPerMnistEpoch = Math.ceil(mnistSplits.train.count / BATCH);
    const mnistRuns: DfaRun[] = [];
    for (const method of MNIST_METHODS) {
      mnistRuns.push(await trainOne(ctx, {
        dataset: 'MNIST', method, model: () => tanhMlp(hidden, seed), inputShape: [784], ...mnistSplits,
        epochs: s.mnistEpochs, lr: s.mnistLr, alignmentEvery: Math.max(1, Math.round(stepsPerMnistEpoch / (quick ? 3 : 6))), seed,
      }));
    }

    const cifar = await loadCifar10(s.cifarDir);
    const shape = cifar.test.shape;
    const trainFull = head(cifar.train!, s.cifarTrain, shape);
    const stats = t.data.channelMeanStd(trainFull.images, shape);
    const standardise = (split: Split): Split => ({ ...split, images: t.data.normalize(split.images, stats.mean, stats.std, shape) });
    const cifarSplits = [
      { dataset: 'CIFAR-10', train: standardise(trainFull), epochs: s.cifarEpochs },
      { dataset: 'CIFAR-10 10%', train: standardise(head(cifar.train!, Math.max(1, Math.round(s.cifarTrain / 10)), shape)), epochs: s.smallEpochs },
    ];
    const cifarTestSplit = standardise(head(cifar.test, s.cifarTest, shape));
    const cifarRuns: DfaRun[] = [];
    for (const split of cifarSplits) {
      const stepsPerEpoch = Math.ceil(split.train.count / BATCH);
      for (const method of CIFAR_METHODS) {
        cifarRuns.push(await trainOne(ctx, {
          dataset: split.dataset, method, model: () => smallCifarCnn(seed), inputShape: [...shape], train: split.train, test: cifarTestSplit,
          epochs: split.epochs, lr: s.cifarLr, alignmentEvery: Math.max(1, Math.round((stepsPerEpoch * split.epochs) / (quick ? 2 : 8))), seed,
        }));
      }
    }

    const projection: ProjectionCost[] = [];
    for (const p of [{ rows: hidden, classes: 10, batch: BATCH }, { rows: 128, classes: 10, batch: BATCH }, { rows: 2048, classes: 100, batch: 128 }]) {
      projection.push(await measureProjectionCost({ ...p, repeats: quick ? 3 : 20, seed }));
    }
    const { cifarDir: _dir, ...rest } = s;
    return {
      settings: { ...rest, mnistTrain: mnistSplits.train.count, mnistTest: mnistSplits.test.count, cifarTest: cifarTestSplit.count, batch: BATCH },
      mnist: mnistRuns,
      cifar: cifarRuns,
      projection,
    };
  } finally {
    if (previous && previous !== 'cpu') await t.setBackend(previous).catch(() => undefined);
  }
}
