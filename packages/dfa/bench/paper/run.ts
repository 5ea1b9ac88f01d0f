// The runner of the paper runs: the methods trained round-robin one epoch at a time on the
// training images less a validation split (which picks the reported epoch and stops a method),
// with a checkpoint per method and epoch, so a rerun resumes; the results file is rewritten after
// every epoch. The experiments: Nøkland's MNIST run in `mnist.ts`, Han & Yoo's CIFAR-10 run in
// `cifar.ts`.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as t from '@nnlab/tensor-gpu';
import { fitDfa, type DfaNetwork } from '../../src/index';
import { gitRevision, loadAverages, machineInfo } from '../../../../scripts/bench-report';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import type { PaperExperiment } from './experiment';
import type { PaperRunSettings } from './settings';

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
  /** `normRatio` (‖ΔW_rule‖ / ‖ΔW_BP‖) is absent in the records of the first runs. */
  alignment: { epoch: number; layers: { weightCosine: number; deltaCosine: number | null; normRatio?: number }[] }[];
  best: EpochResult | null;
  /** `'diverged'`: the epoch's mean training loss was not finite (NaN or ∞), so later epochs cannot recover. */
  stopped: 'diverged' | 'patience' | 'max-epochs' | null;
}

/** A results file. */
export interface PaperResults<M extends string, S, P> {
  paper: P;
  settings: S;
  /** One entry per invocation: which commit (kernels) and load it ran under. */
  invocations: { started: string; revision: ReturnType<typeof gitRevision>; machine: Record<string, unknown>; estimateSecondsPerEpoch: Record<string, number> }[];
  methods: Partial<Record<M, MethodResults>>;
  updated: string;
}

export interface PaperRunOptions<S> {
  settings?: Partial<S>;
  /** Where the results JSON is written (updated after every epoch). */
  resultsFile: string;
  /** Folder of the per-method checkpoints. */
  checkpointDir: string;
  /** Stop starting epochs once this many seconds have passed (the run stays resumable). */
  budgetSeconds?: number;
  /** Checked before every epoch: once aborted, the run returns (and stays resumable). */
  signal?: AbortSignal;
}

export interface PaperRunHooks<M extends string> {
  onProgress?(event: { method: M; epoch: number; step: number; stepsPerEpoch: number } | { method: M; epochDone: EpochResult } | { message: string }): void;
}

const errorPercent = (accuracy: number) => 100 * (1 - accuracy);

/** Milliseconds per training step of each method, from a few steps on throwaway networks. */
async function probeStepMs<M extends string, S extends PaperRunSettings<M>>(experiment: PaperExperiment<M, S, unknown>, s: S, train: t.train.LabeledData): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const sampleSize = experiment.inputShape.reduce((a, b) => a * b, 1);
  const batch = Math.min(s.batchSize, train.count);
  const x = t.tensor(train.images.subarray(0, batch * sampleSize), [batch, ...experiment.inputShape]);
  const y = train.labels.subarray(0, batch);
  for (const method of s.methods) {
    const net = experiment.makeNetwork(method, s);
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

async function readResults<R>(file: string): Promise<R | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as R;
  } catch {
    return null;
  }
}

/**
 * A results file may be resumed with the same settings, with more methods, or with settings it
 * predates whose added fields did not yet act on any epoch it ran (a learning-rate decay after its
 * last epoch).
 */
export function checkResumable<M extends string, S extends PaperRunSettings<M>>(name: string, previous: PaperResults<M, S, unknown>, s: S, file: string): void {
  const changed = (Object.keys(s) as (keyof S)[]).filter((k) => JSON.stringify(previous.settings[k]) !== JSON.stringify(s[k]));
  const epochsRun = Math.max(0, ...Object.values<MethodResults | undefined>(previous.methods).map((r) => r?.epochs.length ?? 0));
  // Methods may be added to a run: the ones it has trained are untouched, the new ones start afresh.
  const addsMethods = (k: keyof S) => k === 'methods' && previous.settings.methods.every((m) => s.methods.includes(m));
  const harmless = (k: keyof S) => addsMethods(k) || (k === 'lrDecayEpochs' && previous.settings[k] === undefined && s.lrDecayEpochs.every((e) => e >= epochsRun));
  const blocking = changed.filter((k) => !harmless(k));
  if (blocking.length > 0) throw new Error(`${name}: ${file} was written with other settings (${blocking.join(', ')}); move it away to start afresh`);
  previous.settings = s;
}

async function writeResults(file: string, results: PaperResults<string, unknown, unknown>): Promise<void> {
  results.updated = new Date().toISOString();
  await writeFile(`${file}.tmp`, `${JSON.stringify(results, null, 1)}\n`);
  await rename(`${file}.tmp`, file);
}

/**
 * Why a method stops after `epoch` epochs, or null to go on: `patience` epochs without a new best
 * validation error, counted from the best epoch or from the last decay of the rate, whichever is
 * later (a decay changes what the next epochs can reach), or `maxEpochs`; or a last epoch whose
 * mean training loss `lastLoss` is not finite (null in a results file: JSON has no NaN).
 */
