import * as t from '@nnlab/tensor-gpu';
import { buildModel, classesOf, sampleSize, type Architecture } from '../model/architecture';
import type { ModelConfig } from '../model/config';
import { pack, type PackedModels } from '../model/pack';
import { readLosses, stepBackToBack } from '../model/queue';

/** Options of {@link compareStepTimes}. */
export interface StepTimeOptions {
  /** The architecture every model shares. */
  architecture: Architecture;
  /** Pack sizes to time (default 1, 2, 4, 8). */
  ks?: readonly number[];
  /** Rows of the shared batch (default 64). */
  batchSize?: number;
  /** Timed repetitions; the median is reported (default 7, at least 5). */
  repeats?: number;
  /** Untimed steps before timing, which compile every kernel (default 2). */
  warmup?: number;
  /** Seed of the batch and the models (default 1). */
  seed?: number;
}

/** One row of {@link compareStepTimes}. */
export interface StepTimeRow {
  /** Architecture name. */
  architecture: string;
  /** Number of models K. */
  k: number;
  /** Median time of K single-model steps run one after another (each read back), ms. */
  sequentialMs: number;
  /** Median time of one packed step of the K models (read back), ms. */
  packedMs: number;
  /** sequentialMs / packedMs: above 1 means packing wins. */
  speedup: number;
  /** 1 − packedMs / sequentialMs (the paper's "improvement"). */
  improvement: number;
  /** Median process CPU time (user + system) of the sequential steps, ms: less disturbed than wall time by other processes on a shared machine. */
  sequentialCpuMs: number;
  /** Median process CPU time of the packed step, ms. */
  packedCpuMs: number;
  /** sequentialCpuMs / packedCpuMs. */
  cpuSpeedup: number;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median: no values');
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Process CPU time (user + system) so far, ms. */
function cpuNow(): number {
  const u = typeof process !== 'undefined' && typeof process.cpuUsage === 'function' ? process.cpuUsage() : null;
  return u ? (u.user + u.system) / 1000 : NaN;
}

/** Medians of wall and process CPU time, ms (CPU time is NaN outside Node). */
export interface TimeMedians {
  /** Median wall time. */
  wallMs: number;
  /** Median process CPU time (user + system). */
  cpuMs: number;
}

/**
 * Times several functions fairly on a machine whose load drifts: after `warmup` untimed calls of
 * each, `repeats` rounds call each function once in turn; returns the medians per function.
 */
export async function timeInterleaved(runs: readonly (() => Promise<unknown>)[], repeats: number, warmup: number): Promise<TimeMedians[]> {
  for (let i = 0; i < warmup; i++) for (const run of runs) await run();
  const wall = runs.map(() => [] as number[]);
  const cpu = runs.map(() => [] as number[]);
  for (let i = 0; i < repeats; i++) {
    for (let j = 0; j < runs.length; j++) {
      const c0 = cpuNow();
      const t0 = performance.now();
      await runs[j]();
      wall[j].push(performance.now() - t0);
      cpu[j].push(cpuNow() - c0);
    }
  }
  return runs.map((_, j) => ({ wallMs: median(wall[j]), cpuMs: median(cpu[j]) }));
}

/** Median wall time of `run` over `repeats` calls after `warmup` untimed calls, ms. */
export async function timeMedian(run: () => Promise<unknown>, repeats: number, warmup: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  return median(times);
}

function configsFor(k: number, seed: number): ModelConfig[] {
  return Array.from({ length: k }, (_, i) => ({ seed: seed + i, lr: 0.01 * (i + 1), momentum: 0.9 }));
}

function randomBatch(architecture: Architecture, rows: number, seed: number): { x: Float32Array; labels: Int32Array } {
  const rng = t.data.createRng(seed);
  const classes = classesOf(architecture);
  return { x: Float32Array.from({ length: rows * sampleSize(architecture) }, () => rng()), labels: Int32Array.from({ length: rows }, () => Math.floor(rng() * classes)) };
}

function checkTimingOptions(repeats: number, warmup: number, batchSize: number, owner: string): void {
  if (!Number.isInteger(repeats) || repeats < 5) throw new Error(`${owner}: repeats must be an integer ≥ 5 (medians of at least 5 runs), got ${repeats}`);
  if (!Number.isInteger(warmup) || warmup < 1) throw new Error(`${owner}: warmup must be a positive integer (the first step compiles kernels), got ${warmup}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`${owner}: batchSize must be a positive integer, got ${batchSize}`);
}

/**
 * The paper's step-time protocol on the current backend: for each K, the median time of K
 * single-model SGD steps one after another against one packed step of the same K models, on the
 * same batch, warm-up excluded. Every step ends with its loss read back, so the device has finished.
 * The two are timed in alternation ({@link timeInterleaved}) so that a drifting machine load
 * affects both alike; process CPU time is reported beside wall time.
 */
export async function compareStepTimes(options: StepTimeOptions): Promise<StepTimeRow[]> {
  const ks = options.ks ?? [1, 2, 4, 8];
  const batchSize = options.batchSize ?? 64;
  const repeats = options.repeats ?? 7;
  const warmup = options.warmup ?? 2;
  const seed = options.seed ?? 1;
  checkTimingOptions(repeats, warmup, batchSize, 'compareStepTimes');
  if (!Array.isArray(ks) || ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 1)) throw new Error(`compareStepTimes: ks must be positive integers, got ${JSON.stringify(ks)}`);
  const arch = options.architecture;
  const batch = randomBatch(arch, batchSize, seed);
  const x = t.tensor(batch.x, [batchSize, ...arch.inputShape]);
  const rows: StepTimeRow[] = [];
  try {
    for (const k of ks) {
      const configs = configsFor(k, seed);
      const singles = configs.map((c) => ({ model: buildModel(arch, c.seed), optimizer: t.optim.sgd({ lr: c.lr, momentum: c.momentum }) }));
      const packed = pack(arch, configs);
      const sequentialStep = async () => {
        for (const { model, optimizer } of singles) {
          const params = model.parameters();
          const loss = t.train.trainStep(model, x, batch.labels, { optimizer, parameters: params });
          await loss.data();
          loss.dispose();
        }
      };
      let sequential: TimeMedians;
      let packedTime: TimeMedians;
      try {
        [sequential, packedTime] = await timeInterleaved([sequentialStep, () => packed.trainStep({ x, labels: batch.labels })], repeats, warmup);
      } finally {
        for (const s of singles) {
          s.optimizer.dispose();
          s.model.dispose();
        }
        packed.dispose();
      }
      const sequentialMs = sequential.wallMs;
      const packedMs = packedTime.wallMs;
      rows.push({
        architecture: arch.name,
        k,
        sequentialMs,
        packedMs,
        speedup: sequentialMs / packedMs,
        improvement: 1 - packedMs / sequentialMs,
        sequentialCpuMs: sequential.cpuMs,
        packedCpuMs: packedTime.cpuMs,
        cpuSpeedup: sequential.cpuMs / packedTime.cpuMs,
      });
    }
  } finally {
    x.dispose();
  }
  return rows;
}

/** Options of {@link compareQueueReadback}. */
export interface QueueTimingOptions {
  /** Architectures with the same number of input values per sample (one pack each). */
  architectures: readonly Architecture[];
  /** Models per pack (default 2). */
  k?: number;
  /** Rows of the shared batch (default 64). */
  batchSize?: number;
  /** Timed repetitions (default 7, at least 5). */
  repeats?: number;
  /** Untimed warm-up steps (default 2). */
  warmup?: number;
}

/** What {@link compareQueueReadback} measured (medians, ms). */
export interface QueueTiming {
  /** Each pack stepped and its loss read back before the next pack starts. */
  readbackEachMs: number;
  /** All packs queued back to back ({@link stepBackToBack}), one readback at the end. */
  backToBackMs: number;
  /** readbackEachMs / backToBackMs. */
  ratio: number;
}

/**
 * Packs of different architectures cannot be fused; this times them stepped back to back in one
 * queue with a single readback against stepping each with its own readback.
 */
export async function compareQueueReadback(options: QueueTimingOptions): Promise<QueueTiming> {
  const k = options.k ?? 2;
  const batchSize = options.batchSize ?? 64;
  const repeats = options.repeats ?? 7;
  const warmup = options.warmup ?? 2;
  checkTimingOptions(repeats, warmup, batchSize, 'compareQueueReadback');
  if (!Array.isArray(options.architectures) || options.architectures.length < 2) throw new Error('compareQueueReadback: architectures must list at least two architectures');
  const batch = randomBatch(options.architectures[0], batchSize, 1);
  const build = (): PackedModels[] => options.architectures.map((a) => pack(a, configsFor(k, 1)));
  const each = build();
  const queued = build();
  try {
    const [eachTime, queuedTime] = await timeInterleaved(
      [
        async () => {
          for (const p of each) {
            const x = t.tensor(batch.x, [batchSize, ...p.architecture.inputShape]);
            try {
              await p.trainStep({ x, labels: batch.labels });
            } finally {
              x.dispose();
            }
          }
        },
        () => readLosses(stepBackToBack(queued, { x: batch.x, labels: batch.labels })),
      ],
      repeats,
      warmup,
    );
    return { readbackEachMs: eachTime.wallMs, backToBackMs: queuedTime.wallMs, ratio: eachTime.wallMs / queuedTime.wallMs };
  } finally {
    [...each, ...queued].forEach((p) => p.dispose());
  }
}
