/** Local robustness properties: an L∞ ball around an input, unsafe if another class scores at least as high. */
import type { VerificationSpec } from './spec';

/** Settings of {@link robustnessSpec}. */
export interface RobustnessOptions {
  /** Clip the ball to this input range (default [0, 1], pixel intensities). */
  clip?: [number, number];
  /** Only these target classes (default every class but the label). */
  targets?: readonly number[];
}

/**
 * The property "the network's output `label` stays strictly the largest on the ball of radius
 * `epsilon` around `x`": one clause per target class t, unsafe when y_label − y_t ≤ 0.
 */
export function robustnessSpec(x: ArrayLike<number>, label: number, epsilon: number, numClasses: number, options: RobustnessOptions = {}): VerificationSpec {
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new Error(`robustnessSpec: numClasses must be an integer ≥ 2, got ${numClasses}`);
  if (!Number.isInteger(label) || label < 0 || label >= numClasses) throw new Error(`robustnessSpec: label must be an integer in [0, ${numClasses}), got ${label}`);
  if (!(epsilon >= 0) || !Number.isFinite(epsilon)) throw new Error(`robustnessSpec: epsilon must be a finite number ≥ 0, got ${epsilon}`);
  const [lo, hi] = options.clip ?? [0, 1];
  const lower = Float64Array.from(x, (v) => Math.max(lo, v - epsilon));
  const upper = Float64Array.from(x, (v) => Math.min(hi, v + epsilon));
  if (lower.some((v, i) => !Number.isFinite(v) || v > upper[i])) throw new Error('robustnessSpec: x must be finite and inside the clip range');
  const targets = options.targets ?? Array.from({ length: numClasses }, (_, i) => i).filter((i) => i !== label);
  const clauses = targets.map((target) => {
    if (!Number.isInteger(target) || target < 0 || target >= numClasses || target === label) throw new Error(`robustnessSpec: bad target class ${target}`);
    const coeffs = new Float64Array(numClasses);
    coeffs[label] = 1;
    coeffs[target] = -1;
    return [{ coeffs, constant: 0, strict: false }];
  });
  return { inputSize: x.length, outputSize: numClasses, regions: [{ lower, upper, clauses }] };
}
