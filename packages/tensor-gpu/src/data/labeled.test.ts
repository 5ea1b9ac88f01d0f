import { describe, expect, it } from 'vitest';
import { DataFileError } from './errors';
import { parseIdx } from './idx';
import { bytesToUnitFloat, idxImageSplit } from './labeled';
import { makeIdx } from './synthetic.test-helper';

const names = { images: 'imgs.idx', labels: 'lbls.idx' };
const images = parseIdx(makeIdx('uint8', [2, 2, 2], [0, 51, 102, 255, 1, 2, 3, 4]), names.images);
const labels = parseIdx(makeIdx('uint8', [2], [4, 9]), names.labels);

function thrown(run: () => unknown): DataFileError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(DataFileError);
    return e as DataFileError;
  }
  throw new Error('expected an error');
}

describe('idxImageSplit', () => {
  it('pairs images and labels, scaled to [0, 1]', () => {
    const s = idxImageSplit(images, labels, names, { imageSize: [2, 2] });
    expect(s.count).toBe(2);
    expect(s.shape).toEqual([1, 2, 2]);
    expect([...s.labels]).toEqual([4, 9]);
    expect([...s.images.subarray(0, 4)]).toEqual([0, 0.2, 0.4, 1].map(Math.fround));
  });

  it('names both files on mismatched counts', () => {
    const three = parseIdx(makeIdx('uint8', [3], [1, 2, 3]), names.labels);
    const e = thrown(() => idxImageSplit(images, three, names));
    expect(e.message).toMatch(/^imgs\.idx: mismatched counts: 2 images here but 3 labels in lbls\.idx/);
  });

  it('rejects labels out of range, naming the label file', () => {
    expect(thrown(() => idxImageSplit(images, labels, names, { numClasses: 5 })).message).toMatch(/^lbls\.idx: label 1 is 9, expected 0\.\.4/);
  });

  it('rejects wrong ranks, dtypes and image sizes', () => {
    expect(thrown(() => idxImageSplit(labels, labels, names)).message).toMatch(/^imgs\.idx: expected uint8 images \[N, H, W\], found uint8 \[2\]/);
    const f = parseIdx(makeIdx('float32', [2], [1, 2]), names.labels);
    expect(thrown(() => idxImageSplit(images, f, names)).message).toMatch(/^lbls\.idx: expected uint8 labels/);
    expect(thrown(() => idxImageSplit(images, labels, names, { imageSize: [28, 28] })).message).toMatch(/2x2, expected 28x28/);
  });
});

describe('bytesToUnitFloat', () => {
  it('maps every byte to byte / 255', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const f = bytesToUnitFloat(all);
    for (let i = 0; i < 256; i++) expect(f[i]).toBe(Math.fround(i / 255));
  });
});
