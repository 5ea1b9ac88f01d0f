/**
 * Packed training benchmark: one training step of K models packed into one (PackedLinear /
 * PackedConv2d, packed SGD) against K sequential steps of the same models, for K = 1, 2, 4, 8,
 * on every backend available in this process. Speedup = Σ sequential step times / packed step
 * time (medians after warm-up, same batch). Run: `xvfb-run -a pnpm exec tsx bench/packed.ts`
 * in the package (add `--quick` for a smoke run). Writes `bench/results/packed.json`.
 */
import * as t from '../src/index';
import { packedSgd } from '../src/optim/packed-sgd';
import { sgd } from '../src/optim/sgd';
import type { Optimizer } from '../src/optim/optimizer';
import { machineInfo, markdownTable, writeJson } from './report';
import { median } from './timing';

const quick = process.argv.includes('--quick');
const KS = quick ? [1, 2] : [1, 2, 4, 8];
const BATCH = 64;
const STEPS = quick ? 3 : 7;

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

async function timeSteps(run: () => Promise<void>): Promise<number> {
  await run(); // warm-up: compiles every kernel
  const times: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  return median(times);
}

interface Row { backend: string; arch: Arch; k: number; sequentialMs: number; packedMs: number; speedup: number }

async function main(): Promise<void> {
  const rows: Row[] = [];
  const backends = (await t.availableBackends()).filter((b) => b !== 'webgpu' || process.env.NNLAB_BENCH_WEBGPU);
  for (const backend of backends) {
    await t.setBackend(backend);
    for (const arch of ['mlp', 'lenet'] as Arch[]) {
      const { x, labels } = batch(arch);
      const single = singleModel(arch, 1);
      const singleOpt = sgd({ lr: 0.01, momentum: 0.9 });
      const oneStep = await timeSteps(() => step(single, singleOpt, x, labels, false));
      single.dispose();
      singleOpt.dispose();
      for (const k of KS) {
        const model = packedModel(arch, k);
        const opt = packedSgd({ models: k, lr: Array.from({ length: k }, (_, i) => 0.01 * (i + 1)), momentum: 0.9 });
        const packedMs = await timeSteps(() => step(model, opt, x, labels, true));
        model.dispose();
        opt.dispose();
        const row = { backend, arch, k, sequentialMs: k * oneStep, packedMs, speedup: (k * oneStep) / packedMs };
        rows.push(row);
        console.error(`${backend} ${arch} K=${k}: sequential ${row.sequentialMs.toFixed(1)} ms, packed ${packedMs.toFixed(1)} ms, speedup ${row.speedup.toFixed(2)}x`);
      }
      x.dispose();
    }
  }
  const table = markdownTable(
    ['backend', 'model', 'K', 'Σ sequential ms', 'packed ms', 'speedup'],
    rows.map((r) => [r.backend, r.arch, String(r.k), r.sequentialMs.toFixed(1), r.packedMs.toFixed(1), `${r.speedup.toFixed(2)}×`]),
  );
  console.log(table);
  writeJson(new URL(`./results/packed${quick ? '.quick' : ''}.json`, import.meta.url).pathname, { machine: machineInfo(), batch: BATCH, steps: STEPS, rows });
}

await main();
