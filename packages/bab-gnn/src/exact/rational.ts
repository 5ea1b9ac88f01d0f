/**
 * Exact arithmetic for the places where a verdict must not depend on rounding: rationals with
 * BigInt numerator and denominator (the decimal numbers of a property file, exactly), and dyadic
 * numbers m·2^e (every float64 is one, and sums and products of them stay dyadic), used to replay
 * a network exactly at a float64 input.
 */

/** The rational `num / den`, `den > 0` (not necessarily reduced). */
export interface Rational {
  /** Numerator. */
  readonly num: bigint;
  /** Denominator, > 0. */
  readonly den: bigint;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The dyadic number `m · 2^e`. */
export interface Dyadic {
  /** Integer mantissa. */
  readonly m: bigint;
  /** Power of two. */
  readonly e: number;
}

/** The exact value of a finite float64 as `m · 2^e` (throws on NaN or ±Infinity). */
export function dyadicFromFloat(x: number): Dyadic {
  if (!Number.isFinite(x)) throw new Error(`exact arithmetic: ${x} is not a finite number`);
  if (x === 0) return { m: 0n, e: 0 };
  F64[0] = x;
  const hi = U32[LITTLE ? 1 : 0];
  const lo = U32[LITTLE ? 0 : 1];
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) e = -1074; // subnormal
  else {
    mant |= 1n << 52n;
    e = biased - 1075;
  }
  // Strip trailing zero bits so numbers stay short.
  while ((mant & 1n) === 0n) {
    mant >>= 1n;
    e++;
  }
  return { m: x < 0 ? -mant : mant, e };
}

/** `a + b`, exactly. */
export function dyadicAdd(a: Dyadic, b: Dyadic): Dyadic {
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  if (a.e === b.e) return { m: a.m + b.m, e: a.e };
  if (a.e < b.e) return { m: a.m + (b.m << BigInt(b.e - a.e)), e: a.e };
  return { m: (a.m << BigInt(a.e - b.e)) + b.m, e: b.e };
}

/** `a · b`, exactly. */
export function dyadicMul(a: Dyadic, b: Dyadic): Dyadic {
  if (a.m === 0n || b.m === 0n) return { m: 0n, e: 0 };
  return { m: a.m * b.m, e: a.e + b.e };
}

/** −1, 0 or 1. */
export function dyadicSign(a: Dyadic): number {
  return a.m > 0n ? 1 : a.m < 0n ? -1 : 0;
}

/** A dyadic number as a rational. */
export function dyadicToRational(a: Dyadic): Rational {
  return a.e >= 0 ? { num: a.m << BigInt(a.e), den: 1n } : { num: a.m, den: 1n << BigInt(-a.e) };
}

/** The exact value of a finite float64. */
export function ratFromFloat(x: number): Rational {
  return dyadicToRational(dyadicFromFloat(x));
}

