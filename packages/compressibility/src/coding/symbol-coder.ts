/**
 * Adaptive range coding of a stream of symbol indices. Two frequency models: one used after the
 * context symbol (the index of the value 0 in a weight tensor, so runs of pruned weights cost
 * little) and one after any other symbol.
 */
import { AdaptiveFrequencyModel, MAX_MODEL_SYMBOLS } from './frequency-model';
import { RangeDecoder } from './range-decoder';
import { RangeEncoder } from './range-encoder';

function checkAlphabet(alphabetSize: number, contextSymbol: number, owner: string): void {
  if (!Number.isInteger(alphabetSize) || alphabetSize < 1 || alphabetSize > MAX_MODEL_SYMBOLS) {
    throw new Error(`${owner}: alphabet size must be an integer in 1..${MAX_MODEL_SYMBOLS}, got ${String(alphabetSize)}`);
  }
  if (!Number.isInteger(contextSymbol) || contextSymbol < -1 || contextSymbol >= alphabetSize) {
    throw new Error(`${owner}: context symbol must be -1 or an index below ${alphabetSize}, got ${String(contextSymbol)}`);
  }
}

/**
 * Range-codes `symbols` (each in 0..alphabetSize−1). A one-symbol alphabet needs no bytes.
 *
 * @param contextSymbol - the symbol whose successor uses the first model (-1: one model in effect).
 */
export function rangeEncodeSymbols(symbols: ArrayLike<number>, alphabetSize: number, contextSymbol = -1): Uint8Array {
  checkAlphabet(alphabetSize, contextSymbol, 'rangeEncodeSymbols');
  if (alphabetSize === 1) {
    for (let i = 0; i < symbols.length; i++) if (symbols[i] !== 0) throw new Error(`rangeEncodeSymbols: symbols[${i}] = ${symbols[i]} is outside 0..0`);
    return new Uint8Array(0);
  }
  const models = [new AdaptiveFrequencyModel(alphabetSize), new AdaptiveFrequencyModel(alphabetSize)];
  const encoder = new RangeEncoder();
  let context = 0;
  for (let i = 0; i < symbols.length; i++) {
    const s = symbols[i];
    if (!Number.isInteger(s) || s < 0 || s >= alphabetSize) throw new Error(`rangeEncodeSymbols: symbols[${i}] = ${s} is outside 0..${alphabetSize - 1}`);
    const m = models[context];
    encoder.encode(m.cumulative(s), m.frequency(s), m.total);
    m.update(s);
    context = s === contextSymbol ? 0 : 1;
  }
  return encoder.finish();
}

/**
 * Decodes `count` symbols coded by {@link rangeEncodeSymbols} with the same alphabet size and
 * context symbol. Throws when the stream ends early.
 */
export function rangeDecodeSymbols(bytes: Uint8Array, count: number, alphabetSize: number, contextSymbol = -1): Uint32Array {
  checkAlphabet(alphabetSize, contextSymbol, 'rangeDecodeSymbols');
  const out = new Uint32Array(count);
  if (alphabetSize === 1) {
    if (bytes.length !== 0) throw new Error(`rangeDecodeSymbols: a one-symbol alphabet needs no payload, got ${bytes.length} bytes`);
    return out;
  }
  const models = [new AdaptiveFrequencyModel(alphabetSize), new AdaptiveFrequencyModel(alphabetSize)];
  const decoder = new RangeDecoder(bytes);
  let context = 0;
  for (let i = 0; i < count; i++) {
    const m = models[context];
    const s = m.find(decoder.target(m.total));
    decoder.consume(m.cumulative(s), m.frequency(s));
    m.update(s);
    out[i] = s;
    context = s === contextSymbol ? 0 : 1;
    if (decoder.overrun > 4) throw new Error(`rangeDecodeSymbols: the payload of ${bytes.length} bytes ended after ${i + 1} of ${count} symbols`);
  }
  return out;
}
