/**
 * The two gradients of LeNet's convolutions on the `cpu` backend's WebAssembly SIMD kernels
 * (1 thread), against tfjs-wasm 4.22 (SIMD, 1 thread) where it has the kernel: the input gradient
 * is its `conv2dTranspose` (Conv2DBackpropInput); tfjs-wasm has no Conv2DBackpropFilter, so the
 * weight gradient is timed against nothing but itself. tensor-gpu is timed at the kernel level
 * (copies in and out of the WebAssembly memory included, no tensor bookkeeping), tfjs as an op with
 * its result read back and freed. Paired rounds as in wasm-simd.ts; ratios are medians of
 * per-round ratios (> 1: tensor-gpu faster).
 *
 * Run from the package folder: `pnpm exec tsx bench/wasm-conv-grads.ts [--rounds=11]`. Prints a
 * table and writes `bench/results/wasm-conv-grads.json`.
 *
 * @module
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type { ConvGeometry } from '../src/kernels/conv';
import { WasmSimdKernels } from '../src/wasm/simd-kernels';
import { LENET_CONV1, LENET_CONV2 } from './cases';
import { convFlops, permute4, uniformValues, type ConvShape } from './reference';
import { machineInfo, markdownTable, writeJson } from './report';
import { initTfjs } from './tfjs';
import { loadAverageLine, median, pairedRatio, startCpuMeter } from './timing';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const MIN_BATCH_MS = 40;

function timeBatch(f: () => void): number {
  let calls = 0;
  const t0 = performance.now();
  do {
    f();
    calls++;
  } while (performance.now() - t0 < MIN_BATCH_MS);
  return (performance.now() - t0) / calls;
}

const geometry = (s: ConvShape): ConvGeometry => ({
  n: s.n, c: s.c, h: s.h, w: s.w, o: s.o, kh: s.k, kw: s.k, oh: s.h, ow: s.w, sh: 1, sw: 1, ph: s.pad, pw: s.pad, dh: 1, dw: 1, groups: 1,
});

async function main(): Promise<void> {
  const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 11);
  const loadBefore = loadAverageLine();
  const info = await initTfjs();
  if (!info.backends.includes('wasm') || !info.wasmSimd) throw new Error(`tfjs-wasm with SIMD did not start: ${info.notes.join('; ')}`);
  await tf.setBackend('wasm');
  const kernels = new WasmSimdKernels();
  const rows: Record<string, unknown>[] = [];
  for (const [label, shape, seed] of [['32×28×28×1 → 5×5×32, same', LENET_CONV1, 61], ['32×14×14×32 → 5×5×64, same', LENET_CONV2, 71]] as const) {
    const g = geometry(shape);
    const x = uniformValues(g.n * g.c * g.h * g.w, seed), w = uniformValues(g.o * g.c * g.kh * g.kw, seed + 1), dy = uniformValues(g.n * g.o * g.oh * g.ow, seed + 2);
    const dx = new Float32Array(x.length), dw = new Float32Array(w.length);
    const tdy = tf.tensor4d(permute4(dy, [g.n, g.o, g.oh, g.ow], [0, 2, 3, 1]), [g.n, g.oh, g.ow, g.o]);
    const tw = tf.tensor4d(permute4(w, [g.o, g.c, g.kh, g.kw], [2, 3, 1, 0]), [g.kh, g.kw, g.c, g.o]);
    const impls: [string, () => void][] = [
      ['tensor-gpu input gradient', () => kernels.conv2dInputGrad(g, dy, w, dx)],
      ['tfjs-wasm conv2dTranspose', () => {
        const y = tf.conv2dTranspose(tdy, tw, [g.n, g.h, g.w, g.c], 1, 'same');
        y.dataSync();
        y.dispose();
      }],
      ['tensor-gpu weight gradient', () => kernels.conv2dWeightGrad(g, dy, x, dw)],
    ];
    for (const [, f] of impls) for (let i = 0; i < 2; i++) f(); // warm-up: WebAssembly tiers up
    const times: number[][] = impls.map(() => []);
    const meter = startCpuMeter();
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < impls.length; k++) {
        const i = (k + round) % impls.length;
        times[i][round] = timeBatch(impls[i][1]);
      }
    }
    const use = meter();
    tf.dispose([tdy, tw]);
    const flops = convFlops(shape);
    rows.push({
      label, flops, rounds,
      inputGradMs: median(times[0]), inputGradGflops: flops / median(times[0]) / 1e6,
      tfjsWasmInputGradMs: median(times[1]), tfjsWasmInputGradGflops: flops / median(times[1]) / 1e6,
      // Median over rounds of tfjs-wasm's time / tensor-gpu's: > 1 means tensor-gpu is faster.
      inputGradVsTfjsWasm: pairedRatio(times[1], times[0]),
      weightGradMs: median(times[2]), weightGradGflops: flops / median(times[2]) / 1e6,
      tfjsWasmWeightGrad: 'no Conv2DBackpropFilter kernel in tfjs-wasm 4.22', otherLoadCores: use.otherCores,
    });
  }
  kernels.dispose();
  const loadAfter = loadAverageLine();
  const f = (v: unknown, d = 1) => (typeof v === 'number' ? v.toFixed(d) : '?');
  console.log(markdownTable(
    ['case', 'input gradient GFLOP/s (ms)', 'tfjs-wasm conv2dTranspose GFLOP/s (ms)', 'input gradient vs tfjs-wasm', 'weight gradient GFLOP/s (ms)', 'tfjs-wasm weight gradient', 'other load (cores)'],
    rows.map((r) => [String(r.label), `${f(r.inputGradGflops)} (${f(r.inputGradMs, 3)})`, `${f(r.tfjsWasmInputGradGflops)} (${f(r.tfjsWasmInputGradMs, 3)})`, `${f(r.inputGradVsTfjsWasm, 2)}×`,
      `${f(r.weightGradGflops)} (${f(r.weightGradMs, 3)})`, 'none (no Conv2DBackpropFilter)', f(r.otherLoadCores, 2)]),
  ));
  console.log(`load before: ${loadBefore}; after: ${loadAfter}`);
  const file = join(BENCH_DIR, 'results', 'wasm-conv-grads.json');
  writeJson(file, { machine: machineInfo(), loadBefore, loadAfter, tfjs: info, rounds, minBatchMs: MIN_BATCH_MS, rows });
  console.log(`wrote ${file}`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
