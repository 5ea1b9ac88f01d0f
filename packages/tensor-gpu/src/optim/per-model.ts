/** A per-model hyperparameter: one value for all K models, K values, or a schedule of the step count. */
export type PerModel = number | readonly number[] | ((step: number) => number | readonly number[]);

/**
 * The K values of a per-model hyperparameter at `step` (`fallback` when absent); throws naming
 * `optimizer` and `name` unless each is finite, ≥ 0 and below `below` (when given).
 */
export function resolvePerModel(optimizer: string, value: PerModel | undefined, fallback: number, k: number, step: number, name: string, below = Infinity): number[] {
  const v = typeof value === 'function' ? value(step) : value ?? fallback;
  const list = typeof v === 'number' ? new Array<number>(k).fill(v) : [...v];
  if (list.length !== k || list.some((x) => typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x >= below)) {
    const range = below === Infinity ? '≥ 0' : `in [0, ${below})`;
    throw new Error(`${optimizer}: ${name} must be a finite number ${range} or ${k} of them (one per model), got ${JSON.stringify(v)}`);
  }
  return list;
}
