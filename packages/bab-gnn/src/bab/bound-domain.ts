/**
 * Bounding one subdomain (an input box plus ReLU splits) against the open clauses of a property:
 * a clause is refuted on the domain when one of its constraints has a lower bound > 0 (the unsafe
 * constraints are `≤ 0`, so a tie stays unsafe).
 */
import { batchedAlphaBound, type AlphaBetaParameters } from '../bounds/alpha-batched';
import { batchedBackwardLowerBound, type LinearLowerBound } from '../bounds/batched-backward';
import type { BatchDomain } from '../bounds/batched-forward';
import { batchedIntermediateBounds, type IntermediateMethod } from '../bounds/batched-intermediate';
import { safeLower } from '../bounds/float-safety';
import { affineInterval, reluInterval } from '../bounds/ibp';
import { splitOf, type Box, type LayerBounds, type Splits } from '../bounds/types';
import { checkDeadline } from '../deadline';
import { hiddenSizes, type ReluNetwork } from '../network/network';
import { decimalGap, type OutputConstraint } from '../properties/spec';
import { refineRows, type AlphaRefinePolicy } from './alpha-refine';
import { conjunctionBound, type RowLinearBound } from './conjunction-bound';

/** How the objective of a domain is bounded. */
export type BoundingMethod = 'ibp' | 'crown' | 'alpha-crown';

/** Bounds of one clause on one domain. */
export interface ClauseBound {
  /**
   * Lower bound of the clause's largest constraint value (the clause is refuted when > 0): the
   * largest of its constraints' lower bounds, or for several constraints their combined bound when
   * that is higher (see {@link conjunctionBound}).
   */
  readonly lower: number;
  /** The constraint with the largest lower bound of its own. */
  readonly bestRow: number;
  /** Input coefficients of that constraint's linear lower bound (zeros for IBP). */
  readonly inputCoeffs: Float64Array;
  /** The input minimising that linear lower bound over the box (a counterexample candidate). */
  readonly minimiser: Float64Array;
  /**
   * The constant of that linear lower bound and the margin (rounding, decimal constants) to take
   * off its minimum over a box; absent when no linear bound was computed (IBP).
   */
  readonly linear?: { readonly constant: number; readonly slack: number };
  /** For a clause of several constraints: every constraint's linear lower bound (absent for IBP). */
  readonly rows?: readonly RowLinearBound[];
}

/**
 * A sound lower bound of the clause on a sub-box of the domain the clause bound was computed on:
 * its linear lower bound minimised over the sub-box (−∞ without a linear bound). Costs one pass
 * over the inputs, so it filters a child before the child is bounded at all.
 */
export function linearLowerOn(bound: ClauseBound, box: Box): number {
  if (!bound.linear) return -Infinity;
  let v = minimumOn(bound.inputCoeffs, bound.linear.constant, box) - bound.linear.slack;
  if (!bound.rows || v > 0) return v;
  // A clause of several constraints: each constraint's own linear bound, then their combination
  // re-solved for the sub-box.
  for (const r of bound.rows) v = Math.max(v, minimumOn(r.coeffs, r.constant, box) - r.slack);
  if (v > 0 || bound.rows.length < 2) return v;
  const joint = conjunctionBound(bound.rows, box);
  return joint ? Math.max(v, joint.lower) : v;
}

/** min of `a·x + c` over the box, in float64 (callers take their margin off). */
function minimumOn(a: ArrayLike<number>, c: number, box: Box): number {
  let v = c;
  for (let i = 0; i < a.length; i++) v += a[i] >= 0 ? a[i] * box.lower[i] : a[i] * box.upper[i];
  return v;
}

