/**
 * ACAS Xu verification on the job queue: one job per instance (network × property) on the queue
 * `nnlab-verify`, verified by `nnlab worker` processes from their own copy of the benchmark, and the
 * same function in this process when there is no queue, so both give the same verdicts.
 */
import { checkAcasXuJob, MAX_ACASXU_JOB_TIMEOUT_S, verifyAcasXuInstance, type AcasXuInstance, type AcasXuJob, type AcasXuOutcome } from '@nnlab/bab-gnn/node';
import { BadJobInput, EvaluatorThreads, openJobQueue, startJobWorker, type JobWorker } from '@nnlab/pack/queue';

export type { AcasXuJob, AcasXuOutcome };

/** The queue verification jobs go to. */
export const VERIFY_QUEUE = 'nnlab-verify';

/** A try runs at most this long past the job's own timeout before its thread is ended, ms. */
const JOB_GRACE_MS = 60_000;

/** Verifies one instance in this process, from the ACAS Xu copy in `dir` (default: this machine's). */
export function verifyAcasXuJob(job: AcasXuJob, dir?: string): Promise<AcasXuOutcome> {
  return verifyAcasXuInstance(job, dir);
}

/** Verifies `instances` as jobs on the queue; resolves to their outcomes in order. */
export async function verifyAcasXuOnQueue(instances: readonly AcasXuInstance[], options: { redis: string; runId: string; timeout: number; log: (message: string) => void }): Promise<AcasXuOutcome[]> {
  if (!(options.timeout > 0) || options.timeout > MAX_ACASXU_JOB_TIMEOUT_S) throw new Error(`verify --redis: the per-instance timeout must be in (0, ${MAX_ACASXU_JOB_TIMEOUT_S}] s, got ${options.timeout}`);
  const queue = await openJobQueue({ redis: options.redis, queueName: VERIFY_QUEUE, owner: 'verify --redis' });
  options.log(`queue: run ${options.runId} on ${options.redis} (queue ${VERIFY_QUEUE}, ${instances.length} jobs); start workers with 'nnlab worker --redis ${options.redis}'`);
  try {
    return await queue.runAll(
      instances.map((instance) => {
        const name = `N${instance.x}-${instance.y}.p${instance.property}`;
        return { id: `${options.runId}.${name}`, data: { instance, timeout: options.timeout } satisfies AcasXuJob, label: `job ${options.runId}.${name} (N${instance.x},${instance.y} φ${instance.property})` };
      }),
      (value) => value as AcasXuOutcome,
    );
  } finally {
    await queue.close();
  }
}

/** Options of {@link startVerifyWorker}. */
export interface VerifyWorkerOptions {
  /** The Redis server. */
  redis: string;
  /** How long a job stays locked without a renewal, ms (default 30000): a dead worker's job moves on after about this plus `stalledIntervalMs`. */
  lockDurationMs?: number;
  /** How often the worker looks for jobs of dead workers, ms (default 30000). */
  stalledIntervalMs?: number;
  /** Called when a try starts. */
  onStart?: (jobId: string) => void;
  /** Called after each try. */
  onJob?: (event: { jobId: string; ok: boolean; ms: number; error?: string }) => void;
}

/**
 * Starts a worker for verification jobs, one at a time. Verification keeps a thread busy for the
 * whole job, so it runs in a thread of its own: this thread stays free to renew the job's lock, and
 * a worker that dies hands its job on within about a lock duration.
 */
export async function startVerifyWorker(options: VerifyWorkerOptions): Promise<JobWorker> {
  const threads = await EvaluatorThreads.start({ module: import.meta.resolve('@nnlab/bab-gnn/node'), exportName: 'acasXuVerifierFor' }, 1);
  try {
    const worker = await startJobWorker({
      redis: options.redis,
      queueName: VERIFY_QUEUE,
      owner: 'nnlab worker',
      lockDurationMs: options.lockDurationMs,
      stalledIntervalMs: options.stalledIntervalMs,
      onStart: options.onStart,
      onJob: options.onJob,
      async handle(data, jobId) {
        let job: AcasXuJob;
        try {
          job = checkAcasXuJob(data);
        } catch (e) {
          throw new BadJobInput((e as Error).message);
        }
        return threads.call(null, [job], jobId, job.timeout * 1000 + JOB_GRACE_MS);
      },
    });
    return {
      async close() {
        await worker.close();
        await threads.close();
      },
    };
  } catch (e) {
    await threads.close();
    throw e;
  }
}
