/**
 * Training steps per second on the `cpu` backend's WebAssembly SIMD kernels (1 and 2 threads)
 * against tfjs-wasm (SIMD, 1 thread) and tfjs-cpu 4.22.0, in one process with paired,
 * interleaved rounds: every round runs each implementation for a batch of steps lasting at least
 * `--batch-ms` (the order rotating from round to round), so load from other processes falls on
 * all of them alike. Ratios are medians of the per-round ratios.
 *
 * Models: MLP 784-256-10 and the LeNet-5-style CNN (ReLU, max pooling, softmax cross-entropy,
 * SGD), batch 64, random inputs and labels cycling through 8 fixed batches. One step = forward,
 * backward, update and reading the loss back. tfjs runs in two forms: `optimizer.minimize` with
 * `tf.train.sgd` (tfjs's autodiff, how its users train) and the hand-written backprop with explicit
 * transposes of `tfjs-models.ts`. tensor-gpu runs `trainStep` with `optim.sgd`; its 1- and 2-thread
 * kernels are swapped between batches on one engine (the workers stay started). Both run on the
 * engine's WebAssembly heap, where its tensors live; a third row runs the 1-thread kernels over a
 * private memory, which copies every operand in and every result out (how the kernels ran before
 * tensors lived in the heap, and still run where shared memories are refused).
 *
 * Run from the package folder: `pnpm exec tsx bench/wasm-simd-train.ts [--rounds=7] [--models=mlp,cnn] [--batch-ms=150]`.
 * Prints a table and writes `bench/results/wasm-simd-train.json`.
 *
 * @module
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as t from '../src/index';
import { defaultEngine } from '../src/default-engine';
import type { ConvGeometry } from '../src/kernels/conv';
import type { ElementwiseParams } from '../src/kernels/elementwise';
import type { SoftmaxParams } from '../src/kernels/softmax';
import type { ReduceParams } from '../src/kernels/reduce';
import type { HostKernels } from '../src/kernels/host-kernels';
import type { MatmulGeometry } from '../src/kernels/matmul';
import type { PoolGeometry } from '../src/kernels/pool';
import { ReLU } from '../src/nn/activations';
import { Sequential } from '../src/nn/containers';
import { Linear } from '../src/nn/linear';
import { lenet5 } from '../src/nn/models';
import type { OptimizerKernelName } from '../src/optim/kernels';
import { sgd } from '../src/optim/sgd';
import { trainStep } from '../src/train/step';
import { NodeGemmWorkers } from '../src/wasm/gemm-workers-node';
import { SimdInstance } from '../src/wasm/simd-instance';
import { WasmSimdKernels } from '../src/wasm/simd-kernels';
import { uniformValues } from './reference';
import { machineInfo, markdownTable, writeJson } from './report';
import { initTfjs } from './tfjs';
import { registerTfjsGradients } from './tfjs-gradients';
import { cnnGrads, crossEntropyGrad, denseBackward, denseForward, tfLoss, tfParams } from './tfjs-models';
import { loadAverageLine, median, pairedRatio, startCpuMeter } from './timing';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const BATCH = 64;
const BATCHES = 8;
type ModelName = 'mlp' | 'cnn';
const MODELS: Record<ModelName, { title: string; lr: number; shape: number[]; nhwc: number[] }> = {
  mlp: { title: 'MLP 784-256-10', lr: 0.1, shape: [BATCH, 784], nhwc: [BATCH, 784] },
  cnn: { title: 'LeNet-5', lr: 0.05, shape: [BATCH, 1, 28, 28], nhwc: [BATCH, 28, 28, 1] },
};

/** One implementation training one model: `step()` runs one step and returns the loss read back. */
interface Trainer {
  name: string;
  activate(): Promise<void>;
  step(): Promise<number> | number;
  dispose(): void;
}

interface Batch { x: Float32Array; labels: Int32Array }

function batches(): Batch[] {
  return Array.from({ length: BATCHES }, (_, b) => ({
    x: uniformValues(BATCH * 784, 100 + b),
    labels: Int32Array.from({ length: BATCH }, (_, i) => (i * 7 + b * 3 + ((i * i) % 5)) % 10),
  }));
}