/** The integer `n`. */
export function ratInt(n: bigint | number): Rational {
  return { num: BigInt(n), den: 1n };
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** The same rational in lowest terms. */
export function ratReduce(a: Rational): Rational {
  const g = gcd(a.num, a.den);
  return g > 1n ? { num: a.num / g, den: a.den / g } : a;
}

/** `a + b`. */
export function ratAdd(a: Rational, b: Rational): Rational {
  if (a.den === b.den) return ratReduce({ num: a.num + b.num, den: a.den });
  return ratReduce({ num: a.num * b.den + b.num * a.den, den: a.den * b.den });
}

/** `a · b`. */
export function ratMul(a: Rational, b: Rational): Rational {
  return ratReduce({ num: a.num * b.num, den: a.den * b.den });
}

/** `−a`. */
export function ratNeg(a: Rational): Rational {
  return { num: -a.num, den: a.den };
}

/** `a / b` (throws when b is 0). */
export function ratDiv(a: Rational, b: Rational): Rational {
  if (b.num === 0n) throw new Error('exact arithmetic: division by zero');
  return b.num < 0n ? ratReduce({ num: -a.num * b.den, den: a.den * -b.num }) : ratReduce({ num: a.num * b.den, den: a.den * b.num });
}

/** −1, 0 or 1. */
export function ratSign(a: Rational): number {
  return a.num > 0n ? 1 : a.num < 0n ? -1 : 0;
}

/** Compares a and b: −1, 0 or 1. */
export function ratCmp(a: Rational, b: Rational): number {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** Whether a is 0. */
export function ratIsZero(a: Rational): boolean {
  return a.num === 0n;
}

/**
 * The float64 nearest to `a` (ties to even), as `Number` would round the decimal; ±Infinity when
 * `a` is beyond the float64 range.
 */
export function ratToNumber(a: Rational): number {
  if (a.num === 0n) return 0;
  const neg = a.num < 0n;
  const n = neg ? -a.num : a.num;
  const d = a.den;
  // q = floor(n·2^s / d) with 66 or 67 bits, plus a sticky bit for the remainder: Number(q)
  // then rounds to 53 bits exactly as the real quotient would round.
  const s = 66 - (bitLength(n) - bitLength(d));
  let q: bigint;
  let r: bigint;
  if (s >= 0) {
    const scaled = n << BigInt(s);
    q = scaled / d;
    r = scaled % d;
  } else {
    const dd = d << BigInt(-s);
    q = n / dd;
    r = n % dd;
  }
  if (r !== 0n) q |= 1n;
  // The value is about 2^(bitLength(q) − 1 − s).
  const exponent = bitLength(q) - 1 - s;
  let v: number;
  if (exponent < -1022) v = subnormal(n, d);
  else v = scale2(Number(q), -s);
  return neg ? -v : v;
}

/** x · 2^p, in steps that stay inside the normal range (exact while the result is normal). */
function scale2(x: number, p: number): number {
  let v = x;
  let k = p;
  while (k > 1000) { v *= 2 ** 1000; k -= 1000; }
  while (k < -1000) { v *= 2 ** -1000; k += 1000; }
  return v * 2 ** k;
}

function subnormal(n: bigint, d: bigint): number {
  // Subnormals are multiples of 2^-1074: round n/d · 2^1074 to the nearest integer, ties to even.
  const scaled = n << 1074n;
  let q = scaled / d;
  const r2 = (scaled % d) * 2n;
  if (r2 > d || (r2 === d && (q & 1n) === 1n)) q += 1n;
  return scale2(Number(q), -1074);
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** The largest float64 ≤ a (−Infinity below the range). */
export function ratFloorFloat(a: Rational): number {
  const v = ratToNumber(a);
  if (!Number.isFinite(v)) return v > 0 ? Number.MAX_VALUE : -Infinity;
  return ratCmp(ratFromFloat(v), a) <= 0 ? v : nextDown(v);
}

/** The smallest float64 ≥ a (+Infinity above the range). */
export function ratCeilFloat(a: Rational): number {
  const v = ratToNumber(a);
  if (!Number.isFinite(v)) return v < 0 ? -Number.MAX_VALUE : Infinity;
  return ratCmp(ratFromFloat(v), a) >= 0 ? v : nextUp(v);
}

/** The next float64 above x. */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return 2 ** -1074;
  F64[0] = x;
  const hiIdx = LITTLE ? 1 : 0;
  const loIdx = LITTLE ? 0 : 1;
  if (x > 0) {
    U32[loIdx] = (U32[loIdx] + 1) >>> 0;
    if (U32[loIdx] === 0) U32[hiIdx] += 1;
  } else {
    if (U32[loIdx] === 0) U32[hiIdx] -= 1;
    U32[loIdx] = (U32[loIdx] - 1) >>> 0;
  }
  return F64[0];
}

/** The next float64 below x. */
export function nextDown(x: number): number {
  return -nextUp(-x);
}

/** Largest magnitude of a decimal exponent {@link parseDecimal} accepts. */
export const MAX_DECIMAL_EXPONENT = 400;
/** Most digits {@link parseDecimal} accepts in one number. */
export const MAX_DECIMAL_DIGITS = 1000;

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Whether `text` is a decimal number: optional sign, digits with an optional point (at least one
 * digit), optional exponent. No hexadecimal, binary, `Infinity`, `NaN` or `_` separators.
 */
export function isDecimal(text: string): boolean {
  const m = DECIMAL.exec(text);
  return !!m && (m[2] !== '' || (m[3] ?? '') !== '');
}

/**
 * The exact value of a decimal number: optional sign, digits with an optional point, optional
 * exponent (`-1.5e-3`). Returns null for anything else (hexadecimal, binary, `Infinity`, `NaN`,
 * `1_000`, empty), and for exponents beyond ±{@link MAX_DECIMAL_EXPONENT} or more than
 * {@link MAX_DECIMAL_DIGITS} digits.
 */
export function parseDecimal(text: string): Rational | null {
  if (!isDecimal(text)) return null;
  const [, sign, int, frac = '', exp] = DECIMAL.exec(text) as RegExpExecArray;
  if (int.length + frac.length > MAX_DECIMAL_DIGITS) return null;
  let e = exp === undefined ? 0 : Number(exp);
  if (!Number.isSafeInteger(e) || Math.abs(e) > MAX_DECIMAL_EXPONENT) return null;
  e -= frac.length;
  let num = BigInt(`${int}${frac}` || '0');
  let den = 1n;
  if (e >= 0) num *= 10n ** BigInt(e);
  else den = 10n ** BigInt(-e);
  if (sign === '-') num = -num;
  return ratReduce({ num, den });
}

/** A short exact text of a rational: an integer, a terminating decimal, or `num/den`. */
export function ratToString(a: Rational): string {
  const r = ratReduce(a);
  if (r.den === 1n) return r.num.toString();
  return `${r.num}/${r.den}`;
}