/** Settings shared by the bounding calls of a search. */
export interface BoundingSettings {
  /** Objective bounding (default `'crown'`). */
  method?: BoundingMethod;
  /** Intermediate bounds (default `'crown'`, intersected with IBP). */
  intermediate?: IntermediateMethod;
  /** α iterations for `'alpha-crown'` (default 20). */
  alphaIterations?: number;
  /** How `'alpha-crown'` moves the parameters: `'adam'` (default) or shrinking `'sign'` steps (see {@link batchedAlphaBound}). */
  alphaUpdate?: 'adam' | 'sign';
  /** Whether `'alpha-crown'` also optimises the split multipliers β of split ReLUs (default true: α,β-CROWN). */
  splitMultipliers?: boolean;
  /** Whether `'alpha-crown'` starts from the parameters a domain is given (its parent's) rather than CROWN's slopes (default true). */
  alphaWarmStart?: boolean;
  /** A `performance.now()` time (ms) past which bounding throws a `DeadlineError` (default none). */
  deadline?: number;
  /**
   * Try forward linear intermediate bounds first and compute CROWN intermediate bounds only for
   * the domains they leave unrefuted (default false; the search turns it on for input splitting).
   */
  cheapFirst?: boolean;
  /**
   * Bound clauses of several constraints also by the min-max linear program over their rows'
   * linear bounds (see {@link conjunctionBound}); default true.
   */
  conjunctions?: boolean;
  /**
   * Host α steps (see {@link refineRows}) on the rows of the clauses that CROWN leaves open, for
   * `method: 'crown'`, on the domains the policy picks (default none). With `cheapFirst`, only
   * on the second, full pass.
   */
  refine?: AlphaRefinePolicy;
}

/** Rows bounded together by {@link boundDomain} (whole clauses per chunk). */
const ROW_CHUNK = 1024;

/** Optional extra input of {@link boundDomain}. */
export interface BoundDomainExtras {
  /** Bounds valid on a superset of the domain (its parent's), intersected into the new ones. */
  prior?: LayerBounds;
  /** α,β-CROWN's start: the parameters of a superset of the domain for the same clauses (its parent's {@link DomainBound.objective}). */
  start?: AlphaBetaParameters;
}

/** A domain of {@link boundDomains}: box, splits, prior bounds, and optionally where α,β-CROWN starts. */
export interface BoundingDomain extends BatchDomain {
  /** See {@link BoundDomainExtras.start}; ignored unless it has the clauses' rows. */
  readonly start?: AlphaBetaParameters;
}

/** Everything the search needs from bounding a domain. */
export interface DomainBound {
  /** Pre-activation bounds of the hidden layers. */
  readonly layers: LayerBounds;
  /** One entry per requested clause, in the same order. */
  readonly clauses: ClauseBound[];
  /**
   * For `'alpha-crown'`: the slopes and multipliers of every row of the requested clauses, stacked
   * in their order (`[rows, n_k]` per hidden layer), to start a sub-domain's search from.
   */
  readonly objective?: AlphaBetaParameters;
}

function minimiserOf(box: Box, coeffs: ArrayLike<number>): Float64Array {
  return Float64Array.from(box.lower, (l, i) => (coeffs[i] > 0 ? l : coeffs[i] < 0 ? box.upper[i] : (l + box.upper[i]) / 2));
}

/** Bounds every given clause on the domain (box, splits): the one-domain case of {@link boundDomains}. */
export async function boundDomain(
  net: ReluNetwork,
  box: Box,
  splits: Splits | undefined,
  clauses: readonly (readonly OutputConstraint[])[],
  settings: BoundingSettings = {},
  extras: BoundDomainExtras = {},
): Promise<DomainBound> {
  return (await boundDomains(net, [{ box, splits, prior: extras.prior, start: extras.start }], clauses, settings))[0];
}

/**
 * Bounds every given clause on each of many domains, together: intermediate bounds and the
 * clauses' backward pass run once for the whole batch. With `cheapFirst`, forward linear bounds
 * (with the domain's prior) are tried first and CROWN intermediate bounds are computed only for
 * the domains they leave unrefuted.
 */
