/**
 * The worker pool of the `cpu` backend's WebAssembly kernels on its own: what splitting a product
 * between 2 threads costs on a tiny product (32³ and 64³, forced onto both threads, against the
 * same instance running it on the calling thread), and what it gains on matmul 512³ and LeNet's
 * 14×14×32 → 64 convolution (2 threads against 1), in wall time and in CPU time of the whole
 * process. Paired rounds as in wasm-simd.ts: each round times both variants, alternating which
 * goes first; ratios are medians of per-round ratios.
 *
 * Run from the package folder: `pnpm exec tsx bench/wasm-threads.ts [--rounds=15]`. Prints a table
 * and writes `bench/results/wasm-threads.json`.
 *
 * @module
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConvGeometry } from '../src/kernels/conv';
import type { MatmulGeometry } from '../src/kernels/matmul';
import { NodeGemmWorkers } from '../src/wasm/gemm-workers-node';
import { SimdInstance } from '../src/wasm/simd-instance';
import { WasmSimdKernels } from '../src/wasm/simd-kernels';
import { uniformValues } from './reference';
import { machineInfo, markdownTable, writeJson } from './report';
import { loadAverageLine, median, pairedRatio, startCpuMeter } from './timing';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const MIN_BATCH_MS = 40;

/** Wall and CPU milliseconds per call of `f`, over a batch lasting at least MIN_BATCH_MS. */
function timeBatch(f: () => void): { wall: number; cpu: number } {
  let calls = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  do {
    f();
    calls++;
  } while (performance.now() - t0 < MIN_BATCH_MS);
  const wall = (performance.now() - t0) / calls;
  const u = process.cpuUsage(c0);
  return { wall, cpu: (u.user + u.system) / 1000 / calls };
}

const product = (m: number, n: number, p: number): MatmulGeometry => ({ batch: 1, m, n, p, aBatchStride: 0, bBatchStride: 0, transposeA: false, transposeB: false });

interface Case {
  label: string;
  /** The two variants: [baseline, split between threads]. */
  run: [() => void, () => void];
}

async function main(): Promise<void> {
  const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 15);
  const loadBefore = loadAverageLine();
  const single = new WasmSimdKernels();
  const shared = new SimdInstance({ shared: true });
  shared.attach(await NodeGemmWorkers.start(shared.module, shared.heap.memory, 1));
  const threaded = new WasmSimdKernels(shared);
  const defaultMinWork = shared.parallelMinWork;

  const cases: Case[] = [];
  for (const size of [32, 64]) {
    const a = uniformValues(size * size, size), out = new Float32Array(size * size);
    const g = product(size, size, size);
    const call = (minWork: number) => () => {
      shared.parallelMinWork = minWork;
      threaded.matmul(a, a, out, g);
    };
    cases.push({ label: `matmul ${size}³: calling thread → forced onto 2 threads`, run: [call(Number.POSITIVE_INFINITY), call(0)] });
  }
  const big = 512;
  const a = uniformValues(big * big, 5), b = uniformValues(big * big, 6), c = new Float32Array(big * big);
  const restore = (f: () => void) => () => {
    shared.parallelMinWork = defaultMinWork;
    f();
  };
  cases.push({ label: 'matmul 512³: 1 thread → 2 threads', run: [() => single.matmul(a, b, c, product(big, big, big)), restore(() => threaded.matmul(a, b, c, product(big, big, big)))] });
  const cg: ConvGeometry = { n: 32, c: 32, h: 14, w: 14, o: 64, kh: 5, kw: 5, oh: 14, ow: 14, sh: 1, sw: 1, ph: 2, pw: 2, dh: 1, dw: 1, groups: 1 };
  const x = uniformValues(32 * 32 * 196, 7), w = uniformValues(64 * 800, 8), y = new Float32Array(32 * 64 * 196);
  cases.push({ label: 'conv2d 32×14×14×32 → 5×5×64: 1 thread → 2 threads', run: [() => single.conv2d(cg, x, w, y), restore(() => threaded.conv2d(cg, x, w, y))] });
  cases.push({ label: 'conv2d weight gradient, same shape: 1 thread → 2 threads', run: [() => single.conv2dWeightGrad(cg, y, x, w), restore(() => threaded.conv2dWeightGrad(cg, y, x, w))] });

  const rows: Record<string, unknown>[] = [];
  for (const k of cases) {
    for (const f of k.run) for (let i = 0; i < 2; i++) f(); // warm-up: WebAssembly tiers up
    const wall: number[][] = [[], []];
    const cpu: number[][] = [[], []];
    const meter = startCpuMeter();
    for (let round = 0; round < rounds; round++) {
      for (let j = 0; j < 2; j++) {
        const i = (j + round) % 2;
        const t = timeBatch(k.run[i]);
        wall[i][round] = t.wall;
        cpu[i][round] = t.cpu;
      }
    }
    const use = meter();
    rows.push({
      label: k.label, rounds, baselineWallMs: median(wall[0]), splitWallMs: median(wall[1]), baselineCpuMs: median(cpu[0]), splitCpuMs: median(cpu[1]),
      // Median over rounds of baseline wall time / split wall time: > 1 means splitting is faster.
      wallSpeedup: pairedRatio(wall[0], wall[1]), otherLoadCores: use.otherCores,
    });
  }
  const loadAfter = loadAverageLine();
  const fmt = (v: unknown, digits = 3) => (typeof v === 'number' ? v.toFixed(digits) : '?');
  console.log(markdownTable(
    ['case', 'baseline wall ms', 'split wall ms', 'baseline → split (wall)', 'baseline CPU ms', 'split CPU ms (all threads)', 'other load (cores)'],
    rows.map((r) => [String(r.label), fmt(r.baselineWallMs), fmt(r.splitWallMs), `${fmt(r.wallSpeedup, 2)}×`, fmt(r.baselineCpuMs), fmt(r.splitCpuMs), fmt(r.otherLoadCores, 2)]),
  ));
  console.log(`load before: ${loadBefore}; after: ${loadAfter}`);
  single.dispose();
  threaded.dispose();
  const file = join(BENCH_DIR, 'results', 'wasm-threads.json');
  writeJson(file, { machine: machineInfo(), loadBefore, loadAfter, rounds, minBatchMs: MIN_BATCH_MS, rows });
  console.log(`wrote ${file}`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
