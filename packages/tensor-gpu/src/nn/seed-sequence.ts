import { deriveSeed } from './seed';

/** Hands out `deriveSeed(seed, 0)`, `deriveSeed(seed, 1)`, ...: one seed per layer of a model. */
export class SeedSequence {
  private index = 0;

  constructor(
    /** The model seed. */
    readonly seed: number,
  ) {}

  /** The next derived seed. */
  next(): number {
    return deriveSeed(this.seed, this.index++);
  }
}
