/**
 * Projected-gradient (PGD) search for a counterexample: signed-gradient descent on the summed
 * violation of a clause's constraints, Σ_j max(0, c_j·y + d_j), over the box, from random starts;
 * every iterate is checked in float64 against the whole property.
 */
import { outputGradient } from '../network/gradient';
import type { ReluNetwork } from '../network/network';
import { checkCounterexample, type Counterexample } from './counterexample';
import { seededUniform } from './random';
import type { VerificationSpec } from './spec';

/** Settings of {@link pgdAttack}. */
export interface AttackOptions {
  /** Random starts per region and clause (default 10). */
  restarts?: number;
  /** Gradient steps per start (default 50). */
  steps?: number;
  /** Seed of the random starts (default 0). */
  seed?: number;
  /** Extra start points (e.g. bound minimisers), tried first. */
  starts?: readonly ArrayLike<number>[];
}

/** Runs PGD on every region and clause; returns a float64-checked counterexample or null. */
export function pgdAttack(net: ReluNetwork, spec: VerificationSpec, options: AttackOptions = {}): Counterexample | null {
  const restarts = options.restarts ?? 10;
  const steps = options.steps ?? 50;
  if (!Number.isInteger(restarts) || restarts < 0) throw new Error(`pgdAttack: restarts must be an integer ≥ 0, got ${restarts}`);
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`pgdAttack: steps must be an integer ≥ 0, got ${steps}`);
  const uniform = seededUniform(options.seed ?? 0);
  for (const region of spec.regions) {
    const n = region.lower.length;
    const width = Float64Array.from(region.upper, (u, i) => u - region.lower[i]);
    const starts: Float64Array[] = [];
    for (const s of options.starts ?? []) if (s.length === n) starts.push(Float64Array.from(s, (v, i) => Math.min(region.upper[i], Math.max(region.lower[i], v))));
    for (let r = 0; r < restarts; r++) starts.push(Float64Array.from(width, (w, i) => region.lower[i] + w * uniform()));
    for (const clause of region.clauses) {
      for (const start of starts) {
        const x = Float64Array.from(start);
        for (let step = 0; step <= steps; step++) {
          const cex = checkCounterexample(net, spec, x);
          if (cex) return cex;
          if (step === steps || clause.length === 0) break;
          // Descend on the hinge Σ_j max(0, c_j·y + d_j + margin): zero exactly when every
          // constraint holds with the margin; its gradient is the sum over the violated constraints.
          const y = outputGradient(net, x, clause[0].coeffs).output;
          const direction = new Float64Array(net.outputSize);
          for (const c of clause) {
            let v = c.constant;
            for (let i = 0; i < y.length; i++) v += c.coeffs[i] * y[i];
            if (v + 1e-6 > 0) for (let i = 0; i < y.length; i++) direction[i] += c.coeffs[i];
          }
          const { gradient } = outputGradient(net, x, direction);
          const size = 0.05 * (1 - step / steps) ** 2 + 0.001;
          for (let i = 0; i < n; i++) {
            const next = x[i] - size * width[i] * Math.sign(gradient[i]);
            x[i] = Math.min(region.upper[i], Math.max(region.lower[i], next));
          }
        }
      }
    }
  }
  return null;
}
