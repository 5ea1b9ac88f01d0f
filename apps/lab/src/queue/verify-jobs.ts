/**
 * ACAS Xu verification on the job queue: one job per instance (network × property) on the queue
 * `nnlab-verify`, verified by `nnlab worker` processes from their own copy of the benchmark, and the
 * same function in this process when there is no queue, so both give the same verdicts.
 */
import { verify, type VerifyResult } from '@nnlab/bab-gnn';
import { acasXuDataDir, readAcasXuNetwork, readAcasXuProperty, type AcasXuInstance } from '@nnlab/bab-gnn/node';
import { BadJobInput, openJobQueue, startJobWorker, type JobWorker } from '@nnlab/pack/queue';

/** The queue verification jobs go to. */
export const VERIFY_QUEUE = 'nnlab-verify';

/**
 * Verification runs on the worker's own thread, which also renews the job's lock, so the lock must
 * outlast the longest job: jobs take at most {@link MAX_JOB_TIMEOUT_S} and the lock is held for 10
 * minutes. A worker that dies hands its job on after that.
 */
export const MAX_JOB_TIMEOUT_S = 480;
const LOCK_MS = 600_000;

/** One verification job. */
export interface AcasXuJob {
  /** Network N_{x,y} and property φ. */
  instance: AcasXuInstance;
  /** Per-instance timeout, seconds. */
  timeout: number;
}

/** What a job returns: the verdict and its cost. */
export interface AcasXuOutcome {
  /** holds, violated, timeout or unknown. */
  status: VerifyResult['status'];
  /** Verification time, ms. */
  timeMs: number;
  /** Branches explored. */
  branches: number;
}

const intIn = (v: unknown, lo: number, hi: number) => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;

/** Checks a job payload; the error names the field and the range. */
export function checkAcasXuJob(data: unknown): AcasXuJob {
  const d = data as Partial<AcasXuJob> | null;
  const i = d?.instance as Partial<AcasXuInstance> | undefined;
  if (!d || typeof d !== 'object' || !i || typeof i !== 'object') throw new Error(`job data must be { instance: { x, y, property }, timeout }, got ${JSON.stringify(data)}`);
  if (!intIn(i.x, 1, 5)) throw new Error(`job data.instance.x must be an integer in 1..5, got ${JSON.stringify(i.x)}`);
  if (!intIn(i.y, 1, 9)) throw new Error(`job data.instance.y must be an integer in 1..9, got ${JSON.stringify(i.y)}`);
  if (!intIn(i.property, 1, 10)) throw new Error(`job data.instance.property must be an integer in 1..10, got ${JSON.stringify(i.property)}`);
  if (typeof d.timeout !== 'number' || !(d.timeout > 0) || d.timeout > MAX_JOB_TIMEOUT_S) throw new Error(`job data.timeout must be a number of seconds in (0, ${MAX_JOB_TIMEOUT_S}], got ${JSON.stringify(d.timeout)}`);
  return d as AcasXuJob;
}

/** Verifies one instance from the ACAS Xu data in `dir` (default: this machine's copy). */
export async function verifyAcasXuJob(job: AcasXuJob, dir?: string): Promise<AcasXuOutcome> {
  const where = acasXuDataDir(dir);
  const net = readAcasXuNetwork(where, job.instance.x, job.instance.y).network;
  const r = await verify(net, readAcasXuProperty(where, job.instance.property), { timeout: job.timeout });
  return { status: r.status, timeMs: r.stats.timeMs, branches: r.stats.branches };
}

/** Verifies `instances` as jobs on the queue; resolves to their outcomes in order. */
export async function verifyAcasXuOnQueue(instances: readonly AcasXuInstance[], options: { redis: string; runId: string; timeout: number; log: (message: string) => void }): Promise<AcasXuOutcome[]> {
  if (options.timeout > MAX_JOB_TIMEOUT_S) throw new Error(`verify --redis: the per-instance timeout must be at most ${MAX_JOB_TIMEOUT_S} s on the queue, got ${options.timeout}`);
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

/** Starts a worker for verification jobs (one at a time: verification keeps its thread busy). */
export function startVerifyWorker(options: { redis: string; onJob?: (event: { jobId: string; ok: boolean; ms: number; error?: string }) => void }): Promise<JobWorker> {
  return startJobWorker({
    redis: options.redis,
    queueName: VERIFY_QUEUE,
    owner: 'nnlab worker',
    lockDurationMs: LOCK_MS,
    onJob: options.onJob,
    async handle(data) {
      let job: AcasXuJob;
      try {
        job = checkAcasXuJob(data);
      } catch (e) {
        throw new BadJobInput((e as Error).message);
      }
      return verifyAcasXuJob(job);
    },
  });
}
