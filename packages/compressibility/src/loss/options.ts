/**
 * Options of the compressibility loss, their defaults, and their validation. The paper leaves the
 * grouping, the treatment of biases, the exact form and the denominator guard open; each choice
 * here is a documented option.
 */

/** Which weights form one vector w of ‖w‖₁/‖w‖₂. */
export type CompressibilityScope = 'layer' | 'global';

/**
 * The form of the loss of one group of n weights:
 * `'ratio'` ‖w‖₁/‖w‖₂ (the paper's loss, in [1, √n]); `'square'` (‖w‖₁/‖w‖₂)² (a Hoyer-square-style
 * variant, in [1, n]); `'normalized'` ‖w‖₁/(√n·‖w‖₂), in [1/√n, 1], so that one λ weighs a small and a
 * large layer alike.
 */
export type CompressibilityForm = 'ratio' | 'square' | 'normalized';

/** `'none'`: ‖w‖₁ / max(‖w‖₂, eps). `'smooth'`: Σ√(wᵢ² + eps1²) / √(‖w‖₂² + eps2), differentiable everywhere. */
export type CompressibilitySmoothing = 'none' | 'smooth';

/** Options of the compressibility loss (every field optional). */
export interface CompressibilityOptions {
  /** `'layer'` (default): one group per weight tensor, the groups' losses summed. `'global'`: every weight in one vector. */
  scope?: CompressibilityScope;
  /** Form of each group's loss (default `'ratio'`). */
  form?: CompressibilityForm;
  /** Whether bias vectors take part (default false: only weights, by `Parameter.role`; a bare rank-1 tensor counts as a bias). */
  includeBias?: boolean;
  /** Denominator guard of the plain form: ‖w‖₂ is replaced by max(‖w‖₂, eps) (default 1e-12). */
  eps?: number;
  /** Plain (default `'none'`) or smoothed loss. */
  smoothing?: CompressibilitySmoothing;
  /** Numerator smoothing of `'smooth'` (default 1e-8). */
  eps1?: number;
  /** Denominator smoothing of `'smooth'` (default 1e-12). */
  eps2?: number;
}

/** {@link CompressibilityOptions} with every default filled in. */
export type ResolvedCompressibilityOptions = Required<CompressibilityOptions>;

/** The defaults of {@link CompressibilityOptions}. */
export const COMPRESSIBILITY_DEFAULTS: Readonly<ResolvedCompressibilityOptions> = Object.freeze({
  scope: 'layer',
  form: 'ratio',
  includeBias: false,
  eps: 1e-12,
  smoothing: 'none',
  eps1: 1e-8,
  eps2: 1e-12,
});

function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T {
  if (!allowed.includes(value as T)) throw new Error(`compressibility: ${name} must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

function boolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new Error(`compressibility: ${name} must be a boolean, got ${String(value)}`);
  return value;
}

function positive(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error(`compressibility: ${name} must be a finite number > 0, got ${String(value)}`);
  return value;
}

/** Fills in the defaults and throws a clear error for an unknown or out-of-range option. */
export function resolveCompressibilityOptions(options: CompressibilityOptions = {}): ResolvedCompressibilityOptions {
  if (options === null || typeof options !== 'object') throw new Error('compressibility: options must be an object');
  const o = { ...COMPRESSIBILITY_DEFAULTS, ...stripUndefined(options) };
  return {
    scope: oneOf(o.scope, ['layer', 'global'], 'scope'),
    form: oneOf(o.form, ['ratio', 'square', 'normalized'], 'form'),
    includeBias: boolean(o.includeBias, 'includeBias'),
    eps: positive(o.eps, 'eps'),
    smoothing: oneOf(o.smoothing, ['none', 'smooth'], 'smoothing'),
    eps1: positive(o.eps1, 'eps1'),
    eps2: positive(o.eps2, 'eps2'),
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
