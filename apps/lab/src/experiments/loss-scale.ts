/**
 * The `loss-scale` experiment: MNIST-FC trained in emulated float16 with no loss scaling, static,
 * dynamic (Chainer's scheme) and adaptive layer-wise scaling, next to float32, in two settings:
 * the standard loss, and the same loss multiplied by a small weight λ (with the learning rate
 * divided by λ, so float32 training is unchanged) where plain float16 gradients underflow.
 * Also checks the adaptive-scale formula on the spec's Linear 512×512 cases.
 */
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
  type LossScalePolicy,
  type ScaleRecorder,
} from '@nnlab/loss-scale';
import type { Experiment, ExperimentContext, ExperimentResult, SummaryRow } from '../experiment';
import { escapeXml, formatNumber } from '../report/format';
import { barChart, lineChart } from '../report/svg';
import { positiveInt } from '../option-parsers';

/** Largest gap (percentage points) between float16 + adaptive scaling and float32 that passes. */
export const LOSS_SCALE_MATCH_POINTS = 0.3;

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

/** One run's numbers. */
interface RunResult {
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
  recorder: ScaleRecorder;
}

/** Settings of {@link createLossScaleExperiment}. */
export interface LossScaleSettings {
  /** Training images (the first N of 60,000). */
  trainSize?: number;
  /** Test images (the first N of 10,000). */
  testSize?: number;
  /** Epochs per run. */
  epochs?: number;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** Builds the experiment; the command-line options override `defaults`. */
export function createLossScaleExperiment(defaults: LossScaleSettings = {}): Experiment {
  return {
    id: 'loss-scale',
    title: 'Loss scaling for mixed-precision training (emulated float16)',
    description:
      'MNIST-FC 784-100-50-10 trained with float16 activations and gradients (float32 master weights) under no, static, dynamic and adaptive ' +
      'layer-wise loss scaling, against float32; once with the plain loss and once with the loss times a small weight, where plain float16 ' +
      'gradients underflow. Reports test accuracy, per-layer scales and float16 underflow rates, and checks the adaptive-scale formula on the spec cases.',
    options: {
      'train-size': { type: 'string', valueName: 'N', description: 'training images (default 20000; 1000 with --quick)', parse: positiveInt(60_000) },
      'test-size': { type: 'string', valueName: 'N', description: 'test images (default 10000; 1000 with --quick)', parse: positiveInt(10_000) },
      epochs: { type: 'string', valueName: 'N', description: 'epochs per run (default 2; 1 with --quick)', parse: positiveInt(100) },
    },
    async run(ctx: ExperimentContext): Promise<ExperimentResult> {
      const { quick, seed, values } = ctx.options;
      const trainSize = (values['train-size'] as number | undefined) ?? defaults.trainSize ?? (quick ? 1000 : 20_000);
      const testSize = (values['test-size'] as number | undefined) ?? defaults.testSize ?? (quick ? 1000 : 10_000);
      const epochs = (values.epochs as number | undefined) ?? defaults.epochs ?? (quick ? 1 : 2);
      const previousBackend = t.getBackend();
      await t.setBackend('cpu');
      const summary: SummaryRow[] = [];

      // 1. The formula on the spec's Linear 512×512 cases (float64 oracle with float16 rounding).
      const formulaCases = (quick ? [1e-6] : [1e-5, 1e-6, 1e-7]).map((gradStd) => {
        const free = linearUnderflowCheck({ gradStd, seed, scale: NO_CAPS });
        const capped = linearUnderflowCheck({ gradStd, seed, scale: { scaleUpperBound: 16, accumUpperBound: 1024 } });
        return { gradStd, unbounded: free.scale.unbounded, alpha: free.scale.alpha, alphaCapped: capped.scale.alpha, underflowUnscaled: free.underflowUnscaled, underflowScaled: free.underflowScaled, underflowCapped: capped.underflowScaled, overflowProduct: free.overflowProduct };
      });
      const expectedAlpha: Record<string, [number, number]> = { '0.00001': [4, 4], '0.000001': [64, 16], '1e-7': [512, 16] };
      for (const c of formulaCases) {
        const [free, capped] = expectedAlpha[String(c.gradStd)];
        summary.push({ metric: `Linear 512², σ_g = ${c.gradStd}: α (no caps / SB = 16)`, value: `${c.alpha} / ${c.alphaCapped}`, reference: `${free} / ${capped} (spec)`, pass: c.alpha === free && c.alphaCapped === capped });
        summary.push({ metric: `Linear 512², σ_g = ${c.gradStd}: underflow with α (no caps)`, value: c.underflowScaled, reference: '≤ 1e-3', pass: c.underflowScaled <= 1e-3 && c.overflowProduct <= 65504 });
      }

      // 2. MNIST in two settings.
      const mnist = await loadMnist();
      const train = t.train.headOf(mnist.train, trainSize);
      const test = t.train.headOf(mnist.test, testSize);
      const settings = [
        { name: 'standard loss', lossWeight: 1 },
        { name: `loss × 2^${Math.log2(SMALL_LOSS_WEIGHT)}`, lossWeight: SMALL_LOSS_WEIGHT },
      ];
      const runs: RunResult[] = [];
      const stepsPerRun = Math.floor(train.count / 128) * epochs;
      const methodsOf = (lossWeight: number) => METHODS.filter((m) => !m.weightedOnly || lossWeight !== 1);
      const bar = ctx.progress('loss-scale runs', settings.reduce((n, s) => n + methodsOf(s.lossWeight).length, 0) * stepsPerRun);
      try {
        for (const setting of settings) {
          for (const method of methodsOf(setting.lossWeight)) {
            const model = t.nn.mnistFc({ seed });
            const optimizer = t.optim.sgd({ lr: 0.05 / setting.lossWeight, momentum: 0.9 });
            const trainer = new MixedPrecisionTrainer(model, optimizer, {
              precision: method.precision,
              policy: method.policy(setting.lossWeight),
              loss: (logits, labels) => t.mul(t.crossEntropy(logits, labels), setting.lossWeight),
              recordEvery: quick ? 1 : 5,
            });
            const started = performance.now();
            const steps = await trainEpochs(trainer, train, { epochs, batchSize: 128, inputShape: [784], seed, onStep: () => bar.tick() });
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
              recorder: r,
            });
            ctx.log(`loss-scale: ${setting.name}, ${method.label}: test accuracy ${pct(evaluation.accuracy)}, skipped ${trainer.skippedSteps}/${steps}, ${seconds.toFixed(1)} s`);
            trainer.dispose();
            optimizer.dispose();
            model.dispose();
          }
        }
      } finally {
        bar.done();
        if (previousBackend && previousBackend !== t.getBackend()) await t.setBackend(previousBackend);
      }

      const find = (setting: string, method: string) => runs.find((r) => r.setting === setting && r.method === method)!;
      for (const setting of settings) {
        const fp32 = find(setting.name, 'fp32');
        for (const r of runs.filter((x) => x.setting === setting.name)) {
          const row: SummaryRow = { metric: `${setting.name}: ${r.method} test accuracy`, value: pct(r.accuracy) };
          if (r.method === 'fp16, adaptive' && setting.lossWeight === 1) {
            row.reference = `fp32 ${pct(fp32.accuracy)} ± ${LOSS_SCALE_MATCH_POINTS} pts`;
            row.pass = Math.abs(r.accuracy - fp32.accuracy) * 100 <= LOSS_SCALE_MATCH_POINTS;
          } else if (r.method !== 'fp32') row.reference = `fp32 ${pct(fp32.accuracy)}`;
          summary.push(row);
        }
      }

      const sections = [
        { title: 'Adaptive-scale formula: spec cases (Linear 512×512, batch 128)', html: formulaTable(formulaCases) },
        { title: 'MNIST-FC: accuracy and underflow by method', html: resultsSection(runs, settings.map((s) => s.name), { trainSize: train.count, testSize: test.count, epochs }) },
        ...settings.map((s) => ({ title: `Per-layer scales and underflow over training (${s.name})`, html: curves(runs.filter((r) => r.setting === s.name)) })),
      ];
      const data = {
        settings: { trainSize: train.count, testSize: test.count, epochs, batchSize: 128, lr: 0.05, momentum: 0.9, smallLossWeight: SMALL_LOSS_WEIGHT, seed },
        formulaCases,
        runs: runs.map(({ recorder, ...rest }) => ({ ...rest, layers: recorder.layerNames().map((l) => ({ layer: l, alpha: recorder.series(l, 'alpha'), inputUnderflow: recorder.series(l, 'inputUnderflow'), weightUnderflow: recorder.series(l, 'weightUnderflow') })) })),
      };
      return { summary, sections, data };
    },
  };
}