export async function boundDomains(
  net: ReluNetwork,
  domains: readonly BoundingDomain[],
  clauses: readonly (readonly OutputConstraint[])[],
  settings: BoundingSettings = {},
): Promise<DomainBound[]> {
  const method = settings.method ?? 'crown';
  const intermediate = settings.intermediate ?? 'crown';
  checkDeadline(settings.deadline, 'boundDomain');
  if (method === 'ibp') return objectiveBounds(net, domains, batchedIntermediateBounds(net, domains, 'ibp'), clauses, settings);
  if (!settings.cheapFirst || intermediate !== 'crown') return objectiveBounds(net, domains, batchedIntermediateBounds(net, domains, intermediate, settings.deadline), clauses, settings);
  const forward = batchedIntermediateBounds(net, domains, 'forward');
  const cheap = objectiveBounds(net, domains, forward, clauses, { ...settings, method: 'crown', refine: undefined });
  const open = domains.flatMap((_, b) => (cheap[b].clauses.every((c) => c.lower > 0) ? [] : [b]));
  if (open.length === 0) return cheap;
  const rest = open.map((b) => domains[b]);
  const layers = batchedIntermediateBounds(net, rest, 'crown', settings.deadline, open.map((b) => forward[b]));
  const full = objectiveBounds(net, rest, layers, clauses, settings);
  open.forEach((b, j) => { cheap[b] = full[j]; });
  return cheap;
}

