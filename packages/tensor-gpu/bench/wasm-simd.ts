/**
 * The `cpu` backend's WebAssembly SIMD products (1 thread, and 2 threads: `setBackend('cpu', { threads })`)
 * against tfjs-wasm (SIMD, 1 thread) and tfjs-cpu 4.22.0, and against the cpu backend's own
 * plain-JavaScript kernels, in one process with paired,
 * interleaved rounds: every round times each implementation once (a batch of calls lasting at
 * least 40 ms, the implementations' order rotating from round to round), so load from other
 * processes falls on all of them alike. Ratios are medians of the per-round ratios.
 *
 * Run from the package folder: `pnpm exec tsx bench/wasm-simd.ts [--rounds=11] [--only=matmul,conv2d]`.
 * Prints a table and writes `bench/results/wasm-simd.json`.
 *
 * Each tensor-gpu implementation has its own `Engine` (`'wasm-simd'` on 1 and 2 threads, `'js'`), so all
 * stay compiled and warm; tfjs keeps one set of input tensors per backend and switches backend
 * between batches, outside the timing. A timed call is the op, reading the result back and
 * freeing it, as in `run.ts`. The first call's output is checked against a float64 reference.
 *
 * @module
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as t from '../src/index';
import { Engine } from '../src/engine';
import type { CpuKernels } from '../src/kernels/host-kernels';
import { tensor } from '../src/ops/creation';
import { allCases, type BenchCase, type HostInput } from './cases';
import { check, matmulRef, uniformValues } from './reference';
import { machineInfo, markdownTable, writeJson } from './report';
import { initTfjs } from './tfjs';
import { loadAverageLine, median, pairedRatio, startCpuMeter } from './timing';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
/** Estimated WebAssembly SIMD128 ceiling of one core of the reference machine (perf-anchors). */
const SIMD128_CEILING_GFLOPS = 58;
const MIN_BATCH_MS = 40;
/** Implementations slower than this per call run only in the first `SLOW_ROUNDS` rounds. */
const SLOW_CALL_MS = 1000;
const SLOW_ROUNDS = 5;
const TOLERANCE = 1e-5;

/** One implementation, prepared for one case. */
interface Prepared {
  activate(): Promise<void>;
  call(): Promise<Float32Array> | Float32Array;
  reference(): Float64Array;
  dispose(): void;
}

interface Runner {
  name: string;
  prepare(c: BenchCase): Promise<Prepared>;
  destroy(): void;
}

function tensorGpuRunner(kernels: CpuKernels, threads = 1): Runner {
  const engine = new Engine();
  return {
    name: `tensor-gpu cpu (${kernels}${threads > 1 ? `, ${threads} threads` : ''})`,
    async prepare(c) {
      await engine.setBackend('cpu', { cpuKernels: kernels, threads });
      const xs = c.tgInputs().map((i) => tensor(engine, i.values, i.shape));
      return {
        activate: async () => undefined,
        async call() {
          const y = engine.tidy(() => c.tgOp(t, xs));
          try {
            return await y.data();
          } finally {
            y.dispose();
          }
        },
        reference: c.tgReference,
        dispose: () => t.dispose(xs),
      };
    },
    destroy: () => engine.destroy(),
  };
}

function tfjsRunner(backend: 'wasm' | 'cpu'): Runner {
  return {
    name: backend === 'wasm' ? 'tfjs-wasm (SIMD, 1 thread)' : 'tfjs-cpu',
    async prepare(c) {
      await tf.setBackend(backend);
      const xs = c.tfInputs().map((i) => tf.tensor(i.values, i.shape, 'float32'));
      return {
        activate: async () => {
          await tf.setBackend(backend);
        },
        call() {
          const y = tf.tidy(() => c.tfOp(tf, xs));
          try {
            return y.dataSync() as Float32Array;
          } finally {
            y.dispose();
          }
        },
        reference: c.tfReference,
        dispose: () => tf.dispose(xs),
      };
    },
    destroy: () => undefined,
  };
}