function formulaTable(cases: { gradStd: number; unbounded: number; alpha: number; alphaCapped: number; underflowUnscaled: number; underflowScaled: number; underflowCapped: number }[]): string {
  const rows = cases
    .map((c) => `<tr><td>${c.gradStd}</td><td>${formatNumber(c.unbounded)}</td><td>${c.alpha}</td><td>${c.alphaCapped}</td><td>${pct(c.underflowUnscaled)}</td><td>${c.underflowScaled.toExponential(2)}</td><td>${c.underflowCapped.toExponential(2)}</td></tr>`)
    .join('');
  return (
    '<p>W ~ N(0, 2/512), G Gaussian with half its entries zero; underflow = share of the non-zero float64 products G·W that are 0 after the float16 product. ' +
    'Spec reference: α 4 / 64 (unbounded 67.7) / 512 without caps, 4 / 16 / 16 with SB = 16; underflow without scaling 2.4% (1e-6) and 23% (1e-7); with α and no caps 3–6e-4.</p>' +
    '<table><thead><tr><th>σ_g</th><th>unbounded α</th><th>α, no caps</th><th>α, SB = 16</th><th>underflow, unscaled</th><th>with α, no caps</th><th>with α, SB = 16</th></tr></thead>' +
    `<tbody>${rows}</tbody></table>`
  );
}

