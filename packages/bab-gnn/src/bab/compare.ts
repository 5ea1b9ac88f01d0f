/** Running the same properties under several branching rules, for branch-count comparisons. */
import type { BranchingRule } from '../branching/rule';
import type { ReluNetwork } from '../network/network';
import type { VerificationSpec } from '../properties/spec';
import { verify, type VerifyOptions, type VerifyStatus } from './verify';

/** One (rule, property) run. */
export interface BranchingRun {
  /** The rule's name. */
  rule: string;
  /** Index of the property. */
  property: number;
  /** The verdict. */
  status: VerifyStatus;
  /** Branches (child domains bounded). */
  branches: number;
  /** Bounding calls, probes of strong branching included. */
  boundCalls: number;
  /** Wall time, ms. */
  timeMs: number;
}

/**
 * Verifies every property with ReLU splitting under each rule (a fresh rule per property, so no
 * state carries over) and returns one row per run.
 *
 * @param rules - rule factories, e.g. `[() => createBabsr(), () => createStrongBranching()]`.
 */
export async function compareBranching(
  net: ReluNetwork,
  specs: readonly VerificationSpec[],
  rules: readonly (() => BranchingRule)[],
  options: VerifyOptions = {},
  onRun?: (run: BranchingRun) => void,
): Promise<BranchingRun[]> {
  const runs: BranchingRun[] = [];
  for (let p = 0; p < specs.length; p++) {
    for (const make of rules) {
      const rule = make();
      const r = await verify(net, specs[p], { ...options, splitting: 'relu', rule });
      const run = { rule: rule.name, property: p, status: r.status, branches: r.stats.branches, boundCalls: r.stats.boundCalls, timeMs: r.stats.timeMs };
      runs.push(run);
      onRun?.(run);
    }
  }
  return runs;
}
