/**
 * Trains the GNN for the OVAL CIFAR base model the paper's way: imitation of strong branching at
 * the domains that branch and bound visits on training properties of the same model (by default
 * the first rows of `base_med`, which shares no image with `base_easy`, the test table), then
 * writes `src/gnn/pretrained-oval-base-weights.json` and `bench/results/gnn-oval-base.json`.
 *
 * The teacher bounds both children of `--top` candidates (best BaBSR scores) plus `--random` others
 * per decision; that is the expensive part, so its decisions are cached in
 * `bench/checkpoints/oval-gnn-<suite>/` (one entry per property, appended as each finishes) and
 * collection stops once `--budget` seconds of collection (summed over resumed runs) are spent.
 * `--record-every=K` lets the teacher decide (and be recorded at) every K-th decision and BaBSR
 * the others, so that the `--decisions` recorded per property reach K times deeper into the tree.
 * `--shard=I/N` collects only the properties whose index ≡ I (mod N), into its own cache folder
 * (`oval-gnn-<suite>-shard<I>of<N>`), so that N processes can collect side by side; training
 * (a run without `--shard`) reads every folder of the suite collected with the same settings.
 * `--from=K` collects from the K-th property on (own folder `oval-gnn-<suite>-from<K>`).
 * `--held-out-from=ROW` holds out the properties of rows ≥ ROW (default: every `--held-out-every`-th
 * property), e.g. rows no earlier training saw, so that earlier weights can be scored fairly.
 * The training checkpoint is per `--embedding`, so trainings of several sizes can run side by side
 * with `--weights-out=PATH` and `--summary-out=PATH` (defaults: the shipped weights file and
 * `bench/results/gnn-oval-base.json`); the summary also scores the currently shipped `oval-base`
 * weights on the same held-out decisions. `--init=oval-base` starts from the shipped weights (their
 * size; fine-tuning on the new decisions) instead of a fresh network.
 * Training writes a checkpoint after every epoch and resumes from it (Adam's moments restart).
 *
 * Run from the package folder: `tsx bench/train-gnn-oval.ts [--suite=base_med] [--properties=N]
 * [--decisions=N] [--record-every=K] [--top=K] [--random=R] [--property-timeout=S] [--budget=S] [--epochs=N]
 * [--embedding=P] [--held-out-every=K] [--seed=S] [--shard=I/N] [--from=K] [--held-out-from=ROW] [--init=oval-base] [--weights-out=PATH] [--summary-out=PATH] [--collect-only] [--fresh-training]`.
 *
 * @module
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as t from '@nnlab/tensor-gpu';
import { BranchingGnn, collectStrongBranchingSamples, loadGnnWeights, loadPretrainedGnn, meanRankLoss, ovalVerifyOptions, PRETRAINED_GNN_OVAL_BASE, packSample, saveGnnWeights, top1Agreement, trainGnn, unpackSample, type BranchingSample, type GnnWeights, type PackedSampleHeader } from '../src/index';
import { OVAL_SUITES, ovalInstances, readOvalModel, type OvalSuite } from '../src/node';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv: readonly string[]) {
  const num = { from: 0, heldOutFrom: -1, properties: 60, decisions: 6, recordEvery: 1, top: 12, random: 6, propertyTimeout: 120, budget: 1200, epochs: 15, embedding: 16, heldOutEvery: 6, seed: 1 };
  const keys: Record<string, keyof typeof num> = { '--from': 'from', '--held-out-from': 'heldOutFrom', '--properties': 'properties', '--decisions': 'decisions', '--record-every': 'recordEvery', '--top': 'top', '--random': 'random', '--property-timeout': 'propertyTimeout', '--budget': 'budget', '--epochs': 'epochs', '--embedding': 'embedding', '--held-out-every': 'heldOutEvery', '--seed': 'seed' };
  let suite: OvalSuite = 'base_med';
  let collectOnly = false;
  let freshTraining = false;
  let shard = { index: 0, count: 1 };
  let weightsOut = join(BENCH_DIR, '..', 'src', 'gnn', 'pretrained-oval-base-weights.json');
  let summaryOut = join(BENCH_DIR, 'results', 'gnn-oval-base.json');
  let init: 'fresh' | 'oval-base' = 'fresh';
  for (const a of argv) {
    const [key, value] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, ''];
    if (key === '--suite') suite = value as OvalSuite;
    else if (key === '--collect-only') collectOnly = true;
    else if (key === '--fresh-training') freshTraining = true;
    else if (key === '--weights-out') weightsOut = value;
    else if (key === '--summary-out') summaryOut = value;
    else if (key === '--init') {
      if (value !== 'oval-base' && value !== 'fresh') throw new Error(`train-gnn-oval: --init must be oval-base or fresh, got ${JSON.stringify(value)}`);
      init = value;
    }
    else if (key === '--shard') {
      const m = /^(\d+)\/(\d+)$/.exec(value);
      if (!m || !(Number(m[1]) < Number(m[2]))) throw new Error(`train-gnn-oval: --shard must be I/N with 0 <= I < N, got ${JSON.stringify(value)}`);
      shard = { index: Number(m[1]), count: Number(m[2]) };
    }
    else if (keys[key]) {
      const v = Number(value);
      if (!(Number.isFinite(v) && v >= 0)) throw new Error(`train-gnn-oval: ${key} must be a number >= 0, got ${JSON.stringify(value)}`);
      num[keys[key]] = v;
    } else throw new Error(`train-gnn-oval: unknown option ${a} (see the comment at the top of bench/train-gnn-oval.ts)`);
  }
  if (!OVAL_SUITES.includes(suite)) throw new Error(`train-gnn-oval: --suite must be one of ${OVAL_SUITES.join(', ')}`);
  if (suite === 'base_easy' || suite === 'base_20' || suite === 'base_100') throw new Error('train-gnn-oval: base_easy (and the 20/100 subsets, which share its rows) hold the test properties; train on base_med or base_hard');
  if (!(num.heldOutEvery >= 2)) throw new Error('train-gnn-oval: --held-out-every must be >= 2');
  if (!(Number.isInteger(num.recordEvery) && num.recordEvery >= 1)) throw new Error('train-gnn-oval: --record-every must be an integer >= 1');
  if (init === 'oval-base' && num.embedding !== PRETRAINED_GNN_OVAL_BASE.config.embedding) throw new Error(`train-gnn-oval: --init=oval-base has embedding ${PRETRAINED_GNN_OVAL_BASE.config.embedding}; drop --embedding or set it to that`);
  return { suite, collectOnly, freshTraining, shard, weightsOut, summaryOut, init, ...num };
}

/** One cached property: its row, the collection time and where its samples lie in samples.bin. */
interface CacheEntry {
  readonly row: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly load: number;
  readonly samples: { readonly header: PackedSampleHeader; readonly offset: number; readonly length: number }[];
}

