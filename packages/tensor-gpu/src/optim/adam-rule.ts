/**
 * Adam's update rule, defined once: the host pieces that the tensor optimizers (`adam`,
 * `packedAdam`, and the cpu kernel of the parameter step) use, and {@link adamUpdate}, the same
 * rule on plain float64 arrays for callers that keep their parameters on the host.
 */

/** Adam's hyper-parameters, with PyTorch's names (see `AdamOptions` for their defaults). */
export interface AdamHyperparameters {
  /** Learning rate. */
  readonly lr: number;
  /** Decay of the first-moment average. */
  readonly beta1: number;
  /** Decay of the second-moment average. */
  readonly beta2: number;
  /** Added to the denominator for numerical stability. */
  readonly eps: number;
  /** L2 penalty added to the gradient, `g + weightDecay·p` (Adam, not AdamW). */
  readonly weightDecay: number;
}

/**
 * The per-step scalars of the t-th update (t ≥ 1), computed in double precision:
 * `stepSize = lr / (1 − β₁ᵗ)` and `bc2Sqrt = √(1 − β₂ᵗ)`.
 */
export function adamStepScalars(lr: number, beta1: number, beta2: number, t: number): { stepSize: number; bc2Sqrt: number } {
  return { stepSize: lr / (1 - Math.pow(beta1, t)), bc2Sqrt: Math.sqrt(1 - Math.pow(beta2, t)) };
}

/**
 * One element's parameter step from its updated moments, as PyTorch computes it:
 * `p − stepSize · m / (√v / bc2Sqrt + ε)`. The device kernel `adamStepKernel` has this body.
 */
export function adamParameterStep(p: number, m: number, v: number, stepSize: number, bc2Sqrt: number, eps: number): number {
  return p - stepSize * (m / (Math.sqrt(v) / bc2Sqrt + eps));
}

/** Moments of {@link adamUpdate}, one entry per parameter, and the updates applied so far. */
export interface AdamHostState {
  /** First moments (start at 0). */
  readonly m: Float64Array;
  /** Second moments (start at 0). */
  readonly v: Float64Array;
  /** Updates applied (start at 0; the bias corrections use it). */
  t: number;
}

/** A fresh state for `size` parameters. */
export function adamHostState(size: number): AdamHostState {
  return { m: new Float64Array(size), v: new Float64Array(size), t: 0 };
}

/**
 * Adam on host arrays, in place and in float64: with `d = g + wd·p`, `m = β₁·m + (1 − β₁)·d`,
 * `v = β₂·v + (1 − β₂)·d²`, then {@link adamParameterStep}. The same rule as the tensor optimizer
 * `adam` (which runs in the tensors' float32).
 *
 * @param params - the parameters, updated in place.
 * @param grads - their gradients (same length).
 * @param state - the moments, updated in place; its `t` is incremented.
 */
export function adamUpdate(params: Float64Array, grads: ArrayLike<number>, state: AdamHostState, hyper: AdamHyperparameters): void {
  if (grads.length !== params.length || state.m.length !== params.length || state.v.length !== params.length) {
    throw new Error(`adamUpdate: params (${params.length}), grads (${grads.length}) and state (${state.m.length}, ${state.v.length}) must have the same length`);
  }
  state.t++;
  const { stepSize, bc2Sqrt } = adamStepScalars(hyper.lr, hyper.beta1, hyper.beta2, state.t);
  for (let i = 0; i < params.length; i++) {
    const d = grads[i] + hyper.weightDecay * params[i];
    state.m[i] = hyper.beta1 * state.m[i] + (1 - hyper.beta1) * d;
    state.v[i] = hyper.beta2 * state.v[i] + (1 - hyper.beta2) * d * d;
    params[i] = adamParameterStep(params[i], state.m[i], state.v[i], stepSize, bc2Sqrt, hyper.eps);
  }
}
