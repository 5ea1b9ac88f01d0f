// Seeded fuzzing of the IDX and CIFAR-10 parsers (and gunzip in front of them): every malformed
// input must throw a DataFileError naming the file; only flips inside the payload may parse,
// and then to the original shape. Nothing may return wrong-sized data or hang.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseCifar10 } from './cifar';
import { DataFileError } from './errors';
import { gunzipIfNeeded } from './files-node';
import { idxByteLength, parseIdx, type IdxData } from './idx';
import { DEFAULT_FUZZ_BUDGET, measureParse, overBudget } from '../../../../scripts/fuzz-budget.test-helper';
import { createRng, randomInt, type Rng } from './rng';
import { makeCifar, makeIdx, randomBytes } from './synthetic.test-helper';

const NAME = 'fuzz-target.bin';
const TIMEOUT = 30_000;

/** Runs `parse`; returns its result, or undefined after checking the error names the file. */
function attempt<T>(parse: () => T, name = NAME): T | undefined {
  try {
    return parse();
  } catch (e) {
    if (!(e instanceof DataFileError) || e.file !== name || !e.message.startsWith(`${name}: `)) {
      throw new Error(`expected a DataFileError naming ${name}, got: ${String(e)}`);
    }
    return undefined;
  }
}

function mustThrow(parse: () => unknown, what: string): void {
  const r = attempt(parse);
  if (r !== undefined) throw new Error(`${what}: parsed instead of throwing`);
}

const SIZE = { uint8: 1, int8: 1, int16: 2, int32: 4, float32: 4, float64: 8 } as const;

/** A parse result must describe exactly the bytes it came from. */
function assertConsistent(r: IdxData, length: number): void {
  const count = r.dims.reduce((a, b) => a * b, 1);
  expect(r.data.length).toBe(count);
  expect(4 + 4 * r.dims.length + count * SIZE[r.dtype]).toBe(length);
}

function sameElements(a: IdxData['data'], b: IdxData['data'], except: number): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (i !== except && !Object.is(a[i], b[i])) return false;
  return true;
}

function mutatedHeaderValue(rng: Rng, old: number): number {
  let v = old;
  while (v === old) v = randomInt(rng, 256);
  return v;
}

