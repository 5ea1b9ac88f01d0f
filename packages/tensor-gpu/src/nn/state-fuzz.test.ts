// Seeded fuzzing of the .nnlb state-dict decoder: edited headers (sizes, names, offsets) and bytes
// must decode to a consistent dict or throw a StateFileError naming the file, each within a time
// and memory budget (1 s, 64 MiB + 64 B per input byte).
import { describe, expect, it } from 'vitest';
import { measureParse, overBudget } from '../../../../scripts/fuzz-budget.test-helper';
import { createRng, randomInt } from '../data/rng';
import { decodeStateDict, encodeStateDict, StateFileError } from './state-format';

/** A file with the given header text (padded) and `values` float32 values of data. */
function file(header: string, values: number): Uint8Array {
  let json = header;
  while (json.length % 4 !== 0) json += ' ';
  const h = new TextEncoder().encode(json);
  const bytes = new Uint8Array(12 + h.length + 4 * values);
  'NNLB'.split('').forEach((ch, i) => (bytes[i] = ch.charCodeAt(0)));
  new DataView(bytes.buffer).setUint32(4, 1, true);
  new DataView(bytes.buffer).setUint32(8, h.length, true);
  bytes.set(h, 12);
  return bytes;
}

const PIECES = ['0', '1', '4294967295', '1e9', '2147483647', '-1', '1.5', 'null', '"__proto__"', '"constructor"', '[]', '[1e9,1e9]', '{}', '"a"', ',', ']', '}', '"shape"', '"length"', '"offset"'];

describe('.nnlb decoder fuzz (seeded, with time and memory budgets)', () => {
  it('2,000 edited headers and bytes', () => {
    const rng = createRng(4242);
    const dict = { 'l.weight': { shape: [3, 2], data: Float32Array.of(1, 2, 3, 4, 5, 6) }, 'l.bias': { shape: [3], data: Float32Array.of(0.5, -1, 2) } };
    const good = encodeStateDict(dict);
    const header = new TextDecoder().decode(good.subarray(12, 12 + new DataView(good.buffer).getUint32(8, true))).trimEnd();
    const tally = { decoded: 0, rejected: 0 };
    for (let k = 0; k < 2000; k++) {
      let bytes: Uint8Array;
      if (k % 2 === 0) {
        // Edit the JSON header, keep the data section as it was.
        const at = randomInt(rng, header.length);
        const cut = randomInt(rng, 6);
        const edited = header.slice(0, at) + PIECES[randomInt(rng, PIECES.length)] + header.slice(at + cut);
        bytes = file(edited, 9 + (rng() < 0.2 ? randomInt(rng, 4) : 0));
      } else {
        bytes = Uint8Array.from(good);
        for (let e = 1 + randomInt(rng, 3); e > 0; e--) bytes[randomInt(rng, bytes.length)] = randomInt(rng, 256);
        if (rng() < 0.2) bytes = bytes.subarray(0, randomInt(rng, bytes.length));
      }
      const m = measureParse(() => decodeStateDict(bytes, 'f.nnlb'));
      expect(overBudget(m, bytes.length), `input ${k}`).toBeNull();
      if (m.error !== undefined) {
        expect(m.error, `input ${k}: ${String(m.error)}`).toBeInstanceOf(StateFileError);
        expect((m.error as Error).message).toMatch(/^f\.nnlb: /);
        tally.rejected++;
      } else {
        const out = m.result!;
        expect(Object.getPrototypeOf(out)).toBeNull();
        for (const [name, entry] of Object.entries(out)) {
          expect(name).not.toBe('__proto__');
          expect(entry.data.length).toBe(entry.shape.reduce((a, b) => a * b, 1));
        }
        tally.decoded++;
      }
    }
    console.info(`nnlb fuzz: ${JSON.stringify(tally)}`);
    expect(tally.decoded).toBeGreaterThan(10);
    expect(tally.rejected).toBeGreaterThan(500);
  });
});
