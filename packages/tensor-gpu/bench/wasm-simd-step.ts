/**
 * What the WebAssembly SIMD transcendentals (exp, log, tanh, sigmoid), softmax primitives and
 * binary16 rounding change in a training step on the `cpu` backend (1 thread): each step runs
 * with the default WebAssembly kernels ("new") and with the same kernels except those, which run
 * their JavaScript loops, binary16 casts running the gpu.js source as before castFloat16 had a
 * host implementation ("before"). Paired, interleaved rounds (the two kernel sets swapped between
 * batches on one engine, the order alternating); ratios are medians of per-round ratios.
 *
 * Models (batch 64, SGD, softmax cross-entropy): MLP 784-256-10 with ReLU, the same with tanh
 * (as DFA trains), and the tanh MLP with its activations and logits rounded to binary16 and back
 * (`cast` to float16 and float32, the pass-through of mixed-precision training).
 *
 * With `--before=reduce` "before" instead runs only the reductions (sum, mean, max, min, argmax,
 * argmin) in their JavaScript loops, on MLP 784-256-10 (ReLU) and LeNet-5, and the results go to
 * `bench/results/wasm-simd-step-reduce.json`.
 *
 * Wall time and this process's CPU time per step are both recorded (the latter is stretched far
 * less by other processes on a loaded machine).
 *
 * Run from the package folder: `pnpm exec tsx bench/wasm-simd-step.ts [--rounds=7] [--batch-ms=150] [--before=transcendentals|reduce]`.
 * Prints a table and writes `bench/results/wasm-simd-step.json`.
 *
 * @module
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as t from '../src/index';
import { defaultEngine } from '../src/default-engine';
import type { ConvGeometry } from '../src/kernels/conv';
import type { ElementwiseParams } from '../src/kernels/elementwise';
import { JsHostKernels, type HostKernels } from '../src/kernels/host-kernels';
import type { MatmulGeometry } from '../src/kernels/matmul';
import type { PoolGeometry } from '../src/kernels/pool';
import type { SoftmaxParams } from '../src/kernels/softmax';
import type { ReduceParams } from '../src/kernels/reduce';
import { lenet5 } from '../src/nn/models';
import { ReLU, Tanh } from '../src/nn/activations';
import { Sequential } from '../src/nn/containers';
import { Linear } from '../src/nn/linear';
import { Module } from '../src/nn/module';
import type { OptimizerKernelName } from '../src/optim/kernels';
import { sgd } from '../src/optim/sgd';
import type { Tensor } from '../src/tensor';
import { trainStep } from '../src/train/step';
import { WasmSimdKernels } from '../src/wasm/simd-kernels';
import { uniformValues } from './reference';
import { machineInfo, markdownTable, writeJson } from './report';
import { loadAverageLine, median, pairedRatio } from './timing';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const BATCH = 64;
const TRANSCENDENTALS = new Set(['exp', 'log', 'tanh', 'sigmoid']);

/** Which kernels "before" runs in JavaScript: those of the transcendentals' comparison, or the reductions. */
type Before = 'transcendentals' | 'reduce';

/** The WebAssembly kernels, or (`before`) the same with the kernels measured here in JavaScript. */
class Switchable implements HostKernels {
  readonly name = 'wasm-simd';
  before = false;
  private readonly js = new JsHostKernels();
  constructor(private readonly simd: WasmSimdKernels, private readonly which: Before) {}
  get threads(): number { return this.simd.threads; }
  matmul(a: Float32Array, b: Float32Array, out: Float32Array, g: MatmulGeometry): void { this.simd.matmul(a, b, out, g); }
  conv2d(g: ConvGeometry, x: Float32Array, w: Float32Array, out: Float32Array): void { this.simd.conv2d(g, x, w, out); }
  conv2dInputGrad(g: ConvGeometry, dy: Float32Array, w: Float32Array, out: Float32Array): void { this.simd.conv2dInputGrad(g, dy, w, out); }
  conv2dWeightGrad(g: ConvGeometry, dy: Float32Array, x: Float32Array, out: Float32Array): void { this.simd.conv2dWeightGrad(g, dy, x, out); }
  maxPool2d(g: PoolGeometry, x: Float32Array, out: Float32Array): void { this.simd.maxPool2d(g, x, out); }
  maxPool2dGrad(g: PoolGeometry, x: Float32Array, dy: Float32Array, out: Float32Array): void { this.simd.maxPool2dGrad(g, x, dy, out); }
  elementwise(inputs: readonly Float32Array[], out: Float32Array, scalars: readonly number[], params: ElementwiseParams): void {
    (this.old('transcendentals') && TRANSCENDENTALS.has(params.op) ? this.js : this.simd).elementwise(inputs, out, scalars, params);
  }
  optimizerUpdate(name: OptimizerKernelName, inputs: readonly Float32Array[], out: Float32Array, scalars: readonly number[]): void { this.simd.optimizerUpdate(name, inputs, out, scalars); }
  roundFloat16(x: Float32Array, out: Float32Array): void { (this.old('transcendentals') ? this.js : this.simd).roundFloat16(x, out); }
  softmax(inputs: readonly Float32Array[], out: Float32Array, params: SoftmaxParams): void { (this.old('transcendentals') ? this.js : this.simd).softmax(inputs, out, params); }
  reduce(x: Float32Array, out: Float32Array, params: ReduceParams): void { (this.old('reduce') ? this.js : this.simd).reduce(x, out, params); }
  private old(kernels: Before): boolean { return this.before && this.which === kernels; }
  dispose(): void { this.simd.dispose(); }
}

