// The pack paper's two claims on the cpu backend's current kernels: the packed-step improvement for
// K = 2, 4, 8 (MLP and LeNet-5) and pack-aware Hyperband against plain Hyperband on identical
// sampled configurations. Each phase is written to the results file as soon as it is done; a rerun
// skips the phases already there.
import { readFile, rename, writeFile } from 'node:fs/promises';
import * as t from '@nnlab/tensor-gpu';
import { loadMnist } from '@nnlab/tensor-gpu/node';
import {
  compareStepTimes, configurationDistance, hyperband, inProcessExecutor, lenet5Architecture, mlpArchitecture, packedEvaluator, samePaddingKey, singleModelEvaluator,
  type Configuration, type EvaluatorSetup, type ModelConfig, type SearchResult, type SearchSpace, type StepTimeRow,
} from '../../src/index';
import { gitRevision, loadAverages, machineInfo } from '../../../../scripts/bench-report';
import { DEFAULT_SETTINGS, PACK_PAPER, type PackPaperSettings } from './settings';

/** Hyperband's search space: the one of the package's own benchmark. */
export const SPACE: SearchSpace = { lr: [0.003, 0.01, 0.03, 0.1, 0.3], momentum: [0, 0.5, 0.9], batchSize: [32, 64, 128], seed: [1, 2, 3, 4] };
const toModelConfig = (c: Configuration): ModelConfig => ({ seed: c.seed as number, lr: c.lr as number, momentum: c.momentum as number, batchSize: c.batchSize as number });

export interface SearchSummary {
  search: string;
  trainings: number;
  epochs: number;
  jobs: number;
  wallSeconds: number;
  timeToBestSeconds: number;
  bestValidationAccuracy: number;
  bestConfig: Record<string, unknown>;
  load: [number, number, number];
}

export interface PackPaperResults {
  paper: typeof PACK_PAPER;
  settings: PackPaperSettings;
  invocations: { started: string; revision: ReturnType<typeof gitRevision>; machine: Record<string, unknown> }[];
  stepTimes: { architecture: string; rows: StepTimeRow[]; load: [number, number, number] }[];
  hyperband: SearchSummary[];
  updated: string;
}

export interface PackPaperOptions {
  settings?: Partial<PackPaperSettings>;
  resultsFile: string;
}

export interface PackPaperHooks {
  onProgress?(event: { message: string }): void;
}

const summary = (search: string, r: SearchResult): SearchSummary => ({
  search, trainings: r.trainings, epochs: r.budgetUsed, jobs: r.rungs.reduce((s, x) => s + x.packs.length, 0),
  wallSeconds: r.wallMs / 1000, timeToBestSeconds: r.timeToBestMs / 1000,
  bestValidationAccuracy: r.best!.score, bestConfig: r.best!.config as Record<string, unknown>, load: loadAverages(),
});

/** Runs (or resumes) both comparisons; returns what it wrote to `options.resultsFile`. */
export async function runPackPaper(options: PackPaperOptions, hooks: PackPaperHooks = {}): Promise<PackPaperResults> {
  const say = (message: string) => hooks.onProgress?.({ message });
  let previous: PackPaperResults | null = null;
  try {
    previous = JSON.parse(await readFile(options.resultsFile, 'utf8')) as PackPaperResults;
  } catch {
    previous = null;
  }
  const s: PackPaperSettings = { ...DEFAULT_SETTINGS, ...previous?.settings, ...options.settings };
  // A file written before a setting existed counts as written with that setting's default.
  if (previous && JSON.stringify({ ...DEFAULT_SETTINGS, ...previous.settings }) !== JSON.stringify(s)) throw new Error(`runPackPaper: ${options.resultsFile} was written with other settings; move it away to start afresh`);
  const results: PackPaperResults = previous ? { ...previous, settings: s } : { paper: PACK_PAPER, settings: s, invocations: [], stepTimes: [], hyperband: [], updated: '' };
  results.invocations.push({ started: new Date().toISOString(), revision: gitRevision(), machine: machineInfo(t.getBackend() ?? 'unset') });
  const save = async () => {
    results.updated = new Date().toISOString();
    await writeFile(`${options.resultsFile}.tmp`, `${JSON.stringify(results, null, 1)}\n`);
    await rename(`${options.resultsFile}.tmp`, options.resultsFile);
  };

  for (const architecture of [mlpArchitecture([784, 256, 10]), mlpArchitecture([784, 256, 256, 256, 10], 'mlp-3 784-256-256-256-10'), lenet5Architecture()]) {
    if (results.stepTimes.some((x) => x.architecture === architecture.name)) continue;
    say(`step times: ${architecture.name}, K = ${s.ks.join(', ')}`);
    const rows = await compareStepTimes({ architecture, ks: s.ks, batchSize: s.batchSize, repeats: s.repeats, warmup: 2, seed: s.seed });
    results.stepTimes.push({ architecture: architecture.name, rows, load: loadAverages() });
    await save();
  }

  const mnist = await loadMnist();
  const setup: EvaluatorSetup = {
    architecture: mlpArchitecture([784, 64, 10]),
    train: t.train.headOf(mnist.train, s.hyperbandTrain),
    // Validation images from the end of the training split; the test split is never read.
    validation: t.train.subsetOf(mnist.train, Uint32Array.from({ length: s.hyperbandValidation }, (_, i) => mnist.train.count - s.hyperbandValidation + i)),
    toModelConfig, seed: 7, paddingMode: 'own-batches',
  };
  const searches: { name: string; run: () => Promise<SearchResult> }[] = [
    { name: 'original', run: () => hyperband({ R: s.R, eta: s.eta, space: SPACE, seed: s.seed, executor: inProcessExecutor(singleModelEvaluator(setup)) }) },
    ...s.packSizes.map((size) => ({
      name: `pack-aware (kNN within a batch size, packs ≤ ${size})`,
      run: () => hyperband({ R: s.R, eta: s.eta, space: SPACE, seed: s.seed, executor: inProcessExecutor(packedEvaluator(setup)), packing: { policy: 'knn', topk: size - 1, distance: configurationDistance(SPACE), key: (c: Configuration) => samePaddingKey(toModelConfig(c)) } }),
    })),
  ];
  for (let round = 1; round <= s.hyperbandRounds; round++) {
    for (const { name, run } of round % 2 === 1 ? searches : [...searches].reverse()) {
      const label = round === 1 ? name : `${name} (round ${round})`;
      if (results.hyperband.some((x) => x.search === label)) continue;
      say(`Hyperband R = ${s.R}, η = ${s.eta}: ${label}`);
      results.hyperband.push(summary(label, await run()));
      await save();
    }
  }
  return results;
}
