import type { KernelExports } from './kernels-module';
import { CONTROL_BYTES } from './wasm-heap';

/** Kernel module exports that a job can run, by their index in the control block. */
export const JOB_KERNELS = ['gemmSlice', 'convDirect', 'convWeightGrad'] as const satisfies readonly (keyof KernelExports)[];
export type JobKernel = (typeof JOB_KERNELS)[number];

/**
 * One parallel step: `chunks` calls of one kernel export, taken in turn by whichever thread is
 * free (so a thread slowed by other load takes fewer). Chunk i calls `kernel` with
 * `args[j] + i·steps[j]`; with `count`, argument `count.arg` is `min(count.chunk, count.total − i·count.chunk)`
 * (the last chunk is shorter); arguments `scratch.packA` and `scratch.edge` get the running thread's
 * own scratch regions (the product's packed A block and partial-tile scratch). Chunks must write
 * disjoint outputs.
 */
export interface ParallelJob {
  kernel: JobKernel;
  args: readonly number[];
  steps: readonly number[];
  chunks: number;
  count?: { arg: number; chunk: number; total: number };
  scratch?: { packA?: number; edge?: number };
}

/** Most arguments of a job kernel, and scratch offsets per thread. */
const MAX_ARGS = 16;
const SCRATCH_SLOTS = 2;
/**
 * The next-chunk counter holds the job's run number (low 15 bits) above the chunk index (16 bits),
 * so a thread that read an older job's description takes no chunk of a newer one (unless it slept
 * through 32768 jobs).
 */
const INDEX_BITS = 16;
const INDEX_MASK = (1 << INDEX_BITS) - 1;
const TAG_MASK = 0x7fff;
/** Most chunks of one job. */
export const MAX_JOB_CHUNKS = INDEX_MASK - 1;

/**
 * Int32 indices of the control block at the start of the memory: the run counter the worker
 * threads wait on, the generation of the pool that serves jobs (startGeneration), the failure
 * flag, the tagged next chunk and the count of finished chunks, then the job (kernel, argument
 * count, chunks, count argument, scratch arguments), the count of chunks worker threads have run
 * on this memory, the threads the job has scratch for, its arguments and steps, then each
 * thread's scratch offsets.
 */
export const CONTROL = {
  run: 0, generation: 1, failed: 2, next: 3, finished: 4, kernel: 5, argCount: 6, chunks: 7,
  countArg: 8, countChunk: 9, countTotal: 10, scratchArgs: 11, workerChunks: 13, threads: 14, args: 16, steps: 16 + MAX_ARGS,
  scratch: 16 + 2 * MAX_ARGS, scratchSlots: SCRATCH_SLOTS, indexBits: INDEX_BITS, indexMask: INDEX_MASK, tagMask: TAG_MASK,
} as const;

/** Threads (caller included) whose scratch offsets fit the control block. */
export const MAX_JOB_THREADS = Math.floor((CONTROL_BYTES / 4 - CONTROL.scratch) / SCRATCH_SLOTS);

/** Byte offsets of one thread's scratch regions. */
export interface ThreadScratch {
  packA: number;
  edge: number;
}

/**
 * Writes `job` into `control` as the next run (the run counter plus one, which the caller then
 * announces or runs alone), with `scratch[t]` the scratch regions of thread t (0: the caller);
 * returns that run number.
 */
export function writeJob(control: Int32Array, job: ParallelJob, scratch: readonly ThreadScratch[]): number {
  const c = CONTROL;
  if (job.args.length > MAX_ARGS || job.steps.length !== job.args.length) throw new Error(`tensor-gpu: a parallel job needs at most ${MAX_ARGS} arguments and one step per argument`);
  if (!(job.chunks >= 0 && job.chunks <= MAX_JOB_CHUNKS)) throw new Error(`tensor-gpu: a parallel job has at most ${MAX_JOB_CHUNKS} chunks, got ${job.chunks}`);
  control[c.kernel] = JOB_KERNELS.indexOf(job.kernel);
  control[c.argCount] = job.args.length;
  control[c.chunks] = job.chunks;
  control[c.countArg] = job.count ? job.count.arg : -1;
  control[c.countChunk] = job.count?.chunk ?? 0;
  control[c.countTotal] = job.count?.total ?? 0;
  control[c.scratchArgs] = job.scratch?.packA ?? -1;
  control[c.scratchArgs + 1] = job.scratch?.edge ?? -1;
  control.set(job.args, c.args);
  control.set(job.steps, c.steps);
  for (let t = 0; t < scratch.length; t++) control.set([scratch[t].packA, scratch[t].edge], c.scratch + SCRATCH_SLOTS * t);
  control[c.threads] = scratch.length;
  const run = Atomics.load(control, c.run) + 1;
  Atomics.store(control, c.finished, 0);
  Atomics.store(control, c.next, (run & TAG_MASK) << INDEX_BITS);
  return run;
}

/**
 * Takes chunks of run `run`'s job in `control` until none is left, running them on `kernels` (the
 * exports named by JOB_KERNELS, in order) as thread `thread`; each chunk taken counts as finished
 * once its call returns or throws. Self-contained (the worker threads evaluate its source): it
 * reads the control block's layout from `layout` (CONTROL).
 */
