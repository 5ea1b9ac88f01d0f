/**
 * The executor of a Hyperband search in the lab: in this process by default, or on a BullMQ queue
 * in Redis (`--redis`) where `nnlab worker` processes on any machine train the jobs.
 */
import { inProcessExecutor, type Evaluator, type TrialExecutor } from '@nnlab/pack';
import { queueExecutor, type MnistMlpTask } from '@nnlab/pack/queue';

/** Where a search runs. */
export interface SearchPlacement {
  /** The Redis server of the queue; without it the search runs in this process. */
  redis?: string;
  /** Names the run (a restarted driver with the same id resumes); several searches of one run differ by `search`. */
  runId: string;
  /** Which search of the run this is, e.g. `'packed'`: the queue's run id is `<runId>-<search>`. */
  search: string;
  /** What the workers train: the same data, model and evaluator as `inProcess`. */
  task: MnistMlpTask;
  /** The evaluator of an in-process run. */
  inProcess: Evaluator;
  /** Tries per queue job (default 3). */
  attempts?: number;
  /** Progress lines. */
  log: (message: string) => void;
}

/** An executor to pass to `hyperband`, and how to release it. */
export async function searchExecutor(p: SearchPlacement): Promise<TrialExecutor & { close(): Promise<void> }> {
  if (p.redis === undefined) return { ...inProcessExecutor(p.inProcess), close: async () => {} };
  const runId = `${p.runId}-${p.search}`;
  const executor = await queueExecutor({ redis: p.redis, runId, task: p.task, attempts: p.attempts });
  p.log(`queue: run ${runId} on ${p.redis} (queue ${executor.queueName}); start workers with 'nnlab worker --redis ${p.redis}'; pass --run-id ${p.runId} to resume this run`);
  return executor;
}
