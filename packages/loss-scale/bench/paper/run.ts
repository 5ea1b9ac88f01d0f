// The CIFAR-10 ResNet-20 comparison of float32 with emulated float16 under no, static, dynamic
// and adaptive loss scaling. Methods train round-robin one epoch at a time; each method is
// checkpointed after every epoch (model, optimizer, epoch count) and the results file is written,
// so a rerun resumes. The scale state of a policy is a function of which steps overflowed, which
// the results keep: a resumed policy replays that history.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as t from '@nnlab/tensor-gpu';
import { adaptiveScaling, dynamicScaling, MixedPrecisionTrainer, noScaling, staticScaling, type LossScalePolicy, type StepRecord } from '../../src/index';
import { gitRevision, loadAverages, machineInfo, readFileIfExists, readJsonFile, writeFileAtomic, writeJsonFileAtomic } from '../../../../scripts/bench-report';
import { augmentBatch, loadPaperData } from './data';
import { ALL_METHODS, EXTRA_METHODS, PAPER, SCALED_SETTINGS, TARGET_POINTS, type LossScalePaperSettings, type PaperMethod } from './settings';

/** Float16 fate of one layer's gradients, pooled over an epoch's recorded steps. */
export interface LayerEpoch {
  layer: string;
  /** Flushed / non-zero values of the exact input gradient (null for the first layer). */
  inputUnderflow: number | null;
  weightUnderflow: number | null;
  /** Geometric mean of α over the recorded steps. */
  alpha: number;
}

/** One epoch of one method. */
export interface EpochResult {
  epoch: number;
  /** Mean training loss of the epoch's steps. */
  loss: number;
  testAccuracy: number;
  steps: number;
  skippedSteps: number;
  /** s₀ after the epoch. */
  lossScale: number;
  /** Pooled over the epoch's recorded steps and layers; null in float32. */
  underflow: { loss: number; input: number; weight: number } | null;
  layers: LayerEpoch[];
  seconds: number;
  load: [number, number, number];
}

export interface MethodResults {
  epochs: EpochResult[];
  /** Global indices of the skipped steps (what a resumed policy replays). */
  skippedAt: number[];
}

export interface LossScalePaperResults {
  paper: typeof PAPER;
  targetPoints: number;
  settings: LossScalePaperSettings;
  parameters: number;
  invocations: { started: string; revision: ReturnType<typeof gitRevision>; machine: Record<string, unknown>; only: PaperMethod[] | null }[];
  methods: Partial<Record<PaperMethod, MethodResults>>;
  updated: string;
}

export interface LossScalePaperOptions {
  settings?: LossScalePaperSettings;
  resultsFile: string;
  checkpointDir: string;
  /** Stop starting epochs after this many seconds (the run stays resumable). */
  budgetSeconds?: number;
  /**
   * Train only these methods (e.g. two processes sharing one results file); may name
   * {@link EXTRA_METHODS}, which are trained only when named.
   */
  only?: PaperMethod[];
}

export interface LossScalePaperHooks {
  onProgress?(event: { message: string } | { method: PaperMethod; epoch: number; step: number; stepsPerEpoch: number; ms: number } | { method: PaperMethod; epochDone: EpochResult }): void;
}

/** The ResNet-20 of the settings (width `s.width`), identical initial weights for every method. */
export function paperModel(s: LossScalePaperSettings): t.nn.Module {
  return t.nn.resnet20({ seed: s.seed, width: s.width });
}

/** The loss-scaling policy of a configuration (float32 runs take no scaling). */
export function paperPolicy(method: PaperMethod, s: LossScalePaperSettings): LossScalePolicy {
  switch (method) {
    case 'fp32':
    case 'none':
      return noScaling();
    case 'static':
      return staticScaling({ scale: s.staticScale });
    case 'dynamic':
      return dynamicScaling();
    case 'adaptive':
      return adaptiveScaling(s.adaptive);
    case 'adaptive-static':
      return adaptiveScaling({ ...s.adaptive, initScale: s.staticScale });
  }
}

