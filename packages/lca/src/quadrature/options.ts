// Options of the path integral, with the reference defaults and their checks.
import type { ErrorMode, Quadrature } from '../types';

/** Options of the quadrature (see the package README for the table of defaults). */
export interface QuadratureOptions {
  /**
   * How `k_t` is computed (default `'simpson-adaptive'`): `'first-order'` uses g(0) only (badly
   * wrong at realistic learning rates), `'trapezoid'` (g(0) + g(1))/2, `'simpson'` the fixed
   * `[1, 4, 1]/6` rule (the paper's "RK4"), `'simpson-adaptive'` composite Simpson doubled
   * until the error is within `errorThreshold` or `maxSplits` pieces are reached.
   */
  quadrature?: Quadrature;
  /** τ of the adaptive rule (default 1e-3, the reference value). */
  errorThreshold?: number;
  /** Whether τ is absolute (default) or relative to |L(θ_{t+1}) − L(θ_t)|. */
  errorMode?: ErrorMode;
  /** Most Simpson pieces per iteration, a power of two ≥ 2 (default 32, the reference cap). */
  maxSplits?: number;
}

/** {@link QuadratureOptions} with every default filled in and checked. */
export type ResolvedQuadratureOptions = Required<QuadratureOptions>;

/** The reference defaults of {@link QuadratureOptions}. */
export const QUADRATURE_DEFAULTS: ResolvedQuadratureOptions = Object.freeze({
  quadrature: 'simpson-adaptive',
  errorThreshold: 1e-3,
  errorMode: 'absolute',
  maxSplits: 32,
});

const QUADRATURES: readonly Quadrature[] = ['first-order', 'trapezoid', 'simpson', 'simpson-adaptive'];

/** Fills in the defaults and throws a clear error for a bad option. */
export function resolveQuadratureOptions(options: QuadratureOptions = {}): ResolvedQuadratureOptions {
  const o = { ...QUADRATURE_DEFAULTS, ...stripUndefined(options) };
  if (!QUADRATURES.includes(o.quadrature)) throw new Error(`lca: quadrature must be one of ${QUADRATURES.join(', ')}, got ${JSON.stringify(o.quadrature)}`);
  if (!(typeof o.errorThreshold === 'number' && o.errorThreshold >= 0 && Number.isFinite(o.errorThreshold))) {
    throw new Error(`lca: errorThreshold must be a finite number ≥ 0, got ${String(o.errorThreshold)}`);
  }
  if (o.errorMode !== 'absolute' && o.errorMode !== 'relative') throw new Error(`lca: errorMode must be 'absolute' or 'relative', got ${JSON.stringify(o.errorMode)}`);
  const m = o.maxSplits;
  if (!Number.isInteger(m) || m < 2 || (m & (m - 1)) !== 0) throw new Error(`lca: maxSplits must be a power of two ≥ 2, got ${String(m)}`);
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
