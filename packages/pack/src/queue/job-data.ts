import { checkScores, type TrialJob } from '../hyperband/executor';

/**
 * What travels in one queue job: the trial job of the search plus the task, a JSON value the
 * workers resolve into an evaluator (it names the data and model, never the data itself: every
 * worker reads its own copy).
 */
export interface TrialJobData {
  /** The run the job belongs to (part of the job id; a restarted driver with the same run id resumes). */
  runId: string;
  /** Names what to train and on which data; see `TrialWorkerOptions.evaluatorFor`. */
  task: unknown;
  /** The configurations, budget, bracket and rung. */
  job: TrialJob;
}

/** A worker's answer: scores as strings, so that NaN and ±Infinity survive JSON. */
export interface TrialJobResult {
  /** One score per configuration, `String(score)`. */
  scores: string[];
}

/** The queue job id of `job` in run `runId`: the same search asks for the same ids, so adding twice is a no-op. */
export function trialJobId(runId: string, job: TrialJob): string {
  return `${runId}.b${job.bracket}.r${job.rung}.t${job.ids.join('-')}`;
}

const isJson = (value: unknown): boolean => {
  try {
    return JSON.stringify(value) !== undefined;
  } catch {
    return false;
  }
};

/** Checks a job payload as it arrives at a worker; throws an error that names the bad field. */
export function checkTrialJobData(data: unknown): TrialJobData {
  const d = data as Partial<TrialJobData> | null;
  if (!d || typeof d !== 'object') throw new Error(`job data must be an object { runId, task, job }, got ${JSON.stringify(data)}`);
  if (typeof d.runId !== 'string' || d.runId === '') throw new Error(`job data.runId must be a non-empty string, got ${JSON.stringify(d.runId)}`);
  if (d.task === undefined || !isJson(d.task)) throw new Error('job data.task must be a JSON value naming what to train');
  const job = d.job as Partial<TrialJob> | undefined;
  if (!job || typeof job !== 'object') throw new Error(`job data.job must be an object { ids, configs, budget, bracket, rung }, got ${JSON.stringify(job)}`);
  if (!Array.isArray(job.configs) || job.configs.length === 0 || job.configs.some((c) => !c || typeof c !== 'object' || Array.isArray(c))) {
    throw new Error(`job data.job.configs must be a non-empty array of configuration objects, got ${JSON.stringify(job.configs)}`);
  }
  if (!Array.isArray(job.ids) || job.ids.length !== job.configs.length || job.ids.some((id) => !Number.isInteger(id))) {
    throw new Error(`job data.job.ids must hold one integer trial id per configuration (${job.configs.length}), got ${JSON.stringify(job.ids)}`);
  }
  if (typeof job.budget !== 'number' || !(job.budget > 0) || !Number.isFinite(job.budget)) throw new Error(`job data.job.budget must be a positive number, got ${JSON.stringify(job.budget)}`);
  for (const key of ['bracket', 'rung'] as const) {
    if (!Number.isInteger(job[key]) || (job[key] as number) < 0) throw new Error(`job data.job.${key} must be an integer ≥ 0, got ${JSON.stringify(job[key])}`);
  }
  return d as TrialJobData;
}

/** Encodes an evaluator's scores for the queue. */
export function encodeScores(scores: unknown, job: TrialJob): TrialJobResult {
  return { scores: checkScores(scores, job).map(String) };
}

/** Decodes a worker's answer back into numbers; throws when it is not one score per configuration. */
export function decodeScores(value: unknown, job: TrialJob, jobId: string): number[] {
  const list = (value as TrialJobResult | null)?.scores;
  if (!Array.isArray(list) || list.length !== job.configs.length || list.some((s) => typeof s !== 'string')) {
    throw new Error(`queue job ${jobId}: expected { scores: [${job.configs.length} strings] } from the worker, got ${JSON.stringify(value)}`);
  }
  return list.map(Number);
}
