import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { checkScores, type TrialExecutor, type TrialJob } from './executor';

/** Options of {@link workerPoolExecutor}. */
export interface WorkerPoolOptions {
  /**
   * The module each worker imports (a path or `file:` URL); it must export the evaluator, a
   * function `(configs, budget, job) => scores | Promise<scores>`, under `exportName`.
   */
  module: string | URL;
  /** Name of the evaluator export (default `'evaluate'`). */
  exportName?: string;
  /** Number of worker threads (default 2). */
  workers?: number;
  /** Node options of the workers, e.g. `['--import', 'tsx']` for an evaluator written in TypeScript. */
  execArgv?: string[];
}

// The worker is a small script evaluated in place, so the package needs no separate worker file.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const loaded = import(workerData.module).then((m) => {
  const fn = m[workerData.exportName];
  if (typeof fn !== 'function') throw new Error('workerPoolExecutor: ' + workerData.module + ' exports no function ' + workerData.exportName);
  return fn;
});
parentPort.on('message', async ({ id, job }) => {
  try {
    const evaluate = await loaded;
    const scores = await evaluate(job.configs, job.budget, job);
    parentPort.postMessage({ id, scores: Array.from(scores) });
  } catch (e) {
    parentPort.postMessage({ id, error: String((e && e.stack) || e) });
  }
});
`;

interface Pending {
  resolve: (scores: number[]) => void;
  reject: (error: Error) => void;
}

/**
 * Runs jobs on a pool of worker threads, each with its own copy of the evaluator module (and of
 * tensor-gpu, so each worker trains on its own kernels). Jobs are handed to idle workers in order;
 * scores come back in job order. Call `close()` when done.
 */
export function workerPoolExecutor(options: WorkerPoolOptions): TrialExecutor & { close(): Promise<void> } {
  if (!options || (typeof options.module !== 'string' && !(options.module instanceof URL))) throw new Error('workerPoolExecutor: options.module must be a path or file URL of the evaluator module');
  const size = options.workers ?? 2;
  if (!Number.isInteger(size) || size < 1) throw new Error(`workerPoolExecutor: options.workers must be a positive integer, got ${String(size)}`);
  const module = options.module instanceof URL ? options.module.href : options.module.startsWith('file:') ? options.module : pathToFileURL(options.module).href;
  const exportName = options.exportName ?? 'evaluate';
  let workers: { worker: Worker; pending: Map<number, Pending> }[] | null = null;
  let nextId = 0;
  let closed = false;

  const start = () => {
    workers ??= Array.from({ length: size }, () => {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, exportName }, execArgv: options.execArgv });
      const pending = new Map<number, Pending>();
      worker.on('message', (msg: { id: number; scores?: number[]; error?: string }) => {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error !== undefined) p?.reject(new Error(`worker evaluator failed: ${msg.error}`));
        else p?.resolve(msg.scores!);
      });
      worker.on('error', (e) => {
        for (const p of pending.values()) p.reject(e instanceof Error ? e : new Error(String(e)));
        pending.clear();
      });
      return { worker, pending };
    });
    return workers;
  };

  const runOn = (slot: { worker: Worker; pending: Map<number, Pending> }, job: TrialJob) =>
    new Promise<number[]>((resolve, reject) => {
      const id = nextId++;
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, job });
    });

  return {
    async run(jobs) {
      if (closed) throw new Error('workerPoolExecutor: the pool was closed');
      const pool = start();
      const results = new Array<number[]>(jobs.length);
      let next = 0;
      await Promise.all(
        pool.map(async (slot) => {
          while (next < jobs.length) {
            const j = next++;
            results[j] = checkScores(await runOn(slot, jobs[j]), jobs[j]);
          }
        }),
      );
      return results;
    },
    async close() {
      closed = true;
      if (workers) await Promise.all(workers.map((w) => w.worker.terminate()));
      workers = null;
    },
  };
}
