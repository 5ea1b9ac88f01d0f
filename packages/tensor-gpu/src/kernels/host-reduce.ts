import type { HostKernel } from '../backend/kernel-spec';
import type { ReduceParams } from './reduce';

/**
 * The reductions of kernels/reduce.ts as a host loop, with the gpu.js kernel's arithmetic: each
 * output accumulates in float64 over the reduced axis in order (k = 0, 1, …) and is stored once as
 * float32, so the results are bit-identical. With an inner axis the loop runs over rows of the
 * input (contiguous reads) and keeps one float64 accumulator per output of the row.
 */
export const hostReduce: HostKernel<ReduceParams> = ([a], out, _, params) => {
  const { op, outer, reduce, inner } = params;
  const additive = op === 'sum' || op === 'mean';
  const wantsIndex = op === 'argmax' || op === 'argmin';
  const greater = op === 'max' || op === 'argmax';
  const acc = new Float64Array(inner);
  const best = new Float64Array(inner);
  for (let p = 0; p < outer; p++) {
    const base = p * reduce * inner;
    if (additive) acc.fill(0);
    else for (let i = 0; i < inner; i++) acc[i] = a[base + i];
    best.fill(0);
    for (let k = additive ? 0 : 1; k < reduce; k++) {
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
    const o = p * inner;
    for (let i = 0; i < inner; i++) out[o + i] = wantsIndex ? best[i] : op === 'mean' ? acc[i] / reduce : acc[i];
  }
};
