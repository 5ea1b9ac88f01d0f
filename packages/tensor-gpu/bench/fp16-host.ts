/**
 * Benchmark (not a test) of the host-side float32 -> binary16 -> float32 round trip.
 *
 * Compares `roundFloat32ArrayToFloat16` (one pass), `toFloat16Bits` + `fromFloat16Bits`
 * (two passes through a Uint16Array) and a per-element `f16round` loop from
 * `@petamoriken/float16`, over 1e7 float32 values of two datasets: one warm-up run each, then
 * the median of 11 timed repetitions, interleaved. Run from the package folder with
 * `pnpm exec tsx bench/fp16-host.ts`; it prints a table and writes `bench/results/fp16-host.json`.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { f16round } from '@petamoriken/float16';
import { fromFloat16Bits, roundFloat32ArrayToFloat16, toFloat16Bits } from '../src/fp16/host';

/** Elements per timed run. */
const N = 10_000_000;

/** Timed repetitions per implementation (the median is reported). */
const REPETITIONS = 11;

/** An input distribution: random sign, magnitude log-uniform over 2^minExp .. 2^maxExp. */
interface Dataset {
  name: string;
  minExp: number;
  maxExp: number;
}

/**
 * The two inputs: `normal` stays in the normal half range (like weights and activations);
 * `wide` reaches down to 2^-30, so nearly half of it is fp16-subnormal (29%) or underflows to
 * zero (18%), like unscaled gradients: it would defeat a branch on the value's range.
 */
const DATASETS: Dataset[] = [
  { name: 'normal 2^-8..2^4', minExp: -8, maxExp: 4 },
  { name: 'wide 2^-30..2^4', minExp: -30, maxExp: 4 },
];

/** Fills a float32 array from `dataset` with a fixed-seed xorshift, so runs are comparable. */
function makeInput(n: number, dataset: Dataset): Float32Array {
  const a = new Float32Array(n);
  const span = dataset.maxExp - dataset.minExp;
  let s = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const r = (s >>> 0) / 2 ** 32;
    a[i] = (s & 1 ? -1 : 1) * 2 ** (dataset.minExp + span * r);
  }
  return a;
}

/**
 * Runs each function once to warm up, then `REPETITIONS` rounds that time every function once,
 * in turn, so that load from other processes hits all of them alike. Returns the median
 * milliseconds of each function.
 */
function interleavedMediansMs(fns: Array<() => void>): number[] {
  for (const fn of fns) fn();
  const times: number[][] = fns.map(() => []);
  for (let r = 0; r < REPETITIONS; r++) {
    fns.forEach((fn, j) => {
      const t0 = performance.now();
      fn();
      times[j].push(performance.now() - t0);
    });
  }
  return times.map((t) => t.sort((x, y) => x - y)[Math.floor(t.length / 2)]);
}

/**
 * Measures the three round-trip implementations over 1e7 elements of each dataset.
 *
 * @returns One row per dataset and implementation: `dataset`, `impl`, `elements`,
 *   `repetitions`, `medianMs`, `nsPerElement` and `speedupVsF16round`.
 */
export async function runFp16HostBench(): Promise<Array<Record<string, unknown>>> {
  const rows: Array<Record<string, unknown>> = [];
  const out = new Float32Array(N);
  const halves = new Uint16Array(N);
  for (const dataset of DATASETS) {
    const input = makeInput(N, dataset);
    const impls: Array<[string, () => void]> = [
      ['f16round loop (@petamoriken/float16)', () => {
        for (let i = 0; i < N; i++) out[i] = f16round(input[i]);
      }],
      ['roundFloat32ArrayToFloat16', () => {
        roundFloat32ArrayToFloat16(input, out);
      }],
      ['toFloat16Bits + fromFloat16Bits', () => {
        fromFloat16Bits(toFloat16Bits(input, halves), out);
      }],
    ];
    const medians = interleavedMediansMs(impls.map(([, fn]) => fn));
    const baseline = medians[0];
    for (const [j, [impl]] of impls.entries()) {
      const ms = medians[j];
      rows.push({
        dataset: dataset.name,
        impl,
        elements: N,
        repetitions: REPETITIONS,
        medianMs: Number(ms.toFixed(2)),
        nsPerElement: Number(((ms * 1e6) / N).toFixed(2)),
        speedupVsF16round: Number((baseline / ms).toFixed(2)),
      });
    }
  }
  return rows;
}

/** Prints the table and writes `bench/results/fp16-host.json`. */
async function main(): Promise<void> {
  const loadBefore = loadavg()[0];
  const rows = await runFp16HostBench();
  const load = { before: Number(loadBefore.toFixed(2)), after: Number(loadavg()[0].toFixed(2)) };
  console.log(
    `fp16 host round trip, ${N} elements, median of ${REPETITIONS} interleaved runs after warm-up ` +
      `(node ${process.version}, 1-min load ${load.before} -> ${load.after})`,
  );
  console.table(
    rows.map((r) => ({
      dataset: r.dataset,
      impl: r.impl,
      'ns/element': r.nsPerElement,
      'speedup vs f16round': r.speedupVsF16round,
    })),
  );
  const file = resolve(dirname(fileURLToPath(import.meta.url)), 'results', 'fp16-host.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ node: process.version, date: new Date().toISOString(), loadavg1: load, rows }, null, 2) + '\n');
  console.log(`wrote ${file}`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
