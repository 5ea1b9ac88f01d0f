/**
 * The `cpu` backend's memory- and transcendental-bound WebAssembly SIMD kernels against its
 * JavaScript loops, kernel by kernel over a range of sizes (where the SIMD path pays off): exp,
 * log, tanh, sigmoid, binary16 rounding, the row-wise softmax primitives and the reductions (sum
 * over the rows or the columns of a matrix, max over its columns). Then, whole ops with read-back
 * (`t.tanh(x)`, `t.exp(x)`, `t.softmax(x)`, `t.sum(x, axis)` and `await data()`) against tfjs-wasm
 * (SIMD, 1 thread) 4.22.0 doing the same with `dataSync()`.
 *
 * Paired, interleaved rounds: every round times each implementation once (a batch of calls of at
 * least 20 ms, the order rotating from round to round); ratios are medians of per-round ratios.
 *
 * Run from the package folder: `pnpm exec tsx bench/wasm-simd-kernels.ts [--rounds=9] [--only=elementwise,fp16,softmax,reduce]`.
 * Prints tables and writes `bench/results/wasm-simd-kernels.json` (with `--only`,
 * `wasm-simd-kernels-only-<groups>.json`).
 *
 * @module
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { Engine } from '../src/engine';
import { elementwiseKernel, type ElementwiseOp } from '../src/kernels/elementwise';
import { JsHostKernels } from '../src/kernels/host-kernels';
import { reduceKernel, type ReduceOp } from '../src/kernels/reduce';
import { softmaxKernel, type SoftmaxOp } from '../src/kernels/softmax';
import { tensor } from '../src/ops/creation';
import { exp, tanh } from '../src/ops/elementwise';
import { max, sum } from '../src/ops/reduce';
import { softmax } from '../src/ops/softmax';
import type { Tensor } from '../src/tensor';
import { simdRoundFloat16 } from '../src/wasm/simd-fp16';
import { SimdInstance } from '../src/wasm/simd-instance';
import { simdReduce } from '../src/wasm/simd-reduce';
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

/** A reduction of a `[rows, cols]` matrix over `axis` (0: down the rows, one output per column). */
function reduceCase(op: ReduceOp, rows: number, cols: number, axis: 0 | 1): KernelCase {
  const x = uniformValues(rows * cols, 8);
  const params = (axis === 0 ? reduceKernel(op, 1, rows, cols) : reduceKernel(op, rows, cols, 1)).params!;
  const out = new Float32Array(axis === 0 ? cols : rows);
  return { kernel: `${op} axis ${axis}`, size: `${rows}×${cols}`, values: rows * cols, js: () => JS.reduce(x, out, params), simd: () => simdReduce(SIMD, x, out, params) };
}

/** Groups of cases `--only` chooses from. */
type Group = 'elementwise' | 'fp16' | 'softmax' | 'reduce';
const GROUPS: readonly Group[] = ['elementwise', 'fp16', 'softmax', 'reduce'];

function parseArgs(argv: readonly string[]): { rounds: number; only: Group[] | null } {
  const args: { rounds: number; only: Group[] | null } = { rounds: 9, only: null };
  for (const a of argv) {
    if (a.startsWith('--rounds=')) args.rounds = Math.max(3, Number(a.slice(9)));
    else if (a.startsWith('--only=') && a.slice(7).split(',').every((g) => (GROUPS as readonly string[]).includes(g))) args.only = a.slice(7).split(',') as Group[];
    else throw new Error(`bench/wasm-simd-kernels: unknown option ${a} (expected --rounds=N, --only=${GROUPS.join(',')})`);
  }
  return args;
}

