import type { Configuration } from './space';

/** One unit of work for a trial executor: train the configurations together for `budget` units and score each. */
export interface TrialJob {
  /** Trial ids (unique within one search), in the order of `configs`. */
  ids: number[];
  /** The configurations; more than one means the job is a pack. */
  configs: Configuration[];
  /** Budget per configuration (epochs). */
  budget: number;
  /** Hyperband bracket s (or 0 for plain successive halving). */
  bracket: number;
  /** Rung index within the bracket. */
  rung: number;
}

/**
 * Trains and scores the configurations of one job; returns one score per configuration, in order
 * (higher is better, e.g. validation accuracy). With one configuration per job it is the plain
 * Hyperband evaluator; with several it trains them as one pack.
 */
export type Evaluator = (configs: Configuration[], budget: number, job: TrialJob) => Promise<number[]> | number[];

/** Runs jobs and returns their scores in job order; where and how (in process, worker threads) is up to it. */
export interface TrialExecutor {
  /** Runs every job (possibly concurrently); resolves to one score list per job. */
  run(jobs: readonly TrialJob[]): Promise<number[][]>;
  /** Frees the executor's resources (worker threads). */
  close?(): Promise<void>;
}

/** Checks an evaluator's answer for `job`: one finite-or-NaN number per configuration. */
export function checkScores(scores: unknown, job: TrialJob): number[] {
  if (!Array.isArray(scores) && !(scores instanceof Float32Array) && !(scores instanceof Float64Array)) {
    throw new Error(`evaluator: expected an array of ${job.configs.length} scores for trials [${job.ids}], got ${String(scores)}`);
  }
  const list = Array.from(scores as ArrayLike<number>);
  if (list.length !== job.configs.length) throw new Error(`evaluator: expected ${job.configs.length} scores for trials [${job.ids}], got ${list.length}`);
  list.forEach((s, i) => {
    if (typeof s !== 'number') throw new Error(`evaluator: score ${i} of trials [${job.ids}] is not a number: ${String(s)}`);
  });
  return list;
}

/** Runs jobs one after another in this thread with `evaluator`. */
export function inProcessExecutor(evaluator: Evaluator): TrialExecutor {
  if (typeof evaluator !== 'function') throw new Error('inProcessExecutor: evaluator must be a function (configs, budget, job) => scores');
  return {
    async run(jobs) {
      const out: number[][] = [];
      for (const job of jobs) out.push(checkScores(await evaluator(job.configs, job.budget, job), job));
      return out;
    },
  };
}