describe('IDX parser fuzz', () => {
  const rng = createRng(20240531);
  const bases = [
    { label: 'uint8 [4, 5, 6]', bytes: makeIdx('uint8', [4, 5, 6], randomBytes(rng, 120)) },
    {
      label: 'int16 [3, 7]',
      bytes: makeIdx('int16', [3, 7], Array.from({ length: 21 }, () => randomInt(rng, 65536) - 32768)),
    },
  ];

  for (const { label, bytes } of bases) {
    const original = parseIdx(bytes, NAME);
    const header = 4 + 4 * original.dims.length;
    const size = SIZE[original.dtype];

    it(`${label}: every truncation and extension throws`, () => {
      for (let len = 0; len < bytes.length; len++) mustThrow(() => parseIdx(bytes.subarray(0, len), NAME), `truncated to ${len}`);
      for (let k = 0; k < 300; k++) {
        const extra = randomBytes(rng, 1 + randomInt(rng, 16));
        const b = new Uint8Array(bytes.length + extra.length);
        b.set(bytes);
        b.set(extra, bytes.length);
        mustThrow(() => parseIdx(b, NAME), `extended by ${extra.length}`);
      }
    }, TIMEOUT);

    it(`${label}: payload byte flips parse to the original shape`, () => {
      for (let k = 0; k < 1000; k++) {
        const b = bytes.slice();
        const at = header + randomInt(rng, bytes.length - header);
        b[at] ^= 1 + randomInt(rng, 255);
        const r = parseIdx(b, NAME);
        expect(r.dims).toEqual(original.dims);
        expect(r.dtype).toBe(original.dtype);
        assertConsistent(r, b.length);
        expect(sameElements(r.data, original.data, Math.floor((at - header) / size))).toBe(true);
      }
    }, TIMEOUT);

    it(`${label}: every single header byte edit throws`, () => {
      for (let at = 0; at < header; at++) {
        for (let v = 0; v < 256; v++) {
          if (v === bytes[at]) continue;
          const b = bytes.slice();
          b[at] = v;
          if (at === 2 && original.dtype === 'uint8' && v === 0x09) {
            // uint8 → int8 has the same size: a legal reinterpretation, not detectable.
            const r = parseIdx(b, NAME);
            expect(r.dtype).toBe('int8');
            expect(r.dims).toEqual(original.dims);
            continue;
          }
          mustThrow(() => parseIdx(b, NAME), `header byte ${at} = ${v}`);
        }
      }
    }, TIMEOUT);

    it(`${label}: dimension edits throw`, () => {
      const specials = [0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff];
      for (let k = 0; k < 600; k++) {
        const b = bytes.slice();
        const dim = randomInt(rng, original.dims.length);
        const old = original.dims[dim];
        const choice = randomInt(rng, 4);
        const v =
          choice === 0
            ? specials[randomInt(rng, specials.length)]
            : choice === 1
              ? old + 1
              : choice === 2
                ? old - 1
                : Math.floor(rng() * 2 ** 32);
        if (v === old) continue;
        new DataView(b.buffer).setUint32(4 + 4 * dim, v, false);
        mustThrow(() => parseIdx(b, NAME), `dims[${dim}] = ${v}`);
      }
    }, TIMEOUT);

    it(`${label}: header edit plus payload flips or truncation throws`, () => {
      for (let k = 0; k < 600; k++) {
        let b = bytes.slice();
        const at = randomInt(rng, header);
        if (at === 2) continue; // type-code edits are covered above
        b[at] = mutatedHeaderValue(rng, b[at]);
        for (let f = randomInt(rng, 4); f > 0; f--) b[header + randomInt(rng, bytes.length - header)] ^= 1 + randomInt(rng, 255);
        if (rng() < 0.5) b = b.subarray(0, randomInt(rng, b.length));
        mustThrow(() => parseIdx(b, NAME), `header byte ${at} edit`);
      }
    }, TIMEOUT);
  }

  it('random headers throw or parse self-consistently', () => {
    const codes = [0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, 0x0a, 0xff];
    for (let k = 0; k < 2000; k++) {
      const b = randomBytes(rng, randomInt(rng, 48));
      if (b.length >= 4 && rng() < 0.9) {
        b[0] = 0;
        b[1] = 0;
        b[2] = codes[randomInt(rng, codes.length)];
        b[3] = randomInt(rng, 4);
        for (let i = 4; i < b.length && i < 4 + 4 * b[3]; i++) if (i % 4 !== 3) b[i] = 0; // small dims
      }
      const r = attempt(() => parseIdx(b, NAME));
      if (r) assertConsistent(r, b.length);
    }
  }, TIMEOUT);
});

describe('CIFAR-10 parser fuzz', () => {
  const rng = createRng(77);
  const labels = [3, 0, 9];
  const bytes = makeCifar(labels, () => randomInt(rng, 256));
  const original = parseCifar10(bytes, NAME);

  it('truncations and extensions throw (always, given the expected count)', () => {
    for (let k = 0; k < 1500; k++) {
      const extend = rng() < 0.3;
      let b: Uint8Array;
      if (extend) {
        b = new Uint8Array(bytes.length + 1 + randomInt(rng, 2 * 3073));
        b.set(bytes);
        b.set(randomBytes(rng, b.length - bytes.length), bytes.length);
      } else {
        // the first cases cut at record boundaries (0, 1, 2 records), which only expectedCount catches
        b = bytes.subarray(0, k < 3 ? k * 3073 : randomInt(rng, bytes.length));
      }
      mustThrow(() => parseCifar10(b, NAME, { expectedCount: 3 }), `length ${b.length}`);
      const r = attempt(() => parseCifar10(b, NAME));
      if (r) {
        expect(b.length % 3073).toBe(0);
        expect(r.count).toBe(b.length / 3073);
        expect(r.images.length).toBe(r.count * 3072);
        expect(r.labels.length).toBe(r.count);
      }
    }
  }, TIMEOUT);

  it('byte flips: labels above 9 throw, everything else parses to the original shape', () => {
    for (let k = 0; k < 3000; k++) {
      const b = bytes.slice();
      const record = randomInt(rng, 3);
      const at = rng() < 0.3 ? record * 3073 : randomInt(rng, bytes.length);
      b[at] ^= 1 + randomInt(rng, 255);
      const isLabel = at % 3073 === 0;
      if (isLabel && b[at] > 9) {
        mustThrow(() => parseCifar10(b, NAME, { expectedCount: 3 }), `label ${b[at]}`);
        continue;
      }
      const r = parseCifar10(b, NAME, { expectedCount: 3 });
      expect(r.count).toBe(3);
      expect(r.images.length).toBe(3 * 3072);
      if (isLabel) {
        expect(r.labels[at / 3073]).toBe(b[at]);
        expect(r.images).toEqual(original.images);
      } else {
        const pix = Math.floor(at / 3073) * 3072 + (at % 3073) - 1;
        expect(r.images[pix]).toBe(b[at]);
        expect([...r.labels]).toEqual(labels);
      }
    }
  }, TIMEOUT);
});

