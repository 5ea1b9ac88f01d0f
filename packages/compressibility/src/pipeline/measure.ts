/**
 * Step 3 to 5 of the compression pipeline: statistics, the entropy bound, real coded files and
 * compression ratios. Compression ratio = 32-bit dense size / coded size, over every parameter
 * (biases included), with every header byte counted.
 */
import { rangeCodec, type PayloadCodec } from '../coding/codec';
import { encodeCompressedFile } from '../format/encode';
import { groupStats, tensorStats, type GroupStats, type TensorStats } from '../measure/stats';
import type { QuantizedTensor } from '../quantize/types';

/** One coded file. */
export interface CodedFile {
  /** Codec name. */
  codec: string;
  /** The file. */
  bytes: Uint8Array;
  /** 32·parameters / (8·file bytes). */
  ratio: number;
  /** File bits per parameter. */
  bitsPerParameter: number;
}

/** What {@link measureCompression} returns. */
export interface CompressionMeasurement {
  /** Parameters in all tensors. */
  parameters: number;
  /** Bytes of the dense float32 model. */
  denseBytes: number;
  /** Statistics of each tensor. */
  tensors: TensorStats[];
  /** Statistics of the weight tensors together. */
  weights: GroupStats;
  /** Ideal coded size of all tensors, Σ nᵢ·Hᵢ bits, in bytes (no headers). */
  entropyBytes: number;
  /** 32·parameters / (Σ nᵢ·Hᵢ): the compression ratio an ideal order-0 coder would reach. */
  entropyRatio: number;
  /** One coded file per codec, in the order given. */
  files: CodedFile[];
}

/**
 * Measures quantised tensors: per-tensor statistics, the entropy bound, and one real file per codec.
 *
 * @param tensors - every parameter of the model, quantised.
 * @param weightNames - which tensors are weights (for the weight statistics; default all).
 * @param codecs - payload codecs to write files with (default the range coder).
 */
export function measureCompression(tensors: readonly QuantizedTensor[], weightNames?: readonly string[], codecs: readonly PayloadCodec[] = [rangeCodec]): CompressionMeasurement {
  const stats = tensors.map(tensorStats);
  const weightSet = new Set(weightNames ?? tensors.map((q) => q.name));
  const parameters = stats.reduce((n, s) => n + s.size, 0);
  const entropyBits = stats.reduce((n, s) => n + s.size * s.entropyBits, 0);
  const files = codecs.map((codec) => {
    const bytes = encodeCompressedFile(tensors, codec);
    return { codec: codec.name, bytes, ratio: (32 * parameters) / (8 * bytes.length), bitsPerParameter: (8 * bytes.length) / parameters };
  });
  return {
    parameters,
    denseBytes: 4 * parameters,
    tensors: stats,
    weights: groupStats(stats.filter((s) => weightSet.has(s.name))),
    entropyBytes: entropyBits / 8,
    entropyRatio: entropyBits > 0 ? (32 * parameters) / entropyBits : Infinity,
    files,
  };
}
