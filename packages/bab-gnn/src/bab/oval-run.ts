/**
 * How this package verifies an OVAL CIFAR property, in one place for the bench and the command
 * line: ReLU splitting as in the paper, one domain per step (the reference's best-first loop),
 * CROWN intermediate bounds recomputed below each split and an α-CROWN objective bound (5 sign
 * steps on the slopes, no split multipliers; the reference solves the Planet LP), and only a short attack
 * (every OVAL base property is robust; the reference runs no attack either and evaluates the
 * network at its bounds' minimisers, as every domain probe here does).
 */
import { createBabsr } from '../branching/babsr';
import type { BranchingRule } from '../branching/rule';
import { createStrongBranching } from '../branching/strong';
import { createGnnBranching } from '../gnn/rule';
import type { BranchingGnn } from '../gnn/model';
import type { ReluNetwork } from '../network/network';
import type { VerificationSpec } from '../properties/spec';
import { verify, type VerifyOptions, type VerifyStatus } from './verify';

/**
 * How an OVAL run bounds each domain's objective: `'alpha-beta'` (the default) α,β-CROWN, the
 * slopes α and the multipliers β of the split ReLUs moved by Adam
 * ({@link OVAL_ALPHA_BETA_ITERATIONS} steps) from the parent domain's, so that the splits tighten
 * the bound itself and not only the intermediate bounds; `'alpha'` (every run until 2026-12-07,
 * and the shipped GNN's training data) CROWN with 5 sign steps on the slopes, each domain from
 * CROWN's slopes.
 */
export const OVAL_BOUNDINGS = ['alpha', 'alpha-beta'] as const;

/** A name of {@link OVAL_BOUNDINGS}. */
export type OvalBounding = (typeof OVAL_BOUNDINGS)[number];

/** The bounding of OVAL runs that name none: on `base_easy` rows 0–29 it halves both rules' branches. */
export const OVAL_DEFAULT_BOUNDING: OvalBounding = 'alpha-beta';

/** Adam steps of the `'alpha-beta'` bounding of an OVAL run. */
export const OVAL_ALPHA_BETA_ITERATIONS = 10;

/**
 * The verifier settings of an OVAL run with a per-property time limit in seconds of wall time,
 * and optionally one in seconds of CPU time (`cpuTimeout` of {@link VerifyOptions}).
 */
export function ovalVerifyOptions(timeout: number, cpuTimeout?: number, bounding: OvalBounding = OVAL_DEFAULT_BOUNDING): VerifyOptions {
  if (!OVAL_BOUNDINGS.includes(bounding)) throw new Error(`ovalVerifyOptions: bounding must be one of ${OVAL_BOUNDINGS.join(', ')}, got ${JSON.stringify(bounding)}`);
  return {
    ...(cpuTimeout !== undefined ? { cpuTimeout } : {}),
    splitting: 'relu',
    method: 'alpha-crown',
    ...(bounding === 'alpha' ? { alphaIterations: 5, alphaUpdate: 'sign', splitMultipliers: false, alphaWarmStart: false } : { alphaIterations: OVAL_ALPHA_BETA_ITERATIONS, alphaUpdate: 'adam', splitMultipliers: true }),
    batchSize: 1,
    timeout,
    sampling: false,
    attack: { restarts: 4, steps: 20 },
    attackShare: 0.05,
    attackEvery: 1_000_000,
    escalateAfterBranches: Infinity,
  };
}

/** One rule's run on one OVAL property. */
export interface OvalRun {
  /** The table row of the property. */
  readonly row: number;
  /** The branching rule's name (`babsr`, `gnn`, `strong`). */
  readonly rule: string;
  /** The verdict. */
  readonly status: VerifyStatus;
  /** Wall time in seconds. */
  readonly timeS: number;
  /** Branches (child domains bounded; the reference's count). */
  readonly branches: number;
  /** Bounding calls, strong-branching and fail-safe probes included. */
  readonly boundCalls: number;
}

/** Verifies one OVAL property with one rule under {@link ovalVerifyOptions} (`cpuTimeout`: CPU seconds, as well as `timeout`). */
export async function runOvalProperty(net: ReluNetwork, spec: VerificationSpec, row: number, rule: BranchingRule, timeout: number, cpuTimeout?: number, bounding: OvalBounding = OVAL_DEFAULT_BOUNDING): Promise<OvalRun> {
  const r = await verify(net, spec, { ...ovalVerifyOptions(timeout, cpuTimeout, bounding), rule });
  return { row, rule: rule.name, status: r.status, timeS: r.stats.timeMs / 1000, branches: r.stats.branches, boundCalls: r.stats.boundCalls };
}

/** The branching rules an OVAL run compares, by name. */
export const OVAL_RULES = ['babsr', 'gnn', 'strong'] as const;

/** A name of {@link OVAL_RULES}. */
export type OvalRuleName = (typeof OVAL_RULES)[number];

/** Candidates strong branching bounds per decision (the BaBSR top ones): all ~700 ambiguous ReLUs of the base model would cost 1,400 bounds per branch. */
export const OVAL_STRONG_CANDIDATES = 8;

/** The rule `name` of an OVAL run; `gnn` needs the network (e.g. `loadPretrainedGnn('oval-base')`). */
export function createOvalRule(name: OvalRuleName, gnn?: BranchingGnn, strongCandidates = OVAL_STRONG_CANDIDATES): BranchingRule {
  if (name === 'babsr') return createBabsr();
  if (name === 'strong') return createStrongBranching({ maxCandidates: strongCandidates });
  if (name === 'gnn') {
    if (!gnn) throw new Error("createOvalRule: the 'gnn' rule needs the branching network (e.g. loadPretrainedGnn('oval-base'))");
    return createGnnBranching(gnn);
  }
  throw new Error(`createOvalRule: expected one of ${OVAL_RULES.join(', ')}, got ${JSON.stringify(name)}`);
}
