/**
 * The `pack` experiment: packed multi-model training. (a) Step time of K = 1, 2, 4, 8 models packed
 * into one training step against the same K models stepped one after another (MLP 784-256-10 and
 * LeNet-5, batch 64, median after warm-up). (b) Hyperband against pack-aware Hyperband on MNIST
 * subsets with the same sampled configurations: wall time, time to the best configuration and the
 * best validation accuracy. Measuring (measure.ts), judging (judge.ts) and rendering (render.ts)
 * are apart: the report can be rendered again from the `data` of a saved report.json.
 */
import type * as t from '@nnlab/tensor-gpu';
import type { Experiment, ExperimentContext, ExperimentResult } from '../../experiment';
import { oneOf, positiveInt, positiveIntList } from '../../option-parsers';
import { judgePack, packFindings } from './judge';
import { measurePack, type PackRunSettings } from './measure';
import { renderPack } from './render';

export { PACK_SEARCH_SPACE, type PackMeasurement } from './measure';

/** Settings of {@link createPackExperiment}; the command-line options override them. */
export type PackSettings = Partial<Omit<PackRunSettings, 'backend' | 'seed'>>;

/** Creates the `pack` experiment with the given defaults (tests use smaller ones). */
export function createPackExperiment(settings: PackSettings = {}): Experiment {
  return {
    id: 'pack',
    title: 'Packed training and pack-aware Hyperband',
    description:
      'Times one packed training step of K models (parameters stacked on a model axis, one fused forward, backward and SGD update) against the same K models ' +
      'stepped one after another, for an MLP and LeNet-5 (the paper: +40% at K = 2 for an MLP on a GPU). Then runs Hyperband and pack-aware Hyperband ' +
      '(kNN packs of up to 4 within a batch size) on MNIST subsets with identical sampled configurations and compares wall time and the best configuration found (the paper: up to 2.7× faster).',
    options: {
      ks: { type: 'string', valueName: 'LIST', description: 'pack sizes of the step-time table (default 1,2,4,8)', parse: positiveIntList(64) },
      'max-epochs': { type: 'string', valueName: 'N', description: "Hyperband's maximum budget R in epochs (default 9)", parse: positiveInt(243) },
      train: { type: 'string', valueName: 'N', description: 'MNIST training images for the searches (default 2000)', parse: positiveInt(50_000) },
      backend: { type: 'string', valueName: 'NAME', description: 'tensor-gpu backend (default cpu, the fastest here)', parse: oneOf(['cpu', 'webasm', 'headlessgl', 'webgl', 'webgl2', 'webgpu', 'auto'] as const) },
    },
    async run(ctx: ExperimentContext): Promise<ExperimentResult> {
      const { quick, seed, values } = ctx.options;
      const ks = (values.ks as number[] | undefined) ?? settings.ks ?? (quick ? [1, 2] : [1, 2, 4, 8]);
      const stepModels = settings.stepModels ?? (quick ? ['mlp'] : ['mlp', 'lenet5']);
      const repeats = settings.repeats ?? (quick ? 5 : 7);
      const R = (values['max-epochs'] as number | undefined) ?? settings.R ?? (quick ? 3 : 9);
      const trainCount = (values.train as number | undefined) ?? settings.trainCount ?? (quick ? 300 : 2000);
      const validationCount = settings.validationCount ?? (quick ? 300 : 2000);
      const backend = ((values.backend as string | undefined) ?? 'cpu') as t.BackendRequest;
      const measurement = await measurePack(ctx, { ks, stepModels, repeats, R, trainCount, validationCount, backend, seed });
      const findings = packFindings(measurement);
      return { summary: judgePack(measurement, findings), sections: renderPack(measurement, findings), data: measurement };
    },
  };
}

/** The `pack` experiment with its default settings. */
export const packExperiment: Experiment = createPackExperiment();
