// Class identity across copies of this package. When its ES module and CommonJS builds (or two
// installed copies) run in one process they share one engine (see shared-engine.ts) but each has its
// own classes, so a plain `instanceof` would reject a tensor or module made by the other copy.
// A brand is a `Symbol.for('@nnlab/tensor-gpu:<class>')` key, the same in every copy, that instances
// carry; a branded class answers `instanceof` by it.

/**
 * The `instanceof` answer of a branded class: for `base` itself, whether `value` carries `brand`
 * (set by any copy's `base`); for a subclass, the ordinary prototype-chain check.
 *
 * @param base - the branded class.
 * @param asked - the class `instanceof` was asked about (`this` of `Symbol.hasInstance`).
 */
export function isBrandedInstance(base: Function, asked: Function, value: unknown, brand: symbol): boolean {
  if (asked !== base) return Function.prototype[Symbol.hasInstance].call(asked, value);
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
