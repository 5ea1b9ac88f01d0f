/**
 * A verification problem in normal form: the property is violated iff some input in one of the
 * boxes makes every constraint of one clause hold ("unsafe region = OR of ANDs of linear output
 * constraints", as VNN-LIB states it).
 */

/** `coeffs·y + constant ≤ 0` (or `< 0` when strict), on the network output y. */
export interface OutputConstraint {
  /** One coefficient per network output. */
  readonly coeffs: Float64Array;
  /** The constant term. */
  readonly constant: number;
  /** Whether the constraint is strict (`<`); verifying treats it as `≤`, which is the safe side. */
  readonly strict: boolean;
}

/** An input box and the unsafe clauses that apply on it. */
export interface SpecRegion {
  /** Lower end of each input. */
  readonly lower: Float64Array;
  /** Upper end of each input. */
  readonly upper: Float64Array;
  /** Unsafe region on this box: OR over clauses of AND over constraints. */
  readonly clauses: readonly (readonly OutputConstraint[])[];
}

/** A property: it holds iff no input of any region satisfies one of that region's clauses. */
export interface VerificationSpec {
  /** Input dimension. */
  readonly inputSize: number;
  /** Output dimension. */
  readonly outputSize: number;
  /** The regions (one per input-box disjunct). */
  readonly regions: readonly SpecRegion[];
}

/** `coeffs·y + constant`. */
export function constraintValue(c: OutputConstraint, y: ArrayLike<number>): number {
  let s = c.constant;
  for (let i = 0; i < c.coeffs.length; i++) s += c.coeffs[i] * y[i];
  return s;
}

/** Whether output y satisfies every constraint of the clause (is unsafe), with exact strictness. */
export function clauseSatisfied(clause: readonly OutputConstraint[], y: ArrayLike<number>): boolean {
  return clause.every((c) => {
    const v = constraintValue(c, y);
    return c.strict ? v < 0 : v <= 0;
  });
}

/** Whether x lies in the region's box, allowing `tolerance` outside each end. */
export function inBox(region: Pick<SpecRegion, 'lower' | 'upper'>, x: ArrayLike<number>, tolerance = 0): boolean {
  for (let i = 0; i < region.lower.length; i++) {
    if (!(x[i] >= region.lower[i] - tolerance && x[i] <= region.upper[i] + tolerance)) return false;
  }
  return true;
}
