// One LCA run: the streaming allocator feeding one accumulator per data split.
import { LcaAccumulator, type KeepOptions } from './aggregate/accumulator';
import type { LcaResult } from './aggregate/result';
import type { ParameterLayout } from './layout/layout';
import { LcaAllocator, type IterationResult, type Oracles } from './quadrature/allocator';
import type { QuadratureOptions } from './quadrature/options';

/** Options of {@link LcaRun}. */
export interface LcaRunOptions extends QuadratureOptions {
  /** Which aggregates to keep (default: everything but the full T × P matrix). */
  keep?: KeepOptions;
  /** Called after every iteration, with buffers valid until the next one (copy what you keep). */
  onIteration?: (iteration: IterationResult) => void;
}

/**
 * Runs LCA over a trajectory fed one parameter vector at a time: `start(θ₀)`, then `step(θ_t)`
 * for t = 1 … T. Online (during training) and offline (from a stored trajectory) runs both go
 * through this class, so they give bit-identical results for the same trajectory and oracles.
 */
export class LcaRun {
  /** The path integral. */
  readonly allocator: LcaAllocator;
  private readonly accumulators: LcaAccumulator[];
  private readonly onIteration?: (iteration: IterationResult) => void;

  constructor(
    /** The layout of θ. */
    readonly layout: ParameterLayout,
    oracles: Oracles,
    options: LcaRunOptions = {},
  ) {
    this.allocator = new LcaAllocator(layout.size, oracles, options);
    this.accumulators = this.allocator.splitNames.map((name) => new LcaAccumulator(layout, name, options.keep));
    this.onIteration = options.onIteration;
  }

  /** Names of the data splits. */
  get splits(): string[] {
    return this.allocator.splitNames;
  }

  /** Iterations allocated so far. */
  get iterations(): number {
    return this.allocator.iterations;
  }

  /** Evaluates the oracles at θ₀. */
  start(theta0: ArrayLike<number>): Promise<void> {
    return this.allocator.start(theta0);
  }

  /** Allocates the step to `theta` and aggregates it. */
  async step(theta: Float64Array): Promise<IterationResult> {
    const it = await this.allocator.step(theta);
    for (const acc of this.accumulators) acc.add(it);
    this.onIteration?.(it);
    return it;
  }

  /** The result for one split (default: the first). */
  result(split?: string): LcaResult {
    const acc = split === undefined ? this.accumulators[0] : this.accumulators.find((a) => a.split === split);
    if (!acc) throw new Error(`LcaRun: no split '${split}' (have ${this.splits.join(', ')})`);
    return acc.result();
  }

  /** The results of every split, by name. */
  results(): Record<string, LcaResult> {
    return Object.fromEntries(this.accumulators.map((a) => [a.split, a.result()]));
  }

  /** Host bytes held by the run (allocator buffers and kept aggregates). */
  memoryBytes(): number {
    return this.allocator.memoryBytes() + this.accumulators.reduce((n, a) => n + a.memoryBytes(), 0);
  }
}
