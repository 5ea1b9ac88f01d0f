// File handling and loaders on small synthetic files in a temporary directory.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { md5Hex, sha256Hex, verifyKnownFile } from './checksums-node';
import { loadCifar10, loadFashionMnist, loadMnist } from './datasets-node';
import { DataFileError } from './errors';
import { findDataFile, gunzipIfNeeded, readIdxFile } from './files-node';
import { makeCifar, makeIdx } from './synthetic.test-helper';

const root = mkdtempSync(join(tmpdir(), 'nnlab-data-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function dir(name: string): string {
  const d = join(root, name);
  mkdirSync(d, { recursive: true });
  return d;
}

/** A tiny MNIST-layout set: n training and m test images of 28x28. */
function writeMnistLike(d: string, opts: { gz?: boolean; n?: number; m?: number; skip?: string[]; train?: boolean } = {}) {
  const { gz = true, n = 3, m = 2, skip = [], train = true } = opts;
  const files: Record<string, Uint8Array> = {
    't10k-images-idx3-ubyte': makeIdx('uint8', [m, 28, 28], Array.from({ length: m * 784 }, (_, i) => i % 256)),
    't10k-labels-idx1-ubyte': makeIdx('uint8', [m], Array.from({ length: m }, (_, i) => i % 10)),
  };
  if (train) {
    files['train-images-idx3-ubyte'] = makeIdx('uint8', [n, 28, 28], Array.from({ length: n * 784 }, (_, i) => (i * 3) % 256));
    files['train-labels-idx1-ubyte'] = makeIdx('uint8', [n], Array.from({ length: n }, (_, i) => 9 - (i % 10)));
  }
  for (const [name, bytes] of Object.entries(files)) {
    if (skip.includes(name)) continue;
    writeFileSync(join(d, gz ? `${name}.gz` : name), gz ? gzipSync(bytes) : bytes);
  }
}

async function rejection(p: Promise<unknown>): Promise<DataFileError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DataFileError);
    return e as DataFileError;
  }
  throw new Error('expected a rejection');
}

