// The MNIST experiment of Nøkland (2016) at its scale: 784-800-800-10 tanh on all 60,000 training
// images (a validation split held out for the stopping choice), BP, DFA and binary DFA trained
// round-robin one epoch at a time, with a checkpoint per method and epoch, so a rerun resumes.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as t from '@nnlab/tensor-gpu';
import { loadMnist } from '@nnlab/tensor-gpu/node';
import { createDfa, fitDfa, tanhMlp, type DfaNetwork } from '../../src/index';
import { gitRevision, loadAverages, machineInfo } from '../../../../scripts/bench-report';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import { DEFAULT_SETTINGS, NOKLAND_2X800, type DfaPaperSettings, type PaperMethod } from './settings';

/** One epoch of one method. */
export interface EpochResult {
  epoch: number;
  /** Learning rate of the epoch (absent in the epochs of the first runs: `settings.lr`). */
  lr?: number;
  loss: number;
  trainSeconds: number;
  trainErrorPercent: number;
  validationErrorPercent: number;
  testErrorPercent: number;
  /** 1-, 5-, 15-minute load averages after the epoch. */
  load: [number, number, number];
}

/** Per-method results; `best` is the epoch of the lowest validation error. */
export interface MethodResults {
  epochs: EpochResult[];
  alignment: { epoch: number; layers: { weightCosine: number; deltaCosine: number | null }[] }[];
  best: EpochResult | null;
  stopped: 'patience' | 'max-epochs' | null;
}

/** The results file. */
export interface DfaPaperResults {
  paper: typeof NOKLAND_2X800;
  settings: DfaPaperSettings;
  /** One entry per invocation: which commit (kernels) and load it ran under. */
  invocations: { started: string; revision: ReturnType<typeof gitRevision>; machine: Record<string, unknown>; estimateSecondsPerEpoch: Record<string, number> }[];
  methods: Partial<Record<PaperMethod, MethodResults>>;
  updated: string;
}

export interface DfaPaperOptions {
  settings?: Partial<DfaPaperSettings>;
  /** Where the results JSON is written (updated after every epoch). */
  resultsFile: string;
  /** Folder of the per-method checkpoints. */
  checkpointDir: string;
  /** Stop starting epochs once this many seconds have passed (the run stays resumable). */
  budgetSeconds?: number;
}

export interface DfaPaperHooks {
  onProgress?(event: { method: PaperMethod; epoch: number; step: number; stepsPerEpoch: number } | { method: PaperMethod; epochDone: EpochResult } | { message: string }): void;
}

const errorPercent = (accuracy: number) => 100 * (1 - accuracy);

function makeNetwork(method: PaperMethod, s: DfaPaperSettings): DfaNetwork {
  const model = tanhMlp(s.hidden, s.modelSeed);
  return createDfa(model, { seed: s.feedbackSeed, inputShape: [784], rules: method === 'bp' ? 'bp' : 'dfa', binary: method === 'bdfa' });
}

/** Milliseconds per training step of each method, from a few steps on throwaway networks. */
async function probeStepMs(s: DfaPaperSettings, train: t.train.LabeledData): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const x = t.tensor(train.images.subarray(0, s.batchSize * 784), [s.batchSize, 784]);
  const y = train.labels.subarray(0, s.batchSize);
  for (const method of s.methods) {
    const net = makeNetwork(method, s);
    const optimizer = t.optim.sgd({ lr: 0, momentum: s.momentum });
    const times: number[] = [];
    for (let i = 0; i < 8; i++) {
      const start = performance.now();
      const loss = net.step(x, y, optimizer);
      await loss.data();
      loss.dispose();
      if (i > 1) times.push(performance.now() - start);
    }
    out[method] = times.sort((a, b) => a - b)[times.length >> 1];
    optimizer.dispose();
    net.dispose();
    net.model.dispose();
  }
  x.dispose();
  return out;
}

async function readResults(file: string): Promise<DfaPaperResults | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as DfaPaperResults;
  } catch {
    return null;
  }
}