function resultsSection(runs: RunResult[], settings: string[], size: { trainSize: number; testSize: number; epochs: number }): string {
  const rows = runs
    .map(
      (r) =>
        `<tr><td>${escapeXml(r.setting)}</td><td>${escapeXml(r.method)}</td><td>${pct(r.accuracy)}</td><td>${r.skipped}/${r.steps}</td><td>${formatNumber(r.finalLossScale)}</td>` +
        `<td>${r.lossGradUnderflow.toExponential(2)}</td><td>${r.inputUnderflow.toExponential(2)}</td><td>${r.weightUnderflow.toExponential(2)}</td><td>${r.seconds.toFixed(1)}</td></tr>`,
    )
    .join('');
  const chart = barChart({
    title: 'Test accuracy (%)',
    categories: [...new Set(runs.map((r) => r.method))],
    series: settings.map((s) => ({ name: s, values: [...new Set(runs.map((r) => r.method))].map((m) => runs.find((r) => r.setting === s && r.method === m)?.accuracy ?? NaN).map((a) => 100 * a) })),
    yLabel: 'accuracy %',
    width: 960,
    format: (v) => v.toFixed(2),
  });
  return (
    `<p>MNIST-FC, ${size.epochs} epoch(s) over ${size.trainSize} training images, batch 128, SGD momentum 0.9, lr 0.05 (divided by the loss weight), test on ${size.testSize} images. ` +
    'Underflow rates pool the recorded steps: share of non-zero exact values that flush to 0 in float16, for the scaled loss gradient, the layers’ input gradients and their weight gradients. ' +
    'Time is wall-clock on the cpu backend, where float16 rounding runs in the kernels.</p>' +
    '<table><thead><tr><th>setting</th><th>method</th><th>test accuracy</th><th>skipped steps</th><th>final s₀</th><th>loss-grad underflow</th><th>input-grad underflow</th><th>weight-grad underflow</th><th>s</th></tr></thead>' +
    `<tbody>${rows}</tbody></table>${chart}`
  );
}

function curves(runs: RunResult[]): string {
  const adaptive = runs.find((r) => r.method === 'fp16, adaptive');
  const plain = runs.find((r) => r.method === 'fp16, no scaling');
  if (!adaptive || !plain) return '<p>No float16 runs.</p>';
  const layers = adaptive.recorder.layerNames();
  const alphaChart = lineChart({
    title: 'Adaptive scaling: α and accumulated scale per layer',
    xLabel: 'step',
    yLabel: 'scale (log)',
    logY: true,
    series: layers.flatMap((l) => [
      { name: `α, layer ${l}`, points: adaptive.recorder.series(l, 'alpha').map((p) => [p.iteration, p.value] as [number, number]) },
      { name: `s_prev·α, layer ${l}`, points: adaptive.recorder.steps.flatMap((s) => s.layers.filter((x) => x.layer === l).map((x) => [s.iteration, x.alpha * x.incomingScale] as [number, number])) },
    ]),
  });
  const underflowChart = lineChart({
    title: 'Weight-gradient underflow rate per layer: no scaling vs adaptive',
    xLabel: 'step',
    yLabel: 'underflow rate (log)',
    logY: true,
    series: layers.flatMap((l) => [
      { name: `none, layer ${l}`, points: plain.recorder.series(l, 'weightUnderflow').map((p) => [p.iteration, p.value] as [number, number]) },
      { name: `adaptive, layer ${l}`, points: adaptive.recorder.series(l, 'weightUnderflow').map((p) => [p.iteration, p.value] as [number, number]) },
    ]),
  });
  return alphaChart + underflowChart;
}

/** The experiment with its default settings. */
export const lossScaleExperiment: Experiment = createLossScaleExperiment();
