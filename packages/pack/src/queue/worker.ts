import type { EvaluatorModule } from './evaluator-threads';
import { checkTrialJobData, encodeScores, type TrialJobData } from './job-data';
import type { JobWorker, JobWorkerOptions } from './job-worker';
import { optionalPositiveInteger } from './options';
import { parseRedisUrl } from './redis-url';
import { startThreadedJobWorker } from './threaded-worker';

/** Options of {@link startTrialWorker}. */
export interface TrialWorkerOptions extends EvaluatorModule, Omit<JobWorkerOptions, 'queueName' | 'handle' | 'owner'> {
  /** BullMQ queue name shared with the driver (default `'nnlab-trials'`). */
  queueName?: string;
  /** A try that runs longer is stopped (its thread ended) and fails, to be retried up to the driver's attempts, ms (default: no limit). */
  jobTimeoutMs?: number;
}

/** A running trial worker. */
export type TrialWorker = JobWorker;

/**
 * Starts a worker that takes trial jobs from the queue and trains them. The evaluator comes from
 * `module`: its export `exportName` (default `evaluatorFor`) turns a job's task (a JSON value from
 * the driver, e.g. which data set and model) into an evaluator `(configs, budget, job) => scores`,
 * typically by loading the data set it names from this machine's copy; it is called once per
 * distinct task and thread. Jobs run in threads, `concurrency` of them, so that this thread stays
 * free to renew the job locks. Start one worker on every machine that should train; workers may
 * join or leave while a search runs.
 */
export async function startTrialWorker(options: TrialWorkerOptions): Promise<TrialWorker> {
  const owner = 'startTrialWorker';
  if (!options || typeof options !== 'object') throw new Error(`${owner}: options { redis, module } are required`);
  parseRedisUrl(options.redis, `${owner}: options.redis`);
  if (typeof options.module !== 'string' && !(options.module instanceof URL)) throw new Error(`${owner}: options.module must be a path or file URL of the evaluator module`);
  const jobTimeoutMs = optionalPositiveInteger(options.jobTimeoutMs, 'jobTimeoutMs', owner);
  return startThreadedJobWorker({
    ...options,
    owner,
    queueName: options.queueName ?? 'nnlab-trials',
    prepare(payload) {
      const { task, job } = checkTrialJobData(payload);
      return { task, args: [job.configs, job.budget, job], timeoutMs: jobTimeoutMs };
    },
    finish: (scores, payload) => encodeScores(Array.isArray(scores) ? scores : Array.from(scores as ArrayLike<number>), (payload as TrialJobData).job),
  });
}
