/**
 * The side-by-side table of the paper for one OVAL suite: per branching rule, solved properties,
 * timeouts, mean time and mean branches, in this verifier and as the reference recorded them on the
 * same rows, and the GNN/BaBSR ratios of both. The reference's runs had a 3600 s limit: for a fair
 * count, a reference run is taken as solved here only when it finished within our time limit.
 */
import type { OvalMethod, OvalProperty } from '../parse/oval-properties';
import type { OvalRun } from './oval-run';

/** One rule's aggregate over a suite. */
export interface OvalRuleSummary {
  /** Properties run. */
  readonly properties: number;
  /** Verified or falsified within the time limit. */
  readonly solved: number;
  /** Not solved within the time limit. */
  readonly timeouts: number;
  /** Mean wall time over all properties (an unsolved one counted at the time limit), seconds. */
  readonly meanTimeS: number;
  /** Mean branches over the solved properties (NaN when none). */
  readonly meanBranches: number;
}

/** GNN/BaBSR ratios on the properties both solved within the limit. */
export interface OvalRatios {
  /** Properties both solved. */
  readonly bothSolved: number;
  /** Mean GNN time / mean BaBSR time over them (NaN when none). */
  readonly time: number;
  /** Mean GNN branches / mean BaBSR branches over them (NaN when none). */
  readonly branches: number;
}

/** The side-by-side comparison of one suite. */
export interface OvalComparison {
  /** Our runs per rule. */
  readonly ours: Readonly<Record<string, OvalRuleSummary>>;
  /** The reference's recorded runs on the same rows, per method, cut at our time limit. */
  readonly reference: Readonly<Record<string, OvalRuleSummary>>;
  /** Our GNN/BaBSR ratios (absent without both rules). */
  readonly oursRatio?: OvalRatios;
  /** The reference's GNN/BaBSR ratios on the same rows, cut at our time limit. */
  readonly referenceRatio: OvalRatios;
}

/** One run's outcome as the summary counts it. */
export interface OvalOutcome {
  /** Solved within the time limit. */
  readonly solved: boolean;
  /** Wall time, seconds. */
  readonly timeS: number;
  /** Branches (NaN when not recorded). */
  readonly branches: number;
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

function summarise(outcomes: readonly OvalOutcome[], timeout: number): OvalRuleSummary {
  const solved = outcomes.filter((o) => o.solved);
  return {
    properties: outcomes.length,
    solved: solved.length,
    timeouts: outcomes.length - solved.length,
    meanTimeS: mean(outcomes.map((o) => (o.solved ? o.timeS : timeout))),
    meanBranches: mean(solved.map((o) => o.branches)),
  };
}

function ratios(gnn: ReadonlyMap<number, OvalOutcome>, babsr: ReadonlyMap<number, OvalOutcome>): OvalRatios {
  const both = [...gnn.keys()].filter((r) => gnn.get(r)!.solved && babsr.get(r)?.solved);
  const m = (map: ReadonlyMap<number, OvalOutcome>, f: (o: OvalOutcome) => number) => mean(both.map((r) => f(map.get(r)!)));
  return { bothSolved: both.length, time: m(gnn, (o) => o.timeS) / m(babsr, (o) => o.timeS), branches: m(gnn, (o) => o.branches) / m(babsr, (o) => o.branches) };
}

/** The reference's recorded run of one method, solved only when it finished within `timeout` seconds. */
export function referenceOutcome(p: OvalProperty, method: OvalMethod, timeout: number): OvalOutcome {
  const r = p.recorded[method];
  const finished = (r.verdict === 'verified' || r.verdict === 'falsified') && r.timeS !== undefined && r.timeS <= timeout;
  return { solved: finished, timeS: r.timeS ?? timeout, branches: r.branches ?? NaN };
}

/**
 * Compares our runs (any subset of rows and rules) with the reference on the rows we ran.
 *
 * @param properties - the suite's properties (rows not run are ignored).
 * @param timeout - our per-property limit in seconds (the reference is cut there too).
 * @param options - `solvedByVerdict`: our runs ran under a limit the search enforced itself (e.g.
 *   CPU seconds, with `timeS` the CPU time): a verdict counts as solved whatever `timeS` is.
 */
export function compareOval(properties: readonly OvalProperty[], runs: readonly OvalRun[], timeout: number, options: { readonly solvedByVerdict?: boolean } = {}): OvalComparison {
  const rows = new Set(runs.map((r) => r.row));
  const ran = properties.filter((p) => rows.has(p.row));
  const byRule = new Map<string, Map<number, OvalOutcome>>();
  for (const r of runs) {
    const m = byRule.get(r.rule) ?? new Map<number, OvalOutcome>();
    m.set(r.row, { solved: (r.status === 'holds' || r.status === 'violated') && (options.solvedByVerdict === true || r.timeS <= timeout), timeS: r.timeS, branches: r.branches });
    byRule.set(r.rule, m);
  }
  const ours = Object.fromEntries([...byRule].map(([rule, m]) => [rule, summarise([...m.values()], timeout)]));
  const refMaps = { babsr: new Map<number, OvalOutcome>(), gnn: new Map<number, OvalOutcome>() };
  for (const p of ran) for (const method of ['babsr', 'gnn'] as const) refMaps[method].set(p.row, referenceOutcome(p, method, timeout));
  const reference = { babsr: summarise([...refMaps.babsr.values()], timeout), gnn: summarise([...refMaps.gnn.values()], timeout) };
  const gnn = byRule.get('gnn');
  const babsr = byRule.get('babsr');
  return { ours, reference, ...(gnn && babsr ? { oursRatio: ratios(gnn, babsr) } : {}), referenceRatio: ratios(refMaps.gnn, refMaps.babsr) };
}
