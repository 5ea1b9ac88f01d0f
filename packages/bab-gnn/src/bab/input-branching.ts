/**
 * Strong input branching for networks with few inputs: every dimension of a domain is tried, both
 * halves bounded by the cheap pass (forward linear intermediate bounds, then CROWN on the clauses),
 * and the dimension whose worse half has the higher bound is split. For ACAS Xu's 5 inputs that is
 * 10 cheap bounds per domain, about the cost of one CROWN bound with CROWN intermediate bounds,
 * and it avoids the many useless splits that a score read off the parent's linear bound makes.
 */
import type { Box, LayerBounds } from '../bounds/types';
import type { ReluNetwork } from '../network/network';
import type { OutputConstraint } from '../properties/spec';
import { boundDomains, type BoundingSettings } from './bound-domain';
import { bisectBox, canBisect } from './input-split';

/** A domain to choose a split for: its box, bounds valid on it, and its clauses' lower bounds. */
export interface InputBranchingDomain {
  /** The domain's box. */
  readonly box: Box;
  /** Pre-activation bounds valid on the box (intersected into the children's). */
  readonly prior: LayerBounds;
  /** Lower bound of each clause on the domain (children inherit them: bounds only rise). */
  readonly lowers: ArrayLike<number>;
}

/**
 * For each domain, the input dimension whose bisection gives the best cheap bounds (the larger
 * minimum over the two halves of the smallest clause bound, a refuted half counting as +∞; ties
 * broken by the better half), or null when no dimension can be halved in float64. All candidate
 * halves of all domains are bounded in one batched call.
 */
export async function chooseInputDimensionsByBounds(
  net: ReluNetwork,
  domains: readonly InputBranchingDomain[],
  clauses: readonly (readonly OutputConstraint[])[],
  settings: BoundingSettings = {},
): Promise<(number | null)[]> {
  const candidates: { domain: number; dim: number; box: Box; prior: LayerBounds }[] = [];
  domains.forEach((d, b) => {
    for (let i = 0; i < d.box.lower.length; i++) {
      if (!canBisect(d.box, i)) continue;
      for (const half of bisectBox(d.box, i)) candidates.push({ domain: b, dim: i, box: half, prior: d.prior });
    }
  });
  if (candidates.length === 0) return domains.map(() => null);
  const bounds = await boundDomains(net, candidates, clauses, { ...settings, method: 'crown', intermediate: 'forward', cheapFirst: false });
  const value = (q: number): number => {
    const lowers = domains[candidates[q].domain].lowers;
    const cl = bounds[q].clauses.map((c, j) => Math.max(c.lower, lowers[j]));
    return cl.every((v) => v > 0) ? Infinity : Math.min(...cl);
  };
  const best: { dim: number | null; worse: number; better: number }[] = domains.map(() => ({ dim: null, worse: -Infinity, better: -Infinity }));
  for (let q = 0; q < candidates.length; q += 2) {
    const a = value(q);
    const b = value(q + 1);
    const worse = Math.min(a, b);
    const better = Math.max(a, b);
    const cur = best[candidates[q].domain];
    if (cur.dim === null || worse > cur.worse || (worse === cur.worse && better > cur.better)) {
      cur.dim = candidates[q].dim;
      cur.worse = worse;
      cur.better = better;
    }
  }
  return best.map((b) => b.dim);
}
