// Sums of a per-parameter vector (an LCA row, or totals) over tensors, layers and units.
import type { ParameterLayout } from '../layout/layout';

function checkLength(values: ArrayLike<number>, layout: ParameterLayout, fn: string): void {
  if (values.length !== layout.size) throw new Error(`${fn}: expected ${layout.size} values (one per parameter), got ${values.length}`);
}

/** Σ over all parameters. */
export function sumAll(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
}

/** One sum per tensor, in layout order. */
export function sumByTensor(values: ArrayLike<number>, layout: ParameterLayout): Float64Array {
  checkLength(values, layout, 'sumByTensor');
  return Float64Array.from(layout.tensors, (slot) => {
    let s = 0;
    for (let i = slot.offset; i < slot.offset + slot.size; i++) s += values[i];
    return s;
  });
}

/** One sum per layer (all of its tensors: kernel and bias together). */
export function sumByLayer(values: ArrayLike<number>, layout: ParameterLayout): Float64Array {
  const byTensor = sumByTensor(values, layout);
  const out = new Float64Array(layout.layers.length);
  layout.tensors.forEach((slot, i) => (out[slot.layerIndex] += byTensor[i]));
  return out;
}

/**
 * One sum per unit (neuron or channel): the kernel slice at the unit's output index, summed over
 * every other axis, plus the bias entry of that index.
 */
export function sumByUnit(values: ArrayLike<number>, layout: ParameterLayout): Float64Array {
  checkLength(values, layout, 'sumByUnit');
  const out = new Float64Array(layout.units.length);
  const unitOf = layout.unitOf;
  for (let i = 0; i < values.length; i++) out[unitOf[i]] += values[i];
  return out;
}