/** Bounds of every clause on every domain, given the domains' intermediate bounds. */
function objectiveBounds(
  net: ReluNetwork,
  domains: readonly BoundingDomain[],
  layers: readonly LayerBounds[],
  clauses: readonly (readonly OutputConstraint[])[],
  settings: BoundingSettings,
): DomainBound[] {
  const method = settings.method ?? 'crown';
  const conjunctions = settings.conjunctions ?? true;
  const refine = method === 'crown' ? settings.refine : undefined;
  const out: ClauseBound[][] = domains.map(() => []);
  const objective: (AlphaBetaParameters | undefined)[] = domains.map(() => undefined);
  const hidden = hiddenSizes(net);
  const yMag = domains.map((d, b) => outputMagnitude(net, d.box, layers[b], d.splits));
  // Clauses are bounded in chunks of about ROW_CHUNK rows, so that memory stays small and the
  // deadline is checked between chunks however many clauses the property has.
  for (let first = 0; first < clauses.length;) {
    checkDeadline(settings.deadline, 'boundDomain');
    let last = first;
    let m = 0;
    while (last < clauses.length && (last === first || m + clauses[last].length <= ROW_CHUNK)) m += clauses[last++].length;
    const chunk = clauses.slice(first, last);
    // Only a search over every clause at once has parameters to hand on.
    const whole = first === 0 && last === clauses.length;
    first = last;
    const rows = new Float64Array(m * net.outputSize);
    const rowConst = new Float64Array(m);
    const gaps: number[][] = domains.map(() => []);
    let r = 0;
    for (const clause of chunk) {
      for (const c of clause) {
        rows.set(c.coeffs, r * net.outputSize);
        rowConst[r++] = c.constant;
        // The bounds are of the float64 constraints; those read from decimals differ from the exact ones.
        domains.forEach((_, b) => gaps[b].push(decimalGap(c, yMag[b])));
      }
    }
    // The interval bound first: the backward pass is only needed where it leaves a clause open.
    const interval = domains.map((d, b) => outputIntervalRows(net, d.box, layers[b], d.splits, rows, rowConst).map((v, q) => v - gaps[b][q]));
    const results: LinearLowerBound[] = domains.map(() => ({ lower: new Float64Array(m).fill(-Infinity), inputCoeffs: new Float64Array(m * net.inputSize), constant: rowConst }));
    if (method !== 'ibp' && m > 0) {
      const need = domains.flatMap((_, b) => (clauseLowers(chunk, interval[b]).every((v) => v > 0) ? [] : [b]));
      if (method === 'alpha-crown' && need.length > 0) {
        const startOf = (d: BoundingDomain) => (whole && settings.alphaWarmStart !== false && d.start && fitsRows(d.start, hidden, m) ? d.start : undefined);
        const res = batchedAlphaBound(net, need.map((b) => ({ box: domains[b].box, bounds: layers[b], splits: domains[b].splits, rows, rowConst, start: startOf(domains[b]) })), {
          iterations: settings.alphaIterations ?? 20,
          update: settings.alphaUpdate ?? 'adam',
          beta: settings.splitMultipliers ?? true,
          deadline: settings.deadline,
        });
        need.forEach((b, j) => {
          results[b] = res[j];
          if (whole) objective[b] = { alphas: res[j].alphas, betas: res[j].betas };
        });
      } else if (need.length > 0) {
        const res = batchedBackwardLowerBound(net, need.map((b) => ({ box: domains[b].box, bounds: layers[b], splits: domains[b].splits, rows, rowConst })), net.layers.length - 1);
        need.forEach((b, j) => { results[b] = res[j]; });
      }
    }
    // One clause's bound on domain b from the rows' bounds (its rows start at row q).
    const clauseBound = (b: number, q: number, clause: readonly OutputConstraint[]): ClauseBound => {
      const d = domains[b];
      // Both bounds are sound: keep the larger (CROWN is usually, but not always, the tighter).
      const lower = (j: number) => Math.max(results[b].lower[q + j] - gaps[b][q + j], interval[b][q + j]);
      let best = -Infinity;
      let bestRow = -1;
      for (let j = 0; j < clause.length; j++) if (lower(j) > best) { best = lower(j); bestRow = j; }
      const coeffs = bestRow >= 0 ? results[b].inputCoeffs.slice((q + bestRow) * net.inputSize, (q + bestRow + 1) * net.inputSize) : new Float64Array(net.inputSize);
      const margin = results[b].margin;
      const linear = bestRow >= 0 && margin ? { constant: results[b].constant[q + bestRow], slack: margin[q + bestRow] + gaps[b][q + bestRow] } : undefined;
      let bound: ClauseBound = { lower: best, bestRow: Math.max(bestRow, 0), inputCoeffs: coeffs, minimiser: minimiserOf(d.box, coeffs), linear };
      if (clause.length > 1 && best <= 0 && margin && conjunctions) {
        const rows = clause.map((_, j) => ({ coeffs: results[b].inputCoeffs.slice((q + j) * net.inputSize, (q + j + 1) * net.inputSize), constant: results[b].constant[q + j], slack: margin[q + j] + gaps[b][q + j] }));
        const joint = conjunctionBound(rows, d.box, settings.deadline);
        bound = { ...bound, rows };
        // Only the bound rises: the branching reads the best row's coefficients (those of the
        // combination make it split dimensions that do not tighten the relaxations).
        if (joint && joint.lower > best) bound = { ...bound, lower: joint.lower };
      }
      return bound;
    };
    const starts: number[] = [];
    for (let q = 0, c = 0; c < chunk.length; q += chunk[c++].length) starts.push(q);
    const bounds = domains.map((_, b) => chunk.map((clause, c) => clauseBound(b, starts[c], clause)));
    if (refine) {
      // The domains the policy picks (it sees them in order, before this batch's outcomes) get
      // the steps together, on the best row of every open clause: a clause is refuted as soon as
      // one row is, and the steps on the others rarely refute anything (measured on ACAS Xu φ2:
      // the same refutations at a fifth less time).
      const lowest = bounds.map((bs) => Math.min(...bs.map((cb) => cb.lower)));
      const picked = domains.flatMap((_, b) => (results[b].margin && lowest[b] <= 0 && refine.shouldTry(lowest[b]) ? [b] : []));
      const refined = refineRows(
        net,
        picked.map((b) => ({ box: domains[b].box, layers: layers[b], splits: domains[b].splits, rows, rowConst, result: results[b], select: chunk.flatMap((_, c) => (bounds[b][c].lower > 0 ? [] : [starts[c] + bounds[b][c].bestRow])) })),
        refine.iterations,
        settings.deadline,
      );
      picked.forEach((b, j) => {
        results[b] = refined[j];
        bounds[b] = chunk.map((clause, c) => (bounds[b][c].lower > 0 ? bounds[b][c] : clauseBound(b, starts[c], clause)));
        refine.record(lowest[b], Math.min(...bounds[b].map((cb) => cb.lower)));
      });
    }
    domains.forEach((_, b) => out[b].push(...bounds[b]));
  }
  return domains.map((_, b) => ({ layers: layers[b], clauses: out[b], ...(objective[b] ? { objective: objective[b] } : {}) }));
}

