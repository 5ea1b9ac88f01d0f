// Seeded fuzzing of the decoder: truncations, byte flips and random overwrites must all raise a
// CompressedFileError, never another exception and never a silent success.
import * as t from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { rangeCodec, rawCodec } from '../coding/codec';
import { decodeCompressedFile } from './decode';
import { encodeCompressedFile } from './encode';
import { CompressedFileError } from './errors';
import { measureParse, overBudget } from '../../../../scripts/fuzz-budget.test-helper';
import { sampleTensors, withFixedChecksum } from './fixtures.test-helper';

function classify(bytes: Uint8Array): string {
  try {
    decodeCompressedFile(bytes);
    return 'decoded';
  } catch (e) {
    if (e instanceof CompressedFileError) return e.problem;
    return `other: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
  }
}

describe('decoder fuzzing (seeded)', () => {
  for (const codec of [rangeCodec, rawCodec]) {
    const file = encodeCompressedFile(sampleTensors(), codec);

    it(`${codec.name}: every truncation is reported as truncated`, () => {
      const seen = new Map<string, number>();
      for (let length = 0; length < file.length; length++) {
        const problem = classify(file.subarray(0, length));
        seen.set(problem, (seen.get(problem) ?? 0) + 1);
        expect(['truncated'], `length ${length}`).toContain(problem);
      }
      expect(seen.get('truncated')).toBe(file.length);
    });

    it(`${codec.name}: 2,000 random byte flips and overwrites are all rejected`, () => {
      const rng = t.data.createRng(codec.id + 42);
      const seen = new Map<string, number>();
      for (let trial = 0; trial < 2000; trial++) {
        const bad = Uint8Array.from(file);
        const edits = 1 + Math.floor(rng() * 3);
        for (let k = 0; k < edits; k++) {
          const at = Math.floor(rng() * bad.length);
          bad[at] = trial % 2 ? bad[at] ^ (1 << Math.floor(rng() * 8)) : Math.floor(rng() * 256);
        }
        if (bad.every((b, i) => b === file[i])) continue;
        const problem = classify(bad);
        seen.set(problem, (seen.get(problem) ?? 0) + 1);
        expect(problem.startsWith('other') || problem === 'decoded', `trial ${trial}: ${problem}`).toBe(false);
      }
      console.info(`${codec.name} fuzz: ${JSON.stringify(Object.fromEntries(seen))}`);
    });

    it(`${codec.name}: random edits with a recomputed checksum raise only CompressedFileError (or decode)`, () => {
      const rng = t.data.createRng(codec.id + 7);
      const seen = new Map<string, number>();
      for (let trial = 0; trial < 1000; trial++) {
        const bad = Uint8Array.from(file);
        // Leave the magic, version and length alone: edit the tensor headers and payloads.
        const at = 12 + Math.floor(rng() * (bad.length - 16));
        bad[at] = Math.floor(rng() * 256);
        const problem = classify(withFixedChecksum(bad));
        seen.set(problem, (seen.get(problem) ?? 0) + 1);
        expect(problem.startsWith('other'), `trial ${trial} at byte ${at}: ${problem}`).toBe(false);
      }
      console.info(`${codec.name} fuzz under a valid checksum: ${JSON.stringify(Object.fromEntries(seen))}`);
    });
  }

  it('edits of sizes and counts under a valid checksum stay within 1 s and 64 MiB + 64 B per input byte each', () => {
    const rng = t.data.createRng(99);
    const file = encodeCompressedFile(sampleTensors(), rangeCodec);
    const seen = new Map<string, number>();
    for (let trial = 0; trial < 1500; trial++) {
      const bad = Uint8Array.from(file);
      const view = new DataView(bad.buffer);
      // Overwrite a random aligned-or-not 32-bit field with a size-like value, up to 2^32 − 1.
      const at = 12 + Math.floor(rng() * (bad.length - 20));
      view.setUint32(at, [1, 255, 65536, 2 ** 24, 2 ** 24 + 1, 250_000_000, 2 ** 31 - 1, 2 ** 32 - 1][Math.floor(rng() * 8)], true);
      const input = withFixedChecksum(bad);
      const m = measureParse(() => decodeCompressedFile(input));
      expect(overBudget(m, input.length), `trial ${trial} at byte ${at}`).toBeNull();
      const problem = m.error === undefined ? 'decoded' : m.error instanceof CompressedFileError ? m.error.problem : `other: ${String(m.error)}`;
      expect(problem.startsWith('other'), `trial ${trial}: ${problem}`).toBe(false);
      seen.set(problem, (seen.get(problem) ?? 0) + 1);
    }
    console.info(`size-field fuzz: ${JSON.stringify(Object.fromEntries(seen))}`);
  });
});
