/**
 * A verification problem in normal form: the property is violated iff some input in one of the
 * boxes makes every constraint of one clause hold ("unsafe region = OR of ANDs of linear output
 * constraints", as VNN-LIB states it).
 */

import { dyadicToRational, nextDown, nextUp, ratAdd, ratCeilFloat, ratCmp, ratFloorFloat, ratFromFloat, ratMul, ratSign, type Dyadic, type Rational } from '../exact/rational';

/** The exact coefficients of a constraint, as the property file wrote them (decimals are not floats). */
export interface ExactConstraint {
  /** One coefficient per network output. */
  readonly coeffs: readonly Rational[];
  /** The constant term. */
  readonly constant: Rational;
}

/**
 * `coeffs·y + constant ≤ 0` (or `< 0` when strict), on the network output y. The floats are what
 * bounding uses (the nearest float64 of each exact value: the rounding is far inside the bounds'
 * outward margin); a counterexample is judged on `exact` when present, else on the floats, which
 * are then exact by definition.
 */
export interface OutputConstraint {
  /** One coefficient per network output. */
  readonly coeffs: Float64Array;
  /** The constant term. */
  readonly constant: number;
  /** Whether the constraint is strict (`<`); verifying treats it as `≤`, which is the safe side. */
  readonly strict: boolean;
  /** Exact values, when the constraint came from a decimal text (default: the floats). */
  readonly exact?: ExactConstraint;
}

/**
 * The exact input set of a region, as the property file stated it: per input a lower and an
 * upper end, each closed (`≤`) or open (`<`). The float box of the region contains it.
 */
export interface ExactBox {
  /** Lower end per input. */
  readonly lower: readonly Rational[];
  /** Upper end per input. */
  readonly upper: readonly Rational[];
  /** Whether each lower end is excluded (`>` in the file). */
  readonly lowerOpen: readonly boolean[];
  /** Whether each upper end is excluded (`<` in the file). */
  readonly upperOpen: readonly boolean[];
}

/** An input box and the unsafe clauses that apply on it. */
export interface SpecRegion {
  /** Lower end of each input (float64, at or below the exact end). */
  readonly lower: Float64Array;
  /** Upper end of each input (float64, at or above the exact end). */
  readonly upper: Float64Array;
  /**
   * The exact input set, when it differs from the closed float box (decimal ends, open ends).
   * Bounding works on the float box, a superset; a counterexample must lie in this set.
   */
  readonly exact?: ExactBox;
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

/**
 * Whether the float64 output y satisfies every constraint of the clause, evaluated in float64
 * (rounding can decide a tie either way: use {@link clauseSatisfiedExact} for a verdict).
 */
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

/** The exact value of `coeffs·y + constant` for an exact output y. */
export function constraintValueExact(c: OutputConstraint, y: readonly Dyadic[]): Rational {
  let s: Rational = c.exact ? c.exact.constant : ratFromFloat(c.constant);
  for (let i = 0; i < y.length; i++) {
    if (y[i].m === 0n) continue;
    const k = c.exact ? c.exact.coeffs[i] : ratFromFloat(c.coeffs[i]);
    if (k.num === 0n) continue;
    s = ratAdd(s, ratMul(k, dyadicToRational(y[i])));
  }
  return s;
}

/** Whether the exact output y satisfies every constraint of the clause, strictness included. */
export function clauseSatisfiedExact(clause: readonly OutputConstraint[], y: readonly Dyadic[]): boolean {
  return clause.every((c) => {
    const sign = ratSign(constraintValueExact(c, y));
    return c.strict ? sign < 0 : sign <= 0;
  });
}

/** Whether x (float64 values, taken exactly) lies in the region's exact input set, open ends excluded. */
export function inRegionExact(region: SpecRegion, x: ArrayLike<number>): boolean {
  if (!inBox(region, x)) return false;
  const e = region.exact;
  if (!e) return true;
  for (let i = 0; i < region.lower.length; i++) {
    const v = ratFromFloat(x[i]);
    const lo = ratCmp(v, e.lower[i]);
    const hi = ratCmp(v, e.upper[i]);
    if (lo < 0 || (lo === 0 && e.lowerOpen[i])) return false;
    if (hi > 0 || (hi === 0 && e.upperOpen[i])) return false;
  }
  return true;
}

const inner = new WeakMap<SpecRegion, { lower: Float64Array; upper: Float64Array } | null>();

/**
 * The float64 box of the points of the region's exact input set that are float64 numbers (open
 * ends moved one float inwards, decimal ends rounded inwards); null when it holds no float64 point.
 * Candidate counterexamples are clamped into it.
 */
export function innerBox(region: SpecRegion): { lower: Float64Array; upper: Float64Array } | null {
  if (inner.has(region)) return inner.get(region) ?? null;
  let box: { lower: Float64Array; upper: Float64Array } | null = { lower: Float64Array.from(region.lower), upper: Float64Array.from(region.upper) };
  const e = region.exact;
  if (e) {
    for (let i = 0; i < box.lower.length; i++) {
      let lo = ratCeilFloat(e.lower[i]);
      if (e.lowerOpen[i] && ratCmp(ratFromFloat(lo), e.lower[i]) === 0) lo = nextUp(lo);
      let hi = ratFloorFloat(e.upper[i]);
      if (e.upperOpen[i] && ratCmp(ratFromFloat(hi), e.upper[i]) === 0) hi = nextDown(hi);
      if (!(lo <= hi) || !Number.isFinite(lo) || !Number.isFinite(hi)) {
        box = null;
        break;
      }
      box.lower[i] = Math.max(lo, region.lower[i]);
      box.upper[i] = Math.min(hi, region.upper[i]);
    }
  }
  inner.set(region, box);
  return box;
}

/** x clamped into the region's {@link innerBox} (a copy; x itself when the region has no float point). */
export function clampToRegion(region: SpecRegion, x: ArrayLike<number>): Float64Array {
  const box = innerBox(region);
  if (!box) return Float64Array.from(x);
  return Float64Array.from(x, (v, i) => Math.min(box.upper[i], Math.max(box.lower[i], v)));
}

const inexact = new WeakMap<OutputConstraint, boolean>();

/**
 * An upper bound on |exact value − float64 value| of the constraint for outputs with |y_o| ≤
 * yMag[o]: 0 when its floats are its exact values, else the half-ulp rounding of each coefficient
 * (≤ 2⁻⁵³·|v|, taken as 2⁻⁵²·|v| plus the smallest subnormal) times the output's magnitude.
 * Bounds subtract it, so that a decimal constant like 0.1 cannot tip a proof.
 */
export function decimalGap(c: OutputConstraint, yMag: ArrayLike<number>): number {
  if (!c.exact) return 0;
  let differs = inexact.get(c);
  if (differs === undefined) {
    differs = ratCmp(ratFromFloat(c.constant), c.exact.constant) !== 0 || c.exact.coeffs.some((k, i) => ratCmp(ratFromFloat(c.coeffs[i]), k) !== 0);
    inexact.set(c, differs);
  }
  if (!differs) return 0;
  const u = 2 ** -52;
  let gap = Math.abs(c.constant) * u + 5e-324;
  for (let o = 0; o < c.coeffs.length; o++) gap += (Math.abs(c.coeffs[o]) * u + 5e-324) * yMag[o];
  return gap * (1 + 1e-9);
}
