/**
 * One ACAS Xu instance as a self-contained job: what a process or thread needs to verify it from
 * its own copy of the benchmark, checked on arrival, and the verdict with its cost.
 */
import { verify, type VerifyResult } from '../bab/verify';
import { acasXuDataDir, readAcasXuNetwork, readAcasXuProperty } from './acasxu';
import type { AcasXuInstance } from './acasxu-instances';

/** The longest per-instance timeout a job may ask for, seconds (a day). */
export const MAX_ACASXU_JOB_TIMEOUT_S = 86_400;

/** One verification job: an instance and its timeout. */
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

/** Checks a job payload (e.g. JSON from a queue); the error names the field and the range. */
export function checkAcasXuJob(data: unknown): AcasXuJob {
  const d = data as Partial<AcasXuJob> | null;
  const i = d?.instance as Partial<AcasXuInstance> | undefined;
  if (!d || typeof d !== 'object' || !i || typeof i !== 'object') throw new Error(`job data must be { instance: { x, y, property }, timeout }, got ${JSON.stringify(data)}`);
  if (!intIn(i.x, 1, 5)) throw new Error(`job data.instance.x must be an integer in 1..5, got ${JSON.stringify(i.x)}`);
  if (!intIn(i.y, 1, 9)) throw new Error(`job data.instance.y must be an integer in 1..9, got ${JSON.stringify(i.y)}`);
  if (!intIn(i.property, 1, 10)) throw new Error(`job data.instance.property must be an integer in 1..10, got ${JSON.stringify(i.property)}`);
  if (typeof d.timeout !== 'number' || !(d.timeout > 0) || d.timeout > MAX_ACASXU_JOB_TIMEOUT_S) throw new Error(`job data.timeout must be a number of seconds in (0, ${MAX_ACASXU_JOB_TIMEOUT_S}], got ${JSON.stringify(d.timeout)}`);
  return d as AcasXuJob;
}

/**
 * Verifies one ACAS Xu instance with the default settings, reading the benchmark from `dir`
 * (default: {@link acasXuDataDir}'s search).
 *
 * @example
 * ```ts
 * import { verifyAcasXuInstance } from '@nnlab/bab-gnn/node';
 *
 * const outcome = await verifyAcasXuInstance({ instance: { x: 1, y: 5, property: 1 }, timeout: 30 });
 * console.log(outcome.status); // → holds
 * ```
 */
export async function verifyAcasXuInstance(job: AcasXuJob, dir?: string): Promise<AcasXuOutcome> {
  const checked = checkAcasXuJob(job);
  const where = acasXuDataDir(dir);
  const net = readAcasXuNetwork(where, checked.instance.x, checked.instance.y).network;
  const r = await verify(net, readAcasXuProperty(where, checked.instance.property), { timeout: checked.timeout });
  return { status: r.status, timeMs: r.stats.timeMs, branches: r.stats.branches };
}

/**
 * The verifier a worker thread or process loads by name: `acasXuVerifierFor({ dir })` returns a
 * function that checks a job payload and verifies it from the benchmark copy in `dir` (default as
 * in {@link verifyAcasXuInstance}).
 */
export function acasXuVerifierFor(task?: { dir?: string } | null): (job: unknown) => Promise<AcasXuOutcome> {
  const dir = task?.dir;
  if (dir !== undefined && typeof dir !== 'string') throw new Error(`acasXuVerifierFor: task.dir must be a folder path, got ${JSON.stringify(dir)}`);
  return (job) => verifyAcasXuInstance(checkAcasXuJob(job), dir);
}