/** Delegates to whichever of several kernel sets is current, so they can be swapped without disposing any. */
class SwitchableKernels implements HostKernels {
  readonly name = 'wasm-simd';
  constructor(public current: HostKernels) {}
  get threads(): number { return this.current.threads; }
  matmul(a: Float32Array, b: Float32Array, out: Float32Array, g: MatmulGeometry): void { this.current.matmul(a, b, out, g); }
  conv2d(g: ConvGeometry, x: Float32Array, w: Float32Array, out: Float32Array): void { this.current.conv2d(g, x, w, out); }
  conv2dInputGrad(g: ConvGeometry, dy: Float32Array, w: Float32Array, out: Float32Array): void { this.current.conv2dInputGrad(g, dy, w, out); }
  conv2dWeightGrad(g: ConvGeometry, dy: Float32Array, x: Float32Array, out: Float32Array): void { this.current.conv2dWeightGrad(g, dy, x, out); }
  maxPool2d(g: PoolGeometry, x: Float32Array, out: Float32Array): void { this.current.maxPool2d(g, x, out); }
  maxPool2dGrad(g: PoolGeometry, x: Float32Array, dy: Float32Array, out: Float32Array): void { this.current.maxPool2dGrad(g, x, dy, out); }
  elementwise(inputs: readonly Float32Array[], out: Float32Array, scalars: readonly number[], params: ElementwiseParams): void { this.current.elementwise(inputs, out, scalars, params); }
  optimizerUpdate(name: OptimizerKernelName, inputs: readonly Float32Array[], out: Float32Array, scalars: readonly number[]): void { this.current.optimizerUpdate(name, inputs, out, scalars); }
  roundFloat16(x: Float32Array, out: Float32Array): void { this.current.roundFloat16(x, out); }
  softmax(inputs: readonly Float32Array[], out: Float32Array, params: SoftmaxParams): void { this.current.softmax(inputs, out, params); }
  reduce(x: Float32Array, out: Float32Array, params: ReduceParams): void { this.current.reduce(x, out, params); }
  dispose(): void { /* the kernel sets are disposed by the benchmark */ }
}

function tensorGpuTrainer(model: ModelName, kernels: SwitchableKernels, use: HostKernels, threads: number, data: Batch[], note = ''): Trainer {
  const m = model === 'cnn' ? lenet5({ seed: 1 }) : new Sequential(new Linear(784, 256, { seed: 1 }), new ReLU(), new Linear(256, 10, { seed: 2 }));
  const optimizer = sgd({ lr: MODELS[model].lr });
  const xs = data.map((b) => t.tensor(b.x, MODELS[model].shape));
  let i = 0;
  return {
    name: `tensor-gpu cpu (wasm-simd, ${threads} thread${threads > 1 ? 's' : ''}${note})`,
    activate: async () => {
      kernels.current = use;
    },
    async step() {
      const b = i++ % BATCHES;
      const loss = trainStep(m, xs[b], data[b].labels, { optimizer });
      const [value] = await loss.data();
      loss.dispose();
      return value;
    },
    dispose() {
      t.dispose(xs);
      optimizer.dispose();
      m.dispose();
    },
  };
}