function pool(records: StepRecord[]): { underflow: EpochResult['underflow']; layers: LayerEpoch[] } {
  const recorded = records.filter((r) => r.lossGrad !== null || r.layers.some((l) => l.inputGrad || l.weightGrad));
  if (recorded.length === 0) return { underflow: null, layers: [] };
  const rate = (pairs: ({ underflow: number; nonZero: number } | null)[]) => {
    let u = 0;
    let n = 0;
    for (const p of pairs) if (p) (u += p.underflow), (n += p.nonZero);
    return n === 0 ? null : u / n;
  };
  const names = recorded[0].layers.map((l) => l.layer);
  const layers = names.map((layer) => {
    const rows = recorded.map((r) => r.layers.find((l) => l.layer === layer)!).filter(Boolean);
    return {
      layer,
      inputUnderflow: rate(rows.map((l) => l.inputGrad)),
      weightUnderflow: rate(rows.map((l) => l.weightGrad)),
      alpha: 2 ** (rows.reduce((a, l) => a + Math.log2(l.alpha), 0) / rows.length),
    };
  });
  const all = recorded.flatMap((r) => r.layers);
  return {
    underflow: { loss: rate(recorded.map((r) => r.lossGrad)) ?? 0, input: rate(all.map((l) => l.inputGrad)) ?? 0, weight: rate(all.map((l) => l.weightGrad)) ?? 0 },
    layers,
  };
}

