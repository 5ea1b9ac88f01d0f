import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { checkQueueName, optionalPositiveInteger } from './options';
import { parseRedisUrl, probeRedis } from './redis-url';

/** Thrown by a job handler for input that fails the same way on every try: the job fails at once, without retries. */
export class BadJobInput extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadJobInput';
  }
}

/** Options of {@link startJobWorker}. */
export interface JobWorkerOptions {
  /** The Redis server the driver uses, `redis://host:port[/db]`. */
  redis: string;
  /** BullMQ queue name shared with the driver. */
  queueName: string;
  /** Runs one job: its payload and id in, its JSON result out; throws {@link BadJobInput} for bad input. */
  handle: (data: unknown, jobId: string) => Promise<unknown>;
  /** Jobs at a time (default 1). */
  concurrency?: number;
  /**
   * How long a job stays locked to this worker without a renewal, ms (default 30000). The lock is
   * renewed from this thread, so a handler that keeps the thread busy needs a lock longer than its
   * longest job. When a worker dies, its job goes to another within about `lockDurationMs + stalledIntervalMs`.
   */
  lockDurationMs?: number;
  /** How often this worker looks for jobs whose worker died, ms (default 30000). */
  stalledIntervalMs?: number;
  /** Called when a try of a job starts, with its id (for logs). */
  onStart?: (jobId: string) => void;
  /** Called after each try of a job with its id and outcome (for logs). */
  onJob?: (event: { jobId: string; ok: boolean; ms: number; error?: string }) => void;
  /** Names the caller in error messages (default `'startJobWorker'`). */
  owner?: string;
}

/** A running worker. */
export interface JobWorker {
  /** Stops taking jobs, lets the running ones finish and closes the connections. */
  close(): Promise<void>;
}

/** Starts a BullMQ worker on `queueName` that runs `handle` for each job; bad input fails a job once. */
export async function startJobWorker(options: JobWorkerOptions): Promise<JobWorker> {
  const owner = options.owner ?? 'startJobWorker';
  const connection = parseRedisUrl(options.redis, `${owner}: options.redis`);
  const queueName = checkQueueName(options.queueName, owner);
  if (typeof options.handle !== 'function') throw new Error(`${owner}: options.handle must be a function (data, jobId) => result`);
  const concurrency = optionalPositiveInteger(options.concurrency, 'concurrency', owner) ?? 1;
  const lockDuration = optionalPositiveInteger(options.lockDurationMs, 'lockDurationMs', owner) ?? 30_000;
  const stalledInterval = optionalPositiveInteger(options.stalledIntervalMs, 'stalledIntervalMs', owner) ?? 30_000;
  await probeRedis(options.redis, { argument: `${owner}: options.redis` });

  const process = async (job: Job): Promise<unknown> => {
    const start = performance.now();
    const id = job.id ?? '?';
    options.onStart?.(id);
    try {
      const result = await options.handle(job.data, id);
      options.onJob?.({ jobId: id, ok: true, ms: performance.now() - start });
      return result;
    } catch (e) {
      options.onJob?.({ jobId: id, ok: false, ms: performance.now() - start, error: (e as Error).message });
      // Bad input fails the same way on every try: no retries, so it cannot clog the queue.
      if (e instanceof BadJobInput) throw new UnrecoverableError(`bad input in job ${id}: ${e.message}`);
      throw e;
    }
  };
  const worker = new Worker(queueName, process, { connection: { ...connection, maxRetriesPerRequest: null }, concurrency, lockDuration, stalledInterval });
  worker.on('error', () => {});
  await worker.waitUntilReady();
  return { close: () => worker.close() };
}
