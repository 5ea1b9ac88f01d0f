/** The 15 arguments of one call of the kernel module's `gemm`, in its argument order. */
export type GemmCall = readonly number[];

/**
 * Threads besides the caller's that run `gemm` calls on the same shared WebAssembly memory. From
 * the caller's view a run is synchronous: it returns once every call has finished.
 */
export interface GemmWorkers {
  /** Number of worker threads (the calling thread works too). */
  readonly count: number;
  /** Runs `calls[i]` on worker i (null: nothing) while the caller runs `own`; returns when all are done. */
  run(calls: readonly (GemmCall | null)[], own: () => void): void;
  /** Stops the threads. */
  terminate(): void;
}