/**
 * A results file may be resumed with the same settings, or with settings it predates whose added
 * fields did not yet act on any epoch it ran (a learning-rate decay after its last epoch).
 */
function checkResumable(previous: DfaPaperResults, s: DfaPaperSettings, file: string): void {
  const changed = (Object.keys(s) as (keyof DfaPaperSettings)[]).filter((k) => JSON.stringify(previous.settings[k]) !== JSON.stringify(s[k]));
  const epochsRun = Math.max(0, ...Object.values(previous.methods).map((r) => r?.epochs.length ?? 0));
  const harmless = (k: keyof DfaPaperSettings) => k === 'lrDecayEpochs' && previous.settings[k] === undefined && s.lrDecayEpochs.every((e) => e >= epochsRun);
  const blocking = changed.filter((k) => !harmless(k));
  if (blocking.length > 0) throw new Error(`runDfaPaper: ${file} was written with other settings (${blocking.join(', ')}); move it away to start afresh`);
  previous.settings = s;
}

async function writeResults(file: string, results: DfaPaperResults): Promise<void> {
  results.updated = new Date().toISOString();
  await writeFile(`${file}.tmp`, `${JSON.stringify(results, null, 1)}\n`);
  await rename(`${file}.tmp`, file);
}

/**
 * Why a method stops after `epoch` epochs, or null to go on: `patience` epochs without a new best
 * validation error, counted from the best epoch or from the last decay of the rate, whichever is
 * later (a decay changes what the next epochs can reach), or `maxEpochs`.
 */
export function stopReason(epoch: number, bestEpoch: number, s: DfaPaperSettings): 'patience' | 'max-epochs' | null {
  const lastDecay = Math.max(0, ...s.lrDecayEpochs.filter((e) => e < epoch));
  if (epoch - Math.max(bestEpoch, lastDecay) >= s.patience) return 'patience';
  return epoch >= s.maxEpochs ? 'max-epochs' : null;
}

/**
 * Runs (or resumes) the comparison and returns the results written to `options.resultsFile`.
 * Each method stops as {@link stopReason} says;
 * the reported test error is the one at the best validation epoch.
 */
