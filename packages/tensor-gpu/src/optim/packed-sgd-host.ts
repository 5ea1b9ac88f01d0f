import type { HostKernel } from '../backend/kernel-spec';

// The host loops of packed SGD's two kernels (see packed-sgd.ts), registered for the cpu backend.

/** Elements of one model's slice of a packed parameter. */
export interface PackedLayout {
  perModel: number;
}

/** Hyperparameters travel as one small tensor [K, 3] (lr, momentum, weight decay), read by model index. */
export const HYPER = 3;

/** Host loop of the packed SGD momentum buffer. */
export const packedBufferHost: HostKernel<PackedLayout> = ([b, g, p, h], out, [first], { perModel }) => {
  for (let k = 0, i = 0; i < out.length; k++) {
    const [mu, wd] = [h[k * HYPER + 1], h[k * HYPER + 2]];
    for (const end = i + perModel; i < end; i++) {
      const d = g[i] + wd * p[i];
      out[i] = first === 0 ? mu * b[i] + d : d;
    }
  }
};

/** Host loop of the packed SGD parameter step. */
export const packedStepHost: HostKernel<PackedLayout> = ([p, g, b, h], out, [nesterov], { perModel }) => {
  for (let k = 0, i = 0; i < out.length; k++) {
    const [lr, mu, wd] = [h[k * HYPER], h[k * HYPER + 1], h[k * HYPER + 2]];
    for (const end = i + perModel; i < end; i++) out[i] = p[i] - lr * (nesterov !== 0 ? g[i] + wd * p[i] + mu * b[i] : b[i]);
  }
};
