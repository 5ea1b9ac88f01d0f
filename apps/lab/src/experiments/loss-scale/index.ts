/**
 * The `loss-scale` experiment: MNIST-FC trained in emulated float16 with no loss scaling, static,
 * dynamic (Chainer's scheme) and adaptive layer-wise scaling, next to float32, in two settings:
 * the standard loss, and the same loss multiplied by a small weight λ (with the learning rate
 * divided by λ, so float32 training is unchanged) where plain float16 gradients underflow.
 * Also checks the adaptive-scale formula on Linear 512×512 cases. Measuring (measure.ts), judging
 * (judge.ts) and rendering (render.ts) are apart: the report can be rendered again from the
 * `data` of a saved report.json.
 */
import { tierOf, type Experiment, type ExperimentContext, type ExperimentResult, type ExperimentTiers } from '../../experiment';
import { positiveInt } from '../../option-parsers';
import { judgeLossScale } from './judge';
import { measureLossScale, type LossScaleRunSettings } from './measure';
import { renderLossScale } from './render';

export { LOSS_SCALE_MATCH_POINTS } from './judge';
export { SMALL_LOSS_WEIGHT, type LossScaleMeasurement } from './measure';

/** Settings of {@link createLossScaleExperiment}; the command-line options override them. */
export type LossScaleSettings = Partial<Omit<LossScaleRunSettings, 'seed' | 'quick'>>;

/** The sizes a tier sets. */
type LossScaleTierSettings = Omit<LossScaleRunSettings, 'seed' | 'quick'>;

/**
 * The tiers of `nnlab loss-scale`, with the durations measured on the reference machine (see
 * `REFERENCE_MACHINE` and the lab README): the one place its scale is declared.
 */
export const LOSS_SCALE_TIERS: ExperimentTiers<LossScaleTierSettings> = {
  quick: { settings: { trainSize: 1000, testSize: 1000, epochs: 1 } },
  default: {
    settings: { trainSize: 20_000, testSize: 10_000, epochs: 2 },
    reproduces:
      'The mechanism and the project’s check of the claim on a third of MNIST: MNIST-FC in emulated float16 with no, static, dynamic and adaptive layer-wise loss scaling against float32, with the plain loss and with the loss × 2^-14 where float16 gradients underflow; judged: adaptive scaling within 0.3 points of float32, and the adaptive-scale formula on Linear 512×512 cases.',
    expectedSeconds: 45,
    basis: 'measured 2026-12-06: 35.7 CPU s (36 s wall at load 2.5–2.8), + 15%, rounded up to 5 s',
  },
  full: {
    settings: { trainSize: 60_000, testSize: 10_000, epochs: 2 },
    reproduces: 'The project’s MNIST check of the paper’s claim (adaptive scaling reaches float32 accuracy within 0.5 points; no scaling underflows) on all 60,000 training and 10,000 test images.',
    expectedSeconds: 125,
    basis: 'extrapolated: the default’s 35.7 CPU s × 3 training images (all of it counted as training, so an upper bound), + 15%',
  },
};

/** Builds the experiment; the command-line options override `defaults`. */
export function createLossScaleExperiment(defaults: LossScaleSettings = {}): Experiment {
  return {
    id: 'loss-scale',
    title: 'Loss scaling for mixed-precision training (emulated float16)',
    description:
      'MNIST-FC 784-100-50-10 trained with float16 activations and gradients (float32 master weights) under no, static, dynamic and adaptive ' +
      'layer-wise loss scaling, against float32; once with the plain loss and once with the loss times a small weight, where plain float16 ' +
      'gradients underflow. Reports test accuracy, per-layer scales and float16 underflow rates, and checks the adaptive-scale formula on Linear 512×512 cases.',
    options: {
      'train-size': { type: 'string', valueName: 'N', description: `training images (default ${LOSS_SCALE_TIERS.default.settings.trainSize}; 60000 with --full, 1000 with --quick)`, parse: positiveInt(60_000) },
      'test-size': { type: 'string', valueName: 'N', description: 'test images (default 10000; 1000 with --quick)', parse: positiveInt(10_000) },
      epochs: { type: 'string', valueName: 'N', description: 'epochs per run (default 2; 1 with --quick)', parse: positiveInt(100) },
    },
    tiers: LOSS_SCALE_TIERS,
    async run(ctx: ExperimentContext): Promise<ExperimentResult> {
      const { seed, values } = ctx.options;
      const tier = LOSS_SCALE_TIERS[tierOf(ctx.options)].settings;
      const measurement = await measureLossScale(ctx, {
        trainSize: (values['train-size'] as number | undefined) ?? defaults.trainSize ?? tier.trainSize,
        testSize: (values['test-size'] as number | undefined) ?? defaults.testSize ?? tier.testSize,
        epochs: (values.epochs as number | undefined) ?? defaults.epochs ?? tier.epochs,
        seed,
        quick: tierOf(ctx.options) === 'quick',
      });
      return { summary: judgeLossScale(measurement), sections: renderLossScale(measurement), data: measurement };
    },
  };
}

/** The experiment with its default settings. */
export const lossScaleExperiment: Experiment = createLossScaleExperiment();
