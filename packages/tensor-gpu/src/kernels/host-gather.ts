import type { HostKernel } from '../backend/kernel-spec';
import { collapseAxes } from './indexing';
import type { GatherParams } from './layout';

/** Rows at least this long are copied with `set` (a memory copy); shorter ones element by element. */
const COPY_ROW = 64;

/**
 * The strided gather of kernels/layout.ts (transpose, slice, broadcast-to) as a host loop: walks
 * the output over as few axes as possible (see `collapseAxes`; moving an axis of `[64,6,28,28]`
 * to the front leaves rows of 784) row by row, each row's first input index found from its
 * coordinates. A pure copy, so the results equal the gpu.js kernel's.
 */
export const hostGather: HostKernel<GatherParams> = ([a], out, _, params) => {
  const { shape, strides: [strides] } = collapseAxes(params.outShape, [params.strides]);
  const rank = shape.length;
  const inner = rank === 0 ? 1 : shape[rank - 1];
  const step = rank === 0 ? 0 : strides[rank - 1];
  const rows = inner === 0 ? 0 : out.length / inner;
  for (let r = 0; r < rows; r++) {
    let rest = r;
    let base = params.offset;
    for (let d = rank - 2; d >= 0; d--) {
      const q = rest % shape[d];
      rest = (rest - q) / shape[d];
      base += q * strides[d];
    }
    const o = r * inner;
    if (step === 1 && inner >= COPY_ROW) out.set(a.subarray(base, base + inner), o);
    else for (let j = 0; j < inner; j++) out[o + j] = a[base + j * step];
  }
};
