import { greaterEqual, mul } from '../ops/elementwise';
import { rand } from '../ops/creation';
import { checkTensor } from '../ops/run';
import type { Tensor } from '../tensor';
import { Module } from './module';
import { deriveSeed, resolveSeed } from './seed';

/** Options of {@link Dropout}. */
export interface DropoutOptions {
  /** Seed of the mask generator (random when omitted); call k draws its mask from `deriveSeed(seed, k)`. */
  seed?: number;
}

/**
 * Inverted dropout: in training mode each element is zeroed with probability `p` and the rest are
 * scaled by `1 / (1 − p)`, so the expected output equals the input; in eval mode (or with p = 0)
 * it returns its input unchanged. Masks come from a seeded generator advanced on every training
 * call, so a run is reproducible from the seed on every backend.
 */
export class Dropout extends Module {
  /** The seed the masks derive from. */
  readonly seed: number;
  private calls = 0;

  constructor(
    /** Probability of zeroing an element, in `[0, 1]`. */
    readonly p = 0.5,
    options: DropoutOptions = {},
  ) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`Dropout: p must be a probability in [0, 1], got ${String(p)}`);
    this.seed = resolveSeed(options.seed, 'Dropout');
  }

  /** Number of masks drawn so far (the generator's position). */
  get callCount(): number {
    return this.calls;
  }

  /** Rewinds the mask generator to call `k` (default 0): the next training call draws mask `k`. */
  resetGenerator(k = 0): void {
    if (!Number.isInteger(k) || k < 0) throw new Error(`Dropout: resetGenerator needs a non-negative integer, got ${k}`);
    this.calls = k;
  }

  /** `x · mask / (1 − p)` in training mode; `x` itself in eval mode. */
  forward(x: Tensor): Tensor {
    checkTensor(x, 'Dropout');
    if (!this.training || this.p === 0) return x;
    const seed = deriveSeed(this.seed, this.calls++);
    if (this.p === 1) return mul(x, 0);
    const engine = x.engine;
    return engine.tidy(() => {
      const mask = engine.noGrad(() => mul(greaterEqual(rand(engine, x.shape, { seed }), this.p), 1 / (1 - this.p)));
      return mul(x, mask);
    });
  }
}
