// Deliberately adding an L2 term to the decomposed loss (the reference leaves it out).
import type { GradientOracle } from '../types';

/**
 * Wraps `oracle` so that the decomposed loss includes `(coefficient / 2)·‖θ‖²` (gradient
 * `coefficient·θ`), computed in float64 on the host. Without it (the default everywhere) LCA
 * decomposes the data loss alone, as the reference does.
 */
export function withL2(oracle: GradientOracle, coefficient: number): GradientOracle {
  if (!(typeof coefficient === 'number' && Number.isFinite(coefficient) && coefficient >= 0)) {
    throw new Error(`withL2: coefficient must be a finite number ≥ 0, got ${String(coefficient)}`);
  }
  return async (theta) => {
    const { loss, grad } = await oracle(theta);
    let sq = 0;
    const out = new Float64Array(grad.length);
    for (let i = 0; i < out.length; i++) {
      sq += theta[i] * theta[i];
      out[i] = grad[i] + coefficient * theta[i];
    }
    return { loss: loss + 0.5 * coefficient * sq, grad: out };
  };
}
