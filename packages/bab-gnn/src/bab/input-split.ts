/**
 * Input splitting: which input dimension of a domain's box to bisect, and the bisection itself.
 */
import type { Box } from '../bounds/types';

/**
 * Share of the largest input coefficient that every dimension's coefficient is raised to when
 * scoring (see {@link chooseInputDimension}).
 */
export const COEFFICIENT_FLOOR = 0.05;

/** Whether dimension i of the box can be halved in float64 (its midpoint lies strictly inside). */
export function canBisect(box: Box, i: number): boolean {
  const lo = box.lower[i];
  const hi = box.upper[i];
  const mid = lo + (hi - lo) / 2;
  return mid > lo && mid < hi;
}

/**
 * The input dimension to bisect, or null when none can be halved in float64.
 *
 * Score: the dimension's width times the summed magnitude of its coefficients in the clauses'
 * linear lower bounds (how much the bound moves across the box along it), with every coefficient
 * raised to at least `floor` times the largest. The floor matters: a dimension whose coefficient
 * is 0 (e.g. behind ReLUs relaxed with slope 0) can still be what makes the bound loose, and
 * without the floor the same dimension would be halved again and again until it cannot be split;
 * with it, every dimension is split once it is `1/floor` times wider (in coefficient-weighted
 * terms) than the best, so all widths go to 0 and the relaxations become exact. Without any
 * coefficient (interval bounds), the widest dimension relative to the region's box.
 */
export function chooseInputDimension(box: Box, inputCoeffs: readonly ArrayLike<number>[], regionBox: Box, floor = COEFFICIENT_FLOOR): number | null {
  const n = box.lower.length;
  const weight = new Float64Array(n);
  for (const a of inputCoeffs) for (let i = 0; i < n; i++) weight[i] += Math.abs(a[i]);
  let largest = 0;
  for (let i = 0; i < n; i++) if (canBisect(box, i)) largest = Math.max(largest, weight[i]);
  let best: number | null = null;
  let bestScore = -Infinity;
  for (let i = 0; i < n; i++) {
    if (!canBisect(box, i)) continue;
    const width = box.upper[i] - box.lower[i];
    const regionWidth = regionBox.upper[i] - regionBox.lower[i];
    const score = largest > 0 ? Math.max(weight[i], floor * largest) * width : width / regionWidth;
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}

/** The two halves of `box` along dimension `dim` (which must be {@link canBisect}). */
export function bisectBox(box: Box, dim: number): [Box, Box] {
  const mid = box.lower[dim] + (box.upper[dim] - box.lower[dim]) / 2;
  const left = { lower: Float64Array.from(box.lower), upper: Float64Array.from(box.upper) };
  const right = { lower: Float64Array.from(box.lower), upper: Float64Array.from(box.upper) };
  left.upper[dim] = mid;
  right.lower[dim] = mid;
  return [left, right];
}