/** `op(A)·op(B)` with A stored `[n, m]` and/or B stored `[p, n]`: the products of a backward pass. */
function transposedMatmulCase(label: string, m: number, n: number, p: number, transposeA: boolean, transposeB: boolean, seed: number): BenchCase {
  const a = uniformValues(m * n, seed);
  const b = uniformValues(n * p, seed + 1);
  const stored = (v: Float32Array, rows: number, cols: number, transposed: boolean): HostInput => {
    if (!transposed) return { shape: [rows, cols], values: v };
    const s = new Float32Array(v.length);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) s[j * rows + i] = v[i * cols + j];
    return { shape: [cols, rows], values: s };
  };
  const inputs = [stored(a, m, n, transposeA), stored(b, n, p, transposeB)];
  const ref = matmulRef(a, b, m, n, p);
  return {
    group: 'matmul', label, work: 2 * m * n * p, unit: 'GFLOP/s',
    tgInputs: () => inputs, tfInputs: () => inputs, tgReference: () => ref, tfReference: () => ref,
    tgOp: (tg, [x, y]) => tg.matmul(x, y, { transposeA, transposeB }),
    tfOp: (tfx, [x, y]) => tfx.matMul(x as tf.Tensor2D, y as tf.Tensor2D, transposeA, transposeB),
    release: () => undefined,
  };
}

interface Row {
  group: string;
  label: string;
  flops: number;
  impl: string;
  rounds: number;
  msPerCall: number;
  gflops: number;
  ceilingShare: number;
  /** Median over rounds of (this impl's time / wasm-simd's time): > 1 means wasm-simd is faster. */
  wasmSimdSpeedup: number | null;
  /** Time per call of each round this impl ran in (ms), in round order (NaN: skipped round). */
  roundMs: number[];
  relErr: number;
  otherLoadCores: number | null;
}

async function timeBatch(p: Prepared): Promise<number> {
  await p.activate();
  let calls = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    await p.call();
    calls++;
    elapsed = performance.now() - t0;
  } while (elapsed < MIN_BATCH_MS);
  return elapsed / calls;
}

async function measure(c: BenchCase, runners: readonly Runner[], rounds: number): Promise<Row[]> {
  const prepared: Prepared[] = [];
  const relErrs: number[] = [];
  const slow: boolean[] = [];
  for (const r of runners) {
    const p = await r.prepare(c);
    await p.activate();
    const t0 = performance.now();
    const out = await p.call();
    slow.push(performance.now() - t0 > SLOW_CALL_MS);
    const { relErr, ok } = check(out, p.reference(), TOLERANCE);
    if (!ok) throw new Error(`${r.name} ${c.label}: relative error ${relErr} against the float64 reference`);
    relErrs.push(relErr);
    await p.call(); // a second warm-up call: WebAssembly tiers up from its baseline compiler
    prepared.push(p);
  }
  const times: number[][] = runners.map(() => []);
  const meter = startCpuMeter();
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < runners.length; k++) {
      const i = (k + round) % runners.length;
      times[i][round] = slow[i] && round >= SLOW_ROUNDS ? Number.NaN : await timeBatch(prepared[i]);
    }
  }
  const use = meter();
  for (const p of prepared) p.dispose();
  return runners.map((r, i) => {
    const ran = times[i].filter((v) => !Number.isNaN(v));
    const ms = median(ran);
    return {
      group: c.group, label: c.label, flops: c.work, impl: r.name, rounds: ran.length, msPerCall: ms,
      gflops: c.work / ms / 1e6, ceilingShare: c.work / ms / 1e6 / SIMD128_CEILING_GFLOPS,
      wasmSimdSpeedup: i === 0 ? null : pairedRatio(times[i], times[0]), roundMs: times[i], relErr: relErrs[i], otherLoadCores: use.otherCores,
    };
  });
}

