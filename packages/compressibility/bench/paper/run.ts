// LeNet-300-100 or LeNet-5 through the whole pipeline (train with a regulariser → prune → retrain → quantise
// with shared magnitudes → code) for the compressibility loss and its baselines, every operating
// point measured on a validation split held out of the training images and on the test set.
// Each method's result is written as soon as it is done; a rerun skips the methods already done.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as t from '@nnlab/tensor-gpu';
import { loadMnist } from '@nnlab/tensor-gpu/node';
import { accuracyOf, compressAndEvaluate, deflateCodec, methodLabel, rangeCodec, restoreModel, runMethod, type CompressionMeasurement, type HostParameter, type Method, type RunSettings } from '../../src/node';
import { gitRevision, loadAverages, machineInfo } from '../../../../scripts/bench-report';
import { DEEP_COMPRESSION_BY_NETWORK, paperNetwork } from './networks';
import { DEFAULT_SETTINGS, TARGET, TARGET_LENET5, type CompressibilityPaperSettings } from './settings';

/** One compressed file of one method: a method × quantiser operating point. */
export interface OperatingPoint {
  method: string;
  family: 'none' | 'compressibility' | 'l1' | 'magnitude';
  quantizer: string;
  validationErrorPercent: number;
  testErrorPercent: number;
  sparsityPercent: number;
  distinctMagnitudes: number;
  /** Dense float32 bytes / range-coded file bytes (headers included). */
  ratioRange: number;
  ratioDeflate: number;
}

export interface MethodRecord {
  method: string;
  /** Test error % after training (float32, before pruning). */
  trainedTestErrorPercent: number;
  seconds: number;
  load: [number, number, number];
  points: OperatingPoint[];
}

export interface CompressibilityPaperResults {
  paper: (typeof DEEP_COMPRESSION_BY_NETWORK)[keyof typeof DEEP_COMPRESSION_BY_NETWORK];
  target: typeof TARGET;
  settings: CompressibilityPaperSettings;
  /** One per run of the bench; `addedMethods`: methods appended to the settings' `trained` list by that run. */
  invocations: { started: string; revision: ReturnType<typeof gitRevision>; machine: Record<string, unknown>; addedMethods?: string[] }[];
  methods: MethodRecord[];
  updated: string;
}

export interface CompressibilityPaperOptions {
  settings?: Partial<CompressibilityPaperSettings>;
  resultsFile: string;
  /** Folder for the trained λ = 0 weights the magnitude baselines start from. */
  checkpointDir: string;
  /** Stop starting methods once this many seconds have passed (the run stays resumable). */
  budgetSeconds?: number;
  /** Run only the methods with these labels (e.g. to share the list between processes); default all. */
  only?: string[];
}

export interface CompressibilityPaperHooks {
  onProgress?(event: { message: string } | { method: string; phase: 'train' | 'fine-tune'; step: number }): void;
}

const familyOf = (m: Method): OperatingPoint['family'] => m.kind;

/** One row of the comparison: a method, or several magnitude-pruning stages run in turn. */
interface Job {
  label: string;
  stages: Method[];
}

/** A state dict of host parameters (neither network has buffers). */
const stateOf = (params: readonly HostParameter[]): t.nn.StateDict => Object.fromEntries(params.map((p) => [p.name, { shape: [...p.shape], data: p.values }]));

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  // One temporary name per process: two processes may share the results file.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(value, null, 1)}\n`);
  await rename(tmp, file);
}

/** Test error of the model decoded from a coded file (the validation error comes from the pipeline itself). */
async function testErrorOfFile(settings: RunSettings, bytes: Uint8Array, test: t.train.LabeledData): Promise<number> {
  const model = settings.model();
  try {
    restoreModel(model, bytes, { codecs: settings.codecs });
    return 100 * (1 - (await accuracyOf(model, test, { inputShape: settings.inputShape })).accuracy);
  } finally {
    model.dispose();
  }
}

