import type { HostKernel } from '../backend/kernel-spec';
import type { GatherParams } from './layout';

/**
 * The strided gather of kernels/layout.ts (transpose, slice, broadcast-to) as a host loop: walks
 * the output row by row (its last axis) and finds each row's first input index from its
 * coordinates. A pure copy, so the results equal the gpu.js kernel's.
 */
export const hostGather: HostKernel<GatherParams> = ([a], out, _, { outShape, strides, offset }) => {
  const rank = outShape.length;
  const inner = rank === 0 ? 1 : outShape[rank - 1];
  const step = rank === 0 ? 0 : strides[rank - 1];
  const rows = inner === 0 ? 0 : out.length / inner;
  for (let r = 0; r < rows; r++) {
    let rest = r;
    let base = offset;
    for (let d = rank - 2; d >= 0; d--) {
      const q = rest % outShape[d];
      rest = (rest - q) / outShape[d];
      base += q * strides[d];
    }
    const o = r * inner;
    if (step === 1) out.set(a.subarray(base, base + inner), o);
    else for (let j = 0; j < inner; j++) out[o + j] = a[base + j * step];
  }
};