export function runChunks(kernels: readonly ((...args: number[]) => void)[], control: Int32Array, thread: number, layout: typeof CONTROL, run: number): void {
  const kernel = kernels[control[layout.kernel]];
  const argCount = control[layout.argCount];
  const chunks = control[layout.chunks];
  const countArg = control[layout.countArg];
  // A thread the job has no scratch for (of a pool started for more threads) takes no chunk.
  if (thread >= control[layout.threads]) return;
  const tag = run & layout.tagMask;
  const args: number[] = new Array(argCount);
  for (;;) {
    const next = Atomics.load(control, layout.next);
    const i = next & layout.indexMask;
    if (next >>> layout.indexBits !== tag || i >= chunks) return;
    if (Atomics.compareExchange(control, layout.next, next, next + 1) !== next) continue;
    for (let j = 0; j < argCount; j++) args[j] = control[layout.args + j] + i * control[layout.steps + j];
    if (countArg >= 0) args[countArg] = Math.min(control[layout.countChunk], control[layout.countTotal] - i * control[layout.countChunk]);
    for (let s = 0; s < layout.scratchSlots; s++) {
      const at = control[layout.scratchArgs + s];
      if (at >= 0) args[at] = control[layout.scratch + layout.scratchSlots * thread + s];
    }
    try {
      kernel(...args);
    } finally {
      if (thread > 0) Atomics.add(control, layout.workerChunks, 1);
      Atomics.add(control, layout.finished, 1);
      Atomics.notify(control, layout.finished);
    }
  }
}

/**
 * A worker thread's loop: waits for each announced run, takes chunks of its job with `takeChunks`
 * (runChunks, passed in because the workers evaluate this function's source alone) while the
 * control block names its pool's `generation` (see startGeneration).
 * A chunk that throws sets the failure flag for the caller to report.
 */
export function serveJobs(kernels: readonly ((...args: number[]) => void)[], control: Int32Array, thread: number, layout: typeof CONTROL, takeChunks: typeof runChunks, generation: number): void {
  let seen = Atomics.load(control, layout.run);
  for (;;) {
    Atomics.wait(control, layout.run, seen);
    seen = Atomics.load(control, layout.run);
    if (Atomics.load(control, layout.generation) !== generation) return;
    try {
      takeChunks(kernels, control, thread, layout, seen);
    } catch {
      Atomics.store(control, layout.failed, 1);
    }
  }
}

/**
 * The source text that defines `runChunks` and `serveJobs` in a worker thread's own code (Node's
 * eval'd worker, a browser's Blob worker).
 */
export function jobLoopSource(): string {
  return `const runChunks = (${runChunks.toString()});\nconst serveJobs = (${serveJobs.toString()});\n`;
}

/**
 * Ends the current job: no chunk can be taken any more, and returns once every chunk taken has
 * finished. The caller does not wait for threads that never took a chunk (late to wake).
 * `canBlock`: false on a browser's main thread, where `Atomics.wait` throws: it spins instead
 * (the chunks left are a fraction of a job, so the spin is short).
 */
export function finishJob(control: Int32Array, canBlock = true): void {
  const c = CONTROL;
  const next = Atomics.load(control, c.next);
  const taken = Math.min(Atomics.exchange(control, c.next, next | INDEX_MASK) & INDEX_MASK, control[c.chunks]);
  for (let done = Atomics.load(control, c.finished); done < taken; done = Atomics.load(control, c.finished)) {
    if (canBlock) Atomics.wait(control, c.finished, done);
    else (Atomics as { pause?: () => void }).pause?.(); // a spin-wait hint where the engine has one
  }
}

/**
 * Runs the job written in `control` (writeJob) on the worker threads waiting on it and on the
 * caller (`own`), returning once every chunk taken has finished; throws when a worker's chunk
 * failed. `canBlock` as in finishJob.
 */
export function runOnWorkers(control: Int32Array, own: () => void, canBlock: boolean): void {
  Atomics.add(control, CONTROL.run, 1);
  Atomics.notify(control, CONTROL.run);
  try {
    own();
  } finally {
    finishJob(control, canBlock);
  }
  if (Atomics.exchange(control, CONTROL.failed, 0) !== 0) throw new Error('tensor-gpu: a worker thread failed in a WebAssembly kernel');
}

/**
 * Makes a new pool of worker threads on `control` the one that serves its jobs and returns the
 * pool's generation (for serveJobs and stopWorkers). A memory outlives its pools (the cpu
 * backend's heap gets a new pool whenever the thread count changes): workers of an older pool
 * leave their loop at their next wake.
 */
export function startGeneration(control: Int32Array): number {
  return Atomics.add(control, CONTROL.generation, 1) + 1;
}

/** Tells the worker threads of pool `generation` on `control` to leave their loop (serveJobs), unless a newer pool serves it already. */
export function stopWorkers(control: Int32Array, generation: number): void {
  Atomics.compareExchange(control, CONTROL.generation, generation, generation + 1);
  Atomics.add(control, CONTROL.run, 1);
  Atomics.notify(control, CONTROL.run);
}

/**
 * Chunks of parallel jobs that worker threads (not the caller) have run on `memory` so far: how
 * tests see that the workers really work.
 */
export function workerChunks(memory: WebAssembly.Memory): number {
  return Atomics.load(new Int32Array(memory.buffer, 0, CONTROL_BYTES / 4), CONTROL.workerChunks);
}

/**
 * True when this thread may block in `Atomics.wait` (Node, workers); false on a browser's main
 * thread, where it throws (checked with a wait that returns at once, as the value differs).
 */
export function canBlockHere(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** The exports a job can run, in JOB_KERNELS order. */
export function jobKernels(exports: KernelExports): ((...args: number[]) => void)[] {
  return JOB_KERNELS.map((name) => exports[name] as (...args: number[]) => void);
}
