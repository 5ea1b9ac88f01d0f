// A float64 loss whose integrand along a line is a cubic: L(θ) = Σ θ⁴/4 + ½ θᵀAθ.
import * as t from '@nnlab/tensor-gpu';
import type { GradientOracle } from '../types';

/** A seeded symmetric positive semi-definite matrix `A = BᵀB / n` (row-major n × n). */
export function randomPsd(n: number, seed: number): Float64Array {
  const rng = t.data.createRng(seed);
  const b = Float64Array.from({ length: n * n }, () => rng() * 2 - 1);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += b[k * n + i] * b[k * n + j];
    a[i * n + j] = s / n;
  }
  return a;
}

/** The quartic oracle: loss Σθ⁴/4 + ½θᵀAθ and gradient θ³ + Aθ, in float64. */
export function quarticOracle(a: Float64Array, n: number): GradientOracle {
  return async (theta) => {
    const grad = new Float64Array(n);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let ai = 0;
      for (let j = 0; j < n; j++) ai += a[i * n + j] * theta[j];
      loss += theta[i] ** 4 / 4 + 0.5 * theta[i] * ai;
      grad[i] = theta[i] ** 3 + ai;
    }
    return { loss, grad };
  };
}