function tfjsTrainer(model: ModelName, backend: 'wasm' | 'cpu', form: 'minimize' | 'hand-written', data: Batch[]): Trainer {
  const ps = tfParams(model);
  const vars = ps.map((p) => tf.variable(p));
  tf.dispose(ps);
  const xs = data.map((b) => tf.keep(tf.tensor(b.x, MODELS[model].nhwc)));
  const ys = data.map((b) => tf.keep(tf.tensor1d(b.labels, 'int32')));
  const optimizer = tf.train.sgd(MODELS[model].lr);
  const lr = MODELS[model].lr;
  let i = 0;
  const handWritten = (b: number): tf.Scalar => tf.tidy(() => {
    let loss: tf.Scalar;
    let grads: tf.Tensor[];
    if (model === 'mlp') {
      const { inputs, logits } = denseForward(vars, xs[b]);
      const ce = crossEntropyGrad(logits, data[b].labels);
      loss = ce.loss;
      grads = denseBackward(vars, inputs, ce.dLogits).grads;
    } else {
      ({ loss, grads } = cnnGrads(vars, xs[b] as tf.Tensor4D, data[b].labels));
    }
    vars.forEach((v, k) => v.assign(tf.sub(v, tf.mul(grads[k], lr))));
    return loss;
  });
  return {
    name: `tfjs-${backend === 'wasm' ? 'wasm (SIMD, 1 thread)' : 'cpu'} ${form}`,
    activate: async () => {
      await tf.setBackend(backend);
    },
    step() {
      const b = i++ % BATCHES;
      const loss = form === 'minimize' ? optimizer.minimize(() => tfLoss(model, vars, xs[b], ys[b]), true, vars)! : handWritten(b);
      const value = loss.dataSync()[0];
      loss.dispose();
      return value;
    },
    dispose() {
      tf.dispose([...vars, ...xs, ...ys]);
      optimizer.dispose();
    },
  };
}

interface Row {
  model: string;
  impl: string;
  /** Why the implementation could not train this model (then the numbers are NaN). */
  failed: string | null;
  rounds: number;
  stepsPerSecond: number;
  msPerStep: number;
  /** Median over rounds of (this impl's ms/step ÷ tensor-gpu 1 thread's): > 1 means tensor-gpu is faster. */
  vsOneThread: number;
  /** The same against tensor-gpu on 2 threads. */
  vsTwoThreads: number;
  roundMs: number[];
  lossFirst: number;
  lossLast: number;
  otherLoadCores: number | null;
}

async function timeBatch(tr: Trainer, batchMs: number, losses: number[]): Promise<number> {
  await tr.activate();
  let steps = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    losses.push(await tr.step());
    steps++;
    elapsed = performance.now() - t0;
  } while (elapsed < batchMs);
  return elapsed / steps;
}


async function measure(model: ModelName, trainers: Trainer[], rounds: number, batchMs: number): Promise<Row[]> {
  const losses: number[][] = trainers.map(() => []);
  const failed: (string | null)[] = trainers.map(() => null);
  for (const [k, tr] of trainers.entries()) {
    await tr.activate();
    try {
      for (let s = 0; s < 5; s++) losses[k].push(await tr.step()); // warm-up: compilation, JIT tiers, pools
    } catch (e) {
      failed[k] = (e as Error).message;
    }
  }
  const times: number[][] = trainers.map(() => []);
  const meter = startCpuMeter();
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < trainers.length; k++) {
      const i = (k + round) % trainers.length;
      times[i][round] = failed[i] ? Number.NaN : await timeBatch(trainers[i], batchMs, losses[i]);
    }
  }
  const use = meter();
  return trainers.map((tr, i) => {
    const ms = median(times[i]);
    return {
      model: MODELS[model].title, impl: tr.name, failed: failed[i], rounds, stepsPerSecond: 1000 / ms, msPerStep: ms,
      vsOneThread: pairedRatio(times[i], times[0]), vsTwoThreads: pairedRatio(times[i], times[1]), roundMs: times[i],
      lossFirst: losses[i][0] ?? Number.NaN, lossLast: losses[i].at(-1) ?? Number.NaN, otherLoadCores: use.otherCores,
    };
  });
}

