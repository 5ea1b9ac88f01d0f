import * as t from '@nnlab/tensor-gpu';
import { planPacks, type PlanOptions } from '../planner/policies';
import { checkScores, type TrialExecutor, type TrialJob } from './executor';
import { hyperbandSchedule, integerLog } from './schedule';
import { selectSurvivors, type Selection } from './select';
import { sampleConfigurations, type Configuration, type SearchSpace } from './space';

/** A configuration under trial, with its id (sample order within the search). */
export interface Trial {
  /** Unique within one search. */
  id: number;
  /** The hyperparameters. */
  config: Configuration;
}

/** What happened in one rung. */
export interface RungRecord {
  /** Hyperband bracket s (0 for a lone successive halving). */
  bracket: number;
  /** Rung index i. */
  rung: number;
  /** Budget per configuration (epochs). */
  budget: number;
  /** Every configuration trained in the rung with its score (scores stay paired with their configuration). */
  trials: (Trial & { score: number })[];
  /** The packs the rung ran, as trial ids (one id per pack when unpacked). */
  packs: number[][];
  /** Ids of the configurations kept for the next rung, best first. */
  survivors: number[];
  /** Wall time of the rung, ms. */
  wallMs: number;
}

/** The best configuration found, and where. */
export interface BestTrial extends Trial {
  /** Its score. */
  score: number;
  /** The budget it was scored at. */
  budget: number;
  /** Bracket and rung of that evaluation. */
  bracket: number;
  /** Rung index of that evaluation. */
  rung: number;
}

/** The outcome of a search. */
export interface SearchResult {
  /** The highest score over every evaluation (ties: the earliest), or null when nothing ran. */
  best: BestTrial | null;
  /** Every rung, in the order they ran. */
  rungs: RungRecord[];
  /** Configuration trainings (one per configuration per rung). */
  trainings: number;
  /** Σ budget over every training (epochs). */
  budgetUsed: number;
  /** Wall time of the whole search, ms. */
  wallMs: number;
  /** Wall time from the start until the rung that produced `best` had finished, ms. */
  timeToBestMs: number;
}

/** Options shared by {@link successiveHalving} and {@link hyperband}. */
export interface SearchOptions {
  /** Runs the training jobs (see {@link inProcessExecutor}, and `workerPoolExecutor` from the package's `node` entry). */
  executor: TrialExecutor;
  /** Halving rate η (integer ≥ 2; default 3). */
  eta?: number;
  /**
   * How each rung's configurations are grouped into packs (default `{ policy: 'none' }`: plain,
   * one configuration per job). The seed of the plan is derived from the search seed, bracket and rung.
   */
  packing?: Omit<PlanOptions<Configuration>, 'seed'>;
  /** Survivor selection (default `'top'`). */
  selection?: Selection;
  /** Seed of the pack plans (and, for {@link hyperband}, of the sampling). */
  seed?: number;
  /** Called after every rung. */
  onRung?: (record: RungRecord) => void;
}

interface SearchState {
  rungs: RungRecord[];
  best: BestTrial | null;
  trainings: number;
  budgetUsed: number;
  start: number;
  timeToBestMs: number;
}

function checkEta(eta: unknown): number {
  if (!Number.isInteger(eta) || (eta as number) < 2) throw new Error(`eta must be an integer ≥ 2, got ${String(eta)}`);
  return eta as number;
}

function checkOptions(options: SearchOptions): void {
  if (!options || typeof options.executor?.run !== 'function') throw new Error('options.executor must be a TrialExecutor { run(jobs) }');
  if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new Error(`options.seed must be an integer, got ${String(options.seed)}`);
}

