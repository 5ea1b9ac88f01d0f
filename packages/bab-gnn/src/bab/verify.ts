/**
 * Best-first branch and bound over subdomains, batched: each step pops the `batchSize` domains
 * with the lowest lower bound, splits each in two (input bisection or a ReLU split chosen by a
 * {@link BranchingRule}), bounds all children and keeps those not yet refuted. Counterexamples come
 * from a PGD attack, from the bound minimisers of every bounded domain and from the linear program
 * of a fully split leaf, and are always confirmed in exact arithmetic (see `checkClause`). The
 * time limit is per instance and every phase honours it: attack, bounding, leaf programs.
 */
import type { Box, LayerBounds, Splits } from '../bounds/types';
import { freeSplits } from '../bounds/types';
import { createBabsr } from '../branching/babsr';
import type { BranchingRule, ReluChoice } from '../branching/rule';
import { hiddenSizes, type ReluNetwork } from '../network/network';
import { pgdAttack, type AttackOptions } from '../properties/attack';
import { sampleAttack, type SampleAttackOptions } from '../properties/sample-attack';
import { DeadlineError } from '../deadline';
import { checkClause, checkSpecMatches, PointReplay, type Counterexample } from '../properties/counterexample';
import { clampToRegion, type OutputConstraint, type VerificationSpec } from '../properties/spec';
import { ambiguousCandidates } from '../branching/rule';
import { decideLeaf } from './leaf-lp';
import { bisectBox, chooseInputDimension } from './input-split';
import { chooseInputDimensionsByBounds } from './input-branching';
import { chooseInputDimensionByRelaxation } from './relaxation-branching';
import { AlphaRefinePolicy } from './alpha-refine';
import type { AlphaBetaParameters } from '../bounds/alpha-batched';
import { boundDomain, boundDomains, linearLowerOn, type BoundingMethod, type BoundingSettings, type DomainBound } from './bound-domain';
import { MinHeap } from './queue';

/**
 * The verdict: `holds` (proved for every real input of the closed float64 box, a superset of the
 * property's input set), `violated` (with a counterexample confirmed in exact arithmetic),
 * `timeout`, or `unknown` (gave up: queue cap, or a domain that can be neither split further nor
 * decided, such as a tie at the boundary).
 */
export type VerifyStatus = 'holds' | 'violated' | 'timeout' | 'unknown';

/** Counters of one search. */
export interface VerifyStats {
  /** Child domains bounded (the paper's "branches"). */
  branches: number;
  /** Calls of the domain bounding (children, roots and strong-branching probes). */
  boundCalls: number;
  /** Batches processed. */
  batches: number;
  /** Largest number of domains waiting at once. */
  maxQueue: number;
  /** Wall time of the whole search, ms. */
  timeMs: number;
  /** Wall time of the PGD attacks, ms. */
  attackMs: number;
  /** Domains dropped without a proof because they could not be split further. */
  unresolved: number;
  /** Leaf domains of ReLU splitting decided by their linear program (refuted or falsified). */
  leavesDecided: number;
  /** Children of input splitting refuted by their parent's linear bounds, without being bounded themselves. */
  refutedByParent: number;
  /** Domains given host α steps (see {@link VerifyOptions.refineIterations}), and those the steps refuted. */
  refineTried: number;
  refineRefuted: number;
}

/** The result of {@link verify}. */
export interface VerifyResult {
  /** The verdict. */
  status: VerifyStatus;
  /** For `violated`: the input, its float64 output, region and clause. */
  counterexample: Counterexample | null;
  /** Counters. */
  stats: VerifyStats;
}

