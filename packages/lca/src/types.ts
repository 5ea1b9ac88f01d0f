// The gradient oracle: the one interface the quadrature and the aggregations are written against.

/** The loss and its gradient at one parameter vector. */
export interface LossAndGradient {
  /** L(θ), the loss being decomposed (on a whole fixed split). */
  loss: number;
  /**
   * ∇L(θ), one entry per parameter in the layout's order. The allocator keeps references to
   * these arrays (the end point of one iteration is the start of the next), so an oracle must
   * return a new array on every call and never change it afterwards.
   */
  grad: Float64Array;
}

/**
 * Loss and gradient at a flat parameter vector θ (float64, the layout's order). The quadrature
 * never looks inside: a pure-TypeScript float64 model and a tensor-gpu module
 * ({@link moduleOracle}) plug in the same way. The oracle must not keep or change `theta`.
 */
export type GradientOracle = (theta: Float64Array) => Promise<LossAndGradient>;

/** How `k_t ≈ ∫₀¹ g(θ_t + s·Δθ_t) ds` is computed. */
export type Quadrature = 'first-order' | 'trapezoid' | 'simpson' | 'simpson-adaptive';

/** How the adaptive threshold τ is read: absolute, or relative to |L(θ_{t+1}) − L(θ_t)|. */
export type ErrorMode = 'absolute' | 'relative';