async function kernelRows(rounds: number, wants: (g: Group) => boolean) {
  const cases: KernelCase[] = [];
  if (wants('elementwise')) for (const op of ['exp', 'log', 'tanh', 'sigmoid'] as const) for (const n of [16, 64, 256, 4096, 65536, 1 << 20]) cases.push(elementwiseCase(op, n));
  if (wants('fp16')) for (const n of [64, 256, 1024, 65536, 1 << 20]) cases.push(roundingCase(n));
  if (wants('softmax')) for (const op of ['softmax', 'logSoftmax', 'softmaxGrad', 'logSoftmaxGrad'] as const) for (const [r, c] of [[4, 10], [64, 10], [256, 1000]]) cases.push(softmaxCase(op, r, c));
  if (wants('reduce')) {
    for (const [r, c] of [[64, 10], [64, 256], [64, 784], [256, 1000]]) for (const axis of [0, 1] as const) cases.push(reduceCase('sum', r, c, axis));
    cases.push(reduceCase('max', 256, 1000, 1), reduceCase('argmax', 64, 10, 1));
  }
  const rows = [];
  for (const c of cases) {
    const times = await interleaved([c.js, c.simd], rounds);
    const [jsMs, simdMs] = times.map(median);
    rows.push({ kernel: c.kernel, size: c.size, values: c.values, jsMs, wasmSimdMs: simdMs, nsPerValueJs: (jsMs * 1e6) / c.values, nsPerValueWasmSimd: (simdMs * 1e6) / c.values, speedup: pairedRatio(times[0], times[1]), jsRoundMs: times[0], wasmSimdRoundMs: times[1] });
  }
  return rows;
}

async function opRows(rounds: number, wants: (g: Group) => boolean) {
  const tfInfo = await initTfjs();
  if (!tfInfo.backends.includes('wasm')) return { tfjs: tfInfo, rows: [] };
  await tf.setBackend('wasm');
  const engine = new Engine();
  await engine.setBackend('cpu', { cpuKernels: 'wasm-simd', threads: 1 });
  const all: [Group, string, number[], (x: Tensor) => Tensor, (x: tf.Tensor) => tf.Tensor][] = [
    ['elementwise', 'tanh', [65536], tanh, (x) => tf.tanh(x)],
    ['elementwise', 'exp', [65536], exp, (x) => tf.exp(x)],
    ['softmax', 'softmax', [64, 10], (x) => softmax(x), (x) => tf.softmax(x)],
    ['softmax', 'softmax', [256, 1000], (x) => softmax(x), (x) => tf.softmax(x)],
  ];
  for (const shape of [[64, 784], [256, 1000]]) {
    for (const axis of [0, 1]) all.push(['reduce', `sum axis ${axis}`, shape, (x) => sum(x, axis), (x) => tf.sum(x, axis)]);
  }
  all.push(['reduce', 'max axis 1', [256, 1000], (x) => max(x, 1), (x) => tf.max(x, 1)]);
  const cases = all.filter(([g]) => wants(g)).map(([, ...rest]) => rest);
  if (cases.length === 0) return { tfjs: tfInfo, rows: [] };
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
  const { rounds, only } = parseArgs(process.argv.slice(2));
  const wants = (g: Group) => only === null || only.includes(g);
  const loadBefore = loadAverageLine();
  const kernels = await kernelRows(rounds, wants);
  console.log(markdownTable(
    ['kernel', 'size', 'JS ms', 'wasm-simd ms', 'ns/value JS', 'ns/value SIMD', 'speed-up (median of rounds)'],
    kernels.map((r) => [r.kernel, r.size, r.jsMs.toFixed(4), r.wasmSimdMs.toFixed(4), r.nsPerValueJs.toFixed(2), r.nsPerValueWasmSimd.toFixed(2), `${r.speedup.toFixed(2)}×`]),
  ));
  const ops = await opRows(rounds, wants);
  console.log(markdownTable(
    ['op (with read-back)', 'shape', 'tensor-gpu cpu wasm-simd ms', 'tfjs-wasm ms', 'tfjs-wasm / tensor-gpu'],
    ops.rows.map((r) => [r.op, r.shape, r.tensorGpuMs.toFixed(4), r.tfjsWasmMs.toFixed(4), `${r.tfjsOverTensorGpu.toFixed(2)}×`]),
  ));
  const file = join(BENCH_DIR, 'results', `wasm-simd-kernels${only ? `-only-${only.join('-')}` : ''}.json`);
  const loadAfter = loadAverageLine();
  console.log(`load before ${loadBefore}, after ${loadAfter}`);
  writeJson(file, { machine: machineInfo(), loadBefore, loadAfter, rounds, minBatchMs: MIN_BATCH_MS, only, tfjs: ops.tfjs, kernels, ops: ops.rows });
  console.log(`wrote ${file}`);
}

await main();