/** Settings of {@link verify}. */
export interface VerifyOptions extends BoundingSettings {
  /** Per-instance time limit in seconds of wall time (default 116, as in VNN-COMP ACAS Xu). */
  timeout?: number;
  /**
   * A limit in seconds of CPU time (default none), checked between branching steps (ReLU
   * splitting: between domains; input splitting: between batches), so a step may run past it by
   * its own cost. On a loaded machine a search gets a share of a core, and wall time says as much
   * about the load as about the search: this limit gives every run the same work whatever the
   * load. The wall-clock `timeout` still applies (set it high to let this limit decide); the
   * verdict is then `timeout` as for the wall-clock limit.
   */
  cpuTimeout?: number;
  /**
   * The clock `cpuTimeout` is measured on, in milliseconds (only differences count). Default: the
   * CPU time of the process (`process.cpuUsage()`, user + system, every thread of the process),
   * where the runtime has it; elsewhere `cpuTimeout` needs this clock.
   */
  cpuClock?: () => number;
  /**
   * Split the input box (`'input'`, default; what fast ACAS Xu verifiers do) or ReLUs (`'relu'`,
   * the paper). ReLU splitting bounds with `'alpha-crown'` (α and split multipliers β) by default,
   * input splitting with `'crown'`.
   */
  splitting?: 'input' | 'relu';
  /**
   * How input splitting picks the dimension to halve: `'relaxation'` (default) the dimension
   * that accounts for most of the looseness of the ambiguous ReLUs' relaxations (see
   * `chooseInputDimensionByRelaxation`; on ACAS Xu 10–30 times fewer branches than `'score'`);
   * `'score'` reads a score off the parent's linear bounds (see `chooseInputDimension`);
   * `'strong'` bounds both halves of every dimension cheaply and takes the best (see
   * `chooseInputDimensionsByBounds`): few branches, but much time per branch.
   */
  inputBranching?: 'strong' | 'score' | 'relaxation';
  /** Branching rule for ReLU splitting (default BaBSR). */
  rule?: BranchingRule;
  /** Domains split per step (default 32). */
  batchSize?: number;
  /** Most waiting domains before giving up with `unknown` (default 500 000). */
  maxQueue?: number;
  /** Most branches before stopping with `timeout` (default unlimited). */
  maxBranches?: number;
  /** Bounding of the root domains (default the `method` of the search). */
  rootMethod?: BoundingMethod;
  /** PGD attack settings, or false to skip the attacks (default 10 restarts × 50 steps, seed 0). */
  attack?: AttackOptions | false;
  /** Settings of the face-biased sampling run before the first PGD attack, or false to skip it (default {@link sampleAttack}'s). */
  sampling?: SampleAttackOptions | false;
  /**
   * Share of the time limit the first attacks may use before branch and bound starts, and share of
   * the time then left that the escalated attack may use (default 0.25).
   */
  attackShare?: number;
  /** Run a short attack from the lowest domain's minimiser every this many batches (default 20). */
  attackEvery?: number;
  /**
   * Once the search has bounded this many branches, one larger PGD attack (`escalatedRestarts`
   * starts of 100 steps): instances decided quickly do not pay for it, hard ones get it early.
   * Counted in work, not seconds, so that a loaded machine does not make every search pay for it
   * (default 1000).
   */
  escalateAfterBranches?: number;
  /** Random starts of the escalated attack (default 100). */
  escalatedRestarts?: number;
  /** α,β optimisation steps on a domain that cannot be split further (default 100). */
  leafIterations?: number;
  /**
   * Input splitting: host α steps on the children that CROWN leaves open, on those an
   * {@link AlphaRefinePolicy} picks (default 5; 0: none). Ignored when `refine` is given.
   */
  refineIterations?: number;
}

interface Domain {
  region: number;
  box: Box;
  splits: Splits | undefined;
  open: number[]; // clause indices still unrefuted
  lowers: Float64Array; // their lower bounds (monotone along the search)
  bound: DomainBound;
}

