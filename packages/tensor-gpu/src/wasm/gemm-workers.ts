import { MAX_JOB_THREADS } from './parallel-job';

/** Worker threads the control block holds scratch for (the caller is thread 0), at most 15. */
export const MAX_GEMM_WORKERS = Math.min(15, MAX_JOB_THREADS - 1);

/** Throws unless `count` is a worker count a pool can start: an integer from 1 to {@link MAX_GEMM_WORKERS}. */
export function checkWorkerCount(count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > MAX_GEMM_WORKERS) throw new Error(`tensor-gpu: worker count must be an integer from 1 to ${MAX_GEMM_WORKERS}, got ${count}`);
}

/**
 * Threads besides the caller's that run parallel jobs (parallel-job.ts) on the same shared
 * WebAssembly memory. From the caller's view a run is synchronous: it returns once every chunk of
 * the job has finished.
 */
export interface GemmWorkers {
  /** Number of worker threads (the calling thread works too). */
  readonly count: number;
  /**
   * Announces the job written in the control block (parallel-job.ts) as the next run, runs `own`
   * (the caller taking chunks too) and returns once every chunk taken has finished.
   */
  run(own: () => void): void;
  /** Stops the threads. */
  terminate(): void;
}
