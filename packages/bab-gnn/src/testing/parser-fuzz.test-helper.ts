// Shared by the parsers' fuzz tests: seeded text mutations, and the trial loop that holds every
// outcome to the contract (a consistent result, or an Error naming the file; never another
// exception) and every input to the time and memory budget of scripts/fuzz-budget.test-helper.
import { expect } from 'vitest';
import { measureParse, overBudget } from '../../../../scripts/fuzz-budget.test-helper';

/** A seeded uniform generator on [0, 1), as `data.createRng` returns. */
export type Rng = () => number;

/** One element of `xs`, uniformly. */
export const pick = <T>(u: Rng, xs: readonly T[]): T => xs[Math.floor(u() * xs.length)];

/** How {@link mutate} edits a text. */
export interface MutationOptions {
  /** Longest span (characters) an edit replaces, deletes or duplicates. */
  readonly maxSpan: number;
  /** Prefixes an edit may repeat up to 200 times (deep nesting); none: that edit is not drawn. */
  readonly wraps?: readonly string[];
}

/**
 * Applies one random edit to `text`: replace a span by one of `pieces`, insert a piece, delete a
 * span, duplicate a span up to 50 times, cut the text, or (with `wraps`) repeat a wrap many times.
 */
function mutate(u: Rng, text: string, pieces: readonly string[], options: MutationOptions): string {
  const at = Math.floor(u() * (text.length + 1));
  const len = Math.floor(u() * Math.min(options.maxSpan, text.length - at + 1));
  switch (Math.floor(u() * (options.wraps ? 6 : 5))) {
    case 0:
      return text.slice(0, at) + pick(u, pieces) + text.slice(at + len);
    case 1:
      return text.slice(0, at) + pick(u, pieces) + text.slice(at);
    case 2:
      return text.slice(0, at) + text.slice(at + len);
    case 3:
      return text.slice(0, at) + text.slice(at, at + len).repeat(1 + Math.floor(u() * 50)) + text.slice(at);
    case 4:
      return text.slice(0, at);
    default:
      return text.slice(0, at) + pick(u, options.wraps!).repeat(1 + Math.floor(u() * 200)) + text.slice(at);
  }
}

/** `base` after 1 to `maxEdits` edits of {@link mutate}. */
export function mutated(u: Rng, base: string, maxEdits: number, pieces: readonly string[], options: MutationOptions): string {
  let text = base;
  for (let k = 0, edits = 1 + Math.floor(u() * maxEdits); k < edits; k++) text = mutate(u, text, pieces, options);
  return text;
}

/** One fuzz input: what to parse, its size in bytes for the budget, and a text shown on failure. */
export interface FuzzInput<T> {
  readonly parse: () => T;
  readonly size: number;
  readonly shown: string;
}

/** A fuzz test: how to make each trial's input and what each outcome must satisfy. */
export interface ParserFuzz<T> {
  readonly trials: number;
  /** Draws the next trial's input (from the test's seeded generator). */
  readonly input: () => FuzzInput<T>;
  /** The names a refusal's Error may have. */
  readonly errorName: RegExp;
  /** What a refusal's message must match (the file it names). */
  readonly errorMessage: RegExp;
  /** Checks a result that parsed. */
  readonly check: (result: T) => void;
}

/** Runs every trial of `fuzz` under the contract and the budget; returns how many parsed and how many were refused. */
export function runParserFuzz<T>(fuzz: ParserFuzz<T>): { parsed: number; rejected: number } {
  const tally = { parsed: 0, rejected: 0 };
  for (let trial = 0; trial < fuzz.trials; trial++) {
    const input = fuzz.input();
    const m = measureParse(input.parse);
    const over = overBudget(m, input.size);
    expect(over, `trial ${trial}: ${over}\n${input.shown.slice(0, 300)}`).toBeNull();
    if (m.error !== undefined) {
      expect(m.error, `trial ${trial}: ${String(m.error)}`).toBeInstanceOf(Error);
      expect((m.error as Error).name, `trial ${trial}: ${String(m.error)}`).toMatch(fuzz.errorName);
      expect((m.error as Error).message, `trial ${trial}`).toMatch(fuzz.errorMessage);
      tally.rejected++;
    } else {
      fuzz.check(m.result as T);
      tally.parsed++;
    }
  }
  return tally;
}
