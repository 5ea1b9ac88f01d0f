import * as t from '@nnlab/tensor-gpu';

/** A hyperparameter value in a search space. */
export type HyperparameterValue = number | string | boolean;

/** A sampled configuration: one value per hyperparameter of the space. */
export type Configuration = Readonly<Record<string, HyperparameterValue>>;

/** A grid search space: each hyperparameter and the list of its values (ordered: kNN distances use the positions). */
export type SearchSpace = Readonly<Record<string, readonly HyperparameterValue[]>>;

/** Checks a space (non-empty lists of numbers, strings or booleans, no repeats); returns its keys. */
export function checkSpace(space: SearchSpace): string[] {
  if (!space || typeof space !== 'object') throw new Error('space must be an object mapping hyperparameter names to value lists');
  const keys = Object.keys(space);
  if (keys.length === 0) throw new Error('space must name at least one hyperparameter');
  for (const key of keys) {
    const values = space[key];
    if (!Array.isArray(values) || values.length === 0) throw new Error(`space.${key} must be a non-empty array of values`);
    values.forEach((v, i) => {
      const ok = (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string' || typeof v === 'boolean';
      if (!ok) throw new Error(`space.${key}[${i}] must be a finite number, a string or a boolean, got ${String(v)}`);
    });
    if (new Set(values).size !== values.length) throw new Error(`space.${key} lists a value twice`);
  }
  return keys;
}

/** Number of points of the grid (may exceed 2^53 only for absurd spaces; then it is approximate). */
export function gridSize(space: SearchSpace): number {
  return checkSpace(space).reduce((n, k) => n * space[k].length, 1);
}

/** The grid point with mixed-radix index `index` (the last hyperparameter varies fastest). */
export function gridPoint(space: SearchSpace, index: number): Configuration {
  const keys = checkSpace(space);
  const out: Record<string, HyperparameterValue> = {};
  let rest = index;
  for (let i = keys.length - 1; i >= 0; i--) {
    const values = space[keys[i]];
    out[keys[i]] = values[rest % values.length];
    rest = Math.floor(rest / values.length);
  }
  return out;
}

/**
 * `n` distinct grid points drawn uniformly without replacement with tensor-gpu's seeded generator
 * (the reference samples its Cartesian grid the same way). Throws when the grid has fewer than `n` points.
 */
export function sampleConfigurations(space: SearchSpace, n: number, seed: number): Configuration[] {
  const size = gridSize(space);
  if (!Number.isInteger(n) || n < 0) throw new Error(`n must be a non-negative integer, got ${String(n)}`);
  if (n > size) throw new Error(`the search space has ${size} grid points; cannot sample ${n} distinct configurations without replacement`);
  const rng = t.data.createRng(seed);
  const chosen = new Set<number>();
  const out: Configuration[] = [];
  if (n > size / 2) {
    // Dense draw: shuffle the whole grid and take a prefix (rejection would loop for long).
    const all = t.data.shuffleInPlace(Array.from({ length: size }, (_, i) => i), rng);
    return all.slice(0, n).map((i) => gridPoint(space, i));
  }
  while (out.length < n) {
    const i = t.data.randomInt(rng, size);
    if (chosen.has(i)) continue;
    chosen.add(i);
    out.push(gridPoint(space, i));
  }
  return out;
}