function checkOptions(o: VerifyOptions): void {
  const positive = (v: number | undefined, name: string) => {
    if (v !== undefined && !(v > 0)) throw new Error(`verify: ${name} must be > 0, got ${v}`);
  };
  positive(o.timeout, 'timeout');
  positive(o.cpuTimeout, 'cpuTimeout');
  if (o.cpuClock !== undefined && typeof o.cpuClock !== 'function') throw new Error(`verify: cpuClock must be a function returning milliseconds, got ${typeof o.cpuClock}`);
  positive(o.batchSize, 'batchSize');
  positive(o.maxQueue, 'maxQueue');
  positive(o.maxBranches, 'maxBranches');
  positive(o.attackEvery, 'attackEvery');
  if (o.escalateAfterBranches !== undefined && !(o.escalateAfterBranches >= 0)) throw new Error(`verify: escalateAfterBranches must be ≥ 0, got ${o.escalateAfterBranches}`);
  if (o.escalatedRestarts !== undefined && !(Number.isInteger(o.escalatedRestarts) && o.escalatedRestarts >= 0)) throw new Error(`verify: escalatedRestarts must be an integer ≥ 0, got ${o.escalatedRestarts}`);
  if (o.refineIterations !== undefined && !(Number.isInteger(o.refineIterations) && o.refineIterations >= 0)) throw new Error(`verify: refineIterations must be an integer ≥ 0, got ${o.refineIterations}`);
  if (o.attackShare !== undefined && !(o.attackShare > 0 && o.attackShare <= 1)) throw new Error(`verify: attackShare must be in (0, 1], got ${o.attackShare}`);
  if (o.inputBranching !== undefined && !['strong', 'score', 'relaxation'].includes(o.inputBranching)) throw new Error(`verify: inputBranching must be 'relaxation', 'score' or 'strong', got '${String(o.inputBranching)}'`);
  if (o.splitting !== undefined && o.splitting !== 'input' && o.splitting !== 'relu') throw new Error(`verify: splitting must be 'input' or 'relu', got '${String(o.splitting)}'`);
  if (o.alphaUpdate !== undefined && !['adam', 'sign'].includes(o.alphaUpdate)) throw new Error(`verify: alphaUpdate must be 'adam' or 'sign', got '${String(o.alphaUpdate)}'`);
  if (o.method !== undefined && !['ibp', 'crown', 'alpha-crown'].includes(o.method)) throw new Error(`verify: method must be 'ibp', 'crown' or 'alpha-crown', got '${String(o.method)}'`);
}

/** Whether every split is consistent with the domain's own pre-activation bounds (else the domain is empty). */
function splitsFeasible(bound: DomainBound, splits: Splits | undefined): boolean {
  if (!splits) return true;
  for (let k = 0; k < splits.length; k++) {
    for (let i = 0; i < splits[k].length; i++) {
      if (splits[k][i] === 1 && bound.layers.upper[k][i] < 0) return false;
      if (splits[k][i] === 0 && bound.layers.lower[k][i] > 0) return false;
    }
  }
  return true;
}

/** The CPU time of the process in milliseconds, or undefined where the runtime has no `process.cpuUsage` (browsers). */
function processCpuMs(): (() => number) | undefined {
  const usage = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process?.cpuUsage;
  if (typeof usage !== 'function') return undefined;
  return () => {
    const u = usage();
    return (u.user + u.system) / 1000;
  };
}

/** Whether a search must stop: its wall-clock deadline or its CPU budget is spent. */
type OutOfTime = () => boolean;

/** The stop test of a search: the wall-clock `deadline` and, with `cpuTimeout`, the CPU budget from now. */
function outOfTimeTest(options: VerifyOptions, deadline: number): OutOfTime {
  if (options.cpuTimeout === undefined) return () => performance.now() > deadline;
  const clock = options.cpuClock ?? processCpuMs();
  if (!clock) throw new Error('verify: cpuTimeout needs a CPU clock, and this runtime has no process.cpuUsage: pass cpuClock (milliseconds)');
  const cpuDeadline = clock() + options.cpuTimeout * 1000;
  return () => performance.now() > deadline || clock() > cpuDeadline;
}

/**
 * Verifies `spec` on `net` by branch and bound.
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 * import { networkFromModule, robustnessSpec, verify } from '@nnlab/bab-gnn';
 *
 * const model = new t.nn.Sequential(new t.nn.Linear(2, 8, { seed: 1 }), new t.nn.ReLU(), new t.nn.Linear(8, 2, { seed: 2 }));
 * const net = await networkFromModule(model, [2]); // float64 copy of the weights
 * const x = [0.5, 0.5];
 * const [y0, y1] = await model.forward(t.tensor([x])).data();
 * const label = y0 > y1 ? 0 : 1;
 * // Does the predicted class stay the same on the L∞ ball of radius ε around x (clipped to [0, 1])?
 * const result = await verify(net, robustnessSpec(x, label, 0.01, 2), { timeout: 10 });
 * console.log(result.status, result.counterexample); // → holds null
 * ```
 */
