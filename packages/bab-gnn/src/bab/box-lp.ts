/**
 * A small dense linear program over an input box, solved by the tableau simplex in float64:
 *
 *   maximise t  s.t.  g_r(x) + t·s_r ≤ 0 for every row r, x ∈ box
 *
 * (each row scaled by its largest coefficient, s_r = 1/max|coeff|, unless told not to). The solution only guides its
 * callers: the multipliers it returns are turned into sound bounds by float64 bound computations
 * with outward rounding, and its point is replayed exactly, so the float64 simplex never decides a
 * verdict by itself.
 */
import type { Box } from '../bounds/types';

/** Largest tableau (rows × columns) {@link solveBoxLp} builds; bigger programs return null. */
export const MAX_LP_TABLEAU = 4_000_000;

/** The solution of {@link solveBoxLp}. */
export interface BoxLpResult {
  /** Optimal t (in the scaled units of the rows). */
  readonly t: number;
  /** A maximiser x, inside the box. */
  readonly x: Float64Array;
  /** Dual multiplier ≥ 0 of each row, in the rows' own (unscaled) units. */
  readonly duals: Float64Array;
}

/**
 * Solves the program of the module comment for rows `g_r(x) = coeffs_r·x + consts_r` (`coeffs`
 * row-major `[rowCount, inputs]`). Written in the shifted variables x' = x − lower ∈ [0, width],
 * t'' = t + T ≥ 0; Bland's rule (no cycling). `scaleRows: false` keeps every s_r = 1, so that t
 * is −min_x max_r g_r(x) in the rows' own units and the duals sum to 1. Returns null when the tableau exceeds
 * {@link MAX_LP_TABLEAU} or the solve does not finish within its pivot budget or the deadline.
 */
export function solveBoxLp(coeffs: Float64Array, consts: Float64Array, rowCount: number, box: Box, deadline?: number, scaleRows = true): BoxLpResult | null {
  const n = box.lower.length;
  const width = Float64Array.from(box.upper, (u, i) => u - box.lower[i]);
  // Row r: g_r(x) = coeffs_r·x + consts_r, scaled to max |coeff| = 1 (kept in scale[r]).
  const scale = new Float64Array(rowCount);
  const g0 = new Float64Array(rowCount); // g_r at x = lower, scaled
  let top = 0;
  for (let r = 0; r < rowCount; r++) {
    let mx = 0;
    for (let i = 0; i < n; i++) mx = Math.max(mx, Math.abs(coeffs[r * n + i]));
    scale[r] = scaleRows && mx > 0 ? 1 / mx : 1;
    let v = consts[r];
    for (let i = 0; i < n; i++) v += coeffs[r * n + i] * box.lower[i];
    g0[r] = v * scale[r];
    top = Math.max(top, g0[r]);
  }
  const T = Math.max(top, 0);
  const vars = n + 1; // x'_0..x'_{n−1}, t''
  const m = rowCount + n + 1; // constraint rows, box rows, cap row
  const cols = vars + m + 1; // variables, slacks, right-hand side
  if (m * cols > MAX_LP_TABLEAU) return null;
  const tab = new Float64Array((m + 1) * cols);
  const rhs = cols - 1;
  const basis = new Int32Array(m);
  for (let r = 0; r < rowCount; r++) {
    const row = r * cols;
    for (let i = 0; i < n; i++) tab[row + i] = coeffs[r * n + i] * scale[r];
    tab[row + n] = 1;
    tab[row + rhs] = Math.max(0, T - g0[r]);
  }
  for (let i = 0; i < n; i++) {
    const row = (rowCount + i) * cols;
    tab[row + i] = 1;
    tab[row + rhs] = width[i];
  }
  const capRow = (rowCount + n) * cols;
  tab[capRow + n] = 1;
  tab[capRow + rhs] = T + 1;
  for (let r = 0; r < m; r++) {
    tab[r * cols + vars + r] = 1;
    basis[r] = vars + r;
  }
  // Objective row (reduced costs, maximisation written as z − t'' = 0).
  const obj = m * cols;
  tab[obj + n] = -1;
  const eps = 1e-11;
  const maxPivots = 50 * (m + vars);
  for (let pivot = 0; ; pivot++) {
    if (pivot > maxPivots) return null;
    if (pivot % 16 === 0 && deadline !== undefined && performance.now() > deadline) return null;
    let enter = -1;
    for (let j = 0; j < vars + m; j++) if (tab[obj + j] < -eps) { enter = j; break; }
    if (enter < 0) break;
    let leave = -1;
    let bestRatio = Infinity;
    for (let r = 0; r < m; r++) {
      const a = tab[r * cols + enter];
      if (a <= eps) continue;
      const ratio = tab[r * cols + rhs] / a;
      if (ratio < bestRatio - 1e-12 || (Math.abs(ratio - bestRatio) <= 1e-12 && leave >= 0 && basis[r] < basis[leave])) {
        bestRatio = ratio;
        leave = r;
      }
    }
    if (leave < 0) return null; // unbounded: cannot happen with the cap row
    const prow = leave * cols;
    const pv = tab[prow + enter];
    for (let j = 0; j < cols; j++) tab[prow + j] /= pv;
    for (let r = 0; r <= m; r++) {
      if (r === leave) continue;
      const row = r * cols;
      const f = tab[row + enter];
      if (f === 0) continue;
      for (let j = 0; j < cols; j++) tab[row + j] -= f * tab[prow + j];
    }
    basis[leave] = enter;
  }
  const value = new Float64Array(vars);
  for (let r = 0; r < m; r++) if (basis[r] < vars) value[basis[r]] = tab[r * cols + rhs];
  const x = Float64Array.from(box.lower, (l, i) => Math.min(box.upper[i], Math.max(l, l + value[i])));
  // The dual of constraint row r is the reduced cost of its slack; undo the row scaling.
  const duals = new Float64Array(rowCount);
  for (let r = 0; r < rowCount; r++) duals[r] = Math.max(0, tab[obj + vars + r]) * scale[r];
  return { t: value[n] - T, x, duals };
}