describe('checksums', () => {
  it('hashes known vectors', () => {
    const abc = new TextEncoder().encode('abc');
    expect(md5Hex(abc)).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(sha256Hex(abc)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('verifyKnownFile checks size, MD5 and SHA-256, naming the path', () => {
    const abc = new TextEncoder().encode('abc');
    const known = { file: 'abc.bin', bytes: 3, md5: md5Hex(abc), sha256: sha256Hex(abc) };
    expect(() => verifyKnownFile(abc, known, '/x/abc.bin.gz')).not.toThrow();
    expect(() => verifyKnownFile(abc, { ...known, bytes: 4 }, '/x/abc.bin.gz')).toThrow(/^\/x\/abc\.bin\.gz: 3 bytes \(uncompressed\), expected 4/);
    expect(() => verifyKnownFile(abc, { ...known, md5: '0'.repeat(32) }, '/x/abc.bin.gz')).toThrow(/^\/x\/abc\.bin\.gz: MD5 9001.*expected 0000/);
    expect(() => verifyKnownFile(abc, { ...known, sha256: '0'.repeat(64) }, '/x/abc.bin.gz')).toThrow(/^\/x\/abc\.bin\.gz: SHA-256/);
  });
});

describe('files', () => {
  it('readIdxFile reads gzip and plain files alike', async () => {
    const d = dir('idx');
    const bytes = makeIdx('int16', [2, 2], [1, -1, 300, -300]);
    writeFileSync(join(d, 'a.idx'), bytes);
    writeFileSync(join(d, 'a.idx.gz'), gzipSync(bytes));
    for (const f of ['a.idx', 'a.idx.gz']) {
      const r = await readIdxFile(join(d, f));
      expect(r.dims).toEqual([2, 2]);
      expect([...r.data]).toEqual([1, -1, 300, -300]);
    }
  });

  it('names the path for missing, directory, corrupt gzip and malformed files', async () => {
    const d = dir('bad');
    expect((await rejection(readIdxFile(join(d, 'nope.gz')))).message).toBe(`${join(d, 'nope.gz')}: file not found (expected an IDX file)`);
    expect((await rejection(readIdxFile(d))).message).toMatch(/is a directory/);
    const gz = gzipSync(makeIdx('uint8', [4], [1, 2, 3, 4]));
    writeFileSync(join(d, 'cut.gz'), gz.subarray(0, gz.length - 6));
    expect((await rejection(readIdxFile(join(d, 'cut.gz')))).message).toMatch(new RegExp(`^${join(d, 'cut.gz')}: corrupt or truncated gzip`));
    writeFileSync(join(d, 'short.idx'), makeIdx('uint8', [4], [1, 2, 3, 4]).subarray(0, 10));
    expect((await rejection(readIdxFile(join(d, 'short.idx')))).message).toMatch(/short\.idx: truncated data/);
  });

  it('checks the IDX header of a gzip file on its first bytes and never decompresses past the declared size', async () => {
    const d = dir('bombs');
    // 64 MiB of 0x01 after a bad magic compress to about 64 KiB.
    const bad = new Uint8Array(64 * 2 ** 20).fill(1);
    writeFileSync(join(d, 'magic.gz'), gzipSync(bad));
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 1);
    const e = await rejection(readIdxFile(join(d, 'magic.gz')));
    clearInterval(sample);
    expect(e.message).toMatch(/magic\.gz: bad IDX magic 0x01010101/);
    expect(peak - before).toBeLessThan(8 * 2 ** 20);
    // A valid header for 10 bytes, followed by 64 MiB more.
    const long = new Uint8Array(8 + 64 * 2 ** 20);
    long.set(makeIdx('uint8', [10], Array.from({ length: 10 }, (_, i) => i)).subarray(0, 8));
    writeFileSync(join(d, 'long.gz'), gzipSync(long));
    expect((await rejection(readIdxFile(join(d, 'long.gz')))).message).toMatch(/long\.gz: gzip data decompresses to more than the 18 bytes its header declares/);
    // And a plain cap for data of unknown layout.
    expect((await rejection(gunzipIfNeeded(gzipSync(new Uint8Array(300_000)), 'capped.gz', { maxBytes: 100_000 }))).message).toBe('capped.gz: gzip data decompresses to more than 100000 bytes');
  });

  it('gunzipIfNeeded passes plain bytes through', async () => {
    const plain = new Uint8Array([0, 0, 8, 1]);
    expect(await gunzipIfNeeded(plain, 'x')).toBe(plain);
  });

  it('findDataFile prefers .gz, accepts the plain name and explains what is missing', async () => {
    const d = dir('find');
    writeFileSync(join(d, 'f'), 'x');
    expect(await findDataFile(d, 'f', 'F')).toBe(join(d, 'f'));
    writeFileSync(join(d, 'f.gz'), 'x');
    expect(await findDataFile(d, 'f', 'F')).toBe(join(d, 'f.gz'));
    expect((await rejection(findDataFile(d, 'g', 'the G file'))).message).toBe(
      `${join(d, 'g.gz')}: file not found (expected the G file; the uncompressed g is accepted too)`,
    );
    expect((await rejection(findDataFile(join(d, 'none'), 'g', 'the G file'))).message).toBe(
      `${join(d, 'none')}: directory not found (expected a directory holding the G file)`,
    );
  });
});

describe('loaders on synthetic files (checksums off)', () => {
  it('loadMnist reads a directory of .gz or plain files', async () => {
    for (const gz of [true, false]) {
      const d = dir(`mnist-${gz}`);
      writeMnistLike(d, { gz });
      const { train, test } = await loadMnist({ dir: d, verifyChecksums: false });
      expect(train.count).toBe(3);
      expect(test.count).toBe(2);
      expect(train.shape).toEqual([1, 28, 28]);
      expect(train.images.length).toBe(3 * 784);
      expect([...train.labels]).toEqual([9, 8, 7]);
      expect(test.images[255]).toBe(1);
    }
  });

  it('loadMnist with checksums on rejects a file that is not the official one, naming it', async () => {
    const d = dir('mnist-verify');
    writeMnistLike(d);
    const e = await rejection(loadMnist({ dir: d }));
    expect(e.message).toMatch(/-idx\d-ubyte\.gz: \d+ bytes \(uncompressed\), expected \d+ for the official/);
  });

  it('loadMnist names a missing file or directory and what was expected', async () => {
    const d = dir('mnist-missing');
    writeMnistLike(d, { skip: ['t10k-labels-idx1-ubyte'] });
    expect((await rejection(loadMnist({ dir: d, verifyChecksums: false }))).message).toBe(
      `${join(d, 't10k-labels-idx1-ubyte.gz')}: file not found (expected MNIST test labels ` +
        '(t10k-labels-idx1-ubyte.gz, IDX uint8 [N]); the uncompressed t10k-labels-idx1-ubyte is accepted too)',
    );
    const none = join(root, 'no-such-dir');
    expect((await rejection(loadMnist({ dir: none }))).message).toBe(
      `${none}: directory not found (expected a directory holding the four MNIST IDX files)`,
    );
  });

  it('loadMnist checks each gzip file\'s IDX header on its first bytes, before decompressing the rest', async () => {
    const d = dir('mnist-bomb');
    writeMnistLike(d);
    // 64 MiB of 0x01 after a bad magic compress to about 64 KiB.
    const images = join(d, 't10k-images-idx3-ubyte.gz');
    writeFileSync(images, gzipSync(new Uint8Array(64 * 2 ** 20).fill(1)));
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 1);
    const e = await rejection(loadMnist({ dir: d, verifyChecksums: false }));
    clearInterval(sample);
    expect(e.message).toMatch(/t10k-images-idx3-ubyte\.gz: bad IDX magic 0x01010101/);
    expect(peak - before).toBeLessThan(8 * 2 ** 20);
  });

  it('loadMnist reports mismatched image/label counts naming both files', async () => {
    const d = dir('mnist-mismatch');
    writeMnistLike(d);
    writeFileSync(join(d, 't10k-labels-idx1-ubyte.gz'), gzipSync(makeIdx('uint8', [3], [1, 2, 3])));
    const e = await rejection(loadMnist({ dir: d, verifyChecksums: false }));
    expect(e.message).toBe(
      `${join(d, 't10k-images-idx3-ubyte.gz')}: mismatched counts: 2 images here but 3 labels in ${join(d, 't10k-labels-idx1-ubyte.gz')}`,
    );
  });

  it('loadFashionMnist returns no train split without training files, and rejects half a pair', async () => {
    const d = dir('fashion');
    writeMnistLike(d, { train: false });
    const only = await loadFashionMnist(d, { verifyChecksums: false });
    expect(only.train).toBeUndefined();
    expect(only.test.count).toBe(2);
    writeFileSync(join(d, 'train-images-idx3-ubyte.gz'), gzipSync(makeIdx('uint8', [1, 28, 28], new Uint8Array(784))));
    expect((await rejection(loadFashionMnist(d, { verifyChecksums: false }))).message).toMatch(
      /train-labels-idx1-ubyte\.gz: file not found \(expected Fashion-MNIST training labels/,
    );
    writeFileSync(join(d, 'train-labels-idx1-ubyte.gz'), gzipSync(makeIdx('uint8', [1], [4])));
    const both = await loadFashionMnist(d, { verifyChecksums: false });
    expect(both.train?.count).toBe(1);
  });

  it('loadCifar10 reads and concatenates batches; rejects bad batch numbers and missing files', async () => {
    const d = dir('cifar');
    writeFileSync(join(d, 'test_batch.bin.gz'), gzipSync(makeCifar([1, 2], () => 255)));
    writeFileSync(join(d, 'data_batch_1.bin'), makeCifar([3], () => 0));
    writeFileSync(join(d, 'data_batch_2.bin.gz'), gzipSync(makeCifar([4, 5], () => 51)));
    const r = await loadCifar10(d, { verifyChecksums: false, trainBatches: [1, 2] });
    expect(r.test.count).toBe(2);
    expect(r.test.shape).toEqual([3, 32, 32]);
    expect(r.test.images[3071]).toBe(1);
    expect(r.train?.count).toBe(3);
    expect([...(r.train?.labels ?? [])]).toEqual([3, 4, 5]);
    expect(r.train?.images[3072]).toBeCloseTo(0.2, 6);
    expect((await loadCifar10(d, { verifyChecksums: false, trainBatches: [] })).train).toBeUndefined();
    await expect(loadCifar10(d, { trainBatches: [6] })).rejects.toThrow(RangeError);
    expect((await rejection(loadCifar10(d, { verifyChecksums: false, trainBatches: [3] }))).message).toMatch(
      /data_batch_3\.bin\.gz: file not found \(expected the CIFAR-10 training batch 3/,
    );
    expect((await rejection(loadCifar10(d))).message).toMatch(/test_batch\.bin\.gz: 6146 bytes \(uncompressed\), expected 30730000/);
  });
});
