/**
 * The compressibility loss and its analytic gradient in float64 over plain arrays: the oracle for
 * the tensor op, and the path for exact checks of the theory (critical points, scale invariance).
 */
import { resolveCompressibilityOptions, type CompressibilityOptions } from './options';

/** The sums one group's loss is built from. */
interface GroupSums {
  /** ‖w‖₁, or Σ√(wᵢ² + eps1²) when smoothed. */
  numerator: number;
  /** The guarded ‖w‖₂ (max(‖w‖₂, eps), or √(‖w‖₂² + eps2) when smoothed). */
  denominator: number;
  /** Whether the guard replaced ‖w‖₂ (its gradient then vanishes). */
  guarded: boolean;
}

function groupSums(w: ArrayLike<number>, o: ReturnType<typeof resolveCompressibilityOptions>): GroupSums {
  let l1 = 0;
  let sq = 0;
  for (let i = 0; i < w.length; i++) {
    const x = w[i];
    l1 += o.smoothing === 'smooth' ? Math.sqrt(x * x + o.eps1 * o.eps1) : Math.abs(x);
    sq += x * x;
  }
  if (o.smoothing === 'smooth') return { numerator: l1, denominator: Math.sqrt(sq + o.eps2), guarded: false };
  const l2 = Math.sqrt(sq);
  return l2 >= o.eps ? { numerator: l1, denominator: l2, guarded: false } : { numerator: l1, denominator: o.eps, guarded: true };
}

function checkVector(w: ArrayLike<number>, fn: string): void {
  if (!w || typeof w.length !== 'number' || w.length === 0) throw new Error(`${fn}: expected a non-empty array of numbers`);
}

/**
 * The compressibility loss of one vector in float64: ‖w‖₁/‖w‖₂ by default (see
 * {@link CompressibilityOptions} for `form`, `smoothing` and `eps`; `scope` and `includeBias` do not
 * apply to a single vector).
 */
export function compressibilityValue(w: ArrayLike<number>, options: CompressibilityOptions = {}): number {
  checkVector(w, 'compressibilityValue');
  const o = resolveCompressibilityOptions(options);
  const { numerator, denominator } = groupSums(w, o);
  const ratio = numerator / denominator;
  if (o.form === 'square') return ratio * ratio;
  if (o.form === 'normalized') return ratio / Math.sqrt(w.length);
  return ratio;
}

/**
 * The gradient of {@link compressibilityValue} in float64. For the plain ratio,
 * ∂/∂wᵢ = sign(wᵢ)/‖w‖₂ − ‖w‖₁·wᵢ/‖w‖₂³, with sign(0) = 0 (the minimum-norm subgradient at 0);
 * when the guard is active (‖w‖₂ < eps) the second term vanishes.
 */
export function compressibilityGradient(w: ArrayLike<number>, options: CompressibilityOptions = {}): Float64Array {
  checkVector(w, 'compressibilityGradient');
  const o = resolveCompressibilityOptions(options);
  const { numerator: n, denominator: d, guarded } = groupSums(w, o);
  const g = new Float64Array(w.length);
  const d3 = d * d * d;
  for (let i = 0; i < w.length; i++) {
    const x = w[i];
    const dNum = o.smoothing === 'smooth' ? x / Math.sqrt(x * x + o.eps1 * o.eps1) : Math.sign(x);
    g[i] = dNum / d - (guarded ? 0 : (n * x) / d3);
  }
  const ratio = n / d;
  const scale = o.form === 'square' ? 2 * ratio : o.form === 'normalized' ? 1 / Math.sqrt(w.length) : 1;
  if (scale !== 1) for (let i = 0; i < g.length; i++) g[i] *= scale;
  return g;
}

/**
 * The loss of several groups in float64, with the `scope` option: `'layer'` sums the loss of each
 * group, `'global'` takes the loss of all groups concatenated.
 */
export function compressibilityValueOfGroups(groups: readonly ArrayLike<number>[], options: CompressibilityOptions = {}): number {
  if (!Array.isArray(groups) || groups.length === 0) throw new Error('compressibilityValueOfGroups: expected a non-empty array of groups');
  const o = resolveCompressibilityOptions(options);
  if (o.scope === 'global') return compressibilityValue(concat(groups), o);
  return groups.reduce((s, g) => s + compressibilityValue(g, o), 0);
}

function concat(groups: readonly ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(groups.reduce((n, g) => n + g.length, 0));
  let at = 0;
  for (const g of groups) for (let i = 0; i < g.length; i++) out[at++] = g[i];
  return out;
}

/**
 * One proximal step on `taskGradient + λ·∇L_c` in float64 (the ratio form, one group): the
 * denominator is linearised at `w`, the smooth part −λ·‖w‖₁·w/‖w‖₂³ joins the gradient step and the
 * ℓ1 part becomes the soft threshold η·λ/‖w‖₂, so weights reach exact zeros. The oracle of
 * `proxCompressibility` (without momentum).
 *
 * @param w - the current weights.
 * @param lr - the step size η.
 * @param lambda - the weight λ of L_c (default 1: pure minimisation).
 * @param taskGradient - the gradient of the task loss at `w` (default zero).
 * @param eps - the denominator guard: ‖w‖₂ is replaced by max(‖w‖₂, eps).
 */
export function proxStepReference(w: ArrayLike<number>, lr: number, lambda = 1, taskGradient?: ArrayLike<number>, eps = 1e-12): Float64Array {
  checkVector(w, 'proxStepReference');
  let l1 = 0;
  let sq = 0;
  for (let i = 0; i < w.length; i++) {
    l1 += Math.abs(w[i]);
    sq += w[i] * w[i];
  }
  const l2 = Math.max(Math.sqrt(sq), eps);
  const smooth = (-lambda * l1) / (l2 * l2 * l2);
  const threshold = (lr * lambda) / l2;
  const out = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const v = w[i] - lr * ((taskGradient ? taskGradient[i] : 0) + smooth * w[i]);
    out[i] = Math.sign(v) * Math.max(Math.abs(v) - threshold, 0);
  }
  return out;
}
