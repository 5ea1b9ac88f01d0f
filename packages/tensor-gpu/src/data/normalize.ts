// Per-channel statistics and normalisation of NCHW image data. Browser-safe.

/** Per-channel mean and (population) standard deviation, see {@link channelMeanStd}. */
export interface ChannelStats {
  /** Mean of each channel. */
  mean: number[];
  /** Population standard deviation of each channel. */
  std: number[];
}

/**
 * Per-channel mean and population standard deviation of NCHW images (accumulated in float64).
 *
 * @param images - `N × C × H × W` values.
 * @param shape - `[C, H, W]` of one image.
 * @throws RangeError when `images.length` is not a positive multiple of `C × H × W`.
 */
export function channelMeanStd(images: Float32Array, shape: readonly [number, number, number]): ChannelStats {
  const { channels, plane, count } = layout(images, shape);
  const sum = new Float64Array(channels);
  const sumSq = new Float64Array(channels);
  for (let n = 0; n < count; n++) {
    for (let c = 0; c < channels; c++) {
      const base = (n * channels + c) * plane;
      let s = 0;
      let s2 = 0;
      for (let p = 0; p < plane; p++) {
        const v = images[base + p];
        s += v;
        s2 += v * v;
      }
      sum[c] += s;
      sumSq[c] += s2;
    }
  }
  const total = count * plane;
  const mean = Array.from(sum, (s) => s / total);
  const std = Array.from(sumSq, (s2, c) => Math.sqrt(Math.max(0, s2 / total - mean[c] * mean[c])));
  return { mean, std };
}

/**
 * Normalises NCHW images per channel, `(v - mean[c]) / std[c]`, into a NEW array; `images` is
 * left unchanged. Use {@link normalizeInPlace} to overwrite instead.
 *
 * @param images - `N × C × H × W` values.
 * @param mean - one mean per channel.
 * @param std - one positive standard deviation per channel.
 * @param shape - `[C, H, W]` of one image.
 * @returns the normalised copy.
 * @throws RangeError for sizes that disagree or a standard deviation that is not positive.
 */
export function normalize(
  images: Float32Array,
  mean: ArrayLike<number>,
  std: ArrayLike<number>,
  shape: readonly [number, number, number],
): Float32Array {
  return normalizeInPlace(images.slice(), mean, std, shape);
}

/**
 * Normalises NCHW images per channel IN PLACE, `(v - mean[c]) / std[c]`, overwriting `images`.
 * Use {@link normalize} to keep the input.
 *
 * @param images - `N × C × H × W` values; overwritten.
 * @param mean - one mean per channel.
 * @param std - one positive standard deviation per channel.
 * @param shape - `[C, H, W]` of one image.
 * @returns `images` itself.
 * @throws RangeError for sizes that disagree or a standard deviation that is not positive.
 */
export function normalizeInPlace(
  images: Float32Array,
  mean: ArrayLike<number>,
  std: ArrayLike<number>,
  shape: readonly [number, number, number],
): Float32Array {
  const { channels, plane, count } = layout(images, shape);
  if (mean.length !== channels || std.length !== channels) {
    throw new RangeError(`expected ${channels} means and stds (one per channel), got ${mean.length} and ${std.length}`);
  }
  for (let c = 0; c < channels; c++) {
    if (!(std[c] > 0) || !Number.isFinite(std[c])) throw new RangeError(`std[${c}] must be positive and finite, got ${std[c]}`);
    if (!Number.isFinite(mean[c])) throw new RangeError(`mean[${c}] must be finite, got ${mean[c]}`);
  }
  for (let n = 0; n < count; n++) {
    for (let c = 0; c < channels; c++) {
      const base = (n * channels + c) * plane;
      const m = mean[c];
      const s = std[c];
      for (let p = 0; p < plane; p++) images[base + p] = (images[base + p] - m) / s;
    }
  }
  return images;
}

function layout(images: Float32Array, shape: readonly [number, number, number]) {
  const [channels, h, w] = shape;
  if (![channels, h, w].every((d) => Number.isInteger(d) && d >= 1)) {
    throw new RangeError(`shape must be three positive integers [C, H, W], got [${shape.join(', ')}]`);
  }
  const plane = h * w;
  const sample = channels * plane;
  if (images.length === 0 || images.length % sample !== 0) {
    throw new RangeError(`images has ${images.length} values, not a positive multiple of C×H×W = ${sample}`);
  }
  return { channels, plane, count: images.length / sample };
}
