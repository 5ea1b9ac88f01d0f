/**
 * The `lca` experiment: Loss Change Allocation on MNIST. Trains MNIST-FC 784-100-50-10 (the
 * reference setup: He-normal weights, batch 250, SGD momentum 0.9, lr 0.01) and allocates every
 * iteration's loss change to the parameters with adaptive Simpson online, then reports the
 * fraction of parameters that help, conservation, per-layer totals and synchronised peaks.
 * Measuring (measure.ts), judging (findings.ts, judge.ts) and rendering (render.ts) are apart:
 * the report can be rendered again from the `data` of a saved report.json.
 */
import { LCA_MODELS, type LcaModelName, type Quadrature } from '@nnlab/lca';
import type * as t from '@nnlab/tensor-gpu';
import type { Experiment, ExperimentContext, ExperimentResult } from '../../experiment';
import { oneOf, positiveInt } from '../../option-parsers';
import { lcaFindings } from './findings';
import { judgeLca } from './judge';
import { measureLca, type LcaRunSettings } from './measure';
import { renderLca } from './render';

export { FRACTION_HELPING_BAND } from './judge';

/** Default number of training iterations (a few minutes on two CPU cores with the cpu backend). */
export const LCA_DEFAULT_ITERATIONS = 100;

/** Default size of the fixed subset of the training split the loss is decomposed on. */
export const LCA_DEFAULT_EXAMPLES = 2000;

/** Settings of {@link createLcaExperiment}; the command-line options override them. */
export type LcaSettings = Partial<Pick<LcaRunSettings, 'iterations' | 'lcaExamples' | 'model'>>;

/** Creates the `lca` experiment with the given defaults (tests use smaller ones). */
export function createLcaExperiment(settings: LcaSettings = {}): Experiment {
  return {
    id: 'lca',
    title: 'Loss Change Allocation on MNIST',
    description:
      'Trains MNIST-FC 784-100-50-10 (batch 250, SGD momentum 0.9, lr 0.01, He-normal init, as the reference) and allocates every ' +
      "iteration's loss change on a fixed set of training examples to the parameters with adaptive Simpson (online, O(P) memory). " +
      'Reports the fraction of parameters that help (the paper: "barely over 50%"), conservation against the measured loss, ' +
      'per-layer totals and whether layers peak on the same iterations.',
    options: {
      iterations: { type: 'string', valueName: 'N', description: `training iterations (default ${LCA_DEFAULT_ITERATIONS}; 20 with --quick)`, parse: positiveInt(100_000) },
      model: { type: 'string', valueName: 'NAME', description: `model: ${LCA_MODELS.join(', ')} (default mnist-fc)`, parse: oneOf(LCA_MODELS) },
      'lca-examples': { type: 'string', valueName: 'N', description: `training examples the loss is decomposed on (default ${LCA_DEFAULT_EXAMPLES})`, parse: positiveInt(55_000) },
      full: { type: 'boolean', description: 'reference scale: LCA on the whole 55k training split (chunks of 11,000) and the 5k validation split; slow on CPUs' },
      validation: { type: 'boolean', description: 'also allocate the loss of the validation split (as many examples as --lca-examples)' },
      quadrature: { type: 'string', valueName: 'RULE', description: 'first-order, trapezoid, simpson or simpson-adaptive (default)', parse: oneOf<Quadrature>(['first-order', 'trapezoid', 'simpson', 'simpson-adaptive']) },
      backend: { type: 'string', valueName: 'NAME', description: 'tensor-gpu backend (default cpu, the fastest here)', parse: oneOf(['cpu', 'webasm', 'headlessgl', 'webgl', 'webgl2', 'webgpu', 'auto'] as const) },
    },
    async run(ctx: ExperimentContext): Promise<ExperimentResult> {
      const { quick, seed, values } = ctx.options;
      const measurement = await measureLca(ctx, {
        model: (values.model as LcaModelName | undefined) ?? settings.model ?? 'mnist-fc',
        iterations: (values.iterations as number | undefined) ?? settings.iterations ?? (quick ? 20 : LCA_DEFAULT_ITERATIONS),
        lcaExamples: (values['lca-examples'] as number | undefined) ?? settings.lcaExamples ?? (quick ? 500 : LCA_DEFAULT_EXAMPLES),
        full: values.full === true,
        validation: values.validation === true,
        quadrature: (values.quadrature as Quadrature | undefined) ?? 'simpson-adaptive',
        backend: (values.backend as t.BackendRequest | undefined) ?? 'cpu',
        seed,
      });
      const findings = lcaFindings(measurement);
      return { summary: judgeLca(measurement, findings), sections: renderLca(measurement, findings), data: measurement };
    },
  };
}

/** The `lca` experiment with its default settings. */
export const lcaExperiment: Experiment = createLcaExperiment();
