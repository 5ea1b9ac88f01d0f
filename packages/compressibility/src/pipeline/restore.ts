/** The decoder's end of the pipeline: quantised tensors (or a file) back into a model's parameters. */
import * as t from '@nnlab/tensor-gpu';
import { decodeCompressedFile, type DecodeOptions } from '../format/decode';
import { dequantize, type QuantizedTensor } from '../quantize/types';

/**
 * Loads quantised tensors into `model`: every parameter must appear once with its shape, and no
 * other name may appear; everything is checked before any parameter is replaced.
 */
export function loadQuantized(model: t.nn.Module, tensors: readonly QuantizedTensor[]): void {
  const params = new Map(model.namedParameters());
  const byName = new Map(tensors.map((q) => [q.name, q]));
  const missing = [...params.keys()].filter((n) => !byName.has(n));
  if (missing.length) throw new Error(`loadQuantized: the file has no tensor for parameter(s) ${missing.map((n) => `'${n}'`).join(', ')}`);
  const extra = [...byName.keys()].filter((n) => !params.has(n));
  if (extra.length) throw new Error(`loadQuantized: the file has tensor(s) ${extra.map((n) => `'${n}'`).join(', ')} that the model does not`);
  for (const [name, p] of params) {
    const q = byName.get(name)!;
    if (q.shape.length !== p.value.shape.length || q.shape.some((d, i) => d !== p.value.shape[i])) {
      throw new Error(`loadQuantized: '${name}' has shape [${q.shape}] in the file but [${p.value.shape}] in the model`);
    }
  }
  for (const [name, p] of params) p.assign(t.keep(t.tensor(dequantize(byName.get(name)!), [...p.value.shape])));
}

/** Decodes a compressed-weights file and loads it into `model` (see {@link loadQuantized}); returns the decoded tensors. */
export function restoreModel(model: t.nn.Module, file: Uint8Array, options: DecodeOptions = {}): QuantizedTensor[] {
  const { tensors } = decodeCompressedFile(file, options);
  loadQuantized(model, tensors);
  return tensors;
}
