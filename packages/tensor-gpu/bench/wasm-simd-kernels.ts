/**
 * The `cpu` backend's memory- and transcendental-bound WebAssembly SIMD kernels against its
 * JavaScript loops, kernel by kernel over a range of sizes (where the SIMD path pays off): exp,
 * log, tanh, sigmoid, binary16 rounding and the row-wise softmax primitives. Then, whole ops with
 * read-back (`t.tanh(x)`, `t.exp(x)`, `t.softmax(x)` and `await data()`) against tfjs-wasm (SIMD,
 * 1 thread) 4.22.0 doing the same with `dataSync()`.
 *
 * Paired, interleaved rounds: every round times each implementation once (a batch of calls of at
 * least 20 ms, the order rotating from round to round); ratios are medians of per-round ratios.
 *
 * Run from the package folder: `pnpm exec tsx bench/wasm-simd-kernels.ts [--rounds=9]`.
 * Prints tables and writes `bench/results/wasm-simd-kernels.json`.
 *
 * @module
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { Engine } from '../src/engine';
import { elementwiseKernel, type ElementwiseOp } from '../src/kernels/elementwise';
import { JsHostKernels } from '../src/kernels/host-kernels';
import { softmaxKernel, type SoftmaxOp } from '../src/kernels/softmax';
import { tensor } from '../src/ops/creation';
import { exp, tanh } from '../src/ops/elementwise';
import { softmax } from '../src/ops/softmax';
import type { Tensor } from '../src/tensor';
import { simdRoundFloat16 } from '../src/wasm/simd-fp16';
import { SimdInstance } from '../src/wasm/simd-instance';
import { simdSoftmax } from '../src/wasm/simd-softmax';
import { simdTranscendental } from '../src/wasm/simd-transcendental';
import { uniformValues } from './reference';
import { machineInfo, markdownTable, writeJson } from './report';
import { initTfjs } from './tfjs';
import { loadAverageLine, median, pairedRatio } from './timing';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const MIN_BATCH_MS = 20;
/** The JavaScript loops and one WebAssembly instance, shared by every case of this run. */
const JS = new JsHostKernels();
const SIMD = new SimdInstance();

type Call = () => unknown;

/** Median ms per call of each of `calls` over `rounds` interleaved rounds, and the per-round times. */
async function interleaved(calls: readonly Call[], rounds: number): Promise<number[][]> {
  const times: number[][] = calls.map(() => []);
  for (const c of calls) for (let i = 0; i < 3; i++) await c();
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < calls.length; k++) {
      const i = (k + round) % calls.length;
      let n = 0;
      const t0 = performance.now();
      let elapsed = 0;
      do {
        await calls[i]();
        n++;
        elapsed = performance.now() - t0;
      } while (elapsed < MIN_BATCH_MS);
      times[i][round] = elapsed / n;
    }
  }
  return times;
}

/** One kernel on one size: the JavaScript loop, and the WebAssembly driver called directly (whatever the size thresholds say). */
interface KernelCase { kernel: string; size: string; values: number; js(): void; simd(): void }

function elementwiseCase(op: ElementwiseOp, n: number): KernelCase {
  const x = uniformValues(n, 3).map((v) => (op === 'log' ? 0.01 + Math.abs(v) * 4 : v * 6));
  const out = new Float32Array(n);
  const params = elementwiseKernel(op, [n], [[n]]).params!;
  return { kernel: op, size: `${n}`, values: n, js: () => JS.elementwise([x], out, [], params), simd: () => simdTranscendental(SIMD, op, x, out) };
}

function softmaxCase(op: SoftmaxOp, rows: number, cols: number): KernelCase {
  const a = uniformValues(rows * cols, 4).map((v) => v * 8);
  const b = uniformValues(rows * cols, 5).map((v) => v - 3);
  const out = new Float32Array(rows * cols);
  const params = softmaxKernel(op, rows, cols).params!;
  const inputs = op === 'softmax' || op === 'logSoftmax' ? [a] : [a, b];
  return { kernel: op, size: `${rows}×${cols}`, values: rows * cols, js: () => JS.softmax(inputs, out, params), simd: () => simdSoftmax(SIMD, inputs, out, params) };
}

function roundingCase(n: number): KernelCase {
  const x = uniformValues(n, 6).map((v) => v * 70000);
  const out = new Float32Array(n);
  return { kernel: 'roundFloat16', size: `${n}`, values: n, js: () => JS.roundFloat16(x, out), simd: () => simdRoundFloat16(SIMD, x, out) };
}

