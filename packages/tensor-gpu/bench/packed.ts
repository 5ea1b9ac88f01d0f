/**
 * Packed training benchmark: one training step of K models packed into one (PackedLinear /
 * PackedConv2d, packed SGD) against K sequential steps of the same models, for K = 1, 2, 4, 8,
 * on every backend available in this process. Speedup = Σ sequential step times / packed step
 * time on the same batch, after a warm-up: the median over paired rounds (K sequential steps, then
 * the packed step) of their ratio, in wall time and in this process's CPU time. Run: `xvfb-run -a pnpm exec tsx bench/packed.ts`
 * in the package (add `--quick` for a smoke run, `--backends=cpu,webasm` to time only those). Writes `bench/results/packed.json`.
 */
import * as t from '../src/index';
import { packedSgd } from '../src/optim/packed-sgd';
import { sgd } from '../src/optim/sgd';
import type { Optimizer } from '../src/optim/optimizer';
import { machineInfo, markdownTable, writeJson } from './report';
import { median } from './timing';

const quick = process.argv.includes('--quick');
const backendsArg = process.argv.find((a) => a.startsWith('--backends='))?.slice('--backends='.length).split(',');
const KS = quick ? [1, 2] : [1, 2, 4, 8];
const BATCH = 64;
/** Paired rounds per case: at least this many, and more (up to 25) until each side ran 3 s. */
const MIN_ROUNDS = quick ? 3 : 7;
const MAX_ROUNDS = quick ? 3 : 25;
const MIN_SIDE_MS = 3_000;

type Arch = 'mlp' | 'lenet';
const nn = t.nn;

function singleModel(arch: Arch, seed: number): t.nn.Module {
  if (arch === 'mlp') return new nn.Sequential(new nn.Linear(784, 256, { seed }), new nn.ReLU(), new nn.Linear(256, 10, { seed: seed + 1 }));
  return t.nn.lenet5({ seed });
}

function packedModel(arch: Arch, k: number): t.nn.Module {
  const seeds = Array.from({ length: k }, (_, i) => 100 + i);
  if (arch === 'mlp') {
    return new nn.Sequential(new nn.PackedLinear(k, 784, 256, { seeds }), new nn.FoldModels(new nn.ReLU()), new nn.PackedLinear(k, 256, 10, { seeds }));
  }
  const fold = (m: t.nn.Module) => new nn.FoldModels(m);
  return new nn.Sequential(
    new nn.PackedConv2d(k, 1, 6, 5, { seeds, padding: 2 }), fold(new nn.ReLU()), fold(new nn.MaxPool2d(2)),
    new nn.PackedConv2d(k, 6, 16, 5, { seeds }), fold(new nn.ReLU()), fold(new nn.MaxPool2d(2)), fold(new nn.Flatten()),
    new nn.PackedLinear(k, 400, 120, { seeds }), fold(new nn.ReLU()), new nn.PackedLinear(k, 120, 84, { seeds }), fold(new nn.ReLU()),
    new nn.PackedLinear(k, 84, 10, { seeds }),
  );
}

function batch(arch: Arch): { x: t.Tensor; labels: number[] } {
  const shape = arch === 'mlp' ? [BATCH, 784] : [BATCH, 1, 28, 28];
  return { x: t.rand(shape, { seed: 7 }), labels: Array.from({ length: BATCH }, (_, i) => i % 10) };
}

/** One training step; returns after the loss has been read back (so the device has finished). */
async function step(model: t.nn.Module, optimizer: Optimizer, x: t.Tensor, labels: number[], packed: boolean): Promise<void> {
  const params = model.parameters();
  const loss = (...values: t.Tensor[]) => {
    void values;
    const out = model.forward(x);
    return packed ? t.sum(t.packedCrossEntropy(out, labels)) : t.crossEntropy(out, labels);
  };
  const { value, grads } = t.valueAndGrad(loss)(...params.map((p) => p.value));
  optimizer.step(params, grads);
  await value.data();
  t.dispose([value, ...grads]);
}

