/** Re-checking a counterexample by a concrete float64 forward pass. */
import { forward, type ReluNetwork } from '../network/network';
import { clauseSatisfied, inBox, type VerificationSpec } from './spec';

/** An input that violates the property, with what it gives. */
export interface Counterexample {
  /** The input (inside the region's box). */
  readonly input: Float64Array;
  /** The network output at the input, float64. */
  readonly output: Float64Array;
  /** Index of the region whose box holds the input. */
  readonly region: number;
  /** Index of the clause (in that region) that the output satisfies. */
  readonly clause: number;
}

/**
 * Finds a region and clause that input x violates, by a float64 forward pass; null when x is not
 * a counterexample.
 *
 * @param tolerance - how far outside the box x may be (default 0).
 */
export function checkCounterexample(net: ReluNetwork, spec: VerificationSpec, x: ArrayLike<number>, tolerance = 0): Counterexample | null {
  if (x.length !== spec.inputSize || x.length !== net.inputSize) throw new Error(`checkCounterexample: x has ${x.length} values, expected ${spec.inputSize}`);
  const output = forward(net, x);
  for (let r = 0; r < spec.regions.length; r++) {
    const region = spec.regions[r];
    if (!inBox(region, x, tolerance)) continue;
    for (let c = 0; c < region.clauses.length; c++) {
      if (clauseSatisfied(region.clauses[c], output)) return { input: Float64Array.from(x), output, region: r, clause: c };
    }
  }
  return null;
}

/** Throws unless the spec's sizes match the network's. */
export function checkSpecMatches(net: ReluNetwork, spec: VerificationSpec, where: string): void {
  if (spec.inputSize !== net.inputSize) throw new Error(`${where}: the property has ${spec.inputSize} inputs, the network ${net.inputSize}`);
  if (spec.outputSize !== net.outputSize) throw new Error(`${where}: the property has ${spec.outputSize} outputs, the network ${net.outputSize}`);
  if (spec.regions.length === 0) throw new Error(`${where}: the property has no input region`);
}