/** Rounds what passes through to binary16 and back, as mixed-precision training's pass-through does. */
class Float16RoundTrip extends Module {
  forward(x: Tensor): Tensor {
    return t.cast(t.cast(x, 'float16'), 'float32');
  }
}

type ModelName = 'mlp-relu' | 'mlp-tanh' | 'mlp-tanh-fp16' | 'lenet5';
const MODELS: Record<Before, ModelName[]> = { transcendentals: ['mlp-relu', 'mlp-tanh', 'mlp-tanh-fp16'], reduce: ['mlp-relu', 'lenet5'] };

function model(name: ModelName): Module {
  if (name === 'lenet5') return lenet5({ seed: 1 });
  const l1 = new Linear(784, 256, { seed: 1 });
  const l2 = new Linear(256, 10, { seed: 2 });
  if (name === 'mlp-relu') return new Sequential(l1, new ReLU(), l2);
  if (name === 'mlp-tanh') return new Sequential(l1, new Tanh(), l2);
  return new Sequential(new Float16RoundTrip(), l1, new Tanh(), new Float16RoundTrip(), l2, new Float16RoundTrip());
}

function parseArgs(argv: readonly string[]): { rounds: number; batchMs: number; before: Before } {
  const args = { rounds: 7, batchMs: 150, before: 'transcendentals' as Before };
  for (const a of argv) {
    if (a.startsWith('--rounds=')) args.rounds = Math.max(3, Number(a.slice(9)));
    else if (a.startsWith('--batch-ms=')) args.batchMs = Math.max(40, Number(a.slice(11)));
    else if (a === '--before=transcendentals' || a === '--before=reduce') args.before = a.slice(9) as Before;
    else throw new Error(`bench/wasm-simd-step: unknown option ${a} (expected --rounds=N, --batch-ms=N, --before=transcendentals|reduce)`);
  }
  return args;
}

async function main(): Promise<void> {
  const { rounds, batchMs, before: which } = parseArgs(process.argv.slice(2));
  const loadBefore = loadAverageLine();
  await t.setBackend('cpu', { threads: 1 });
  const kernels = new Switchable(new WasmSimdKernels(), which);
  defaultEngine.useCpuKernels(kernels);
  const registry = defaultEngine.kernels;
  const castHost = registry.implementation('castFloat16', 'cpu')!;
  const use = (before: boolean) => {
    kernels.before = before;
    if (before && which === 'transcendentals') registry.unregister('castFloat16', 'cpu');
    else registry.register('castFloat16', 'cpu', castHost);
  };
  const flat = t.tensor(uniformValues(BATCH * 784, 7), [BATCH, 784]);
  const images = t.reshape(flat, [BATCH, 1, 28, 28]);
  const labels = Int32Array.from({ length: BATCH }, (_, i) => (i * 7) % 10);
  const rows = [];
  for (const name of MODELS[which]) {
    const m = model(name);
    const x = name === 'lenet5' ? images : flat;
    const optimizer = sgd({ lr: 0.05 });
    const step = async () => {
      const loss = trainStep(m, x, labels, { optimizer });
      await loss.data();
      loss.dispose();
    };
    const times: number[][] = [[], []];
    // CPU time of this process per step too: on a loaded machine it is stretched far less than wall time.
    const cpu: number[][] = [[], []];
    for (const before of [false, true]) {
      use(before);
      for (let i = 0; i < 3; i++) await step();
    }
    for (let round = 0; round < rounds; round++) {
      for (const k of round % 2 === 0 ? [0, 1] : [1, 0]) {
        use(k === 1);
        let n = 0;
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        let elapsed = 0;
        do {
          await step();
          n++;
          elapsed = performance.now() - t0;
        } while (elapsed < batchMs);
        times[k][round] = elapsed / n;
        const used = process.cpuUsage(c0);
        cpu[k][round] = (used.user + used.system) / 1000 / n;
      }
    }
    optimizer.dispose();
    m.dispose();
    const row = {
      model: name, newMs: median(times[0]), beforeMs: median(times[1]), speedup: pairedRatio(times[1], times[0]), newRoundMs: times[0], beforeRoundMs: times[1],
      newCpuMs: median(cpu[0]), beforeCpuMs: median(cpu[1]), cpuSpeedup: pairedRatio(cpu[1], cpu[0]), newRoundCpuMs: cpu[0], beforeRoundCpuMs: cpu[1],
    };
    rows.push(row);
    console.log(`${name}: new ${row.newMs.toFixed(2)} ms/step, before ${row.beforeMs.toFixed(2)} ms/step, ×${row.speedup.toFixed(2)}`);
  }
  use(false);
  flat.dispose();
  images.dispose();
  const loadAfter = loadAverageLine();
  console.log(markdownTable(
    ['model', 'new kernels ms/step', 'before ms/step', 'speed-up (median of rounds)', 'new CPU ms/step', 'before CPU ms/step', 'CPU-time speed-up'],
    rows.map((r) => [r.model, r.newMs.toFixed(2), r.beforeMs.toFixed(2), `${r.speedup.toFixed(2)}×`, r.newCpuMs.toFixed(2), r.beforeCpuMs.toFixed(2), `${r.cpuSpeedup.toFixed(2)}×`]),
  ));
  console.log(`load before ${loadBefore}, after ${loadAfter}`);
  const file = which === 'reduce' ? 'wasm-simd-step-reduce.json' : 'wasm-simd-step.json';
  writeJson(join(BENCH_DIR, 'results', file), { machine: machineInfo(), loadBefore, loadAfter, batch: BATCH, threads: 1, rounds, batchMs, before: which, rows });
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
