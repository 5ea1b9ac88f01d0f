// The reference's float64 numerical check, on this package's pure-TypeScript float64 oracle.
import { createLayout, conservationError, LcaRun, meanFractionHelping } from '../src/index';
import { blobs } from '../src/testing/synthetic.test-helper';
import { mlpEntries, mlpOracle, trainMlp64 } from '../src/testing/mlp64.test-helper';

/** One row of the check: a learning rate and what LCA measured. */
export interface ReferenceRow {
  lr: number;
  steps: number;
  lossChange: number;
  firstOrderError: number;
  simpsonError: number;
  fractionHelpingMoved: number;
  fractionHelpingAll: number;
}

/**
 * 2000 samples, 20 features, 3 classes; MLP 20-32-16-3 ReLU; `steps` SGD steps (batch 50,
 * momentum 0.9); LCA on all 2000 samples with fixed Simpson (n = 2), first order from the same
 * start gradients. Everything in float64.
 */
export async function referenceCheck(lr: number, steps: number): Promise<ReferenceRow> {
  const widths = [20, 32, 16, 3];
  const data = blobs(2000, 20, 3, 1);
  const thetas = trainMlp64(widths, data, { lr, momentum: 0.9, batchSize: 50, steps, seed: 1 });
  let firstOrder = 0;
  const run = new LcaRun(createLayout(mlpEntries(widths)), mlpOracle(widths, data), {
    quadrature: 'simpson',
    keep: { parameterTotals: false, layerSeries: false, tensorSeries: false, unitSeries: false },
    onIteration: (it) => {
      const g = it.splits.train.before.grad;
      for (let i = 0; i < g.length; i++) firstOrder += g[i] * it.delta[i];
    },
  });
  await run.start(thetas[0]);
  for (const th of thetas.slice(1)) await run.step(th);
  const r = run.result();
  const dL = r.losses[steps] - r.losses[0];
  return {
    lr,
    steps,
    lossChange: dL,
    firstOrderError: Math.abs(firstOrder - dL) / Math.abs(dL),
    simpsonError: conservationError(r),
    fractionHelpingMoved: meanFractionHelping(r, 'moved'),
    fractionHelpingAll: meanFractionHelping(r),
  };
}
