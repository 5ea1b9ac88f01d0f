import type { TrialExecutor } from '../hyperband/executor';
import { decodeScores, trialJobId, type TrialJobData } from './job-data';
import { openJobQueue, type JobQueueOptions } from './job-queue';

/** Options of {@link queueExecutor}. */
export interface QueueExecutorOptions extends Omit<JobQueueOptions, 'queueName' | 'owner'> {
  /**
   * Names this search. Job ids derive from it and from the trial ids, so a driver restarted with the
   * same run id (and the same search) finds the jobs already queued or finished and recomputes nothing.
   */
  runId: string;
  /** A JSON value the workers turn into an evaluator (see `startTrialWorker`): which data, which model. */
  task: unknown;
  /** BullMQ queue name shared with the workers (default `'nnlab-trials'`). */
  queueName?: string;
}

/** A {@link TrialExecutor} on a BullMQ queue, with the queue it adds to. */
export interface QueueExecutor extends TrialExecutor {
  /** The queue's name. */
  readonly queueName: string;
  /** Closes the driver's Redis connections (the jobs and their results stay in Redis). */
  close(): Promise<void>;
}

/**
 * Runs a search's jobs on a BullMQ queue in Redis: each job (one pack of a rung) becomes a queue
 * job, any number of workers on any machine (`startTrialWorker`) train them, and `run` resolves
 * when every job of the rung has a result. Job ids are deterministic (run id, bracket, rung, trial
 * ids), so re-running the same search with the same run id resumes: finished jobs return their
 * stored result, queued ones are not added twice, and a job missing from Redis is queued again.
 */
export async function queueExecutor(options: QueueExecutorOptions): Promise<QueueExecutor> {
  if (!options || typeof options !== 'object') throw new Error('queueExecutor: options { redis, runId, task } are required');
  if (typeof options.runId !== 'string' || !/^[A-Za-z0-9_-]+$/.test(options.runId)) {
    throw new Error(`queueExecutor: options.runId must be a non-empty string of letters, digits, '-' and '_', got ${JSON.stringify(options.runId)}`);
  }
  if (options.task === undefined || JSON.stringify(options.task) === undefined) throw new Error('queueExecutor: options.task must be a JSON value naming what the workers train');
  const queue = await openJobQueue({ ...options, queueName: options.queueName ?? 'nnlab-trials', owner: 'queueExecutor' });
  return {
    queueName: queue.queueName,
    run(jobs) {
      const ids = jobs.map((job) => trialJobId(options.runId, job));
      return queue.runAll(
        jobs.map((job, i) => ({ id: ids[i], data: { runId: options.runId, task: options.task, job } satisfies TrialJobData, label: `job ${ids[i]} (trials [${job.ids}], budget ${job.budget})` })),
        (value, i) => decodeScores(value, jobs[i], ids[i]),
      );
    },
    close: () => queue.close(),
  };
}
