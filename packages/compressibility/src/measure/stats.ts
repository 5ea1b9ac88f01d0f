/** Statistics of quantised tensors: sparsity, distinct magnitudes, zeroth-order entropy. */
import type { QuantizedTensor } from '../quantize/types';

/** Empirical zeroth-order entropy H = −Σ p log₂ p of a symbol stream, in bits per symbol (0 for an empty stream). */
export function symbolEntropy(symbols: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < symbols.length; i++) counts.set(symbols[i], (counts.get(symbols[i]) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / symbols.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Entropy of |symbol| among the non-zero symbols, bits per non-zero (0 when there is none). */
export function magnitudeEntropy(symbols: ArrayLike<number>): number {
  const magnitudes: number[] = [];
  for (let i = 0; i < symbols.length; i++) if (symbols[i] !== 0) magnitudes.push(Math.abs(symbols[i]));
  return symbolEntropy(magnitudes);
}

/** Number of distinct |symbol| among the non-zero symbols. */
export function distinctMagnitudes(symbols: ArrayLike<number>): number {
  const seen = new Set<number>();
  for (let i = 0; i < symbols.length; i++) if (symbols[i] !== 0) seen.add(Math.abs(symbols[i]));
  return seen.size;
}

/** Statistics of one quantised tensor. */
export interface TensorStats {
  /** Parameter name. */
  name: string;
  /** Number of values. */
  size: number;
  /** Values that are exactly zero. */
  zeros: number;
  /** zeros / size. */
  sparsity: number;
  /** Distinct magnitudes among the non-zeros. */
  distinctMagnitudes: number;
  /** Zeroth-order entropy of the symbols, bits per value. */
  entropyBits: number;
  /** Entropy of the magnitudes of the non-zeros, bits per non-zero (the paper's "entropy of the non-zero part"). */
  magnitudeEntropyBits: number;
}

/** The statistics of `q`. */
export function tensorStats(q: QuantizedTensor): TensorStats {
  let zeros = 0;
  for (const s of q.symbols) if (s === 0) zeros++;
  const size = q.symbols.length;
  return { name: q.name, size, zeros, sparsity: size ? zeros / size : 0, distinctMagnitudes: distinctMagnitudes(q.symbols), entropyBits: symbolEntropy(q.symbols), magnitudeEntropyBits: magnitudeEntropy(q.symbols) };
}

/** Statistics of a group of tensors (the weights of a model). */
export interface GroupStats {
  /** Values in all tensors. */
  size: number;
  /** Zeros in all tensors. */
  zeros: number;
  /** zeros / size. */
  sparsity: number;
  /** Largest number of distinct non-zero magnitudes in one tensor. */
  maxDistinctMagnitudes: number;
  /** Size-weighted mean of the tensors' entropies: the ideal coded size in bits divided by the values. */
  entropyBits: number;
  /** Non-zero-weighted mean of the tensors' magnitude entropies, bits per non-zero. */
  magnitudeEntropyBits: number;
}

/** Sums the per-tensor statistics (each tensor coded with its own symbol statistics). */
export function groupStats(stats: readonly TensorStats[]): GroupStats {
  const size = stats.reduce((n, s) => n + s.size, 0);
  const zeros = stats.reduce((n, s) => n + s.zeros, 0);
  const bits = stats.reduce((n, s) => n + s.size * s.entropyBits, 0);
  const nonZeros = size - zeros;
  const magnitudeBits = stats.reduce((n, s) => n + (s.size - s.zeros) * s.magnitudeEntropyBits, 0);
  return {
    size,
    zeros,
    sparsity: size ? zeros / size : 0,
    maxDistinctMagnitudes: stats.reduce((m, s) => Math.max(m, s.distinctMagnitudes), 0),
    entropyBits: size ? bits / size : 0,
    magnitudeEntropyBits: nonZeros ? magnitudeBits / nonZeros : 0,
  };
}
