/**
 * Confirming a counterexample beyond rounding: the input must lie in the region's exact input set
 * (open ends excluded) and the network, evaluated exactly at that input, must satisfy every
 * constraint of the clause exactly (strictness included). A float64 forward pass filters the
 * candidates first; only those it cannot rule out are replayed exactly.
 */
import { exactForward } from '../exact/replay';
import type { Dyadic } from '../exact/rational';
import { forward, type ReluNetwork } from '../network/network';
import { clauseSatisfiedExact, inRegionExact, type OutputConstraint, type VerificationSpec } from './spec';

/** An input that violates the property, confirmed in exact arithmetic. */
export interface Counterexample {
  /** The input (inside the region's exact input set). */
  readonly input: Float64Array;
  /** The network output at the input by a float64 forward pass (the exact output may differ by rounding). */
  readonly output: Float64Array;
  /** Index of the region whose input set holds the input. */
  readonly region: number;
  /** Index of the clause (in that region) that the exact output satisfies. */
  readonly clause: number;
}

/** Relative slack of the float filter: a constraint whose float64 value exceeds this is taken as failed. */
const FILTER_SLACK = 1e-9;

/** Lazily evaluated float64 and exact outputs of one input. */
export class PointReplay {
  private floatOut: Float64Array | undefined;
  private exactOut: Dyadic[] | undefined;

  /** Wraps the input x (copied). */
  constructor(private readonly net: ReluNetwork, readonly input: Float64Array) {}

  /** Float64 output. */
  get output(): Float64Array {
    this.floatOut ??= forward(this.net, this.input);
    return this.floatOut;
  }

  /** Exact output. */
  get exact(): Dyadic[] {
    this.exactOut ??= exactForward(this.net, this.input);
    return this.exactOut;
  }

  /** Whether the float64 output could satisfy the clause (false only when it clearly does not). */
  mightSatisfy(clause: readonly OutputConstraint[]): boolean {
    const y = this.output;
    for (const c of clause) {
      let v = c.constant;
      let mag = Math.abs(c.constant);
      for (let i = 0; i < y.length; i++) {
        const t = c.coeffs[i] * y[i];
        v += t;
        mag += Math.abs(t);
      }
      if (!(v <= FILTER_SLACK * mag + 1e-300)) return false;
    }
    return true;
  }

  /** Whether the exact output satisfies the clause (after the float filter). */
  satisfies(clause: readonly OutputConstraint[]): boolean {
    return this.mightSatisfy(clause) && clauseSatisfiedExact(clause, this.exact);
  }
}

function checkInput(net: ReluNetwork, spec: VerificationSpec, x: ArrayLike<number>, where: string): Float64Array {
  if (x.length !== spec.inputSize || x.length !== net.inputSize) throw new Error(`${where}: x has ${x.length} values, expected ${spec.inputSize}`);
  const input = Float64Array.from(x);
  for (const v of input) if (!Number.isFinite(v)) throw new Error(`${where}: x must be finite`);
  return input;
}

/**
 * Whether input x violates clause `clause` of region `region`, in exact arithmetic; the
 * counterexample or null. Costs one float64 forward pass, plus one exact pass when the float
 * values cannot rule the clause out.
 */
export function checkClause(net: ReluNetwork, spec: VerificationSpec, x: ArrayLike<number> | PointReplay, region: number, clause: number): Counterexample | null {
  const p = x instanceof PointReplay ? x : new PointReplay(net, checkInput(net, spec, x, 'checkClause'));
  const r = spec.regions[region];
  if (!r || clause < 0 || clause >= r.clauses.length) throw new Error(`checkClause: no clause ${clause} in region ${region}`);
  if (!inRegionExact(r, p.input)) return null;
  return p.satisfies(r.clauses[clause]) ? { input: Float64Array.from(p.input), output: Float64Array.from(p.output), region, clause } : null;
}

/**
 * Finds a region and clause that input x violates, in exact arithmetic (see the module comment);
 * null when x is not a counterexample. Linear in the number of regions and clauses.
 */
export function checkCounterexample(net: ReluNetwork, spec: VerificationSpec, x: ArrayLike<number>): Counterexample | null {
  const p = new PointReplay(net, checkInput(net, spec, x, 'checkCounterexample'));
  for (let r = 0; r < spec.regions.length; r++) {
    const region = spec.regions[r];
    if (!inRegionExact(region, p.input)) continue;
    for (let c = 0; c < region.clauses.length; c++) {
      if (p.satisfies(region.clauses[c])) return { input: Float64Array.from(p.input), output: Float64Array.from(p.output), region: r, clause: c };
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
