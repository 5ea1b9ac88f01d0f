/**
 * A sharper bound for a conjunctive clause (unsafe where every constraint g_j ≤ 0). Bounding each
 * constraint on its own refutes the clause only when one constraint is positive on the whole box;
 * but when different constraints are positive in different parts of the box (the usual case of
 * ACAS Xu's "output 0 is minimal" clauses), the clause is refuted as soon as no point of the box
 * has every linear lower bound L_j ≤ 0, i.e. min_x max_j L_j(x) > 0. That min-max over the box is
 * a linear program with a handful of rows, solved by {@link solveBoxLp}; its dual multipliers
 * λ ≥ 0, Σλ = 1, give one linear function Σλ_j·L_j ≤ max_j L_j ≤ max_j g_j, whose minimum over the
 * box is then computed in float64 with outward rounding. The simplex only chooses λ: for every
 * λ ≥ 0 a positive sound lower bound of Σλ_j·g_j refutes the clause (where all g_j ≤ 0, so is
 * Σλ_j·g_j), so the bound never depends on the simplex being exact.
 */
import { ABSOLUTE_MARGIN, RELATIVE_MARGIN } from '../bounds/float-safety';
import type { Box } from '../bounds/types';
import { solveBoxLp } from './box-lp';

/** One constraint's linear lower bound `coeffs·x + constant − slack`, sound on the box and its sub-boxes. */
export interface RowLinearBound {
  /** Input coefficients `[inputs]`. */
  readonly coeffs: ArrayLike<number>;
  /** Constant term. */
  readonly constant: number;
  /** Margin to take off the minimum over any sub-box (rounding, decimal constants). */
  readonly slack: number;
}

/** The combined bound of {@link conjunctionBound}, in the same form as each row's. */
export interface ConjunctionBound {
  /** Sound lower bound of max_j g_j over the box (its sign is what refutes the clause). */
  readonly lower: number;
  /** Input coefficients of the combination Σλ_j·L_j. */
  readonly coeffs: Float64Array;
  /** Its constant. */
  readonly constant: number;
  /** Its margin over the box and every sub-box. */
  readonly slack: number;
  /** The LP's minimiser of max_j L_j: where the clause is closest to being satisfied. */
  readonly point: Float64Array;
  /** The multipliers λ_j ≥ 0 (Σλ = 1) of the rows in the combination. */
  readonly lambda: Float64Array;
}

/**
 * The combined lower bound of a conjunctive clause on `box` from its rows' linear lower bounds, or
 * null when the program could not be solved (or has no positive multiplier). Costs one simplex on
 * rows + inputs + 1 constraints.
 */
export function conjunctionBound(rows: readonly RowLinearBound[], box: Box, deadline?: number): ConjunctionBound | null {
  const n = box.lower.length;
  const m = rows.length;
  const coeffs = new Float64Array(m * n);
  const consts = new Float64Array(m);
  rows.forEach((r, j) => {
    for (let i = 0; i < n; i++) coeffs[j * n + i] = r.coeffs[i];
    consts[j] = r.constant - r.slack;
  });
  const lp = solveBoxLp(coeffs, consts, m, box, deadline, false);
  if (!lp) return null;
  let total = 0;
  for (let j = 0; j < m; j++) total += lp.duals[j];
  if (!(total > 0) || !Number.isFinite(total)) return null;
  const lambda = Float64Array.from(lp.duals, (v) => v / total);
  // Σλ_j·(a_j·x + c_j) in float64; `mag` bounds the size of every term that went into it, on this
  // box and so on every sub-box, for the rounding margin.
  const a = new Float64Array(n);
  let constant = 0;
  let slack = 0;
  let mag = 0;
  for (let j = 0; j < m; j++) {
    const l = lambda[j];
    if (l === 0) continue;
    const r = rows[j];
    constant += l * r.constant;
    slack += l * r.slack;
    mag += l * Math.abs(r.constant);
    for (let i = 0; i < n; i++) {
      a[i] += l * r.coeffs[i];
      mag += l * Math.abs(r.coeffs[i]) * Math.max(Math.abs(box.lower[i]), Math.abs(box.upper[i]));
    }
  }
  // The rows' slacks summed with weights that may round down: a relative 1e-9 more covers that.
  const totalSlack = slack * (1 + 1e-9) + RELATIVE_MARGIN * 2 * mag + ABSOLUTE_MARGIN;
  let v = constant;
  for (let i = 0; i < n; i++) v += a[i] >= 0 ? a[i] * box.lower[i] : a[i] * box.upper[i];
  return { lower: v - totalSlack, coeffs: a, constant, slack: totalSlack, point: lp.x, lambda };
}
