// LCA of the paper's networks while they train, resumable: training runs in segments of a few
// iterations; each segment starts LCA afresh at its θ (which gives the same allocation as one long
// run: the oracle is deterministic), appends its per-iteration series and per-layer totals to the
// results file and checkpoints model and optimizer. A rerun resumes at the last segment.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as t from '@nnlab/tensor-gpu';
import { lcaModel, OnlineLca, type LayerLca } from '../../src/index';
import { gitRevision, loadAverages, machineInfo, readFileIfExists, readJsonFile, writeFileAtomic, writeJsonFileAtomic } from '../../../../scripts/bench-report';
import { loadTrainSplit } from './data';
import { PAPER, type LcaNetworkSettings, type PaperNetwork } from './settings';

/** One layer's LCA over the iterations done so far, with its per-iteration series a_ℓ[t]. */
export type LayerRecord = Required<LayerLca>;

/** Everything measured for one network, concatenated over segments. */
export interface NetworkResults {
  settings: LcaNetworkSettings;
  parameterCount: number;
  lcaExamples: number;
  iterationsDone: number;
  /** L(θ_0) … L(θ_T) on the LCA split. */
  losses: number[];
  /** Training mini-batch loss per iteration. */
  trainingLoss: number[];
  lcaPerIteration: number[];
  /** First-order LCA ⟨g(θ_t), Δθ_t⟩ per iteration (for the error comparison). */
  firstOrderPerIteration: number[];
  errors: number[];
  pieces: number[];
  helpingCounts: number[];
  movedCounts: number[];
  layers: LayerRecord[];
  /** Seconds of training and of LCA, and the load, per segment. */
  segments: { iterations: number; trainSeconds: number; lcaSeconds: number; load: [number, number, number] }[];
}

export interface LcaPaperResults {
  paper: typeof PAPER;
  invocations: { started: string; revision: ReturnType<typeof gitRevision>; machine: Record<string, unknown>; networks: PaperNetwork[] }[];
  networks: Partial<Record<PaperNetwork, NetworkResults>>;
  updated: string;
}

export interface LcaPaperOptions {
  settings: LcaNetworkSettings[];
  resultsFile: string;
  checkpointDir: string;
  /** Stop starting segments after this many seconds (the run stays resumable). */
  budgetSeconds?: number;
}

export interface LcaPaperHooks {
  onProgress?(event: { message: string } | { network: PaperNetwork; segmentDone: NetworkResults['segments'][number]; iterationsDone: number }): void;
}

function buildModel(s: LcaNetworkSettings): { model: t.nn.Module; inputShape: number[] } {
  if (s.network === 'lenet') return lcaModel('lenet', s.seed);
  return { model: t.nn.resnet20({ seed: s.seed, width: s.width ?? 16 }), inputShape: [3, s.imageSize ?? 32, s.imageSize ?? 32] };
}

function append(r: NetworkResults, lca: ReturnType<OnlineLca['result']>): void {
  // The segment's L(θ_start) is the previous segment's last loss: keep one copy.
  r.losses.push(...(r.losses.length === 0 ? lca.losses : lca.losses.slice(1)));
  r.lcaPerIteration.push(...lca.lcaPerIteration);
  r.errors.push(...lca.errors);
  r.pieces.push(...lca.pieces);
  r.helpingCounts.push(...lca.helpingCounts);
  r.movedCounts.push(...lca.movedCounts);
  if (r.layers.length === 0) r.layers = lca.layers.map((l) => ({ name: l.name, parameters: l.parameters, total: 0, helped: 0, hurt: 0, helpedIterations: 0, series: [] }));
  lca.layers.forEach((l, i) => {
    const into = r.layers[i];
    into.total += l.total;
    into.helped += l.helped;
    into.hurt += l.hurt;
    into.helpedIterations += l.helpedIterations;
    into.series.push(...(l.series ?? []));
  });
}