export async function runDfaPaper(options: DfaPaperOptions, hooks: DfaPaperHooks = {}): Promise<DfaPaperResults> {
  const startedAt = performance.now();
  const say = (message: string) => hooks.onProgress?.({ message });
  const previous = await readResults(options.resultsFile);
  const s: DfaPaperSettings = { ...DEFAULT_SETTINGS, ...previous?.settings, ...options.settings };
  if (previous) checkResumable(previous, s, options.resultsFile);
  await mkdir(options.checkpointDir, { recursive: true });

  const mnist = await loadMnist();
  const split = t.data.trainValidationSplit(mnist.train.count, s.validationCount / mnist.train.count, s.dataSeed);
  const train = t.train.subsetOf(mnist.train, split.train);
  const validation = t.train.subsetOf(mnist.train, split.validation);
  const stepsPerEpoch = Math.ceil(train.count / s.batchSize);

  const stepMs = await probeStepMs(s, train);
  const estimate = Object.fromEntries(Object.entries(stepMs).map(([m, ms]) => [m, (ms * stepsPerEpoch) / 1000]));
  const roundSeconds = Object.values(estimate).reduce((a, b) => a + b, 0);
  say(`estimate (training only, load ${loadAverages()[0]}): ${Object.entries(estimate).map(([m, v]) => `${m} ${v.toFixed(0)} s/epoch`).join(', ')}; ${s.maxEpochs} epochs of all methods ≈ ${((roundSeconds * s.maxEpochs) / 3600).toFixed(1)} h (early stopping may end sooner)`);

  const results: DfaPaperResults = previous ?? { paper: NOKLAND_2X800, settings: s, invocations: [], methods: {}, updated: '' };
  results.invocations.push({ started: new Date().toISOString(), revision: gitRevision(), machine: machineInfo(t.getBackend() ?? 'unset'), estimateSecondsPerEpoch: estimate });
  await writeResults(options.resultsFile, results);

  // Every method's optimizer reads the rate of the epoch being trained (methods train one at a time).
  const lrOfEpoch = t.optim.multiStepLr(s.lr, { milestones: s.lrDecayEpochs });
  let trainingEpoch = 0;
  const lr = () => lrOfEpoch(trainingEpoch);
  const nets = new Map<PaperMethod, { net: DfaNetwork; optimizer: t.optim.Optimizer; done: number }>();
  for (const method of s.methods) {
    const net = makeNetwork(method, s);
    const restored = await loadCheckpoint(join(options.checkpointDir, `${method}.nnlb`), net.model, { lr, momentum: s.momentum });
    const done = restored?.epochsDone ?? 0;
    const r = (results.methods[method] ??= { epochs: [], alignment: [], best: null, stopped: null });
    r.epochs = r.epochs.slice(0, done);
    // Recomputed, not read back: files of the first runs were stopped by the rule without decays.
    r.stopped = r.best && done > 0 ? stopReason(done, r.best.epoch, s) : null;
    r.alignment = r.alignment.filter((a) => a.epoch < done);
    if (done > 0) say(`${method}: resumed after epoch ${done}`);
    const optimizer = restored?.optimizer ?? t.optim.sgd({ lr, momentum: s.momentum });
    nets.set(method, { net, optimizer, done });
  }

  let epochSeconds = roundSeconds / s.methods.length;
  try {
    for (let epoch = 0; epoch < s.maxEpochs; epoch++) {
      for (const method of s.methods) {
        const state = nets.get(method)!;
        const r = results.methods[method]!;
        if (state.done > epoch || r.stopped) continue;
        const elapsed = (performance.now() - startedAt) / 1000;
        if (options.budgetSeconds !== undefined && elapsed + epochSeconds > options.budgetSeconds) {
          say(`time budget reached after ${elapsed.toFixed(0)} s; rerun to resume`);
          return results;
        }
        const t0 = performance.now();
        trainingEpoch = epoch;
        const history = await fitDfa(state.net, train, {
          epochs: 1, batchSize: s.batchSize, optimizer: state.optimizer,
          // The shuffle of epoch e depends only on (seed, e): nothing to checkpoint.
          seed: s.dataSeed * 100_003 + epoch,
          alignmentEvery: method === 'bp' ? undefined : s.alignmentEvery,
          onStep: (_, step) => hooks.onProgress?.({ method, epoch, step, stepsPerEpoch }),
        });
        const evaluate = async (data: t.train.LabeledData) => errorPercent((await t.train.evaluate(state.net.model, data, { inputShape: [784] })).accuracy);
        const record: EpochResult = {
          epoch: epoch + 1,
          lr: lrOfEpoch(epoch),
          loss: history.epochs[0].loss,
          trainSeconds: history.epochs[0].seconds,
          trainErrorPercent: await evaluate(train),
          validationErrorPercent: await evaluate(validation),
          testErrorPercent: await evaluate(mnist.test),
          load: loadAverages(),
        };
        epochSeconds = (performance.now() - t0) / 1000;
        r.epochs.push(record);
        for (const a of history.alignment) r.alignment.push({ epoch: epoch + a.epoch, layers: a.layers.map((l) => ({ weightCosine: l.weightCosine, deltaCosine: l.deltaCosine })) });
        if (!r.best || record.validationErrorPercent < r.best.validationErrorPercent) r.best = record;
        r.stopped = stopReason(record.epoch, r.best.epoch, s);
        state.done = record.epoch;
        await saveCheckpoint(join(options.checkpointDir, `${method}.nnlb`), state.net.model, state.optimizer, state.done);
        await writeResults(options.resultsFile, results);
        hooks.onProgress?.({ method, epochDone: record });
      }
    }
    return results;
  } finally {
    for (const { net, optimizer } of nets.values()) {
      optimizer.dispose();
      net.dispose();
      net.model.dispose();
    }
  }
}
