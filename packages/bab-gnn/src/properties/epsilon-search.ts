/**
 * Choice of a robustness radius that is neither trivially proven nor trivially violated, so that
 * deciding it needs branching: bisect for the largest radius CROWN proves at the root and for the
 * smallest radius where PGD finds a counterexample, then take a point between the two.
 */
import { boundDomain } from '../bab/bound-domain';
import type { ReluNetwork } from '../network/network';
import { pgdAttack, type AttackOptions } from './attack';
import type { Counterexample } from './counterexample';
import { robustnessSpec, type RobustnessOptions } from './robustness';

/** Settings of {@link searchEpsilon}. */
export interface EpsilonSearchOptions {
  /** Upper end of both bisections (default 0.2). */
  maxRadius?: number;
  /** Halvings of each bisection (default 8). */
  bisections?: number;
  /** Where ε lies from the proven radius (0) to the attacked radius (1) (default 0.25). */
  fraction?: number;
  /** Clip range and target classes of the properties (see {@link robustnessSpec}). */
  robustness?: RobustnessOptions;
  /** Settings of the PGD attack (see {@link pgdAttack}). */
  attack?: AttackOptions;
}

/** What {@link searchEpsilon} found. */
export interface EpsilonSearch {
  /** The chosen radius: `proven + fraction · (attacked − proven)`. */
  epsilon: number;
  /** The largest radius found that CROWN proves at the root (0 if none was). */
  proven: number;
  /** The smallest radius found where PGD found a counterexample (`maxRadius` if none was). */
  attacked: number;
  /** The counterexample found at `attacked`, or null if the attack never succeeded. */
  counterexample: Counterexample | null;
}

/**
 * Bisects for a robustness radius around `x` between what CROWN proves without branching and what
 * the PGD attack refutes. Each bisection step checks one radius: the bound side keeps the largest
 * radius whose property all clauses' CROWN lower bounds prove; the attack side (searching above
 * that radius) keeps the smallest radius whose property PGD violates.
 *
 * @param net - the network.
 * @param x - the centre of the L∞ ball.
 * @param label - the class that must stay the largest.
 * @param numClasses - the number of outputs.
 * @param options - radii, bisection steps, the ε fraction, property and attack settings.
 * @returns the chosen ε, the two radii and the counterexample at the upper one.
 */
export async function searchEpsilon(net: ReluNetwork, x: ArrayLike<number>, label: number, numClasses: number, options: EpsilonSearchOptions = {}): Promise<EpsilonSearch> {
  const maxRadius = options.maxRadius ?? 0.2;
  const bisections = options.bisections ?? 8;
  const fraction = options.fraction ?? 0.25;
  if (!(maxRadius > 0) || !Number.isFinite(maxRadius)) throw new Error(`searchEpsilon: maxRadius must be a finite number > 0, got ${maxRadius}`);
  if (!Number.isInteger(bisections) || bisections < 0) throw new Error(`searchEpsilon: bisections must be an integer ≥ 0, got ${bisections}`);
  if (!(fraction >= 0 && fraction <= 1)) throw new Error(`searchEpsilon: fraction must lie in [0, 1], got ${fraction}`);
  const spec = (epsilon: number) => robustnessSpec(x, label, epsilon, numClasses, options.robustness);
  let proven = 0;
  let hi = maxRadius;
  for (let step = 0; step < bisections; step++) {
    const mid = (proven + hi) / 2;
    const region = spec(mid).regions[0];
    const b = await boundDomain(net, region, undefined, region.clauses, { method: 'crown' });
    if (b.clauses.every((c) => c.lower > 0)) proven = mid;
    else hi = mid;
  }
  let lo = proven;
  let attacked = maxRadius;
  let counterexample: Counterexample | null = null;
  for (let step = 0; step < bisections; step++) {
    const mid = (lo + attacked) / 2;
    const found = pgdAttack(net, spec(mid), options.attack);
    if (found) {
      attacked = mid;
      counterexample = found;
    } else lo = mid;
  }
  return { epsilon: proven + fraction * (attacked - proven), proven, attacked, counterexample };
}