function parseArgs(argv: readonly string[]): { rounds: number } {
  const args = { rounds: 9 };
  for (const a of argv) {
    if (a.startsWith('--rounds=')) args.rounds = Math.max(3, Number(a.slice(9)));
    else throw new Error(`bench/wasm-simd-kernels: unknown option ${a} (expected --rounds=N)`);
  }
  return args;
}

async function kernelRows(rounds: number) {
  const cases: KernelCase[] = [];
  for (const op of ['exp', 'log', 'tanh', 'sigmoid'] as const) for (const n of [16, 64, 256, 4096, 65536, 1 << 20]) cases.push(elementwiseCase(op, n));
  for (const n of [64, 256, 1024, 65536, 1 << 20]) cases.push(roundingCase(n));
  for (const op of ['softmax', 'logSoftmax', 'softmaxGrad', 'logSoftmaxGrad'] as const) for (const [r, c] of [[4, 10], [64, 10], [256, 1000]]) cases.push(softmaxCase(op, r, c));
  const rows = [];
  for (const c of cases) {
    const times = await interleaved([c.js, c.simd], rounds);
    const [jsMs, simdMs] = times.map(median);
    rows.push({ kernel: c.kernel, size: c.size, values: c.values, jsMs, wasmSimdMs: simdMs, nsPerValueJs: (jsMs * 1e6) / c.values, nsPerValueWasmSimd: (simdMs * 1e6) / c.values, speedup: pairedRatio(times[0], times[1]), jsRoundMs: times[0], wasmSimdRoundMs: times[1] });
  }
  return rows;
}

async function opRows(rounds: number) {
  const tfInfo = await initTfjs();
  if (!tfInfo.backends.includes('wasm')) return { tfjs: tfInfo, rows: [] };
  await tf.setBackend('wasm');
  const engine = new Engine();
  await engine.setBackend('cpu', { cpuKernels: 'wasm-simd', threads: 1 });
  const cases: [string, number[], (x: Tensor) => Tensor, (x: tf.Tensor) => tf.Tensor][] = [
    ['tanh', [65536], tanh, (x) => tf.tanh(x)],
    ['exp', [65536], exp, (x) => tf.exp(x)],
    ['softmax', [64, 10], (x) => softmax(x), (x) => tf.softmax(x)],
    ['softmax', [256, 1000], (x) => softmax(x), (x) => tf.softmax(x)],
  ];
  const rows = [];
  for (const [name, shape, tgOp, tfOp] of cases) {
    const values = uniformValues(shape.reduce((a, b) => a * b, 1), 7).map((v) => v * 6);
    const x = tensor(engine, values, shape);
    const tx = tf.tensor(values, shape, 'float32');
    const times = await interleaved([
      async () => {
        const y = tgOp(x);
        await y.data();
        y.dispose();
      },
      () => {
        const y = tfOp(tx);
        y.dataSync();
        y.dispose();
      },
    ], rounds);
    x.dispose();
    tx.dispose();
    const [tgMs, tfMs] = times.map(median);
    rows.push({ op: name, shape: shape.join('×'), tensorGpuMs: tgMs, tfjsWasmMs: tfMs, tfjsOverTensorGpu: pairedRatio(times[1], times[0]) });
  }
  engine.destroy();
  return { tfjs: tfInfo, rows };
}

async function main(): Promise<void> {
  const { rounds } = parseArgs(process.argv.slice(2));
  const loadBefore = loadAverageLine();
  const kernels = await kernelRows(rounds);
  console.log(markdownTable(
    ['kernel', 'size', 'JS ms', 'wasm-simd ms', 'ns/value JS', 'ns/value SIMD', 'speed-up (median of rounds)'],
    kernels.map((r) => [r.kernel, r.size, r.jsMs.toFixed(4), r.wasmSimdMs.toFixed(4), r.nsPerValueJs.toFixed(2), r.nsPerValueWasmSimd.toFixed(2), `${r.speedup.toFixed(2)}×`]),
  ));
  const ops = await opRows(rounds);
  console.log(markdownTable(
    ['op (with read-back)', 'shape', 'tensor-gpu cpu wasm-simd ms', 'tfjs-wasm ms', 'tfjs-wasm / tensor-gpu'],
    ops.rows.map((r) => [r.op, r.shape, r.tensorGpuMs.toFixed(4), r.tfjsWasmMs.toFixed(4), `${r.tfjsOverTensorGpu.toFixed(2)}×`]),
  ));
  const file = join(BENCH_DIR, 'results', 'wasm-simd-kernels.json');
  writeJson(file, { machine: machineInfo(), loadBefore, loadAfter: loadAverageLine(), rounds, minBatchMs: MIN_BATCH_MS, tfjs: ops.tfjs, kernels, ops: ops.rows });
  console.log(`wrote ${file}`);
}

await main();