describe('gzip + IDX fuzz', () => {
  const rng = createRng(9);
  const raw = makeIdx('uint8', [6, 8], randomBytes(rng, 48));
  const gz = new Uint8Array(gzipSync(raw));
  const original = parseIdx(raw, NAME);
  const load = async (b: Uint8Array) => parseIdx(await gunzipIfNeeded(b, NAME), NAME);

  it('corrupt gzip throws naming the file or decodes to the exact original', async () => {
    expect((await load(gz)).data).toEqual(original.data);
    let threw = 0;
    for (let k = 0; k < 600; k++) {
      const kind = k % 3;
      let b: Uint8Array;
      if (kind === 0) b = gz.subarray(0, 2 + randomInt(rng, gz.length - 2));
      else if (kind === 1) {
        b = gz.slice();
        b[2 + randomInt(rng, gz.length - 2)] ^= 1 + randomInt(rng, 255);
      } else {
        b = new Uint8Array(gz.length + 1 + randomInt(rng, 8));
        b.set(gz);
        b.set(randomBytes(rng, b.length - gz.length), gz.length);
      }
      let r: IdxData | undefined;
      try {
        r = await load(b);
      } catch (e) {
        expect(e).toBeInstanceOf(DataFileError);
        expect((e as Error).message.startsWith(`${NAME}: `)).toBe(true);
        threw++;
        continue;
      }
      if (kind === 0) throw new Error(`truncated gzip (${b.length} of ${gz.length} bytes) parsed`);
      expect(r.dims).toEqual(original.dims);
      expect(r.data).toEqual(original.data);
    }
    expect(threw).toBeGreaterThan(200);
  }, TIMEOUT);
});

describe('IDX inputs within a time and memory budget', () => {
  it('random headers, sizes and gzip bombs: each parse stays within 1 s and 64 MiB + 64 B per input byte', async () => {
    const rng = createRng(31337);
    for (let k = 0; k < 400; k++) {
      // A header with random type and dimensions (some huge), followed by a few random bytes.
      const ndims = 1 + randomInt(rng, 4);
      const b = new Uint8Array(4 + 4 * ndims + randomInt(rng, 64));
      b[2] = [0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, randomInt(rng, 256)][randomInt(rng, 7)];
      b[3] = ndims;
      const view = new DataView(b.buffer);
      for (let i = 0; i < ndims; i++) view.setUint32(4 + 4 * i, rng() < 0.5 ? randomInt(rng, 8) : Math.floor(rng() * 2 ** 32), false);
      for (let i = 4 + 4 * ndims; i < b.length; i++) b[i] = randomInt(rng, 256);
      const m = measureParse(() => parseIdx(b, NAME));
      expect(overBudget(m, b.length), `input ${k}`).toBeNull();
      if (m.error !== undefined) expect(m.error).toBeInstanceOf(DataFileError);
      else assertConsistent(m.result as IdxData, b.length);
    }
    // Gzip: header checked on the first bytes, output capped at the declared size.
    const bomb = (head: Uint8Array, tail: number) => {
      const raw = new Uint8Array(head.length + tail);
      raw.set(head);
      return new Uint8Array(gzipSync(raw));
    };
    const cases = [bomb(Uint8Array.of(1, 2, 3, 4), 32 * 2 ** 20), bomb(makeIdx('uint8', [4], [1, 2, 3, 4]).subarray(0, 8), 32 * 2 ** 20), bomb(Uint8Array.of(0, 0, 0x08, 1, 0xff, 0xff, 0xff, 0xff), 32 * 2 ** 20)];
    for (const gz of cases) {
      const before = process.memoryUsage().arrayBuffers;
      const t0 = performance.now();
      let error: unknown;
      try {
        await gunzipIfNeeded(gz, NAME, { expectedSize: (head) => idxByteLength(head, NAME), maxBytes: 16 * 2 ** 20 });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DataFileError);
      expect(performance.now() - t0).toBeLessThan(DEFAULT_FUZZ_BUDGET.ms);
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(DEFAULT_FUZZ_BUDGET.bytes);
    }
  }, TIMEOUT);
});
