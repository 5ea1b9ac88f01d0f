/**
 * The `loss-scale` experiment: MNIST-FC trained in emulated float16 with no loss scaling, static,
 * dynamic (Chainer's scheme) and adaptive layer-wise scaling, next to float32, in two settings:
 * the standard loss, and the same loss multiplied by a small weight λ (with the learning rate
 * divided by λ, so float32 training is unchanged) where plain float16 gradients underflow.
 * Also checks the adaptive-scale formula on Linear 512×512 cases. Measuring (measure.ts), judging
 * (judge.ts) and rendering (render.ts) are apart: the report can be rendered again from the
 * `data` of a saved report.json.
 */
import type { Experiment, ExperimentContext, ExperimentResult } from '../../experiment';
import { positiveInt } from '../../option-parsers';
import { judgeLossScale } from './judge';
import { measureLossScale, type LossScaleRunSettings } from './measure';
import { renderLossScale } from './render';

export { LOSS_SCALE_MATCH_POINTS } from './judge';
export { SMALL_LOSS_WEIGHT, type LossScaleMeasurement } from './measure';

/** Settings of {@link createLossScaleExperiment}; the command-line options override them. */
export type LossScaleSettings = Partial<Omit<LossScaleRunSettings, 'seed' | 'quick'>>;

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
      'train-size': { type: 'string', valueName: 'N', description: 'training images (default 20000; 1000 with --quick)', parse: positiveInt(60_000) },
      'test-size': { type: 'string', valueName: 'N', description: 'test images (default 10000; 1000 with --quick)', parse: positiveInt(10_000) },
      epochs: { type: 'string', valueName: 'N', description: 'epochs per run (default 2; 1 with --quick)', parse: positiveInt(100) },
    },
    async run(ctx: ExperimentContext): Promise<ExperimentResult> {
      const { quick, seed, values } = ctx.options;
      const measurement = await measureLossScale(ctx, {
        trainSize: (values['train-size'] as number | undefined) ?? defaults.trainSize ?? (quick ? 1000 : 20_000),
        testSize: (values['test-size'] as number | undefined) ?? defaults.testSize ?? (quick ? 1000 : 10_000),
        epochs: (values.epochs as number | undefined) ?? defaults.epochs ?? (quick ? 1 : 2),
        seed,
        quick,
      });
      return { summary: judgeLossScale(measurement), sections: renderLossScale(measurement), data: measurement };
    },
  };
}

/** The experiment with its default settings. */
export const lossScaleExperiment: Experiment = createLossScaleExperiment();