/** Whether parameters have `m` rows for every hidden layer (a start for other clauses has not). */
function fitsRows(p: AlphaBetaParameters, hidden: readonly number[], m: number): boolean {
  return p.alphas.length === hidden.length && p.betas.length === hidden.length && hidden.every((n, k) => p.alphas[k].length === m * n && p.betas[k].length === m * n);
}

/** The lower bound of each clause (the largest of its rows'), from per-row lower bounds. */
function clauseLowers(chunk: readonly (readonly OutputConstraint[])[], rowLower: ArrayLike<number>): number[] {
  const out: number[] = [];
  let q = 0;
  for (const clause of chunk) {
    let best = -Infinity;
    for (let j = 0; j < clause.length; j++) best = Math.max(best, rowLower[q + j]);
    out.push(best);
    q += clause.length;
  }
  return out;
}

/**
 * Sound intervals of every network output over the domain: IBP through the last layer only, from
 * the last hidden layer's pre-activation bounds (so it profits from tighter intermediate bounds).
 */
export function outputInterval(net: ReluNetwork, box: Box, layers: LayerBounds, splits: Splits | undefined): { lower: Float64Array; upper: Float64Array } {
  const last = net.layers.length - 1;
  let hl: Float64Array = box.lower;
  let hu: Float64Array = box.upper;
  if (last > 0) {
    const k = last - 1;
    hl = new Float64Array(layers.lower[k].length);
    hu = new Float64Array(layers.lower[k].length);
    for (let i = 0; i < hl.length; i++) [hl[i], hu[i]] = reluInterval(layers.lower[k][i], layers.upper[k][i], splitOf(splits, k, i));
  }
  return affineInterval(net.layers[last], hl, hu);
}

/** Interval lower bounds of `rows·y + rowConst` over the domain, from {@link outputInterval}. */
export function outputIntervalRows(net: ReluNetwork, box: Box, layers: LayerBounds, splits: Splits | undefined, rows: Float64Array, rowConst: Float64Array): Float64Array {
  const out = outputInterval(net, box, layers, splits);
  const m = rowConst.length;
  const lower = new Float64Array(m);
  for (let q = 0; q < m; q++) {
    let v = rowConst[q];
    let mag = Math.abs(v);
    for (let i = 0; i < net.outputSize; i++) {
      const a = rows[q * net.outputSize + i];
      v += a >= 0 ? a * out.lower[i] : a * out.upper[i];
      mag += Math.abs(a) * Math.max(Math.abs(out.lower[i]), Math.abs(out.upper[i]));
    }
    // The output intervals are already widened; this sum is widened once more.
    lower[q] = safeLower(v, mag);
  }
  return lower;
}

/** max(|lower|, |upper|) of every network output over the domain. */
export function outputMagnitude(net: ReluNetwork, box: Box, layers: LayerBounds, splits: Splits | undefined): Float64Array {
  const out = outputInterval(net, box, layers, splits);
  return Float64Array.from(out.lower, (l, i) => Math.max(Math.abs(l), Math.abs(out.upper[i])));
}
