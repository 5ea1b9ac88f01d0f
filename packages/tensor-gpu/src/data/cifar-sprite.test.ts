import { describe, expect, it } from 'vitest';
import { parseCifar10 } from './cifar';
import { cifar10RecordsFromSprite } from './cifar-sprite';

// Two images whose every pixel byte encodes (image, channel, pixel), so a misplaced byte shows.
const pixel = (i: number, c: number, p: number) => (i * 97 + c * 31 + p * 7) % 256;
function sprite(channels: 3 | 4, rows = 2): Uint8Array {
  const data = new Uint8Array(rows * 1024 * channels);
  for (let i = 0; i < rows; i++) for (let p = 0; p < 1024; p++) for (let c = 0; c < channels; c++) data[(i * 1024 + p) * channels + c] = c === 3 ? 255 : pixel(i, c, p);
  return data;
}

describe('cifar10RecordsFromSprite', () => {
  it('writes label ‖ R plane ‖ G plane ‖ B plane per row, from RGB or RGBA pixels', () => {
    for (const channels of [3, 4] as const) {
      const records = cifar10RecordsFromSprite({ width: 1024, height: 2, channels, data: sprite(channels) }, [7, 2], 'sprite.png');
      expect(records.length).toBe(2 * 3073);
      const decoded = parseCifar10(records, 'records');
      expect([...decoded.labels]).toEqual([7, 2]);
      for (let i = 0; i < 2; i++) for (let c = 0; c < 3; c++) for (const p of [0, 1, 31, 32, 1023]) {
        expect(decoded.images[i * 3072 + c * 1024 + p]).toBe(pixel(i, c, p));
      }
    }
  });

  it('refuses a wrong width, row count, data length or label, naming the file', () => {
    const data = sprite(4);
    expect(() => cifar10RecordsFromSprite({ width: 512, height: 4, channels: 4, data }, [0, 0, 0, 0], 'a.png')).toThrow(/^a\.png: sprite is 512 pixels wide, expected 1024/);
    expect(() => cifar10RecordsFromSprite({ width: 1024, height: 2, channels: 4, data }, [0], 'a.png')).toThrow(/^a\.png: sprite has 2 rows \(images\) but there are 1 labels/);
    expect(() => cifar10RecordsFromSprite({ width: 1024, height: 2, channels: 3, data }, [0, 0], 'a.png')).toThrow(/holds 8192 bytes, expected 2 × 1024 × 3/);
    expect(() => cifar10RecordsFromSprite({ width: 1024, height: 2, channels: 4, data }, [0, 10], 'a.png')).toThrow(/label of image 1 is 10, expected an integer 0\.\.9/);
    expect(() => cifar10RecordsFromSprite({ width: 1024, height: 2, channels: 4, data }, [0, 1.5], 'a.png')).toThrow(/label of image 1 is 1\.5/);
  });
});
