import type { HostKernel } from '../backend/kernel-spec';
import type { ReduceParams } from './reduce';

/**
 * The reductions of kernels/reduce.ts as a host loop, with the gpu.js kernel's arithmetic: each
 * output accumulates in float64 over the reduced axes in order (l = 0, 1, … of a leading reduced
 * axis, and within each k = 0, 1, …) and is stored once as float32, so the results are
 * bit-identical. With an inner axis the loop runs over rows of the input (contiguous reads) and
 * keeps one float64 accumulator per output of the row.
 */
export const hostReduce: HostKernel<ReduceParams> = ([a], out, _, params) => {
  const { op, outer, reduce, inner } = params;
  const lead = params.lead ?? 1;
  const additive = op === 'sum' || op === 'mean';
  const wantsIndex = op === 'argmax' || op === 'argmin';
  const greater = op === 'max' || op === 'argmax';
  const acc = new Float64Array(inner);
  const best = new Float64Array(inner);
  for (let p = 0; p < outer; p++) {
    if (additive) acc.fill(0);
    else for (let i = 0; i < inner; i++) acc[i] = a[p * reduce * inner + i];
    best.fill(0);
    for (let l = 0; l < lead; l++) {
      const base = (l * outer + p) * reduce * inner;
      for (let k = additive || l > 0 ? 0 : 1; k < reduce; k++) {
        const row = base + k * inner;
        if (additive) {
          for (let i = 0; i < inner; i++) acc[i] += a[row + i];
        } else if (greater) {
          for (let i = 0; i < inner; i++) {
            const x = a[row + i];
            if (x > acc[i]) {
              acc[i] = x;
              best[i] = k;
            }
          }
        } else {
          for (let i = 0; i < inner; i++) {
            const x = a[row + i];
            if (x < acc[i]) {
              acc[i] = x;
              best[i] = k;
            }
          }
        }
      }
    }
    const o = p * inner;
    for (let i = 0; i < inner; i++) out[o + i] = wantsIndex ? best[i] : op === 'mean' ? acc[i] / (lead * reduce) : acc[i];
  }
};
