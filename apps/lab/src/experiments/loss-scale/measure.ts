import * as t from '@nnlab/tensor-gpu';
import { loadMnist } from '@nnlab/tensor-gpu/node';
import {
  adaptiveScaling,
  dynamicScaling,
  linearUnderflowCheck,
  MixedPrecisionTrainer,
  NO_CAPS,
  noScaling,
  staticScaling,
  trainEpochs,
  type LayerQuantity,
  type LossScalePolicy,
  type ScaleRecorder,
} from '@nnlab/loss-scale';
import type { ExperimentContext } from '../../experiment';
import { layerNames } from '../../report/layer-names';

/** The loss weight λ of the small-gradient setting (the learning rate is divided by it). */
export const SMALL_LOSS_WEIGHT = 2 ** -14;

/** One training method of the comparison. */
interface Method {
  label: string;
  precision: 'float16' | 'float32';
  policy: (lossWeight: number) => LossScalePolicy;
  /** Run only when the loss is weighted (it equals another method otherwise). */
  weightedOnly?: boolean;
}

const METHODS: readonly Method[] = [
  { label: 'fp32', precision: 'float32', policy: () => noScaling() },
  { label: 'fp16, no scaling', precision: 'float16', policy: () => noScaling() },
  // Static S = 128 (the reference's middle value), times 1/λ: the scale a user would tune.
  { label: 'fp16, static', precision: 'float16', policy: (w) => staticScaling({ scale: 128 / w }) },
  { label: 'fp16, dynamic', precision: 'float16', policy: () => dynamicScaling() },
  { label: 'fp16, adaptive', precision: 'float16', policy: () => adaptiveScaling() },
  { label: 'fp16, adaptive (no caps)', precision: 'float16', policy: () => adaptiveScaling(NO_CAPS) },
  // The reference starts adaptive scaling at s₀ = 1; starting at 1/λ protects the loss gradient itself.
  { label: 'fp16, adaptive (no caps), s₀ = 1/λ', precision: 'float16', policy: (w) => adaptiveScaling({ ...NO_CAPS, initScale: 1 / w }), weightedOnly: true },
];

/** A value per recorded training step. */
export type StepSeries = { iteration: number; value: number }[];

/** One layer's recorded scales and underflow rates over training. */
export interface LayerSeries {
  layer: string;
  alpha: StepSeries;
  incomingScale: StepSeries;
  inputUnderflow: StepSeries;
  weightUnderflow: StepSeries;
}

/** One run's numbers. */
export interface LossScaleRun {
  setting: string;
  method: string;
  accuracy: number;
  skipped: number;
  steps: number;
  seconds: number;
  finalLossScale: number;
  lossGradUnderflow: number;
  inputUnderflow: number;
  weightUnderflow: number;
  layers: LayerSeries[];
}

/** The adaptive-scale formula on one Linear 512×512 case (float64 oracle with float16 rounding). */
export interface FormulaCase {
  gradStd: number;
  unbounded: number;
  alpha: number;
  alphaCapped: number;
  underflowUnscaled: number;
  underflowScaled: number;
  underflowCapped: number;
  overflowProduct: number;
}

/** The sizes of one run. */
export interface LossScaleRunSettings {
  /** Training images (the first N of 60,000). */
  trainSize: number;
  /** Test images (the first N of 10,000). */
  testSize: number;
  /** Epochs per run. */
  epochs: number;
  /** Base seed of every random draw. */
  seed: number;
  /** A `--quick` smoke run: one formula case and a record every step. */
  quick: boolean;
}

/** Everything a run measured, as plain data (it is the `data` of report.json). */
export interface LossScaleMeasurement {
  settings: { trainSize: number; testSize: number; epochs: number; batchSize: number; lr: number; momentum: number; smallLossWeight: number; seed: number };
  /** The training settings, in order: the standard loss, then the weighted one. */
  settingNames: string[];
  /** Readable names of MNIST-FC's layers (`fc1 784→100`) by module path, the names the runs' layers carry. */
  layerNames: Record<string, string>;
  formulaCases: FormulaCase[];
  runs: LossScaleRun[];
}

const BATCH = 128;

/** The layer names of the model every run trains. */
function mnistFcLayerNames(seed: number): Record<string, string> {
  const model = t.nn.mnistFc({ seed });
  const names = layerNames(model);
  model.dispose();
  return names;
}
const LR = 0.05;