export async function verify(net: ReluNetwork, spec: VerificationSpec, options: VerifyOptions = {}): Promise<VerifyResult> {
  checkSpecMatches(net, spec, 'verify');
  checkOptions(options);
  const start = performance.now();
  const timeoutMs = (options.timeout ?? 116) * 1000;
  const deadline = start + timeoutMs;
  const outOfTime = outOfTimeTest(options, deadline);
  const stats: VerifyStats = { branches: 0, boundCalls: 0, batches: 0, maxQueue: 0, timeMs: 0, attackMs: 0, unresolved: 0, leavesDecided: 0, refutedByParent: 0, refineTried: 0, refineRefuted: 0 };
  // One policy per search: it learns where the α steps refute domains.
  const refine = options.refine ?? ((options.splitting ?? 'input') === 'input' && options.refineIterations !== 0 ? new AlphaRefinePolicy({ iterations: options.refineIterations }) : undefined);
  const finish = (status: VerifyStatus, counterexample: Counterexample | null = null): VerifyResult => {
    stats.timeMs = performance.now() - start;
    stats.refineTried = refine?.tried ?? 0;
    stats.refineRefuted = refine?.refuted ?? 0;
    return { status, counterexample, stats };
  };
  try {
    return await search(net, spec, { ...options, refine }, start, deadline, outOfTime, stats, finish);
  } catch (e) {
    if (e instanceof DeadlineError) return finish('timeout');
    throw e;
  }
}

