/**
 * The `compressibility` experiment: LeNet-300-100 on MNIST trained with the compressibility loss
 * ‖w‖₁/‖w‖₂ over a sweep of λ, next to three baselines (no regulariser, L1, magnitude pruning at
 * the same per-layer sparsity), all through one compression pipeline that writes real files:
 * prune, quantise, range-code and deflate, decode, and measure the decoded model. Measuring
 * (measure.ts), judging (judge.ts) and rendering (render.ts) are apart: the report can be
 * rendered again from the `data` of a saved report.json.
 */
import type { Experiment, ExperimentContext, ExperimentResult } from '../../experiment';
import { positiveInt, positiveNumber, positiveNumberList } from '../../option-parsers';
import { compressibilityFindings, DEEP_COMPRESSION, judgeCompressibility } from './judge';
import { measureCompressibility, type CompressibilityRunSettings } from './measure';
import { renderCompressibility } from './render';

export { bestMatched, DEEP_COMPRESSION, MATCHED_POINTS } from './judge';
export type { CompressibilityMeasurement, CompressibilityRow } from './measure';

/** λ values of the sweep: the log grid 1e-4 … 1e-1 with 2e-3 and 5e-3 added where the trade-off turns. */
export const DEFAULT_LAMBDAS: readonly number[] = [1e-4, 1e-3, 2e-3, 5e-3, 1e-2, 1e-1];

/** Settings of {@link createCompressibilityExperiment}; the command-line options override them. */
export type CompressibilitySettings = Partial<Omit<CompressibilityRunSettings, 'seed' | 'quick'>>;

/** Creates the `compressibility` experiment with the given defaults (tests use smaller ones). */
export function createCompressibilityExperiment(defaults: CompressibilitySettings = {}): Experiment {
  return {
    id: 'compressibility',
    title: 'Compressibility loss: LeNet-300-100 on MNIST, λ sweep and real compression ratios',
    description:
      'Trains LeNet-300-100 on MNIST with task loss + λ·‖w‖₁/‖w‖₂ per layer for a sweep of λ, and three baselines (λ = 0, L1, ' +
      'magnitude pruning at the same per-layer sparsity); prunes at 1% of each layer’s max |w|, fine-tunes with the zeros fixed, ' +
      'quantises, writes range-coded and deflated files, decodes them and reports the decoded model’s test error, sparsity, ' +
      `distinct magnitudes, entropy and compression ratio (32-bit dense / file size), next to Deep Compression’s ${DEEP_COMPRESSION.ratio}×.`,
    options: {
      lambdas: { type: 'string', valueName: 'LIST', description: 'λ values of the sweep (default 1e-4,1e-3,2e-3,5e-3,1e-2,1e-1)', parse: positiveNumberList },
      'l1-lambda': { type: 'string', valueName: 'X', description: 'λ of the L1 baseline (default 1e-4)', parse: positiveNumber },
      'train-size': { type: 'string', valueName: 'N', description: 'training images, the first N of 60,000 (default 60000)', parse: positiveInt(60_000) },
      'test-size': { type: 'string', valueName: 'N', description: 'test images, the first N of 10,000 (default 10000)', parse: positiveInt(10_000) },
      epochs: { type: 'string', valueName: 'N', description: 'training epochs before pruning (default 2)', parse: positiveInt(100) },
      'fine-tune-epochs': { type: 'string', valueName: 'N', description: 'fine-tuning epochs after pruning (default 1)', parse: positiveInt(100) },
      'codebook-size': { type: 'string', valueName: 'K', description: 'shared magnitudes per layer of the k-means quantiser (default 15)', parse: positiveInt(2047) },
      lr: { type: 'string', valueName: 'X', description: 'learning rate of SGD with momentum 0.9 (default 0.1; fine-tuning uses a fifth)', parse: positiveNumber },
    },
    async run(ctx: ExperimentContext): Promise<ExperimentResult> {
      const { quick, seed, values } = ctx.options;
      const lambdas = (values.lambdas as number[] | undefined) ?? defaults.lambdas ?? (quick ? [3e-3] : DEFAULT_LAMBDAS);
      const l1Lambda = (values['l1-lambda'] as number | undefined) ?? defaults.l1Lambda ?? 1e-4;
      const trainSize = (values['train-size'] as number | undefined) ?? defaults.trainSize ?? (quick ? 4000 : 60_000);
      const testSize = (values['test-size'] as number | undefined) ?? defaults.testSize ?? (quick ? 2000 : 10_000);
      const epochs = (values.epochs as number | undefined) ?? defaults.epochs ?? (quick ? 1 : 2);
      const fineTuneEpochs = (values['fine-tune-epochs'] as number | undefined) ?? defaults.fineTuneEpochs ?? 1;
      const codebookSize = (values['codebook-size'] as number | undefined) ?? defaults.codebookSize ?? 15;
      const lr = (values.lr as number | undefined) ?? defaults.lr ?? 0.1;
      const measurement = await measureCompressibility(ctx, { lambdas, l1Lambda, trainSize, testSize, epochs, fineTuneEpochs, codebookSize, lr, seed, quick });
      const findings = compressibilityFindings(measurement);
      return { summary: judgeCompressibility(measurement, findings), sections: renderCompressibility(measurement), data: measurement };
    },
  };
}

/** The `compressibility` experiment with its default settings. */
export const compressibilityExperiment: Experiment = createCompressibilityExperiment();
