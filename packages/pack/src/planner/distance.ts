import { checkSpace, type Configuration, type SearchSpace } from '../hyperband/space';

/**
 * The reference's kNN distance over a grid space: for hyperparameters whose values are numbers,
 * the L1 distance of their positions in the value list (batch size, learning rate, depth); for the
 * others (optimiser, activation), 1 when they differ. `keys` restricts the sum (default: all).
 */
export function configurationDistance(space: SearchSpace, keys?: readonly string[]): (a: Configuration, b: Configuration) => number {
  const all = checkSpace(space);
  const used = keys ?? all;
  for (const k of used) if (!all.includes(k)) throw new Error(`configurationDistance: key '${k}' is not in the space (${all.join(', ')})`);
  const positions = new Map(used.map((k) => [k, new Map(space[k].map((v, i) => [v, i]))]));
  return (a, b) => {
    let d = 0;
    for (const k of used) {
      const values = space[k];
      if (values.every((v) => typeof v === 'number')) {
        const ia = positions.get(k)!.get(a[k]);
        const ib = positions.get(k)!.get(b[k]);
        if (ia === undefined || ib === undefined) throw new Error(`configurationDistance: value of '${k}' (${String(a[k])} or ${String(b[k])}) is not in the space`);
        d += Math.abs(ia - ib);
      } else if (a[k] !== b[k]) d += 1;
    }
    return d;
  };
}