async function runBracket(trials: Trial[], budgets: readonly number[], bracket: number, options: SearchOptions, state: SearchState): Promise<void> {
  const eta = checkEta(options.eta ?? 3);
  const packing = options.packing ?? { policy: 'none' };
  let current = trials;
  for (let rung = 0; rung < budgets.length && current.length > 0; rung++) {
    const budget = budgets[rung];
    const t0 = performance.now();
    const plan = planPacks(
      current.map((tr) => tr.config),
      { ...packing, seed: t.nn.deriveSeed(options.seed ?? 0, bracket * 1024 + rung) },
    );
    const jobs: TrialJob[] = plan.map((members) => ({
      ids: members.map((i) => current[i].id),
      configs: members.map((i) => current[i].config),
      budget,
      bracket,
      rung,
    }));
    const results = await options.executor.run(jobs);
    if (!Array.isArray(results) || results.length !== jobs.length) throw new Error(`executor: expected ${jobs.length} score lists, got ${Array.isArray(results) ? results.length : String(results)}`);
    // Scores come back per pack; pair each with its trial id, never with a position in the rung.
    const scoreOf = new Map<number, number>();
    jobs.forEach((job, j) => checkScores(results[j], job).forEach((s, m) => scoreOf.set(job.ids[m], s)));
    const scored = current.map((tr) => ({ ...tr, score: scoreOf.get(tr.id)! }));
    const survivors = selectSurvivors(scored, Math.floor(current.length / eta), options.selection);
    const wallMs = performance.now() - t0;
    state.trainings += current.length;
    state.budgetUsed += current.length * budget;
    for (const s of scored) {
      const better = state.best === null || (!Number.isNaN(s.score) && (Number.isNaN(state.best.score) || s.score > state.best.score));
      if (better) {
        state.best = { ...s, budget, bracket, rung };
        state.timeToBestMs = performance.now() - state.start;
      }
    }
    const record: RungRecord = { bracket, rung, budget, trials: scored, packs: jobs.map((j) => j.ids), survivors, wallMs };
    state.rungs.push(record);
    options.onRung?.(record);
    const byId = new Map(current.map((tr) => [tr.id, tr]));
    current = survivors.map((id) => byId.get(id)!);
  }
}

function result(state: SearchState): SearchResult {
  return { best: state.best, rungs: state.rungs, trainings: state.trainings, budgetUsed: state.budgetUsed, wallMs: performance.now() - state.start, timeToBestMs: state.timeToBestMs };
}

/**
 * Successive halving on the given configurations: rung i trains the survivors for `budgets[i]`
 * and keeps the best ⌊n_i/η⌋. Packed when `options.packing` says so.
 */
export async function successiveHalving(configs: readonly Configuration[], budgets: readonly number[], options: SearchOptions): Promise<SearchResult> {
  checkOptions(options);
  if (!Array.isArray(configs) || configs.length === 0) throw new Error('successiveHalving: configs must be a non-empty array');
  if (!Array.isArray(budgets) || budgets.length === 0 || budgets.some((b) => typeof b !== 'number' || !(b > 0) || !Number.isFinite(b))) {
    throw new Error(`successiveHalving: budgets must be a non-empty array of positive numbers, got ${JSON.stringify(budgets)}`);
  }
  const state: SearchState = { rungs: [], best: null, trainings: 0, budgetUsed: 0, start: performance.now(), timeToBestMs: 0 };
  await runBracket(configs.map((config, id) => ({ id, config })), budgets, 0, options, state);
  return result(state);
}

/** Options of {@link hyperband}. */
export interface HyperbandOptions extends SearchOptions {
  /** Maximum budget per configuration R (integer ≥ 1; e.g. epochs). */
  R: number;
  /** The grid the configurations are sampled from. */
  space: SearchSpace;
  /** Seed of the sampling and of the pack plans: the same seed samples the same configurations under every packing policy. */
  seed: number;
}

/**
 * Hyperband (Li et al., 2018): brackets s = s_max … 0 of successive halving with n configurations
 * sampled without replacement from the grid (bracket s samples from a seed derived from (seed, s),
 * so the samples do not depend on the executor or the packing). Pack-aware when `options.packing`
 * groups configurations: each rung's survivors are planned into packs and each pack is one job.
 */
export async function hyperband(options: HyperbandOptions): Promise<SearchResult> {
  checkOptions(options);
  if (!Number.isInteger(options.seed)) throw new Error(`hyperband: options.seed must be an integer, got ${String(options.seed)}`);
  const eta = checkEta(options.eta ?? 3);
  integerLog(options.R, eta);
  const state: SearchState = { rungs: [], best: null, trainings: 0, budgetUsed: 0, start: performance.now(), timeToBestMs: 0 };
  let nextId = 0;
  for (const bracket of hyperbandSchedule(options.R, eta)) {
    const configs = sampleConfigurations(options.space, bracket.n, t.nn.deriveSeed(options.seed, bracket.s));
    const trials = configs.map((config) => ({ id: nextId++, config }));
    await runBracket(trials, bracket.rungs.map((r) => r.budget), bracket.s, options, state);
  }
  return result(state);
}