/** Settings that must match for a cache to be reused. */
function cacheKey(a: ReturnType<typeof parseArgs>) {
  return { suite: a.suite, decisions: a.decisions, ...(a.recordEvery !== 1 ? { recordEvery: a.recordEvery } : {}), top: a.top, random: a.random, propertyTimeout: a.propertyTimeout, seed: a.seed };
}

/** A cache folder and its entries. */
interface CacheFolder {
  readonly dir: string;
  readonly entries: CacheEntry[];
}

const args = parseArgs(process.argv.slice(2));
await t.setBackend('cpu');
const checkpoints = join(BENCH_DIR, 'checkpoints');
const base = `oval-gnn-${args.suite}`;
const dir = join(checkpoints, `${base}${args.from > 0 ? `-from${args.from}` : ''}${args.shard.count > 1 ? `-shard${args.shard.index}of${args.shard.count}` : ''}`);
mkdirSync(dir, { recursive: true });
const binPath = join(dir, 'samples.bin');
const indexPath = join(dir, 'samples.jsonl');
const settingsPath = join(dir, 'settings.json');
const statePath = join(checkpoints, base, `train-state-p${args.embedding}${args.init === 'fresh' ? '' : `-from-${args.init}`}.json`);
const key = JSON.stringify(cacheKey(args));
if (existsSync(settingsPath) && readFileSync(settingsPath, 'utf8') !== key) throw new Error(`train-gnn-oval: ${dir} holds decisions collected with other settings (${readFileSync(settingsPath, 'utf8')}); delete it or use those settings`);
writeFileSync(settingsPath, key);
const entriesOf = (folder: string): CacheEntry[] => {
  const index = join(folder, 'samples.jsonl');
  return existsSync(index) ? readFileSync(index, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as CacheEntry) : [];
};
const readEntries = (): CacheEntry[] => entriesOf(dir);
/** Every folder of the suite (shards and the plain one) collected with these settings. */
const readFolders = (): CacheFolder[] =>
  readdirSync(checkpoints)
    .filter((n) => n === base || n.startsWith(`${base}-shard`) || n.startsWith(`${base}-from`))
    .map((n) => join(checkpoints, n))
    .filter((d) => existsSync(join(d, 'settings.json')) && readFileSync(join(d, 'settings.json'), 'utf8') === key)
    .map((d) => ({ dir: d, entries: entriesOf(d) }))
    .filter((folder) => folder.entries.length > 0);