async function search(
  net: ReluNetwork,
  spec: VerificationSpec,
  options: VerifyOptions,
  start: number,
  deadline: number,
  outOfTime: OutOfTime,
  stats: VerifyStats,
  finish: (status: VerifyStatus, counterexample?: Counterexample | null) => VerifyResult,
): Promise<VerifyResult> {
  const splitting = options.splitting ?? 'input';
  const rule = options.rule ?? createBabsr();
  const batchSize = options.batchSize ?? 32;
  const maxQueue = options.maxQueue ?? 500_000;
  const maxBranches = options.maxBranches ?? Infinity;
  const attackEvery = options.attackEvery ?? 20;
  const leafIterations = options.leafIterations ?? 100;
  // ReLU splits only tighten the bound through the split multipliers β (the split constraints),
  // so ReLU splitting bounds with α,β-CROWN unless told otherwise.
  const method = options.method ?? (splitting === 'relu' ? 'alpha-crown' : 'crown');
  const settings: BoundingSettings = { method, intermediate: options.intermediate, alphaIterations: options.alphaIterations, alphaUpdate: options.alphaUpdate, splitMultipliers: options.splitMultipliers, alphaWarmStart: options.alphaWarmStart, conjunctions: options.conjunctions, refine: options.refine, deadline };
  const inputBranching = options.inputBranching ?? 'relaxation';
  const escalateAfterBranches = options.escalateAfterBranches ?? 1000;
  const escalatedRestarts = options.escalatedRestarts ?? 100;
  let escalated = false;
  const attack = (starts: Float64Array[], restarts?: number, until = deadline, steps?: number, seed?: number): Counterexample | null => {
    if (options.attack === false) return null;
    const t0 = performance.now();
    const base = options.attack?.seed ?? 0;
    const cex = pgdAttack(net, spec, { ...options.attack, ...(restarts !== undefined ? { restarts, seed: base + (seed ?? stats.batches) } : {}), ...(steps !== undefined ? { steps } : {}), starts, deadline: Math.min(until, options.attack?.deadline ?? Infinity) });
    stats.attackMs += performance.now() - t0;
    return cex;
  };

  // The first attacks get a share of the time, so that bounding always gets the rest.
  const attackUntil = start + (options.attackShare ?? 0.25) * (deadline - start);
  if (options.attack !== false && options.sampling !== false) {
    const t0 = performance.now();
    const cex = sampleAttack(net, spec, { ...options.sampling, deadline: Math.min(attackUntil, options.sampling?.deadline ?? Infinity) });
    stats.attackMs += performance.now() - t0;
    if (cex) return finish('violated', cex);
  }
  const cex0 = attack([], undefined, attackUntil);
  if (cex0) return finish('violated', cex0);

  const bound = async (region: number, box: Box, splits: Splits | undefined, clauses: number[], method?: BoundingMethod, alphaIterations?: number, prior?: LayerBounds, start?: AlphaBetaParameters) => {
    stats.boundCalls++;
    const all = spec.regions[region].clauses;
    return boundDomain(net, box, splits, clauses.map((c) => all[c]), { ...settings, ...(method ? { method } : {}), ...(alphaIterations ? { alphaIterations } : {}) }, { prior, start });
  };
  /**
   * Checks a bounded domain's candidates: each open clause's minimiser against that clause, and
   * the centre against every open clause (linear in the number of clauses).
   */
  const probe = (region: number, box: Box, open: readonly number[], b: DomainBound): Counterexample | null => {
    const r = spec.regions[region];
    for (let j = 0; j < open.length; j++) {
      const cex = checkClause(net, spec, clampToRegion(r, b.clauses[j].minimiser), region, open[j]);
      if (cex) return cex;
    }
    const centre = new PointReplay(net, clampToRegion(r, Float64Array.from(box.lower, (l, i) => l + (box.upper[i] - l) / 2)));
    for (const c of open) {
      const cex = checkClause(net, spec, centre, region, c);
      if (cex) return cex;
    }
    return null;
  };
  /** Makes a domain of a bounded child, or null when it is refuted (or empty). */
  const makeDomain = (region: number, box: Box, splits: Splits | undefined, open: number[], parentLowers: Float64Array | null, b: DomainBound): Domain | null => {
    if (!splitsFeasible(b, splits)) return null;
    const keepOpen: number[] = [];
    const lowers: number[] = [];
    const kept: DomainBound['clauses'] = [];
    open.forEach((c, j) => {
      const lower = Math.max(b.clauses[j].lower, parentLowers ? parentLowers[j] : -Infinity);
      if (lower > 0) return;
      keepOpen.push(c);
      lowers.push(lower);
      kept.push(b.clauses[j]);
    });
    if (keepOpen.length === 0) return null;
    // α,β-CROWN's parameters are per row of the clauses bounded: handed on only while those stay the same.
    const objective = keepOpen.length === open.length ? b.objective : undefined;
    return { region, box, splits, open: keepOpen, lowers: Float64Array.from(lowers), bound: { layers: b.layers, clauses: kept, ...(objective ? { objective } : {}) } };
  };
  /**
   * A leaf of ReLU splitting (no ambiguous ReLU left): decides each open clause by its linear
   * program. Returns a counterexample, or whether some clause stayed undecided.
   */
  const decide = (d: Domain): { cex: Counterexample | null; undecided: boolean } => {
    if (!d.splits || ambiguousCandidates(d.splits, d.bound.layers).length > 0) return { cex: null, undecided: true };
    const all = spec.regions[d.region].clauses;
    let undecided = false;
    for (const c of d.open) {
      const result = decideLeaf(net, d.box, d.bound.layers, d.splits, all[c], deadline);
      if (result.kind === 'candidate') {
        const cex = checkClause(net, spec, clampToRegion(spec.regions[d.region], result.point), d.region, c);
        if (cex) return { cex, undecided: false };
        undecided = true;
      } else if (result.kind === 'undecided') undecided = true;
    }
    if (!undecided) stats.leavesDecided++;
    return { cex: null, undecided };
  };

  /**
   * A domain that cannot be split further (no ReLU left, or an input interval too small to
   * halve): one last, stronger bound with optimised α and split multipliers β, then (ReLU
   * splitting) the leaf's linear program, before giving up on it.
   */
  const settleLeaf = async (d: Domain): Promise<Counterexample | null> => {
    const b = await bound(d.region, d.box, d.splits, d.open, 'alpha-crown', leafIterations, d.bound.layers, d.bound.objective);
    const cex = probe(d.region, d.box, d.open, b);
    if (cex) return cex;
    const left = makeDomain(d.region, d.box, d.splits, d.open, d.lowers, b);
    if (!left) return null;
    const leaf = splitting === 'relu' ? decide(left) : { cex: null, undecided: true };
    if (leaf.cex) return leaf.cex;
    if (leaf.undecided) stats.unresolved++;
    return null;
  };
  /** Probes a bounded child of d and queues it unless refuted; a counterexample when one is found. */
  const settleChild = (d: Domain, box: Box, splits: Splits | undefined, b: DomainBound): Counterexample | null => {
    stats.branches++;
    const cex = probe(d.region, box, d.open, b);
    if (cex) return cex;
    const next = makeDomain(d.region, box, splits, d.open, d.lowers, b);
    if (next) push(next);
    return null;
  };
  /**
   * Input splitting: bisects every domain of the batch and bounds all children together (one
   * batched call per region and set of open clauses), each with its parent's bounds as prior.
   */
  const bisectBatch = async (batch: readonly Domain[]): Promise<Counterexample | null> => {
    // Domains with the same region and open clauses are bounded together.
    const groups = new Map<string, Domain[]>();
    for (const d of batch) {
      const key = `${d.region}:${d.open.join(',')}`;
      groups.set(key, [...(groups.get(key) ?? []), d]);
    }
    for (const parents of groups.values()) {
      const { region, open } = parents[0];
      const clauses = open.map((c) => spec.regions[region].clauses[c]);
      const byCoefficients = (d: Domain) => chooseInputDimension(d.box, d.bound.clauses.map((c) => c.inputCoeffs), spec.regions[d.region]);
      const dims = inputBranching === 'strong'
        ? await chooseInputDimensionsByBounds(net, parents.map((d) => ({ box: d.box, prior: d.bound.layers, lowers: d.lowers })), clauses, settings)
        : inputBranching === 'relaxation'
          ? parents.map((d) => chooseInputDimensionByRelaxation(net, d.box, d.bound.layers, d.bound.clauses.map((cb, j) => clauses[j][cb.bestRow].coeffs)) ?? byCoefficients(d))
          : parents.map(byCoefficients);
      const children: { parent: Domain; box: Box }[] = [];
      for (let p = 0; p < parents.length; p++) {
        const d = parents[p];
        const dim = dims[p];
        if (dim === null) {
          const cex = await settleLeaf(d);
          if (cex) return cex;
          continue;
        }
        for (const box of bisectBox(d.box, dim)) {
          // The parent's linear bounds hold on the child: re-minimised over the child's box they
          // sometimes refute it already (the half away from the parent's minimiser), for free.
          if (d.bound.clauses.every((cb) => linearLowerOn(cb, box) > 0)) {
            stats.branches++;
            stats.refutedByParent++;
            continue;
          }
          children.push({ parent: d, box });
        }
      }
      if (children.length === 0) continue;
      stats.boundCalls += children.length;
      const bounds = await boundDomains(net, children.map((c) => ({ box: c.box, prior: c.parent.bound.layers })), clauses, { ...settings, cheapFirst: true });
      for (let j = 0; j < children.length; j++) {
        const cex = settleChild(children[j].parent, children[j].box, undefined, bounds[j]);
        if (cex) return cex;
      }
    }
    return null;
  };


  // Roots: one per region, or per (region, clause) for ReLU splitting (each clause its own objective).
  const queue = new MinHeap<Domain>();
  const push = (d: Domain) => {
    queue.push(Math.min(...d.lowers), d);
    stats.maxQueue = Math.max(stats.maxQueue, queue.size);
  };
  for (let r = 0; r < spec.regions.length; r++) {
    const region = spec.regions[r];
    const box = { lower: region.lower, upper: region.upper };
    const groups = splitting === 'input' ? [region.clauses.map((_, c) => c)] : region.clauses.map((_, c) => [c]);
    for (const open of groups) {
      const splits = splitting === 'relu' ? freeSplits(hiddenSizes(net)) : undefined;
      const b = await bound(r, box, splits, open, options.rootMethod);
      const cex = probe(r, box, open, b);
      if (cex) return finish('violated', cex);
      const d = makeDomain(r, box, splits, open, null, b);
      if (d) push(d);
    }
  }

  while (queue.size > 0) {
    if (outOfTime() || stats.branches >= maxBranches) return finish('timeout');
    if (queue.size > maxQueue) return finish('unknown');
    stats.batches++;
    const batch: Domain[] = [];
    while (batch.length < batchSize && queue.size > 0) batch.push(queue.pop() as Domain);
    if (!escalated && stats.branches >= escalateAfterBranches) {
      escalated = true;
      // A fixed seed (not the batch count, which depends on the machine's speed): the same random
      // starts on every machine.
      // It may use the attack share of the time left, so that bounding keeps the rest (with many
      // clauses and regions, 100 × 100 steps can outlast a whole instance on a loaded machine).
      const now = performance.now();
      const until = now + (options.attackShare ?? 0.25) * (deadline - now);
      const cex = attack(batch.map((d) => d.bound.clauses[0].minimiser), escalatedRestarts, until, 100, 1);
      if (cex) return finish('violated', cex);
    }
    if (stats.batches % attackEvery === 0) {
      const cex = attack(batch.flatMap((d) => d.bound.clauses.map((c) => c.minimiser)).slice(0, 8), 2);
      if (cex) return finish('violated', cex);
      // The lowest-bound domains are where a counterexample is most likely: sample inside them.
      if (options.attack !== false && options.sampling !== false) {
        const t0 = performance.now();
        const within = batch.slice(0, 4).map((d) => ({ region: d.region, box: d.box, clauses: d.open }));
        const found = sampleAttack(net, spec, { samples: 100, rounds: 4, roundSamples: 50, ...options.sampling, seed: (options.sampling?.seed ?? 0) + stats.batches, within, deadline });
        stats.attackMs += performance.now() - t0;
        if (found) return finish('violated', found);
      }
    }
    if (splitting === 'input') {
      const cex = await bisectBatch(batch);
      if (cex) return finish('violated', cex);
      continue;
    }
    for (const d of batch) {
      if (outOfTime()) return finish('timeout');
      const children = await splitRelu(d, spec.regions[d.region].clauses, rule, net, bound);
      if (!children) {
        const cex = await settleLeaf(d);
        if (cex) return finish('violated', cex);
        continue;
      }
      for (const child of children) {
        // A rule that probed this split (strong branching, the fail-safe) already bounded it.
        // The parent's intermediate bounds hold on the child (a subset): they only tighten it.
        const b = child.bound ?? (await bound(d.region, child.box, child.splits, d.open, undefined, undefined, d.bound.layers, d.bound.objective));
        const cex = settleChild(d, child.box, child.splits, b);
        if (cex) return finish('violated', cex);
      }
    }
  }
  return finish(stats.unresolved > 0 ? 'unknown' : 'holds');
}