export function stopReason(epoch: number, bestEpoch: number, s: PaperRunSettings<string>, lastLoss: number | null = 0): MethodResults['stopped'] {
  if (lastLoss === null || !Number.isFinite(lastLoss)) return 'diverged';
  const lastDecay = Math.max(0, ...s.lrDecayEpochs.filter((e) => e < epoch));
  if (epoch - Math.max(bestEpoch, lastDecay) >= s.patience) return 'patience';
  return epoch >= s.maxEpochs ? 'max-epochs' : null;
}

/**
 * Runs (or resumes) a paper comparison and returns the results written to `options.resultsFile`.
 * Each method stops as {@link stopReason} says;
 * the reported test error is the one at the best validation epoch.
 */
export async function runPaperExperiment<M extends string, S extends PaperRunSettings<M>, P>(
  experiment: PaperExperiment<M, S, P>,
  options: PaperRunOptions<S>,
  hooks: PaperRunHooks<M> = {},
): Promise<PaperResults<M, S, P>> {
  const startedAt = performance.now();
  const say = (message: string) => hooks.onProgress?.({ message });
  const previous = await readResults<PaperResults<M, S, P>>(options.resultsFile);
  const s: S = { ...experiment.defaults, ...previous?.settings, ...options.settings };
  if (previous) checkResumable(experiment.name, previous, s, options.resultsFile);
  await mkdir(options.checkpointDir, { recursive: true });

  const { train, validation, test, trainEvaluation } = await experiment.loadData(s);
  const stepsPerEpoch = Math.ceil(train.count / s.batchSize);

  const stepMs = await probeStepMs(experiment, s, train);
  const estimate = Object.fromEntries(Object.entries(stepMs).map(([m, ms]) => [m, (ms * stepsPerEpoch) / 1000]));
  const roundSeconds = Object.values(estimate).reduce((a, b) => a + b, 0);
  say(`estimate (training only, load ${loadAverages()[0]}): ${Object.entries(estimate).map(([m, v]) => `${m} ${v.toFixed(0)} s/epoch`).join(', ')}; ${s.maxEpochs} epochs of all methods ≈ ${((roundSeconds * s.maxEpochs) / 3600).toFixed(1)} h (early stopping may end sooner)`);

  const results: PaperResults<M, S, P> = previous ?? { paper: experiment.paper, settings: s, invocations: [], methods: {}, updated: '' };
  results.invocations.push({ started: new Date().toISOString(), revision: gitRevision(), machine: machineInfo(t.getBackend() ?? 'unset'), estimateSecondsPerEpoch: estimate });
  await writeResults(options.resultsFile, results);

  // Every method's optimizer reads the rate of the epoch being trained (methods train one at a time).
  const lrOfEpoch = t.optim.multiStepLr(s.lr, { milestones: s.lrDecayEpochs });
  let trainingEpoch = 0;
  const lr = () => lrOfEpoch(trainingEpoch);
  const nets = new Map<M, { net: DfaNetwork; optimizer: t.optim.Optimizer; done: number }>();
  for (const method of s.methods) {
    const net = experiment.makeNetwork(method, s);
    const restored = await loadCheckpoint(join(options.checkpointDir, `${method}.nnlb`), net.model, { lr, momentum: s.momentum });
    const done = restored?.epochsDone ?? 0;
    const r = (results.methods[method] ??= { epochs: [], alignment: [], best: null, stopped: null });
    r.epochs = r.epochs.slice(0, done);
    // Recomputed, not read back: files of the first runs were stopped by the rule without decays.
    r.stopped = r.best && done > 0 ? stopReason(done, r.best.epoch, s, r.epochs.length >= done ? r.epochs[done - 1].loss : 0) : null;
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
        if (options.signal?.aborted) {
          say('stopped; rerun to resume');
          return results;
        }
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
        const evaluate = async (data: t.train.LabeledData) => errorPercent((await t.train.evaluate(state.net.model, data, { inputShape: experiment.inputShape })).accuracy);
        const record: EpochResult = {
          epoch: epoch + 1,
          lr: lrOfEpoch(epoch),
          loss: history.epochs[0].loss,
          trainSeconds: history.epochs[0].seconds,
          trainErrorPercent: await evaluate(trainEvaluation),
          validationErrorPercent: await evaluate(validation),
          testErrorPercent: await evaluate(test),
          load: loadAverages(),
        };
        epochSeconds = (performance.now() - t0) / 1000;
        r.epochs.push(record);
        for (const a of history.alignment) r.alignment.push({ epoch: epoch + a.epoch, layers: a.layers.map((l) => ({ weightCosine: l.weightCosine, deltaCosine: l.deltaCosine, normRatio: l.normRatio })) });
        if (!r.best || record.validationErrorPercent < r.best.validationErrorPercent) r.best = record;
        r.stopped = stopReason(record.epoch, r.best.epoch, s, record.loss);
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
