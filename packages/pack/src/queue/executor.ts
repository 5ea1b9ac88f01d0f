import { Queue, QueueEvents } from 'bullmq';
import type { TrialExecutor, TrialJob } from '../hyperband/executor';
import { decodeScores, trialJobId, type TrialJobData } from './job-data';
import { parseRedisUrl, probeRedis } from './redis-url';

/** Options of {@link queueExecutor}. */
export interface QueueExecutorOptions {
  /** The Redis server, `redis://host:port[/db]`; the workers must reach the same one. */
  redis: string;
  /**
   * Names this search. Job ids derive from it and from the trial ids, so a driver restarted with the
   * same run id (and the same search) finds the jobs already queued or finished and recomputes nothing.
   */
  runId: string;
  /** A JSON value the workers turn into an evaluator (`TrialWorkerOptions.evaluatorFor`): which data, which model. */
  task: unknown;
  /** BullMQ queue name shared with the workers (default `'nnlab-trials'`). */
  queueName?: string;
  /** Tries per job before it counts as failed (default 3); a job with bad input fails at its first try. */
  attempts?: number;
  /** Wait before a retry, ms (default 1000). */
  retryDelayMs?: number;
  /** How often the driver looks at pending jobs when no event arrives, ms (default 500). */
  pollIntervalMs?: number;
  /** How long the driver tolerates an unreachable Redis server in the middle of a run before it gives up, ms (default 120000). */
  redisDownTimeoutMs?: number;
}

/** A {@link TrialExecutor} on a BullMQ queue, with the queue it adds to. */
export interface QueueExecutor extends TrialExecutor {
  /** The queue's name. */
  readonly queueName: string;
  /** Closes the driver's Redis connections (the jobs and their results stay in Redis). */
  close(): Promise<void>;
}

function positiveInteger(value: unknown, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || (v as number) < 1) throw new Error(`queueExecutor: options.${name} must be a positive integer, got ${String(value)}`);
  return v as number;
}

/** Fails the run when a job failed for good: the error names every failed job and its reason. */
class FailedJobs extends Error {
  constructor(failures: string[]) {
    super(`queueExecutor: ${failures.length === 1 ? 'a job' : `${failures.length} jobs`} failed for good:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
    this.name = 'FailedJobs';
  }
}

/**
 * Runs a search's jobs on a BullMQ queue in Redis: each job (one pack of a rung) becomes a queue
 * job, any number of workers on any machine ({@link startTrialWorker}) train them, and `run`
 * resolves when every job of the rung has a result. Job ids are deterministic (run id, bracket,
 * rung, trial ids), so re-running the same search with the same run id resumes: finished jobs
 * return their stored result, queued ones are not added twice, and a job missing from Redis is
 * queued again.
 */
export async function queueExecutor(options: QueueExecutorOptions): Promise<QueueExecutor> {
  if (!options || typeof options !== 'object') throw new Error('queueExecutor: options { redis, runId, task } are required');
  const connection = parseRedisUrl(options.redis, 'queueExecutor: options.redis');
  if (typeof options.runId !== 'string' || !/^[A-Za-z0-9_-]+$/.test(options.runId)) {
    throw new Error(`queueExecutor: options.runId must be a non-empty string of letters, digits, '-' and '_', got ${JSON.stringify(options.runId)}`);
  }
  if (options.task === undefined || JSON.stringify(options.task) === undefined) throw new Error('queueExecutor: options.task must be a JSON value naming what the workers train');
  const queueName = options.queueName ?? 'nnlab-trials';
  if (typeof queueName !== 'string' || !/^[A-Za-z0-9_-]+$/.test(queueName)) throw new Error(`queueExecutor: options.queueName must be letters, digits, '-' and '_', got ${JSON.stringify(queueName)}`);
  const attempts = positiveInteger(options.attempts, 3, 'attempts');
  const retryDelayMs = positiveInteger(options.retryDelayMs, 1000, 'retryDelayMs');
  const pollIntervalMs = positiveInteger(options.pollIntervalMs, 500, 'pollIntervalMs');
  const redisDownTimeoutMs = positiveInteger(options.redisDownTimeoutMs, 120_000, 'redisDownTimeoutMs');
  await probeRedis(options.redis, { argument: 'queueExecutor: options.redis' });

  const queue = new Queue<TrialJobData>(queueName, { connection });
  const events = new QueueEvents(queueName, { connection });
  // A completion event only wakes the waiting loop early; the loop reads the truth from the jobs.
  let wake: (() => void) | null = null;
  const nudge = () => wake?.();
  events.on('completed', nudge);
  events.on('failed', nudge);
  events.on('error', () => {});
  queue.on('error', () => {});
  const sleep = () => new Promise<void>((resolve) => {
    const timer = setTimeout(() => { wake = null; resolve(); }, pollIntervalMs);
    wake = () => { clearTimeout(timer); wake = null; resolve(); };
  });
  let closed = false;

  const enqueue = (jobs: readonly TrialJob[], ids: readonly string[]) =>
    queue.addBulk(
      jobs.map((job, i) => ({
        name: 'trial',
        data: { runId: options.runId, task: options.task, job },
        opts: { jobId: ids[i], attempts, backoff: { type: 'fixed', delay: retryDelayMs }, removeOnComplete: false, removeOnFail: false },
      })),
    );

  return {
    queueName,
    async run(jobs) {
      if (closed) throw new Error('queueExecutor: the executor was closed');
      const ids = jobs.map((job) => trialJobId(options.runId, job));
      await enqueue(jobs, ids);
      const results = new Array<number[] | undefined>(jobs.length);
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
              const state = await queue.getJobState(ids[i]);
              const finished = state === 'completed' || state === 'failed';
              const job = finished || !checked.has(i) ? await queue.getJob(ids[i]) : undefined;
              if (state === 'unknown' || ((finished || !checked.has(i)) && !job)) return void missing.push(i);
              if (job && !checked.has(i)) {
                // The same run id with another search would silently mix results: refuse.
                if (JSON.stringify(job.data.job) !== JSON.stringify(jobs[i]) || JSON.stringify(job.data.task) !== JSON.stringify(options.task)) {
                  throw new Error(`queueExecutor: run '${options.runId}' already holds job ${ids[i]} with other data; a run id names one search (use a new runId)`);
                }
                checked.add(i);
              }
              if (state === 'completed') results[i] = decodeScores(job!.returnvalue, jobs[i], ids[i]);
              else if (state === 'failed') failures.push(`job ${ids[i]} (trials [${jobs[i].ids}], budget ${jobs[i].budget}) after ${job!.attemptsMade} ${job!.attemptsMade === 1 ? 'try' : 'tries'}: ${job!.failedReason}`);
              else still.push(i);
            }),
          );
          if (missing.length) {
            // Lost from Redis (e.g. a restart without persistence): queue them again.
            await enqueue(missing.map((i) => jobs[i]), missing.map((i) => ids[i]));
            still.push(...missing);
          }
          pending = still;
          downSince = null;
        } catch (e) {
          if (e instanceof Error && e.message.startsWith('queueExecutor:')) throw e;
          downSince ??= Date.now();
          if (Date.now() - downSince > redisDownTimeoutMs) throw new Error(`queueExecutor: Redis at ${options.redis} unreachable for ${redisDownTimeoutMs} ms: ${(e as Error).message}`);
        }
        if (pending.length > 0) await sleep();
      }
      if (failures.length) throw new FailedJobs(failures);
      return results as number[][];
    },
    async close() {
      closed = true;
      wake?.();
      await Promise.all([events.close(), queue.close()]);
    },
  };
}