/** Runs (or resumes) the comparison; returns what it wrote to `options.resultsFile`. */
export async function runLossScalePaper(options: LossScalePaperOptions, hooks: LossScalePaperHooks = {}): Promise<LossScalePaperResults> {
  const started = performance.now();
  const say = (message: string) => hooks.onProgress?.({ message });
  const previous = await readJsonFile<LossScalePaperResults>(options.resultsFile);
  const s = options.settings ?? previous?.settings ?? SCALED_SETTINGS;
  if (previous && JSON.stringify(previous.settings) !== JSON.stringify(s)) throw new Error(`runLossScalePaper: ${options.resultsFile} was written with other settings; move it away to start afresh`);
  const methods = options.only ? ALL_METHODS.filter((m) => options.only!.includes(m) && (s.methods.includes(m) || EXTRA_METHODS.includes(m))) : s.methods;
  await mkdir(options.checkpointDir, { recursive: true });

  const data = await loadPaperData(s);
  const inputShape = [...data.train.shape];
  const sampleSize = inputShape.reduce((a, b) => a * b, 1);
  const stepsPerEpoch = Math.floor(data.train.count / s.batchSize);
  const probe = paperModel(s);
  const parameters = probe.parameters().reduce((n, p) => n + p.value.size, 0);
  probe.dispose();

  const results: LossScalePaperResults = previous ?? { paper: PAPER, targetPoints: TARGET_POINTS, settings: s, parameters, invocations: [], methods: {}, updated: '' };
  results.invocations.push({ started: new Date().toISOString(), revision: gitRevision(), machine: machineInfo(t.getBackend() ?? 'unset'), only: options.only ?? null });
  // Another process may train other methods into the same file: keep its records.
  const save = async () => {
    const onDisk = await readJsonFile<LossScalePaperResults>(options.resultsFile);
    for (const [m, r] of Object.entries(onDisk?.methods ?? {}) as [PaperMethod, MethodResults][]) if (!methods.includes(m)) results.methods[m] = r;
    for (const x of onDisk?.invocations ?? []) if (!results.invocations.some((y) => y.started === x.started)) results.invocations.push(x);
    results.invocations.sort((a, b) => a.started.localeCompare(b.started));
    results.updated = new Date().toISOString();
    await writeJsonFileAtomic(options.resultsFile, results);
  };
  await save();
  say(`ResNet-20 width ${s.width} (${parameters} parameters) on ${data.train.count} CIFAR-10 images at ${s.imageSize}×${s.imageSize}, ${s.epochs} epochs of ${stepsPerEpoch} steps, methods ${methods.join(', ')}`);

  const states = new Map<PaperMethod, { model: t.nn.Module; optimizer: t.optim.Optimizer; trainer: MixedPrecisionTrainer; done: number }>();
  try {
    for (const method of methods) {
      const model = paperModel(s);
      const lr = t.optim.perEpoch(t.optim.multiStepLr(s.lr, { milestones: s.lrMilestones }), stepsPerEpoch);
      const optimizer = t.optim.sgd({ lr, momentum: s.momentum, weightDecay: s.weightDecay });
      const checkpoint = join(options.checkpointDir, `${method}.nnlb`);
      const bytes = await readFileIfExists(checkpoint);
      const done = bytes ? t.train.restoreCheckpoint(t.nn.decodeStateDict(bytes, checkpoint), model, optimizer).epochsDone : 0;
      const r = (results.methods[method] ??= { epochs: [], skippedAt: [] });
      r.epochs = r.epochs.slice(0, done);
      r.skippedAt = r.skippedAt.filter((i) => i < done * stepsPerEpoch);
      const policy = paperPolicy(method, s);
      // Bring the policy's scale to where it was: replay which steps overflowed.
      const skipped = new Set(r.skippedAt);
      for (let i = 0; i < done * stepsPerEpoch; i++) policy.endStep(!skipped.has(i));
      const trainer = new MixedPrecisionTrainer(model, optimizer, { precision: method === 'fp32' ? 'float32' : 'float16', policy, recordEvery: s.recordEvery });
      if (done > 0) say(`${method}: resumed after epoch ${done}`);
      states.set(method, { model, optimizer, trainer, done });
    }

    let lastEpochSeconds = 0;
    for (let epoch = 0; epoch < s.epochs; epoch++) {
      for (const method of methods) {
        const state = states.get(method)!;
        if (state.done > epoch) continue;
        const elapsed = (performance.now() - started) / 1000;
        if (options.budgetSeconds !== undefined && elapsed + lastEpochSeconds > options.budgetSeconds) {
          say(`time budget reached after ${elapsed.toFixed(0)} s; rerun to resume`);
          return results;
        }
        const r = results.methods[method]!;
        const t0 = performance.now();
        // The order and augmentation of epoch e depend only on (seed, e): nothing to checkpoint.
        const order = t.data.permutation(data.train.count, s.seed * 100_003 + epoch);
        const rng = t.data.createRng(s.seed * 100_019 + epoch);
        const records: StepRecord[] = [];
        let lossSum = 0;
        let step = 0;
        for (const indices of t.data.batches(order, s.batchSize, { dropLast: true })) {
          const a = performance.now();
          const { x, y } = t.data.gatherBatch(data.train.images, data.train.labels as Uint8Array, indices, sampleSize);
          if (s.augment) augmentBatch(x, indices.length, inputShape[0], inputShape[1], rng);
          const input = t.tensor(x, [indices.length, ...inputShape]);
          try {
            const record = await state.trainer.step(input, Int32Array.from(y));
            records.push(record);
            lossSum += record.loss;
            if (record.skipped) r.skippedAt.push(epoch * stepsPerEpoch + step);
          } finally {
            input.dispose();
          }
          step++;
          hooks.onProgress?.({ method, epoch, step, stepsPerEpoch, ms: performance.now() - a });
        }
        const { accuracy } = await t.train.evaluate(state.trainer.inferenceModel(), data.test, { inputShape });
        const pooled = pool(records);
        const result: EpochResult = {
          epoch: epoch + 1,
          loss: lossSum / records.length,
          testAccuracy: accuracy,
          steps: records.length,
          skippedSteps: records.filter((x) => x.skipped).length,
          lossScale: method === 'fp32' ? 1 : state.trainer.policy.lossScale(),
          ...pooled,
          seconds: (performance.now() - t0) / 1000,
          load: loadAverages(),
        };
        lastEpochSeconds = result.seconds;
        r.epochs.push(result);
        state.done = epoch + 1;
        const dict = await t.train.checkpointStateDict({ model: state.model, optimizer: state.optimizer, meta: { epochsDone: state.done } });
        await writeFileAtomic(join(options.checkpointDir, `${method}.nnlb`), t.nn.encodeStateDict(dict));
        await save();
        hooks.onProgress?.({ method, epochDone: result });
      }
    }
    return results;
  } finally {
    for (const { model, optimizer, trainer } of states.values()) {
      trainer.dispose();
      optimizer.dispose();
      model.dispose();
    }
  }
}