function point(method: Method, label: string, quantizer: string, m: CompressionMeasurement, validationAccuracy: number, testErrorPercent: number): OperatingPoint {
  const ratio = (codec: string) => m.files.find((f) => f.codec === codec)!.ratio;
  return {
    method: label, family: familyOf(method), quantizer,
    validationErrorPercent: 100 * (1 - validationAccuracy), testErrorPercent,
    sparsityPercent: 100 * m.weights.sparsity, distinctMagnitudes: m.weights.maxDistinctMagnitudes,
    ratioRange: ratio('range'), ratioDeflate: ratio('deflate'),
  };
}

/** Runs (or resumes) the comparison; returns what it wrote to `options.resultsFile`. */
export async function runCompressibilityPaper(options: CompressibilityPaperOptions, hooks: CompressibilityPaperHooks = {}): Promise<CompressibilityPaperResults> {
  const started = performance.now();
  const say = (message: string) => hooks.onProgress?.({ message });
  const previous = await readJson<CompressibilityPaperResults>(options.resultsFile);
  const s: CompressibilityPaperSettings = { ...DEFAULT_SETTINGS, ...previous?.settings, ...options.settings };
  // Methods may be appended to `trained` (each later run says so in its invocation); any other change needs a new file.
  const withoutTrained = (x: CompressibilityPaperSettings) => JSON.stringify({ ...x, trained: undefined });
  const sameOrAppended = (p: CompressibilityPaperSettings) => withoutTrained(p) === withoutTrained(s) && p.trained.every((m, i) => JSON.stringify(m) === JSON.stringify(s.trained[i]));
  if (previous && !sameOrAppended(previous.settings)) throw new Error(`runCompressibilityPaper: ${options.resultsFile} was written with other settings; move it away to start afresh`);
  await mkdir(options.checkpointDir, { recursive: true });
  const network = s.network ?? 'lenet-300-100';
  const { model, inputShape } = paperNetwork(network, s.seed);
  const target = network === 'lenet-5' ? TARGET_LENET5 : TARGET;
  const results: CompressibilityPaperResults = previous ?? { paper: DEEP_COMPRESSION_BY_NETWORK[network], target, settings: s, invocations: [], methods: [], updated: '' };
  const addedMethods = previous ? s.trained.slice(previous.settings.trained.length).map(methodLabel) : [];
  results.settings = s;
  results.invocations.push({ started: new Date().toISOString(), revision: gitRevision(), machine: machineInfo(t.getBackend() ?? 'unset'), ...(addedMethods.length ? { addedMethods } : {}) });

  const mnist = await loadMnist();
  const split = t.data.trainValidationSplit(mnist.train.count, s.validationCount / mnist.train.count, s.seed);
  const settings: RunSettings = {
    model,
    train: t.train.subsetOf(mnist.train, split.train),
    // The pipeline's own accuracy is measured on the validation split: it is what choices read.
    test: t.train.subsetOf(mnist.train, split.validation),
    inputShape, epochs: s.epochs, lrDecayEpochs: s.lrDecayEpochs, fineTuneEpochs: s.fineTuneEpochs, fineTuneLr: 'linear',
    batchSize: s.batchSize, lr: s.lr, seed: s.seed, codecs: [rangeCodec, deflateCodec],
  };
  // Another process may be running other methods into the same file: merge its records in before writing.
  const save = async () => {
    const onDisk = await readJson<CompressibilityPaperResults>(options.resultsFile);
    // A process started later may have appended methods: keep the longer list.
    if (onDisk && onDisk.settings.trained.length > results.settings.trained.length) results.settings = onDisk.settings;
    for (const r of onDisk?.methods ?? []) if (!results.methods.some((m) => m.method === r.method)) results.methods.push(r);
    for (const x of onDisk?.invocations ?? []) if (!results.invocations.some((y) => y.started === x.started)) results.invocations.push(x);
    results.updated = new Date().toISOString();
    await writeJsonAtomic(options.resultsFile, results);
  };
  await save();

  const baseFile = join(options.checkpointDir, 'lambda0-trained.nnlb');
  const trained: Job[] = s.trained.map((method) => ({ stages: [method], label: methodLabel(method) }));
  const magnitude: Job[] = Object.entries(s.magnitude).map(([name, sparsity]) => ({ stages: [{ kind: 'magnitude', sparsity }], label: `magnitude (${name})` }));
  const iterative: Job[] = Object.entries(s.iterativeMagnitude).map(([name, stages]) => ({ stages: stages.map((sparsity) => ({ kind: 'magnitude', sparsity })), label: `magnitude iterative (${name})` }));
  // λ = 0 first (the magnitude baselines prune its weights), then the regularisers, then magnitude pruning.
  const jobs = [...trained, ...magnitude, ...iterative].filter((j) => !options.only || options.only.includes(j.label));
  let lastSeconds = 0;
  for (const { stages, label } of jobs) {
    const method = stages[stages.length - 1];
    const done = await readJson<CompressibilityPaperResults>(options.resultsFile);
    if ([...results.methods, ...(done?.methods ?? [])].some((r) => r.method === label)) continue;
    const elapsed = (performance.now() - started) / 1000;
    if (options.budgetSeconds !== undefined && elapsed + lastSeconds > options.budgetSeconds) {
      say(`time budget reached after ${elapsed.toFixed(0)} s; rerun to resume`);
      break;
    }
    let base: t.nn.StateDict | undefined;
    if (method.kind === 'magnitude') {
      const bytes = await readFile(baseFile).catch(() => null);
      if (!bytes) throw new Error(`runCompressibilityPaper: ${label} needs the trained λ = 0 weights (${baseFile}); list { kind: 'none' } first`);
      base = t.nn.decodeStateDict(new Uint8Array(bytes), baseFile);
    }
    say(`${label}: training`);
    let r = await runMethod(stages[0], { ...settings, onStep: (phase, step) => hooks.onProgress?.({ method: label, phase, step }) }, base);
    const trainedState = r.trainedState;
    let seconds = r.seconds;
    // Iterative pruning: each stage prunes the previous stage's retrained weights further (its zeros stay zero).
    for (const stage of stages.slice(1)) {
      say(`${label}: next stage, ${r.testErrorPercent.toFixed(2)}% validation error after the last`);
      r = await runMethod(stage, { ...settings, onStep: (phase, step) => hooks.onProgress?.({ method: label, phase, step }) }, stateOf(r.fineTuned));
      seconds += r.seconds;
    }
    if (method.kind === 'none') await writeFile(baseFile, t.nn.encodeStateDict(r.trainedState));
    const points: OperatingPoint[] = [point(method, label, '8-bit uniform', r.measurement, r.accuracy, await testErrorOfFile(settings, r.measurement.files[0].bytes, mnist.test))];
    for (const codebookSize of s.codebookSizes) {
      const model = settings.model();
      const c = await compressAndEvaluate(model, r.fineTuned, { ...settings, quantize: { quantizer: 'codebook', codebookSize } });
      model.dispose();
      points.push(point(method, label, `${codebookSize} shared magnitudes`, c.measurement, c.accuracy, await testErrorOfFile(settings, c.measurement.files[0].bytes, mnist.test)));
    }
    const trainedModel = settings.model();
    t.nn.loadStateDict(trainedModel, trainedState);
    const trainedTestErrorPercent = 100 * (1 - (await accuracyOf(trainedModel, mnist.test, { inputShape })).accuracy);
    trainedModel.dispose();
    results.methods.push({ method: label, trainedTestErrorPercent, seconds, load: loadAverages(), points });
    lastSeconds = seconds;
    await save();
    say(`${label}: done in ${seconds.toFixed(0)} s; ${points.map((p) => `${p.quantizer}: val ${p.validationErrorPercent.toFixed(2)}%, test ${p.testErrorPercent.toFixed(2)}%, ${p.ratioRange.toFixed(1)}×`).join('; ')}`);
  }
  return results;
}