function withSplit(splits: Splits, choice: ReluChoice, value: 0 | 1): Int8Array[] {
  const next = splits.map((s) => Int8Array.from(s));
  next[choice.layer][choice.index] = value;
  return next;
}

async function splitRelu(
  d: Domain,
  clauses: readonly (readonly OutputConstraint[])[],
  rule: BranchingRule,
  net: ReluNetwork,
  bound: (region: number, box: Box, splits: Splits | undefined, clauses: number[], method?: BoundingMethod, alphaIterations?: number, prior?: LayerBounds, start?: AlphaBetaParameters) => Promise<DomainBound>,
): Promise<{ box: Box; splits: Splits; bound?: DomainBound }[] | null> {
  const splits = d.splits as Splits;
  const probed = new Map<string, DomainBound>();
  const key = (c: ReluChoice, value: number) => `${c.layer}:${c.index}:${value}`;
  const clause = clauses[d.open[0]];
  const objective = clause[d.bound.clauses[0].bestRow];
  const choice = await rule.choose({
    net,
    box: d.box,
    splits,
    bounds: d.bound.layers,
    objective: { coeffs: objective.coeffs, constant: objective.constant },
    lower: d.lowers[0],
    point: d.bound.clauses[0].minimiser,
    boundChildren: async (c) => {
      const out: number[] = [];
      for (const value of [0, 1] as const) {
        const s = withSplit(splits, c, value);
        const b = probed.get(key(c, value)) ?? (await bound(d.region, d.box, s, d.open, undefined, undefined, d.bound.layers, d.bound.objective));
        probed.set(key(c, value), b);
        out.push(splitsFeasible(b, s) ? Math.max(b.clauses[0].lower, d.lowers[0]) : Infinity);
      }
      return out as [number, number];
    },
  });
  if (!choice) return null;
  return [0, 1].map((value) => ({ box: d.box, splits: withSplit(splits, choice, value as 0 | 1), bound: probed.get(key(choice, value)) }));
}
