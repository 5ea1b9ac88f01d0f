/**
 * What a run of `nnlab` is expected to take, from the durations each experiment's tiers declare,
 * and how far along it is: the plan printed before the first experiment, and the overall progress
 * line printed as each one starts.
 */
import { REFERENCE_MACHINE, tierOf, type Experiment, type ExperimentOptions, type TierName } from './experiment';
import { formatDuration } from './progress';
import { textTable } from './report/table';

/** One experiment of a run, with the duration its tier declares. */
export interface PlannedExperiment {
  /** The experiment. */
  experiment: Experiment;
  /** The tier it runs in. */
  tier: TierName;
  /** Expected milliseconds on the reference machine, or null when there is no measured duration. */
  expectedMs: number | null;
  /** Why `expectedMs` is null (absent otherwise). */
  noEstimate?: string;
}

/**
 * The expected duration of each selected experiment in the tier the options select. There is none
 * for `--quick` (not measured) nor for an experiment whose own options are given (they change the work).
 */
export function planRun(selected: readonly Experiment[], options: ExperimentOptions): PlannedExperiment[] {
  const tier = tierOf(options);
  return selected.map((experiment) => {
    if (tier === 'quick') return { experiment, tier, expectedMs: null, noEstimate: '--quick is not timed' };
    const own = Object.keys(options.values).filter((name) => experiment.options && name in experiment.options);
    if (own.length > 0) return { experiment, tier, expectedMs: null, noEstimate: `${own.map((n) => `--${n}`).join(', ')} change${own.length === 1 ? 's' : ''} the work` };
    return { experiment, tier, expectedMs: experiment.tiers[tier].expectedSeconds * 1000 };
  });
}

/** The sum of the known expected durations of `plan`, and how many have none. */
function totalOf(plan: readonly PlannedExperiment[]): { ms: number; unknown: number } {
  return plan.reduce((t, p) => (p.expectedMs === null ? { ...t, unknown: t.unknown + 1 } : { ...t, ms: t.ms + p.expectedMs }), { ms: 0, unknown: 0 });
}

function expectedTotal(plan: readonly PlannedExperiment[]): string {
  const { ms, unknown } = totalOf(plan);
  if (unknown === plan.length) return 'no expected duration';
  return `expected about ${formatDuration(ms)}${unknown ? ` plus ${unknown} experiment${unknown === 1 ? '' : 's'} without an estimate` : ''} on the reference machine (${REFERENCE_MACHINE})`;
}

/**
 * The text printed before a run: every experiment with its tier and expected duration, the total,
 * and a warning when the machine is busier than the reference measurement (load above its cores).
 */
export function planText(plan: readonly PlannedExperiment[], machine: { loadAverage: number; cpuCount: number }): string {
  const rows = plan.map((p, i) => [
    `${i + 1}/${plan.length}`,
    p.experiment.id,
    p.tier,
    p.expectedMs === null ? `no estimate (${p.noEstimate})` : formatDuration(p.expectedMs),
    p.expectedMs === null ? '' : p.experiment.tiers[p.tier as 'default' | 'full'].basis,
  ]);
  const lines = [
    `nnlab: ${plan.length} experiment${plan.length === 1 ? '' : 's'}, ${expectedTotal(plan)}:`,
    textTable(['#', 'experiment', 'tier', 'expected', 'measured as'], rows),
  ];
  if (machine.loadAverage > machine.cpuCount) {
    lines.push(`This machine's load average is ${machine.loadAverage.toFixed(1)} on ${machine.cpuCount} CPUs: other work shares them, so expect longer.`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * How much expected work at the reference pace the measured pace is weighed against: a short first
 * experiment (`backends`, whose 5 s are mostly rounding) says little about the machine, so its pace
 * moves the estimate only as far as its share of this plus itself.
 */
export const PACE_PRIOR_MS = 60_000;

/**
 * Milliseconds the experiments from `next` on are expected to take, scaled by the pace of those
 * done so far (their measured time plus {@link PACE_PRIOR_MS} over their expected time plus the
 * same); null when none of them has an estimate.
 */
export function remainingMs(plan: readonly PlannedExperiment[], next: number, doneMs: readonly number[]): number | null {
  let expectedDone = 0;
  let actualDone = 0;
  plan.slice(0, next).forEach((p, i) => {
    if (p.expectedMs === null) return;
    expectedDone += p.expectedMs;
    actualDone += doneMs[i];
  });
  const pace = (actualDone + PACE_PRIOR_MS) / (expectedDone + PACE_PRIOR_MS);
  const rest = plan.slice(next).filter((p) => p.expectedMs !== null);
  if (rest.length === 0) return null;
  return pace * rest.reduce((s, p) => s + p.expectedMs!, 0);
}

/**
 * The line that opens experiment `index`: its place in the run, its tier and expected duration, and
 * the overall time spent and left (`doneMs`: the measured durations of the experiments before it).
 */
export function startLine(plan: readonly PlannedExperiment[], index: number, doneMs: readonly number[]): string {
  const p = plan[index];
  const expected = p.expectedMs === null ? `no estimate: ${p.noEstimate}` : `expected ${formatDuration(p.expectedMs)}`;
  const elapsed = doneMs.slice(0, index).reduce((a, b) => a + b, 0);
  const left = remainingMs(plan, index, doneMs);
  const unknownLeft = plan.slice(index).filter((q) => q.expectedMs === null).length;
  const overall = `overall ${formatDuration(elapsed)} elapsed, ${left === null ? 'no estimate left' : `about ${formatDuration(left)} left`}${left !== null && unknownLeft ? ` plus ${unknownLeft} without an estimate` : ''}`;
  return `== [${index + 1}/${plan.length}] ${p.experiment.id}: ${p.experiment.title} (${p.tier} tier, ${expected}; ${overall})`;
}