/** Runs (or resumes) LCA for each network of `options.settings`, one after another. */
export async function runLcaPaper(options: LcaPaperOptions, hooks: LcaPaperHooks = {}): Promise<LcaPaperResults> {
  const started = performance.now();
  const say = (message: string) => hooks.onProgress?.({ message });
  const mine = options.settings.map((s) => s.network);
  const results: LcaPaperResults = (await readJsonFile<LcaPaperResults>(options.resultsFile)) ?? { paper: PAPER, invocations: [], networks: {}, updated: '' };
  for (const s of options.settings) {
    const had = results.networks[s.network];
    // The iteration count only says where to stop: a run can be extended or cut short and resumed.
    // Files written before `quadrature` existed used the adaptive rule.
    const key = (x: LcaNetworkSettings) => JSON.stringify(Object.entries({ ...x, quadrature: x.quadrature ?? 'simpson-adaptive', iterations: 0 }).sort(([a], [b]) => a.localeCompare(b)));
    const same = (a: LcaNetworkSettings, b: LcaNetworkSettings) => key(a) === key(b);
    if (had && had.iterationsDone > 0 && !same(had.settings, s)) throw new Error(`runLcaPaper: ${options.resultsFile} holds ${s.network} with other settings; move it away to start afresh`);
  }
  results.invocations.push({ started: new Date().toISOString(), revision: gitRevision(), machine: machineInfo(t.getBackend() ?? 'unset'), networks: mine });
  // Another process may run the other network into the same file: keep its records.
  const save = async () => {
    const onDisk = await readJsonFile<LcaPaperResults>(options.resultsFile);
    for (const [n, r] of Object.entries(onDisk?.networks ?? {}) as [PaperNetwork, NetworkResults][]) if (!mine.includes(n)) results.networks[n] = r;
    for (const x of onDisk?.invocations ?? []) if (!results.invocations.some((y) => y.started === x.started)) results.invocations.push(x);
    results.invocations.sort((a, b) => a.started.localeCompare(b.started));
    results.updated = new Date().toISOString();
    await writeJsonFileAtomic(options.resultsFile, results);
  };
  await mkdir(options.checkpointDir, { recursive: true });

  for (const s of options.settings) {
    const train = await loadTrainSplit(s);
    const lcaSet = s.lcaExamples === null ? train : t.train.headOf(train, s.lcaExamples);
    const { model, inputShape } = buildModel(s);
    const sampleSize = inputShape.reduce((a, b) => a * b, 1);
    const optimizer = t.optim.sgd({ lr: s.lr, momentum: s.momentum });
    const checkpoint = join(options.checkpointDir, `${s.network}.nnlb`);
    try {
      const bytes = await readFileIfExists(checkpoint);
      const done = bytes ? t.train.restoreCheckpoint(t.nn.decodeStateDict(bytes, checkpoint), model, optimizer).iterationsDone : 0;
      const parameterCount = model.parameters().reduce((n, p) => n + p.value.size, 0);
      const fresh: NetworkResults = {
        settings: s, parameterCount, lcaExamples: lcaSet.count, iterationsDone: 0, losses: [], trainingLoss: [], lcaPerIteration: [], firstOrderPerIteration: [],
        errors: [], pieces: [], helpingCounts: [], movedCounts: [], layers: [], segments: [],
      };
      let r = results.networks[s.network] ?? fresh;
      if (r.iterationsDone !== done) {
        if (done !== 0) throw new Error(`runLcaPaper: ${checkpoint} is at iteration ${done} but ${options.resultsFile} at ${r.iterationsDone}; move both away to start afresh`);
        r = fresh;
      }
      r.settings = s;
      results.networks[s.network] = r;
      await save();
      say(`${s.network}: ${parameterCount} parameters, training on ${train.count} images, LCA on ${lcaSet.count}, ${s.iterations} iterations${done ? `, resumed at ${done}` : ''}`);
      const stepsPerEpoch = Math.floor(train.count / s.batchSize);
      let order: Uint32Array | null = null;
      let orderEpoch = -1;
      let lastSegmentSeconds = 0;
      while (r.iterationsDone < s.iterations) {
        const elapsed = (performance.now() - started) / 1000;
        if (options.budgetSeconds !== undefined && elapsed + lastSegmentSeconds > options.budgetSeconds) {
          say(`time budget reached after ${elapsed.toFixed(0)} s; rerun to resume`);
          return results;
        }
        const firstOrder: number[] = [];
        const t0 = performance.now();
        const lca = await OnlineLca.create(model, {
          data: lcaSet, inputShape, chunkSize: s.chunkSize, quadrature: s.quadrature, keep: { layerSeries: true, parameterTotals: false, tensorSeries: false, unitSeries: false },
          // First-order LCA costs nothing more: ⟨g(θ_t), Δθ_t⟩ from the start gradient Simpson reuses.
          onIteration: (it) => {
            const g = it.splits.train.before.grad;
            let sum = 0;
            for (let i = 0; i < g.length; i++) sum += g[i] * it.delta[i];
            firstOrder.push(sum);
          },
        });
        let trainMs = 0;
        const n = Math.min(s.segment, s.iterations - r.iterationsDone);
        const trainingLoss: number[] = [];
        try {
          for (let k = 0; k < n; k++) {
            const iteration = r.iterationsDone + k;
            const epoch = Math.floor(iteration / stepsPerEpoch);
            // The order of epoch e depends only on (seed, e): nothing to checkpoint.
            if (epoch !== orderEpoch) (order = t.data.permutation(train.count, s.seed * 100_003 + epoch)), (orderEpoch = epoch);
            const j = iteration % stepsPerEpoch;
            const indices = order!.subarray(j * s.batchSize, (j + 1) * s.batchSize);
            const a = performance.now();
            const { x, y } = t.data.gatherBatch(train.images, train.labels as Uint8Array, indices, sampleSize);
            model.train();
            const loss = t.tidy(() => t.train.trainStep(model, t.tensor(x, [indices.length, ...inputShape]), Int32Array.from(y), { optimizer }));
            trainingLoss.push((await loss.data())[0]);
            loss.dispose();
            trainMs += performance.now() - a;
            await lca.observe();
          }
          append(r, lca.result());
        } finally {
          lca.dispose();
        }
        r.trainingLoss.push(...trainingLoss);
        r.firstOrderPerIteration.push(...firstOrder);
        r.iterationsDone += n;
        const totalSeconds = (performance.now() - t0) / 1000;
        const segment = { iterations: n, trainSeconds: trainMs / 1000, lcaSeconds: totalSeconds - trainMs / 1000, load: loadAverages() };
        r.segments.push(segment);
        lastSegmentSeconds = totalSeconds;
        await writeFileAtomic(checkpoint, t.nn.encodeStateDict(await t.train.checkpointStateDict({ model, optimizer, meta: { iterationsDone: r.iterationsDone } })));
        await save();
        hooks.onProgress?.({ network: s.network, segmentDone: segment, iterationsDone: r.iterationsDone });
      }
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  }
  return results;
}
