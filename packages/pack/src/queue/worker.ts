import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Evaluator } from '../hyperband/executor';
import { checkTrialJobData, encodeScores, type TrialJobData, type TrialJobResult } from './job-data';
import { parseRedisUrl, probeRedis } from './redis-url';

/** Options of {@link startTrialWorker}. */
export interface TrialWorkerOptions {
  /** The Redis server the driver uses, `redis://host:port[/db]`. */
  redis: string;
  /**
   * Turns a job's task (a JSON value from the driver) into an evaluator, e.g. by loading the data
   * set it names from this machine's copy. Called once per distinct task; the evaluator is reused.
   * An error here fails the job at once, without retries: the task is bad input.
   */
  evaluatorFor: (task: unknown) => Evaluator | Promise<Evaluator>;
  /** BullMQ queue name shared with the driver (default `'nnlab-trials'`). */
  queueName?: string;
  /** Jobs this worker runs at a time (default 1: training is CPU-bound, so run one worker process per core instead). */
  concurrency?: number;
  /** A try that runs longer fails (and is retried, up to the driver's attempts), ms (default: no limit). */
  jobTimeoutMs?: number;
  /**
   * How long a job stays locked to this worker without a renewal, ms (default 30000). When a
   * worker dies, its job is handed to another worker within about `lockDurationMs + stalledIntervalMs`.
   */
  lockDurationMs?: number;
  /** How often this worker looks for jobs whose worker died, ms (default 30000). */
  stalledIntervalMs?: number;
  /** Called after each job with its id and outcome (for logs). */
  onJob?: (event: { jobId: string; ok: boolean; ms: number; error?: string }) => void;
}

/** A running worker. */
export interface TrialWorker {
  /** Stops taking jobs, lets the running ones finish, closes the connections. */
  close(): Promise<void>;
}

function optionalPositiveInteger(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw new Error(`startTrialWorker: options.${name} must be a positive integer, got ${String(value)}`);
  return value as number;
}

function withTimeout<T>(work: Promise<T>, ms: number | undefined, jobId: string): Promise<T> {
  if (ms === undefined) return work;
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`job ${jobId} ran past the job timeout of ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Starts a worker that takes trial jobs from the queue, trains them with the evaluator its task
 * names and returns the scores. Run it on every machine that should train; any number of workers
 * may join or leave while a search runs.
 */
export async function startTrialWorker(options: TrialWorkerOptions): Promise<TrialWorker> {
  if (!options || typeof options !== 'object') throw new Error('startTrialWorker: options { redis, evaluatorFor } are required');
  const connection = parseRedisUrl(options.redis, 'startTrialWorker: options.redis');
  if (typeof options.evaluatorFor !== 'function') throw new Error('startTrialWorker: options.evaluatorFor must be a function (task) => evaluator');
  const queueName = options.queueName ?? 'nnlab-trials';
  if (typeof queueName !== 'string' || !/^[A-Za-z0-9_-]+$/.test(queueName)) throw new Error(`startTrialWorker: options.queueName must be letters, digits, '-' and '_', got ${JSON.stringify(queueName)}`);
  const concurrency = optionalPositiveInteger(options.concurrency, 'concurrency') ?? 1;
  const jobTimeoutMs = optionalPositiveInteger(options.jobTimeoutMs, 'jobTimeoutMs');
  const lockDuration = optionalPositiveInteger(options.lockDurationMs, 'lockDurationMs') ?? 30_000;
  const stalledInterval = optionalPositiveInteger(options.stalledIntervalMs, 'stalledIntervalMs') ?? 30_000;
  await probeRedis(options.redis, { argument: 'startTrialWorker: options.redis' });

  const evaluators = new Map<string, Promise<Evaluator>>();
  const evaluatorOf = (task: unknown): Promise<Evaluator> => {
    const key = JSON.stringify(task);
    let found = evaluators.get(key);
    if (!found) {
      found = Promise.resolve().then(() => options.evaluatorFor(task));
      evaluators.set(key, found);
      found.catch(() => evaluators.delete(key));
    }
    return found;
  };

  const process = async (job: Job<TrialJobData, TrialJobResult>): Promise<TrialJobResult> => {
    const start = performance.now();
    const id = job.id ?? '?';
    try {
      let data: TrialJobData;
      let evaluate: Evaluator;
      try {
        data = checkTrialJobData(job.data);
        evaluate = await evaluatorOf(data.task);
        if (typeof evaluate !== 'function') throw new Error(`evaluatorFor returned ${String(evaluate)}, not an evaluator function`);
      } catch (e) {
        // Bad input fails the same way on every try: no retries, so it cannot clog the queue.
        throw new UnrecoverableError(`bad input in job ${id}: ${(e as Error).message}`);
      }
      const scores = await withTimeout(Promise.resolve(evaluate(data.job.configs, data.job.budget, data.job)), jobTimeoutMs, id);
      const result = encodeScores(scores, data.job);
      options.onJob?.({ jobId: id, ok: true, ms: performance.now() - start });
      return result;
    } catch (e) {
      options.onJob?.({ jobId: id, ok: false, ms: performance.now() - start, error: (e as Error).message });
      throw e;
    }
  };

  const worker = new Worker<TrialJobData, TrialJobResult>(queueName, process, { connection: { ...connection, maxRetriesPerRequest: null }, concurrency, lockDuration, stalledInterval });
  worker.on('error', () => {});
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
    },
  };
}
