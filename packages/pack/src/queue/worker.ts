import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { BadTaskError, EvaluatorThreads, type EvaluatorModule } from './evaluator-threads';
import { checkTrialJobData, encodeScores, type TrialJobData, type TrialJobResult } from './job-data';
import { parseRedisUrl, probeRedis } from './redis-url';

/** Options of {@link startTrialWorker}. */
export interface TrialWorkerOptions extends EvaluatorModule {
  /** The Redis server the driver uses, `redis://host:port[/db]`. */
  redis: string;
  /** BullMQ queue name shared with the driver (default `'nnlab-trials'`). */
  queueName?: string;
  /** Jobs this worker runs at a time, one thread each (default 1). */
  concurrency?: number;
  /** A try that runs longer is stopped (its thread ended) and fails, to be retried up to the driver's attempts, ms (default: no limit). */
  jobTimeoutMs?: number;
  /**
   * How long a job stays locked to this worker without a renewal, ms (default 30000). When a
   * worker dies, its job is handed to another worker within about `lockDurationMs + stalledIntervalMs`.
   */
  lockDurationMs?: number;
  /** How often this worker looks for jobs whose worker died, ms (default 30000). */
  stalledIntervalMs?: number;
  /** Called after each try of a job with its id and outcome (for logs). */
  onJob?: (event: { jobId: string; ok: boolean; ms: number; error?: string }) => void;
}

/** A running worker. */
export interface TrialWorker {
  /** Stops taking jobs, lets the running ones finish, ends the threads and closes the connections. */
  close(): Promise<void>;
}

function optionalPositiveInteger(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw new Error(`startTrialWorker: options.${name} must be a positive integer, got ${String(value)}`);
  return value as number;
}

/**
 * Starts a worker that takes trial jobs from the queue and trains them. The evaluator comes from
 * `module`: its export `exportName` (default `evaluatorFor`) turns a job's task (a JSON value from
 * the driver, e.g. which data set and model) into an evaluator `(configs, budget, job) => scores`,
 * typically by loading the data set it names from this machine's copy; it is called once per
 * distinct task and thread. Jobs run in threads, `concurrency` of them. Start one worker on every
 * machine that should train; workers may join or leave while a search runs.
 */
export async function startTrialWorker(options: TrialWorkerOptions): Promise<TrialWorker> {
  if (!options || typeof options !== 'object') throw new Error('startTrialWorker: options { redis, module } are required');
  const connection = parseRedisUrl(options.redis, 'startTrialWorker: options.redis');
  if (typeof options.module !== 'string' && !(options.module instanceof URL)) throw new Error('startTrialWorker: options.module must be a path or file URL of the evaluator module');
  const queueName = options.queueName ?? 'nnlab-trials';
  if (typeof queueName !== 'string' || !/^[A-Za-z0-9_-]+$/.test(queueName)) throw new Error(`startTrialWorker: options.queueName must be letters, digits, '-' and '_', got ${JSON.stringify(queueName)}`);
  const concurrency = optionalPositiveInteger(options.concurrency, 'concurrency') ?? 1;
  const jobTimeoutMs = optionalPositiveInteger(options.jobTimeoutMs, 'jobTimeoutMs');
  const lockDuration = optionalPositiveInteger(options.lockDurationMs, 'lockDurationMs') ?? 30_000;
  const stalledInterval = optionalPositiveInteger(options.stalledIntervalMs, 'stalledIntervalMs') ?? 30_000;
  await probeRedis(options.redis, { argument: 'startTrialWorker: options.redis' });
  const threads = await EvaluatorThreads.start(options, concurrency);

  const process = async (job: Job<TrialJobData, TrialJobResult>): Promise<TrialJobResult> => {
    const start = performance.now();
    const id = job.id ?? '?';
    try {
      let data: TrialJobData;
      try {
        data = checkTrialJobData(job.data);
      } catch (e) {
        throw new BadTaskError((e as Error).message);
      }
      const result = encodeScores(await threads.evaluate(data.task, data.job, id, jobTimeoutMs), data.job);
      options.onJob?.({ jobId: id, ok: true, ms: performance.now() - start });
      return result;
    } catch (e) {
      options.onJob?.({ jobId: id, ok: false, ms: performance.now() - start, error: (e as Error).message });
      // Bad input fails the same way on every try: no retries, so it cannot clog the queue.
      if (e instanceof BadTaskError) throw new UnrecoverableError(`bad input in job ${id}: ${e.message}`);
      throw e;
    }
  };

  const worker = new Worker<TrialJobData, TrialJobResult>(queueName, process, { connection: { ...connection, maxRetriesPerRequest: null }, concurrency, lockDuration, stalledInterval });
  worker.on('error', () => {});
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      await threads.close();
    },
  };
}
