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
