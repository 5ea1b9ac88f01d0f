/** One rung of a successive-halving bracket: `n` configurations trained for `budget` units (epochs). */
export interface Rung {
  /** Configurations trained in this rung, n_i = ⌊n·η^−i⌋. */
  n: number;
  /** Budget per configuration, r_i = ⌊R·η^i / η^s⌋. */
  budget: number;
}

/** One Hyperband bracket. */
export interface Bracket {
  /** The bracket index s (s_max first). */
  s: number;
  /** Configurations sampled for the bracket, n = ⌈(s_max+1)·η^s / (s+1)⌉. */
  n: number;
  /** The rungs, i = 0 … s. */
  rungs: Rung[];
}

function checkIntegerAtLeast(value: unknown, min: number, what: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < min) throw new Error(`${what} must be an integer ≥ ${min}, got ${String(value)}`);
  return value as number;
}

/**
 * ⌊log_η R⌋ by integer multiplication: the largest s with η^s ≤ R. Floating-point logs are off by
 * one at exact powers (`Math.log(1000) / Math.log(10)` is 2.9999999999999996; in CPython
 * `math.log(243) / math.log(3)` is 4.999…), so Hyperband's s_max must not use them.
 */
export function integerLog(R: number, eta: number): number {
  checkIntegerAtLeast(R, 1, 'R');
  checkIntegerAtLeast(eta, 2, 'eta');
  let s = 0;
  for (let power = eta; power <= R; power *= eta) s++;
  return s;
}

/** The rungs of bracket `s` of Hyperband(R, η), in exact integer arithmetic. */
export function bracketSchedule(R: number, eta: number, s: number): Bracket {
  const sMax = integerLog(R, eta);
  if (!Number.isInteger(s) || s < 0 || s > sMax) throw new Error(`bracket s must be an integer in [0, ${sMax}] for R = ${R}, η = ${eta}, got ${String(s)}`);
  const etaS = eta ** s;
  const n = Math.ceil(((sMax + 1) * etaS) / (s + 1));
  const rungs: Rung[] = [];
  for (let i = 0; i <= s; i++) rungs.push({ n: Math.floor(n / eta ** i), budget: Math.floor((R * eta ** i) / etaS) });
  return { s, n, rungs };
}

/**
 * Hyperband's brackets (Li et al., 2018) for maximum budget R and halving rate η, s = s_max … 0:
 * s_max = ⌊log_η R⌋, n = ⌈(s_max+1)·η^s/(s+1)⌉, r_i = ⌊R·η^i/η^s⌋, n_i = ⌊n·η^−i⌋; each rung keeps the
 * best ⌊n_i/η⌋ for the next. Integer arithmetic throughout, so the table is exact.
 */
export function hyperbandSchedule(R: number, eta: number): Bracket[] {
  const sMax = integerLog(R, eta);
  const out: Bracket[] = [];
  for (let s = sMax; s >= 0; s--) out.push(bracketSchedule(R, eta, s));
  return out;
}

/** Total trainings and total budget (epochs) of a schedule. */
export function scheduleTotals(brackets: readonly Bracket[]): { trainings: number; budget: number } {
  let trainings = 0;
  let budget = 0;
  for (const b of brackets) for (const r of b.rungs) {
    trainings += r.n;
    budget += r.n * r.budget;
  }
  return { trainings, budget };
}
