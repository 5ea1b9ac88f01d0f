import { fmt } from '../shape';
import type { Tensor } from '../tensor';

/**
 * Reads `x` back and throws when it holds NaN or ±Infinity, naming `what`, the first bad flat
 * index and the shape. The on-request numeric check: it waits for the device.
 */
export async function assertFinite(x: Tensor, what = 'tensor'): Promise<void> {
  const values = await x.data();
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`${what}: value ${values[i]} at flat index ${i} of shape ${fmt(x.shape)} is not finite`);
  }
}
