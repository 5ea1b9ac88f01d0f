/**
 * Projected-gradient (PGD) search for a counterexample: signed-gradient descent on the summed
 * violation of a clause's constraints, Σ_j max(0, c_j·y + d_j), over the box, from random starts;
 * every iterate is checked against the clause it attacks (float64 filter, then exact replay), so
 * one step costs the same whatever the number of clauses.
 */
import { data } from '@nnlab/tensor-gpu';
import { outputGradient } from '../network/gradient';
import type { ReluNetwork } from '../network/network';
import { checkClause, PointReplay, type Counterexample } from './counterexample';
import { innerBox, type VerificationSpec } from './spec';

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
  /** Stop (returning null) once `performance.now()` passes this time, in ms (default none). */
  deadline?: number;
}

/** Runs PGD on every region and clause; returns a counterexample confirmed in exact arithmetic, or null. */
export function pgdAttack(net: ReluNetwork, spec: VerificationSpec, options: AttackOptions = {}): Counterexample | null {
  const restarts = options.restarts ?? 10;
  const steps = options.steps ?? 50;
  if (!Number.isInteger(restarts) || restarts < 0) throw new Error(`pgdAttack: restarts must be an integer ≥ 0, got ${restarts}`);
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`pgdAttack: steps must be an integer ≥ 0, got ${steps}`);
  const uniform = data.createRng(options.seed ?? 0);
  const deadline = options.deadline ?? Infinity;
  for (let regionIndex = 0; regionIndex < spec.regions.length; regionIndex++) {
    const region = innerBox(spec.regions[regionIndex]);
    if (!region) continue; // no float64 point in the region's input set
    const clauses = spec.regions[regionIndex].clauses;
    const n = region.lower.length;
    const width = Float64Array.from(region.upper, (u, i) => u - region.lower[i]);
    const starts: Float64Array[] = [];
    for (const s of options.starts ?? []) if (s.length === n) starts.push(Float64Array.from(s, (v, i) => Math.min(region.upper[i], Math.max(region.lower[i], v))));
    for (let r = 0; r < restarts; r++) starts.push(Float64Array.from(width, (w, i) => region.lower[i] + w * uniform()));
    for (let clauseIndex = 0; clauseIndex < clauses.length; clauseIndex++) {
      const clause = clauses[clauseIndex];
      for (const start of starts) {
        const x = Float64Array.from(start);
        for (let step = 0; step <= steps; step++) {
          if (performance.now() > deadline) return null;
          const point = new PointReplay(net, Float64Array.from(x));
          const cex = checkClause(net, spec, point, regionIndex, clauseIndex);
          if (cex) return cex;
          if (step === steps || clause.length === 0) break;
          // Descend on the hinge Σ_j max(0, c_j·y + d_j + margin): zero exactly when every
          // constraint holds with the margin; its gradient is the sum over the violated constraints.
          const y = point.output;
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
