// CIFAR-10 as image sprites (one 32 × 32 image per row of a 1024-pixel-wide picture, pixels
// interleaved RGB or RGBA) back to the official binary records. Browser-safe: the caller decodes
// the picture (pngjs in Node, a canvas in browsers).
import { CIFAR10_IMAGE_BYTES, CIFAR10_RECORD_BYTES } from './cifar';
import { DataFileError } from './errors';

/** Pixels per CIFAR-10 image (32 × 32): the width of a sprite row. */
export const CIFAR10_SPRITE_WIDTH = 1024;

/** A decoded sprite picture: `height` rows of `width` pixels, `channels` interleaved bytes each. */
export interface Cifar10Sprite {
  /** Pixels per row; must be {@link CIFAR10_SPRITE_WIDTH}. */
  width: number;
  /** Rows, one image each. */
  height: number;
  /** 3 (RGB) or 4 (RGBA, alpha ignored). */
  channels: 3 | 4;
  /** `height × width × channels` bytes, row-major. */
  data: Uint8Array;
}

/**
 * Turns a sprite and its labels into CIFAR-10 binary records (label ‖ 1024 R ‖ 1024 G ‖ 1024 B per
 * image), the layout of the official `.bin` batches, so that the result can be checked against their
 * checksums and read with `parseCifar10`.
 *
 * @param sprite - the decoded picture.
 * @param labels - one class id 0..9 per row.
 * @param name - the sprite's file name, for error messages.
 * @throws {@link DataFileError} naming `name` for a width other than 1024, a row count other than
 * the number of labels, a data length that does not match, or a label outside 0..9.
 */
export function cifar10RecordsFromSprite(sprite: Cifar10Sprite, labels: ArrayLike<number>, name: string): Uint8Array {
  const { width, height, channels, data } = sprite;
  if (width !== CIFAR10_SPRITE_WIDTH) throw new DataFileError(name, `sprite is ${width} pixels wide, expected ${CIFAR10_SPRITE_WIDTH} (one 32 × 32 image per row)`);
  if (height !== labels.length) throw new DataFileError(name, `sprite has ${height} rows (images) but there are ${labels.length} labels`);
  if (channels !== 3 && channels !== 4) throw new DataFileError(name, `sprite has ${String(channels)} channels per pixel, expected 3 (RGB) or 4 (RGBA)`);
  if (data.length !== height * width * channels) throw new DataFileError(name, `sprite data holds ${data.length} bytes, expected ${height} × ${width} × ${channels}`);
  const out = new Uint8Array(height * CIFAR10_RECORD_BYTES);
  for (let i = 0; i < height; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label > 9) throw new DataFileError(name, `label of image ${i} is ${label}, expected an integer 0..9`);
    const record = i * CIFAR10_RECORD_BYTES;
    out[record] = label;
    const row = i * width * channels;
    for (let c = 0; c < 3; c++) {
      const plane = record + 1 + c * (CIFAR10_IMAGE_BYTES / 3);
      for (let p = 0; p < width; p++) out[plane + p] = data[row + p * channels + c];
    }
  }
  return out;
}