/** Wall and CPU time (this process: user + system) of one call, in ms. */
async function measure(run: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

/**
 * Paired rounds: each round runs the K sequential steps and then the packed step, so that load
 * from other processes on a shared machine hits both sides alike. Returns medians over rounds.
 */
async function pairedRounds(sequential: () => Promise<void>, packed: () => Promise<void>): Promise<Omit<Row, 'backend' | 'arch' | 'k'>> {
  await sequential(); // warm-up: compiles every kernel
  await packed();
  const seq: { wall: number; cpu: number }[] = [];
  const pk: { wall: number; cpu: number }[] = [];
  const ratios: number[] = [];
  let seqTotal = 0;
  let packedTotal = 0;
  for (let i = 0; i < MAX_ROUNDS && (i < MIN_ROUNDS || Math.min(seqTotal, packedTotal) < MIN_SIDE_MS); i++) {
    seq.push(await measure(sequential));
    pk.push(await measure(packed));
    ratios.push(seq[i].wall / pk[i].wall);
    seqTotal += seq[i].wall;
    packedTotal += pk[i].wall;
  }
  const sequentialMs = median(seq.map((m) => m.wall));
  const packedMs = median(pk.map((m) => m.wall));
  const sequentialCpuMs = median(seq.map((m) => m.cpu));
  const packedCpuMs = median(pk.map((m) => m.cpu));
  return { rounds: ratios.length, sequentialMs, packedMs, speedup: median(ratios), sequentialCpuMs, packedCpuMs, cpuSpeedup: sequentialCpuMs / packedCpuMs };
}

interface Row {
  backend: string; arch: Arch; k: number;
  /** Paired rounds measured. */
  rounds: number;
  /** Medians over rounds of the wall time of K sequential steps and of one packed step. */
  sequentialMs: number; packedMs: number;
  /** Median over rounds of the per-round ratio sequential / packed (wall time). */
  speedup: number;
  /** The same on this process's CPU time, which other processes' load disturbs less. */
  sequentialCpuMs: number; packedCpuMs: number; cpuSpeedup: number;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const available = (await t.availableBackends()).filter((b) => b !== 'webgpu' || process.env.NNLAB_BENCH_WEBGPU);
  const backends = backendsArg ? available.filter((b) => backendsArg.includes(b)) : available;
  for (const backend of backends) {
    await t.setBackend(backend);
    for (const arch of ['mlp', 'lenet'] as Arch[]) {
      const { x, labels } = batch(arch);
      for (const k of KS) {
        const singles = Array.from({ length: k }, (_, i) => ({ model: singleModel(arch, 100 + i), opt: sgd({ lr: 0.01 * (i + 1), momentum: 0.9 }) }));
        const model = packedModel(arch, k);
        const opt = packedSgd({ models: k, lr: Array.from({ length: k }, (_, i) => 0.01 * (i + 1)), momentum: 0.9 });
        const sequential = async () => {
          for (const s of singles) await step(s.model, s.opt, x, labels, false);
        };
        const row = { backend, arch, k, ...(await pairedRounds(sequential, () => step(model, opt, x, labels, true))) };
        for (const s of singles) {
          s.model.dispose();
          s.opt.dispose();
        }
        model.dispose();
        opt.dispose();
        rows.push(row);
        console.error(`${backend} ${arch} K=${k}: sequential ${row.sequentialMs.toFixed(1)} ms, packed ${row.packedMs.toFixed(1)} ms, speedup ${row.speedup.toFixed(2)}x (CPU time ${row.cpuSpeedup.toFixed(2)}x)`);
      }
      x.dispose();
    }
  }
  const table = markdownTable(
    ['backend', 'model', 'K', 'Σ sequential ms', 'packed ms', 'speedup (wall)', 'speedup (CPU time)'],
    rows.map((r) => [r.backend, r.arch, String(r.k), r.sequentialMs.toFixed(1), r.packedMs.toFixed(1), `${r.speedup.toFixed(2)}×`, `${r.cpuSpeedup.toFixed(2)}×`]),
  );
  console.log(table);
  writeJson(new URL(`./results/packed${quick ? '.quick' : ''}.json`, import.meta.url).pathname, { machine: machineInfo(), batch: BATCH, minRounds: MIN_ROUNDS, rows });
}

await main();
