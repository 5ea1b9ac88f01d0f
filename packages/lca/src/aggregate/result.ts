// The plain-data result of an LCA run on one data split.

/** LCA of one layer (all of its tensors, kernel and bias together). */
export interface LayerLca {
  /** Layer name (e.g. `'0'` for the parameters `'0.weight'` and `'0.bias'`). */
  name: string;
  /** Parameters in the layer. */
  parameters: number;
  /** Σ_t Σ_{i∈layer} A[t, i]: negative means the layer helped overall. */
  total: number;
  /** Σ of the negative A[t, i] of the layer (its parameters' help, ≤ 0). */
  helped: number;
  /** Σ of the positive A[t, i] of the layer (its parameters' hurt, ≥ 0). */
  hurt: number;
  /** Iterations in which the layer's sum was negative. */
  helpedIterations: number;
  /** Per-iteration sums a_ℓ[t] (when kept). */
  series?: number[];
}

/** LCA of one parameter tensor. */
export interface TensorLca {
  /** Dotted name. */
  name: string;
  /** Layer name. */
  layer: string;
  /** Shape. */
  shape: number[];
  /** Σ_t Σ_{i∈tensor} A[t, i]. */
  total: number;
  /** Per-iteration sums (when kept). */
  series?: number[];
}

/** LCA of one unit (neuron or channel): kernel slice plus bias entry. */
export interface UnitLca {
  /** Layer name. */
  layer: string;
  /** Output index in the layer (-1: the bucket of a tensor without unit structure). */
  index: number;
  /** Parameters in the unit. */
  parameters: number;
  /** Σ_t of the unit's LCA. */
  total: number;
  /** Per-iteration sums (when kept). */
  series?: number[];
}

/** Everything an LCA run kept for one data split. Series are indexed by iteration t = 0 … T − 1. */
export interface LcaResult {
  /** The data split (e.g. `'train'`). */
  split: string;
  /** P. */
  parameterCount: number;
  /** T, the iterations allocated. */
  iterations: number;
  /** L(θ_0) … L(θ_T), measured by the oracle (T + 1 values). */
  losses: number[];
  /** Σ_i A[t, i] per iteration. */
  lcaPerIteration: number[];
  /** `L(θ_{t+1}) − L(θ_t) − Σ_i A[t, i]` per iteration. */
  errors: number[];
  /** Simpson pieces n_t per iteration (1 for first order and the trapezoid). */
  pieces: number[];
  /** Oracle calls per iteration (end point included). */
  evaluations: number[];
  /** #{i : A[t, i] < 0} per iteration. */
  helpingCounts: number[];
  /** #{i : Δθ_t[i] ≠ 0} per iteration. */
  movedCounts: number[];
  /** Per layer, in layout order. */
  layers: LayerLca[];
  /** Per tensor, in layout order. */
  tensors: TensorLca[];
  /** Per unit, in layout order. */
  units: UnitLca[];
  /** Σ_t A[t, i] per parameter (when kept). */
  parameterTotals?: Float64Array;
  /** Every row A[t, :] (only with `keep.full`: O(T·P) memory). */
  full?: Float64Array[];
}
