import { Queue, QueueEvents } from 'bullmq';
import { checkQueueName, optionalPositiveInteger } from './options';
import { parseRedisUrl, probeRedis } from './redis-url';

/** Options of {@link openJobQueue}. */
export interface JobQueueOptions {
  /** The Redis server, `redis://host:port[/db]`; the workers must reach the same one. */
  redis: string;
  /** BullMQ queue name shared with the workers. */
  queueName: string;
  /** Tries per job before it counts as failed (default 3); a job with bad input fails at its first try. */
  attempts?: number;
  /** Wait before a retry, ms (default 1000). */
  retryDelayMs?: number;
  /** How often the driver looks at pending jobs when no event arrives, ms (default 500). */
  pollIntervalMs?: number;
  /** How long the driver tolerates an unreachable Redis server in the middle of a run before it gives up, ms (default 120000). */
  redisDownTimeoutMs?: number;
  /** Names the caller in error messages (default `'queue'`). */
  owner?: string;
}

/** One job to run: a deterministic id (adding it again is a no-op), its payload, and how errors name it. */
export interface QueuedJob {
  /** The BullMQ job id: derived from the run and the work, so that a restarted driver asks for the same ids. */
  id: string;
  /** The payload (JSON). */
  data: unknown;
  /** How a failure names the job, e.g. `job r1.b0.r0.t3 (trials [3], budget 1)`. */
  label: string;
}

/** A driver's handle on one queue. */
export interface JobQueue {
  /** The queue's name. */
  readonly queueName: string;
  /**
   * Adds the jobs (an id already in Redis keeps its job and its result) and resolves when every one
   * has a result, decoded in order. Throws, after all have finished, when any failed for good, and
   * at once when a stored job with one of the ids holds other data.
   */
  runAll<T>(jobs: readonly QueuedJob[], decode: (value: unknown, index: number) => T): Promise<T[]>;
  /** Closes the driver's Redis connections (the jobs and their results stay in Redis). */
  close(): Promise<void>;
}

/**
 * Opens a BullMQ queue for a driver: idempotent adds, results read from Redis (so a restarted
 * driver resumes), a job missing from Redis queued again, failures collected with their reasons.
 */
export async function openJobQueue(options: JobQueueOptions): Promise<JobQueue> {
  const owner = options.owner ?? 'queue';
  const connection = parseRedisUrl(options.redis, `${owner}: options.redis`);
  const queueName = checkQueueName(options.queueName, owner);
  const attempts = optionalPositiveInteger(options.attempts, 'attempts', owner) ?? 3;
  const retryDelayMs = optionalPositiveInteger(options.retryDelayMs, 'retryDelayMs', owner) ?? 1000;
  const pollIntervalMs = optionalPositiveInteger(options.pollIntervalMs, 'pollIntervalMs', owner) ?? 500;
  const redisDownTimeoutMs = optionalPositiveInteger(options.redisDownTimeoutMs, 'redisDownTimeoutMs', owner) ?? 120_000;
  await probeRedis(options.redis, { argument: `${owner}: options.redis` });

  const queue = new Queue(queueName, { connection });
  const events = new QueueEvents(queueName, { connection });
  // A completion event only wakes the waiting loop early; the loop reads the truth from the jobs.
  let wake: (() => void) | null = null;
  const nudge = () => wake?.();
  events.on('completed', nudge);
  events.on('failed', nudge);
  events.on('error', () => {});
  queue.on('error', () => {});
  const sleep = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = null;
        resolve();
      }, pollIntervalMs);
      wake = () => {
        clearTimeout(timer);
        wake = null;
        resolve();
      };
    });
  let closed = false;
  const enqueue = (jobs: readonly QueuedJob[]) =>
    queue.addBulk(jobs.map((job) => ({ name: queueName, data: job.data, opts: { jobId: job.id, attempts, backoff: { type: 'fixed', delay: retryDelayMs }, removeOnComplete: false, removeOnFail: false } })));

  return {
    queueName,
    async runAll<T>(jobs: readonly QueuedJob[], decode: (value: unknown, index: number) => T): Promise<T[]> {
      if (closed) throw new Error(`${owner}: the queue was closed`);
      await enqueue(jobs);
      const results = new Array<T>(jobs.length);
      const failures: string[] = [];
      const checked = new Set<number>();
      let pending = jobs.map((_, i) => i);
      let downSince: number | null = null;
      while (pending.length > 0) {
        try {
          const still: number[] = [];
          const missing: number[] = [];
          await Promise.all(
            pending.map(async (i) => {
              // State first: once it is final, the job read after it holds the final result.
              const state = await queue.getJobState(jobs[i].id);
              const finished = state === 'completed' || state === 'failed';
              const job = finished || !checked.has(i) ? await queue.getJob(jobs[i].id) : undefined;
              if (state === 'unknown' || ((finished || !checked.has(i)) && !job)) return void missing.push(i);
              if (job && !checked.has(i)) {
                // Another run's job under the same id would silently mix results: refuse.
                if (JSON.stringify(job.data) !== JSON.stringify(jobs[i].data)) {
                  throw new Error(`${owner}: the queue already holds job ${jobs[i].id} with other data; a run id names one run (use a new run id)`);
                }
                checked.add(i);
              }
              if (state === 'completed') results[i] = decode(job!.returnvalue, i);
              else if (state === 'failed') failures.push(`${jobs[i].label} after ${job!.attemptsMade} ${job!.attemptsMade === 1 ? 'try' : 'tries'}: ${job!.failedReason}`);
              else still.push(i);
            }),
          );
          if (missing.length) {
            // Lost from Redis (e.g. a restart without persistence): queue them again.
            await enqueue(missing.map((i) => jobs[i]));
            still.push(...missing);
          }
          pending = still;
          downSince = null;
        } catch (e) {
          if (e instanceof Error && e.message.startsWith(`${owner}:`)) throw e;
          downSince ??= Date.now();
          if (Date.now() - downSince > redisDownTimeoutMs) throw new Error(`${owner}: Redis at ${options.redis} unreachable for ${redisDownTimeoutMs} ms: ${(e as Error).message}`);
        }
        if (pending.length > 0) await sleep();
      }
      if (failures.length) throw new Error(`${owner}: ${failures.length === 1 ? 'a job' : `${failures.length} jobs`} failed for good:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
      return results;
    },
    async close() {
      closed = true;
      wake?.();
      await Promise.all([events.close(), queue.close()]);
    },
  };
}