function layerSeries(recorder: ScaleRecorder): LayerSeries[] {
  const of = (layer: string, q: LayerQuantity) => recorder.series(layer, q);
  return recorder.layerNames().map((layer) => ({
    layer,
    alpha: of(layer, 'alpha'),
    incomingScale: of(layer, 'incomingScale'),
    inputUnderflow: of(layer, 'inputUnderflow'),
    weightUnderflow: of(layer, 'weightUnderflow'),
  }));
}

/** Checks the formula on the Linear 512×512 cases, then trains MNIST-FC with every method in both settings. */
export async function measureLossScale(ctx: ExperimentContext, s: LossScaleRunSettings): Promise<LossScaleMeasurement> {
  const { seed, quick, epochs } = s;
  const previousBackend = t.getBackend();
  await t.setBackend('cpu');
  try {
    const formulaCases = (quick ? [1e-6] : [1e-5, 1e-6, 1e-7]).map((gradStd): FormulaCase => {
      const free = linearUnderflowCheck({ gradStd, seed, scale: NO_CAPS });
      const capped = linearUnderflowCheck({ gradStd, seed, scale: { scaleUpperBound: 16, accumUpperBound: 1024 } });
      return { gradStd, unbounded: free.scale.unbounded, alpha: free.scale.alpha, alphaCapped: capped.scale.alpha, underflowUnscaled: free.underflowUnscaled, underflowScaled: free.underflowScaled, underflowCapped: capped.underflowScaled, overflowProduct: free.overflowProduct };
    });

    const mnist = await loadMnist();
    const train = t.train.headOf(mnist.train, s.trainSize);
    const test = t.train.headOf(mnist.test, s.testSize);
    const settings = [
      { name: 'standard loss', lossWeight: 1 },
      { name: `loss × 2^${Math.log2(SMALL_LOSS_WEIGHT)}`, lossWeight: SMALL_LOSS_WEIGHT },
    ];
    const runs: LossScaleRun[] = [];
    const stepsPerRun = Math.floor(train.count / BATCH) * epochs;
    const methodsOf = (lossWeight: number) => METHODS.filter((m) => !m.weightedOnly || lossWeight !== 1);
    const bar = ctx.progress('loss-scale runs', settings.reduce((n, x) => n + methodsOf(x.lossWeight).length, 0) * stepsPerRun);
    try {
      for (const setting of settings) {
        for (const method of methodsOf(setting.lossWeight)) {
          const model = t.nn.mnistFc({ seed });
          const optimizer = t.optim.sgd({ lr: LR / setting.lossWeight, momentum: 0.9 });
          const trainer = new MixedPrecisionTrainer(model, optimizer, {
            precision: method.precision,
            policy: method.policy(setting.lossWeight),
            loss: (logits, labels) => t.mul(t.crossEntropy(logits, labels), setting.lossWeight),
            recordEvery: quick ? 1 : 5,
          });
          const started = performance.now();
          const steps = await trainEpochs(trainer, train, { epochs, batchSize: BATCH, inputShape: [784], seed, onStep: () => bar.tick() });
          const seconds = (performance.now() - started) / 1000;
          const evaluation = await t.train.evaluate(trainer.inferenceModel(), test, { inputShape: [784] });
          const r = trainer.recorder;
          runs.push({
            setting: setting.name,
            method: method.label,
            accuracy: evaluation.accuracy,
            skipped: trainer.skippedSteps,
            steps,
            seconds,
            finalLossScale: r.steps.at(-1)?.lossScale ?? 1,
            lossGradUnderflow: r.underflowRate('loss'),
            inputUnderflow: r.underflowRate('input'),
            weightUnderflow: r.underflowRate('weight'),
            layers: layerSeries(r),
          });
          ctx.log(`loss-scale: ${setting.name}, ${method.label}: test accuracy ${(100 * evaluation.accuracy).toFixed(2)}%, skipped ${trainer.skippedSteps}/${steps}, ${seconds.toFixed(1)} s`);
          trainer.dispose();
          optimizer.dispose();
          model.dispose();
        }
      }
    } finally {
      bar.done();
    }
    return {
      settings: { trainSize: train.count, testSize: test.count, epochs, batchSize: BATCH, lr: LR, momentum: 0.9, smallLossWeight: SMALL_LOSS_WEIGHT, seed },
      settingNames: settings.map((x) => x.name),
      layerNames: mnistFcLayerNames(seed),
      formulaCases,
      runs,
    };
  } finally {
    if (previousBackend && previousBackend !== t.getBackend()) await t.setBackend(previousBackend);
  }
}
