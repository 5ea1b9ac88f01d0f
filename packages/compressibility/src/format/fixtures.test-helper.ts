// Test helper (not part of the library): sample quantised tensors and checksum patching.
import { quantizeCodebook } from '../quantize/kmeans';
import type { QuantizedTensor } from '../quantize/types';
import { quantizeUniform } from '../quantize/uniform';
import { gaussian } from '../random.test-helper';
import { crc32 } from './crc32';

/** A small model's worth of quantised tensors: a sparse uniform weight, a codebook weight, a bias, an all-zero tensor. */
export function sampleTensors(): QuantizedTensor[] {
  const w1 = gaussian(30 * 20, 1).map((x) => (Math.abs(x) < 1.2 ? 0 : 0.1 * x));
  const w2 = gaussian(10 * 30, 2).map((x) => 0.05 * x);
  return [
    quantizeUniform('0.weight', [30, 20], w1, 8),
    quantizeUniform('0.bias', [30], gaussian(30, 3), 8),
    quantizeCodebook('2.weight', [10, 30], w2, 7),
    quantizeUniform('2.bias', [10], new Float64Array(10), 8),
  ];
}

/** Rewrites the trailing CRC-32 so that a deliberately edited file passes the checksum. */
export function withFixedChecksum(bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