/** Median over the rounds where both ran of `slower[r] / faster[r]`. */
function parseArgs(argv: readonly string[]): { rounds: number; only: string[] | null } {
  const args = { rounds: 11, only: null as string[] | null };
  for (const a of argv) {
    if (a.startsWith('--rounds=')) args.rounds = Math.max(3, Number(a.slice(9)));
    else if (a.startsWith('--only=')) args.only = a.slice(7).split(',');
    else throw new Error(`bench/wasm-simd: unknown option ${a} (expected --rounds=N, --only=matmul,conv2d)`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const loadBefore = loadAverageLine();
  const tfjs = await initTfjs();
  if (!tfjs.backends.includes('wasm') || !tfjs.wasmSimd) throw new Error(`tfjs-wasm with SIMD did not start: ${tfjs.notes.join('; ')}`);
  console.log(`load ${loadBefore}; tfjs ${tfjs.version} (wasm SIMD ${tfjs.wasmSimd}, threads ${tfjs.wasmThreads}); ${args.rounds} paired rounds`);
  const runners = [tensorGpuRunner('wasm-simd'), tfjsRunner('wasm'), tfjsRunner('cpu'), tensorGpuRunner('js'), tensorGpuRunner('wasm-simd', 2)];
  const cases = allCases();
  const list: BenchCase[] = [
    ...cases.matmul,
    transposedMatmulCase('784×64ᵀ·64×256 (Aᵀ)', 784, 64, 256, true, false, 91),
    transposedMatmulCase('64×256·(784×256)ᵀ (Bᵀ)', 64, 256, 784, false, true, 93),
    ...cases.conv2d,
  ].filter((c) => !args.only || args.only.includes(c.group));
  const rows: Row[] = [];
  for (const c of list) {
    const got = await measure(c, runners, args.rounds);
    rows.push(...got);
    const [w, tw, tc, js, w2] = got;
    console.log(`${c.label}: wasm-simd ${w.gflops.toFixed(1)} GFLOP/s (${(100 * w.ceilingShare).toFixed(0)}% of ${SIMD128_CEILING_GFLOPS}); ` +
      `×${tw.wasmSimdSpeedup!.toFixed(2)} vs tfjs-wasm, ×${tc.wasmSimdSpeedup!.toFixed(1)} vs tfjs-cpu, ×${js.wasmSimdSpeedup!.toFixed(1)} vs js; ` +
      `2 threads ×${(1 / w2.wasmSimdSpeedup!).toFixed(2)} of 1 thread; other load ${w.otherLoadCores?.toFixed(2)} cores`);
    c.release();
  }
  for (const r of runners) r.destroy();
  const loadAfter = loadAverageLine();
  const byCase = [...new Set(rows.map((r) => r.label))];
  const table = markdownTable(
    ['case', 'wasm-simd GFLOP/s (ms)', 'share of SIMD128 ceiling', 'vs tfjs-wasm', 'vs tfjs-cpu', 'vs cpu js', '2 threads GFLOP/s', '2 threads vs 1', '2 threads vs tfjs-wasm', 'tfjs-wasm GFLOP/s', 'tfjs-cpu GFLOP/s', 'js GFLOP/s', 'other load (cores)'],
    byCase.map((label) => {
      const [w, tw, tc, js, w2] = rows.filter((r) => r.label === label);
      return [
        label, `${w.gflops.toFixed(1)} (${w.msPerCall.toFixed(3)})`, `${(100 * w.ceilingShare).toFixed(0)}%`,
        `${tw.wasmSimdSpeedup!.toFixed(2)}×`, `${tc.wasmSimdSpeedup!.toFixed(1)}×`, `${js.wasmSimdSpeedup!.toFixed(1)}×`,
        w2.gflops.toFixed(1), `${(1 / w2.wasmSimdSpeedup!).toFixed(2)}×`, `${pairedRatio(tw.roundMs, w2.roundMs).toFixed(2)}×`,
        tw.gflops.toFixed(1), tc.gflops.toFixed(2), js.gflops.toFixed(2), w.otherLoadCores?.toFixed(2) ?? '?',
      ];
    }),
  );
  console.log(`\nmedian of paired rounds; "vs X" = X's time / wasm-simd's time in the same round (> 1: wasm-simd faster)\n${table}\nload before: ${loadBefore}; after: ${loadAfter}`);
  const file = join(BENCH_DIR, 'results', 'wasm-simd.json');
  writeJson(file, { machine: machineInfo(), loadBefore, loadAfter, tfjs, rounds: args.rounds, minBatchMs: MIN_BATCH_MS, ceilingGflops: SIMD128_CEILING_GFLOPS, rows });
  console.log(`wrote ${file}`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
