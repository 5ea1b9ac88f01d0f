/**
 * Verification on the job queue: one job per ACAS Xu instance (network × property) on the queue
 * `nnlab-verify` and one per OVAL CIFAR property and branching rule on `nnlab-verify-oval`,
 * verified by `nnlab worker` processes from their own copy of the benchmarks, and the same functions
 * in this process when there is no queue, so both give the same verdicts.
 */
import type { OvalRun } from '@nnlab/bab-gnn';
import { checkAcasXuJob, checkOvalJob, MAX_ACASXU_JOB_TIMEOUT_S, readOvalProperties, verifyAcasXuInstance, type AcasXuInstance, type AcasXuJob, type AcasXuOutcome, type OvalJob } from '@nnlab/bab-gnn/node';
import { openJobQueue, startThreadedJobWorker, type JobWorker } from '@nnlab/pack/queue';

export type { AcasXuJob, AcasXuOutcome, OvalJob };

/** The queue ACAS Xu verification jobs go to. */
export const VERIFY_QUEUE = 'nnlab-verify';

/** The queue OVAL CIFAR verification jobs go to. */
export const OVAL_VERIFY_QUEUE = 'nnlab-verify-oval';

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

/** Verifies OVAL properties under rules as jobs on the queue; resolves to their runs in order. */
export async function verifyOvalOnQueue(jobs: readonly OvalJob[], options: { redis: string; runId: string; log: (message: string) => void }): Promise<OvalRun[]> {
  const checked = jobs.map(checkOvalJob);
  const queue = await openJobQueue({ redis: options.redis, queueName: OVAL_VERIFY_QUEUE, owner: 'verify --suite --redis' });
  options.log(`queue: run ${options.runId} on ${options.redis} (queue ${OVAL_VERIFY_QUEUE}, ${checked.length} jobs); start workers with 'nnlab worker --redis ${options.redis}'`);
  try {
    return await queue.runAll(
      checked.map((job) => {
        const name = `${job.suite}.r${job.row}.${job.rule}`;
        return { id: `${options.runId}.${name}`, data: job, label: `job ${options.runId}.${name} (OVAL ${job.suite} row ${job.row}, ${job.rule})` };
      }),
      (value) => value as OvalRun,
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
 * Starts a worker for verification jobs (ACAS Xu and OVAL), one at a time per queue. Verification
 * keeps a thread busy for the whole job, so it runs in a thread of its own: this thread stays free
 * to renew the job's lock, and a worker that dies hands its job on within about a lock duration.
 */
export async function startVerifyWorker(options: VerifyWorkerOptions): Promise<JobWorker> {
  const acasXu = await startThreadedVerifier(options, VERIFY_QUEUE, 'acasXuVerifierFor', checkAcasXuJob);
  try {
    const oval = await startThreadedVerifier(options, OVAL_VERIFY_QUEUE, 'ovalVerifierFor', (data) => {
      const job = checkOvalJob(data);
      // A row the table lacks fails the same way on every try: checked here, so it fails once.
      if (!readOvalProperties(job.suite).some((p) => p.row === job.row)) throw new Error(`job data.row: the OVAL table ${job.suite} has no row ${job.row}`);
      return job;
    });
    return { close: async () => void (await Promise.all([acasXu.close(), oval.close()])) };
  } catch (e) {
    await acasXu.close();
    throw e;
  }
}

/** One queue's worker whose jobs run `@nnlab/bab-gnn/node`'s `exportName(null)` in a thread; `check` returns the job (with its timeout, seconds) or throws for bad input. */
function startThreadedVerifier(options: VerifyWorkerOptions, queueName: string, exportName: string, check: (data: unknown) => { timeout: number }): Promise<JobWorker> {
  return startThreadedJobWorker({
    redis: options.redis,
    queueName,
    owner: 'nnlab worker',
    module: import.meta.resolve('@nnlab/bab-gnn/node'),
    exportName,
    lockDurationMs: options.lockDurationMs,
    stalledIntervalMs: options.stalledIntervalMs,
    onStart: options.onStart,
    onJob: options.onJob,
    prepare(data) {
      const job = check(data);
      return { task: null, args: [job], timeoutMs: job.timeout * 1000 + JOB_GRACE_MS };
    },
  });
}
