import type { HostKernel } from '../backend/kernel-spec';
import type { SoftmaxParams } from './softmax';

/**
 * The row-wise softmax primitives (kernels/softmax.ts) as host loops: per row the same float64
 * arithmetic in the same order as the gpu.js source, each output stored once as float32, so the
 * results are bit-identical to it; the row's maximum and sum are computed once per row instead
 * of once per output.
 */
export const hostSoftmax: HostKernel<SoftmaxParams> = ([a, b], out, _, { op, rows, cols }) => {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    if (op === 'softmax' || op === 'logSoftmax') {
      let m = a[base];
      for (let k = 1; k < cols; k++) if (a[base + k] > m) m = a[base + k];
      let s = 0;
      for (let k = 0; k < cols; k++) s += Math.exp(a[base + k] - m);
      if (op === 'softmax') for (let k = 0; k < cols; k++) out[base + k] = Math.exp(a[base + k] - m) / s;
      else {
        const logS = Math.log(s);
        for (let k = 0; k < cols; k++) out[base + k] = a[base + k] - m - logS;
      }
    } else if (op === 'softmaxGrad') {
      let d = 0;
      for (let k = 0; k < cols; k++) d += a[base + k] * b[base + k];
      for (let k = 0; k < cols; k++) out[base + k] = b[base + k] * (a[base + k] - d);
    } else {
      let s = 0;
      for (let k = 0; k < cols; k++) s += a[base + k];
      for (let k = 0; k < cols; k++) out[base + k] = a[base + k] - Math.exp(b[base + k]) * s;
    }
  }
};