function parseArgs(argv: readonly string[]): { rounds: number; models: ModelName[]; batchMs: number } {
  const args = { rounds: 7, models: ['mlp', 'cnn'] as ModelName[], batchMs: 150 };
  for (const a of argv) {
    if (a.startsWith('--rounds=')) args.rounds = Math.max(3, Number(a.slice(9)));
    else if (a.startsWith('--models=')) args.models = a.slice(9).split(',').filter((m): m is ModelName => m === 'mlp' || m === 'cnn');
    else if (a.startsWith('--batch-ms=')) args.batchMs = Math.max(40, Number(a.slice(11)));
    else throw new Error(`bench/wasm-simd-train: unknown option ${a} (expected --rounds=N, --models=mlp,cnn, --batch-ms=N)`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const loadBefore = loadAverageLine();
  const tfjs = await initTfjs();
  if (!tfjs.backends.includes('wasm') || !tfjs.wasmSimd) throw new Error(`tfjs-wasm with SIMD did not start: ${tfjs.notes.join('; ')}`);
  await registerTfjsGradients();
  await t.setBackend('cpu', { threads: 1 });
  // Both run on the engine's heap, where the cpu backend's tensors live, so they read them in place.
  const heap = defaultEngine.cpuHeap();
  if (!heap) throw new Error('bench/wasm-simd-train: the cpu backend has no shared WebAssembly heap here');
  const one = new WasmSimdKernels(new SimdInstance({ heap }));
  const shared = new SimdInstance({ heap });
  shared.attach(await NodeGemmWorkers.start(shared.module, shared.heap.memory, 1));
  const two = new WasmSimdKernels(shared);
  // The same kernels over a private memory of their own: they copy every operand in and the
  // result out per call, as before tensors lived in the heap (and as where shared memories are refused).
  const copying = new WasmSimdKernels();
  const kernels = new SwitchableKernels(one);
  defaultEngine.useCpuKernels(kernels);
  console.log(`load ${loadBefore}; tfjs ${tfjs.version} (wasm SIMD ${tfjs.wasmSimd}, threads ${tfjs.wasmThreads}); ${args.rounds} paired rounds of ≥ ${args.batchMs} ms`);
  const data = batches();
  const rows: Row[] = [];
  for (const model of args.models) {
    const trainers = [
      tensorGpuTrainer(model, kernels, one, 1, data),
      tensorGpuTrainer(model, kernels, two, 2, data),
      tensorGpuTrainer(model, kernels, copying, 1, data, ', operands copied in and out'),
      tfjsTrainer(model, 'wasm', 'minimize', data),
      tfjsTrainer(model, 'wasm', 'hand-written', data),
      tfjsTrainer(model, 'cpu', 'minimize', data),
      tfjsTrainer(model, 'cpu', 'hand-written', data),
    ];
    const got = await measure(model, trainers, args.rounds, args.batchMs);
    for (const tr of trainers) tr.dispose();
    rows.push(...got);
    for (const r of got) console.log(r.failed ? `${r.model} ${r.impl}: fails: ${r.failed}` : `${r.model} ${r.impl}: ${r.stepsPerSecond.toFixed(1)} steps/s; tensor-gpu 1 thread ×${r.vsOneThread.toFixed(2)}, 2 threads ×${r.vsTwoThreads.toFixed(2)}; loss ${r.lossFirst.toFixed(3)} → ${r.lossLast.toFixed(3)}`);
  }
  one.dispose();
  two.dispose();
  copying.dispose();
  const loadAfter = loadAverageLine();
  const table = markdownTable(
    ['model', 'implementation', 'steps/s', 'ms/step', 'tensor-gpu 1 thread ×', 'tensor-gpu 2 threads ×', 'loss first → last', 'other load (cores)'],
    rows.map((r) => r.failed ? [r.model, r.impl, `fails: ${r.failed}`, '', '', '', '', ''] : [r.model, r.impl, r.stepsPerSecond.toFixed(1), r.msPerStep.toFixed(2), `${r.vsOneThread.toFixed(2)}×`, `${r.vsTwoThreads.toFixed(2)}×`,
      `${r.lossFirst.toFixed(3)} → ${r.lossLast.toFixed(3)}`, r.otherLoadCores?.toFixed(2) ?? '?']),
  );
  console.log(`\nmedian of paired rounds; "tensor-gpu N ×" = this row's ms/step ÷ tensor-gpu's in the same round (> 1: tensor-gpu faster)\n${table}\nload before: ${loadBefore}; after: ${loadAfter}`);
  writeJson(join(BENCH_DIR, 'results', 'wasm-simd-train.json'), { machine: machineInfo(), loadBefore, loadAfter, tfjs, batch: BATCH, rounds: args.rounds, batchMs: args.batchMs, rows });
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
