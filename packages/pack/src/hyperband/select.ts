/** A configuration's score in one rung. */
export interface Scored {
  /** Trial id (sample order; breaks ties). */
  id: number;
  /** Higher is better; NaN counts as the worst. */
  score: number;
}

/**
 * Which configurations survive a rung: `'top'` keeps the highest scores (ties by smaller id);
 * `'reference'` reproduces the reference code's ascending sort, which keeps the lowest, for parity
 * studies only.
 */
export type Selection = 'top' | 'reference';

/** The ids of the `keep` survivors of a rung. */
export function selectSurvivors(scored: readonly Scored[], keep: number, selection: Selection = 'top'): number[] {
  if (!Number.isInteger(keep) || keep < 0) throw new Error(`selectSurvivors: keep must be an integer ≥ 0, got ${keep}`);
  if (selection !== 'top' && selection !== 'reference') throw new Error(`selectSurvivors: selection must be 'top' or 'reference', got ${String(selection)}`);
  const value = (s: Scored) => (Number.isNaN(s.score) ? -Infinity : s.score);
  const sign = selection === 'top' ? -1 : 1;
  return [...scored]
    .sort((a, b) => sign * (value(a) - value(b)) || a.id - b.id)
    .slice(0, keep)
    .map((s) => s.id);
}
