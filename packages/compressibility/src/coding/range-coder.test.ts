// The adaptive range coder: exact round trips and sizes close to the entropy.
import * as t from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { symbolEntropy } from '../measure/stats';
import { randomInts } from '../random.test-helper';
import { AdaptiveFrequencyModel } from './frequency-model';
import { rangeDecodeSymbols, rangeEncodeSymbols } from './symbol-coder';

/** A stream where symbol 0 has probability p0 and the others share the rest geometrically. */
function skewed(count: number, alphabet: number, p0: number, seed: number): Uint32Array {
  const rng = t.data.createRng(seed);
  return Uint32Array.from({ length: count }, () => {
    if (rng() < p0) return 0;
    let s = 1;
    while (s < alphabet - 1 && rng() < 0.5) s++;
    return s;
  });
}

function roundTrip(symbols: Uint32Array, alphabet: number, context = -1): Uint8Array {
  const bytes = rangeEncodeSymbols(symbols, alphabet, context);
  const back = rangeDecodeSymbols(bytes, symbols.length, alphabet, context);
  expect(back).toEqual(symbols);
  return bytes;
}

describe('adaptive frequency model', () => {
  it('finds the symbol of every cumulative count and rescales keeping counts ≥ 1', () => {
    const m = new AdaptiveFrequencyModel(37, 500, 4000);
    const rng = t.data.createRng(5);
    for (let step = 0; step < 300; step++) {
      m.update(Math.floor(rng() * 37) % 5);
      let cum = 0;
      for (let s = 0; s < 37; s++) {
        expect(m.cumulative(s)).toBe(cum);
        expect(m.frequency(s)).toBeGreaterThanOrEqual(1);
        expect(m.find(cum)).toBe(s);
        expect(m.find(cum + m.frequency(s) - 1)).toBe(s);
        cum += m.frequency(s);
      }
      expect(m.total).toBe(cum);
      expect(m.total).toBeLessThanOrEqual(4000);
    }
  });

  it('rejects alphabets it cannot code', () => {
    expect(() => new AdaptiveFrequencyModel(0)).toThrow(/size must be an integer in 1\.\.4096/);
    expect(() => new AdaptiveFrequencyModel(5000)).toThrow(/4096/);
  });
});

describe('range coder round trips', () => {
  it('uniform random symbols over alphabets of 2, 3, 17, 256 and 4096', () => {
    for (const [alphabet, seed] of [[2, 1], [3, 2], [17, 3], [256, 4], [4096, 5]]) {
      const symbols = randomInts(20_000, alphabet, seed);
      const bytes = roundTrip(symbols, alphabet);
      const ideal = (symbols.length * Math.log2(alphabet)) / 8;
      // The adaptive model pays to learn its counts: about 1% here, some 8% for 4096 symbols seen ~5 times each.
      expect(bytes.length, `alphabet ${alphabet}`).toBeLessThan(ideal * (alphabet > 256 ? 1.1 : 1.02) + 16);
    }
  });

  it('skewed streams (95% zeros) code close to their entropy, better with the zero context', () => {
    const symbols = skewed(100_000, 64, 0.95, 9);
    const entropyBytes = (symbols.length * symbolEntropy(symbols)) / 8;
    const plain = roundTrip(symbols, 64);
    const withContext = roundTrip(symbols, 64, 0);
    console.info(`skewed stream: entropy ${entropyBytes.toFixed(0)} bytes, range coder ${plain.length} bytes, with zero context ${withContext.length} bytes`);
    expect(plain.length).toBeLessThan(entropyBytes * 1.03 + 16);
    expect(withContext.length).toBeLessThan(entropyBytes * 1.05 + 16);
  });

  it('runs and blocks: long runs of one symbol, all-equal streams, alternating symbols', () => {
    const runs = new Uint32Array(50_000);
    for (let i = 0; i < runs.length; i++) runs[i] = Math.floor(i / 5000) % 3;
    expect(roundTrip(runs, 3).length).toBeLessThan((runs.length * Math.log2(3)) / 8 / 2);
    expect(roundTrip(new Uint32Array(10_000).fill(4), 5).length).toBeLessThan(40);
    expect(roundTrip(new Uint32Array(10_000).fill(0), 5, 0).length).toBeLessThan(40);
    roundTrip(Uint32Array.from({ length: 9999 }, (_, i) => i % 2), 2, 1);
    roundTrip(Uint32Array.from({ length: 4096 }, (_, i) => i), 4096);
  });

  it('short streams: empty, one symbol, and a one-symbol alphabet that needs no bytes', () => {
    expect(roundTrip(new Uint32Array(0), 7).length).toBeLessThanOrEqual(5);
    roundTrip(Uint32Array.of(6), 7);
    roundTrip(Uint32Array.of(0, 6, 0), 7, 0);
    expect(roundTrip(new Uint32Array(100), 1).length).toBe(0);
  });

  it('rejects symbols outside the alphabet and a payload that ends early', () => {
    expect(() => rangeEncodeSymbols(Uint32Array.of(0, 3), 3)).toThrow(/symbols\[1\] = 3 is outside 0\.\.2/);
    const symbols = randomInts(5000, 200, 2);
    const bytes = rangeEncodeSymbols(symbols, 200);
    expect(() => rangeDecodeSymbols(bytes.subarray(0, bytes.length >> 1), symbols.length, 200)).toThrow(/ended after/);
  });
});