const model = readOvalModel();
const net = model.network;
const instances = await ovalInstances(model, args.suite, { limit: args.properties });

// Phase 1: the teacher's decisions, one property at a time, appended to the cache.
let entries = readEntries();
// A run stopped between writing samples.bin and the index leaves bytes no entry points to: cut them off.
const binEnd = entries.reduce((a, e) => Math.max(a, ...e.samples.map((s) => s.offset + 4 * s.length)), 0);
if (existsSync(binPath) && statSync(binPath).size > binEnd) writeFileSync(binPath, readFileSync(binPath).subarray(0, binEnd));
let spent = entries.reduce((a, e) => a + e.seconds, 0);
for (const [i, inst] of instances.entries()) {
  if (spent >= args.budget) break;
  if (i < args.from) continue;
  if (i % args.shard.count !== args.shard.index) continue;
  if (entries.some((e) => e.row === inst.property.row)) continue;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const samples = await collectStrongBranchingSamples([{ net, spec: inst.spec }], {
    decisionsPerProblem: args.decisions,
    recordEvery: args.recordEvery,
    teacher: { top: args.top, random: args.random, seed: args.seed * 100_003 + inst.property.row },
    // The shipped weights' decisions were collected under the 'alpha' bounding.
    verify: { ...ovalVerifyOptions(args.propertyTimeout, undefined, 'alpha'), maxBranches: 2 * args.decisions * args.recordEvery },
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  let offset = existsSync(binPath) ? statSync(binPath).size : 0;
  const packed = samples.map(packSample);
  const located = packed.map((p) => {
    appendFileSync(binPath, new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength));
    const at = { header: p.header, offset, length: p.data.length };
    offset += p.data.byteLength;
    return at;
  });
  const entry: CacheEntry = { row: inst.property.row, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, load: loadavg()[0], samples: located };
  appendFileSync(indexPath, `${JSON.stringify(entry)}\n`);
  entries.push(entry);
  spent += seconds;
  console.log(`row ${inst.property.row}: ${samples.length} decisions in ${seconds.toFixed(1)} s (CPU ${entry.cpuSeconds.toFixed(1)} s, load ${entry.load.toFixed(1)}); ${entries.reduce((a, e) => a + e.samples.length, 0)} decisions, ${spent.toFixed(0)} / ${args.budget} s spent`);
}
console.log(`${readEntries().reduce((a, e) => a + e.samples.length, 0)} cached decisions in ${dir} (${spent.toFixed(0)} s of collection)`);
if (args.collectOnly || args.shard.count > 1 || args.from > 0) process.exit(0);

// Phase 2: training on every folder's decisions, split by property (every k-th property held out), checkpointed per epoch.
const folders = readFolders();
const binOf = new Map<CacheEntry, Buffer>();
for (const folder of folders) {
  const bin = readFileSync(join(folder.dir, 'samples.bin'));
  for (const e of folder.entries) binOf.set(e, bin);
}
// Folders may overlap (a shard that ran on into a later folder's rows): each row once.
entries = folders.flatMap((folder) => folder.entries).sort((a, b) => a.row - b.row).filter((e, i, all) => i === 0 || all[i - 1].row !== e.row);
spent = entries.reduce((a, e) => a + e.seconds, 0);
const total = entries.reduce((a, e) => a + e.samples.length, 0);
console.log(`${total} cached decisions from ${entries.length} properties of ${args.suite} in ${folders.length} folder(s) (${spent.toFixed(0)} s of collection)`);
const load = (e: CacheEntry): BranchingSample[] => {
  const bin = binOf.get(e)!;
  return e.samples.map((s) => unpackSample(net, { header: s.header, data: new Float32Array(bin.buffer.slice(bin.byteOffset + s.offset, bin.byteOffset + s.offset + 4 * s.length)) }));
};
const heldOutRows = entries.filter((e, i) => (args.heldOutFrom >= 0 ? e.row >= args.heldOutFrom : i % args.heldOutEvery === args.heldOutEvery - 1)).map((e) => e.row);
const train = entries.filter((e) => !heldOutRows.includes(e.row)).flatMap(load);
const heldOut = entries.filter((e) => heldOutRows.includes(e.row)).flatMap(load);
console.log(`training on ${train.length} decisions, ${heldOut.length} held out (rows ${heldOutRows.join(', ')})`);

interface TrainState {
  readonly key: string;
  readonly epochsDone: number;
  readonly history: { epoch: number; loss: number; heldOutLoss: number; heldOutTop1: number; seconds: number; load: number }[];
  readonly weights: GnnWeights;
  readonly best: { epoch: number; heldOutLoss: number; weights: GnnWeights } | null;
}
const trainKey = JSON.stringify({ ...cacheKey(args), rows: entries.map((e) => e.row), heldOutRows, embedding: args.embedding, init: args.init });
if (heldOut.length === 0 || train.length === 0) throw new Error(`train-gnn-oval: ${train.length} training and ${heldOut.length} held-out decisions; both must be > 0`);
if (args.freshTraining && existsSync(statePath)) rmSync(statePath);
const previous: TrainState | null = existsSync(statePath) ? JSON.parse(readFileSync(statePath, 'utf8')) : null;
const resume = previous && previous.key === trainKey ? previous : null;
if (previous && !resume) console.log('the training checkpoint was made with other data or settings: training from the start');
const gnn = resume ? loadGnnWeights(resume.weights) : args.init === 'oval-base' ? loadPretrainedGnn('oval-base') : new BranchingGnn({ embedding: args.embedding, rounds: 2 }, args.seed);
const history = resume ? [...resume.history] : [];
let best = resume?.best ?? null;
// The untrained model's agreement (a fresh run only), and BaBSR's: the teacher's candidates are listed BaBSR's best first.
const untrainedTop1 = resume ? null : await top1Agreement(gnn, heldOut);
const babsrTop1 = heldOut.filter((s) => s.improvements[0] >= Math.max(...s.improvements) - 1e-12).length / Math.max(1, heldOut.length);
// The weights shipped now, on the same held-out decisions: what the new ones must beat.
const shipped = loadPretrainedGnn('oval-base');
const shippedHeldOut = { top1: await top1Agreement(shipped, heldOut), rankLoss: await meanRankLoss(shipped, heldOut) };
shipped.dispose();
console.log(`shipped oval-base weights on these held-out decisions: top-1 ${shippedHeldOut.top1.toFixed(3)}, rank loss ${shippedHeldOut.rankLoss.toFixed(4)}; BaBSR top-1 ${babsrTop1.toFixed(3)}`);
let epochStart = performance.now();
await trainGnn(gnn, train, {
  epochs: args.epochs,
  seed: args.seed,
  batchSize: 8,
  heldOut,
  trainTop1: false,
  startEpoch: resume?.epochsDone ?? 0,
  async onEpoch(epoch, loss, _top1, held) {
    const seconds = (performance.now() - epochStart) / 1000;
    history.push({ epoch, loss, heldOutLoss: held!.loss, heldOutTop1: held!.top1, seconds, load: loadavg()[0] });
    const weights = await saveGnnWeights(gnn);
    if (!best || held!.loss < best.heldOutLoss) best = { epoch, heldOutLoss: held!.loss, weights };
    const state: TrainState = { key: trainKey, epochsDone: epoch + 1, history, weights, best };
    writeFileSync(`${statePath}.tmp`, JSON.stringify(state));
    writeFileSync(statePath, readFileSync(`${statePath}.tmp`));
    rmSync(`${statePath}.tmp`);
    console.log(`epoch ${epoch}: train loss ${loss.toFixed(4)}, held-out loss ${held!.loss.toFixed(4)}, held-out top-1 agreement with the teacher ${held!.top1.toFixed(3)} (${seconds.toFixed(0)} s)`);
    epochStart = performance.now();
  },
});
gnn.dispose();

// Phase 3: the epoch with the lowest held-out loss becomes the shipped weights.
const chosen = best!;
const note = `bench/train-gnn-oval.ts: imitation of strong branching (top ${args.top} BaBSR candidates + ${args.random} random per decision) on ${total} decisions at domains visited on ${entries.length} properties of the OVAL base model's ${args.suite} table (rows ${entries[0]?.row}–${entries[entries.length - 1]?.row}; ${heldOutRows.length} held out), p = ${args.embedding}, T = 2, seed ${args.seed}${args.init === 'fresh' ? '' : `, starting from the ${args.init} weights shipped before`}; epoch ${chosen.epoch + 1} of ${args.epochs} (lowest held-out loss)`;
writeFileSync(args.weightsOut, `${JSON.stringify({ ...chosen.weights, note })}\n`);
const summary = {
  note,
  suite: args.suite,
  rows: entries.map((e) => e.row),
  heldOutRows,
  decisions: { total, train: train.length, heldOut: heldOut.length },
  teacher: { top: args.top, random: args.random, decisionsPerProperty: args.decisions, recordEvery: args.recordEvery, propertyTimeoutS: args.propertyTimeout },
  collection: { seconds: spent, cpuSeconds: entries.reduce((a, e) => a + e.cpuSeconds, 0), medianLoad: entries.map((e) => e.load).sort((a, b) => a - b)[entries.length >> 1] },
  init: args.init,
  embedding: args.embedding,
  heldOutTop1: { untrained: untrainedTop1, babsr: babsrTop1, trained: history.find((h) => h.epoch === chosen.epoch)?.heldOutTop1 },
  shippedBefore: { heldOutTop1: shippedHeldOut.top1, heldOutRankLoss: shippedHeldOut.rankLoss },
  chosenEpoch: chosen.epoch,
  history,
  machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
};
writeFileSync(args.summaryOut, `${JSON.stringify(summary, null, 1)}\n`);
console.log(`wrote ${args.weightsOut} (epoch ${chosen.epoch}, held-out loss ${chosen.heldOutLoss.toFixed(4)}) and ${args.summaryOut}`);
