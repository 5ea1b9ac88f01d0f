import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';
import { decodeStateDict, encodeStateDict, lenet5, stateDict, StateFileError } from './index';
import { loadStateDictFile, saveStateDict } from './state-file-node';

/** Builds a file from parts: the magic, version, header JSON (padded to 4 bytes) and float32 data. */
function file(header: unknown, data: number[], opts: { magic?: string; version?: number; headerLength?: number } = {}): Uint8Array {
  let json = typeof header === 'string' ? header : JSON.stringify(header);
  while (json.length % 4 !== 0) json += ' ';
  const h = new TextEncoder().encode(json);
  const bytes = new Uint8Array(12 + h.length + data.length * 4);
  const view = new DataView(bytes.buffer);
  (opts.magic ?? 'NNLB').split('').forEach((ch, i) => (bytes[i] = ch.charCodeAt(0)));
  view.setUint32(4, opts.version ?? 1, true);
  view.setUint32(8, opts.headerLength ?? h.length, true);
  bytes.set(h, 12);
  data.forEach((v, i) => view.setFloat32(12 + h.length + 4 * i, v, true));
  return bytes;
}

describe('state-dict files (Node, cpu)', () => {
  let dir = '';
  beforeAll(async () => {
    await t.setBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'nnlab-state-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the documented layout: NNLB, version 1, JSON header with names/shapes/offsets, little-endian float32', () => {
    const bytes = encodeStateDict({ a: { shape: [2], data: Float32Array.of(1.5, -2) }, 'b.c': { shape: [1, 1], data: Float32Array.of(3) } });
    const view = new DataView(bytes.buffer);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('NNLB');
    expect(view.getUint32(4, true)).toBe(1);
    const h = view.getUint32(8, true);
    expect(h % 4).toBe(0);
    expect(JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + h)))).toEqual({
      tensors: [{ name: 'a', shape: [2], offset: 0, length: 2 }, { name: 'b.c', shape: [1, 1], offset: 2, length: 1 }],
    });
    expect(bytes.length).toBe(12 + h + 12);
    expect([0, 1, 2].map((i) => view.getFloat32(12 + h + 4 * i, true))).toEqual([1.5, -2, 3]);
    const back = decodeStateDict(bytes);
    expect(back.a.shape).toEqual([2]);
    expect(Array.from(back.a.data)).toEqual([1.5, -2]);
    expect(Array.from(back['b.c'].data)).toEqual([3]);
  });

  it('save → load into a model built with another seed gives identical outputs', async () => {
    await t.expectNoLeaks(async () => {
      const path = join(dir, 'lenet5.nnlb');
      const a = lenet5({ seed: 1 });
      const b = lenet5({ seed: 2 });
      await saveStateDict(a, path);
      await loadStateDictFile(b, path);
      const [sa, sb] = [await stateDict(a), await stateDict(b)];
      for (const k of Object.keys(sa)) expect(Array.from(sb[k].data), k).toEqual(Array.from(sa[k].data));
      const x = t.rand([2, 1, 28, 28], { seed: 5 });
      const ya = t.tidy(() => a.forward(x));
      const yb = t.tidy(() => b.forward(x));
      expect(Array.from(await yb.data())).toEqual(Array.from(await ya.data()));
      const bytes = await readFile(path);
      expect(bytes.length).toBe(12 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true) + 4 * 61_706);
      t.dispose([x, ya, yb]);
      a.dispose();
      b.dispose();
    });
  });

  it('rejects malformed files with a clear StateFileError', async () => {
    const header = { tensors: [{ name: 'w', shape: [2, 2], offset: 0, length: 4 }] };
    const data = [1, 2, 3, 4];
    const ok = file(header, data);
    expect(Array.from(decodeStateDict(ok).w.data)).toEqual(data);
    const cases: [string, Uint8Array, RegExp][] = [
      ['bad magic', file(header, data, { magic: 'PK\u0003\u0004' }), /bad magic "PK\\u0003\\u0004", expected 'NNLB'/],
      ['short file', ok.subarray(0, 7), /truncated: 7 bytes is shorter than the 12-byte preamble/],
      ['version', file(header, data, { version: 2 }), /unsupported format version 2/],
      ['truncated header', ok.subarray(0, 20), /truncated: the header needs \d+ bytes but only 8 follow/],
      ['truncated data', ok.subarray(0, ok.length - 2), /truncated: the header describes 16 data bytes but the file has 14/],
      ['trailing bytes', file(header, [...data, 5]), /size mismatch: the header describes 16 data bytes but the file has 20/],
      ['header length not a multiple of 4', file(header, data, { headerLength: 6 }), /not a multiple of 4/],
      ['not JSON', file('{"tensors": [', data), /not valid UTF-8 JSON/],
      ['no tensors', file({ names: [] }, []), /no "tensors" array/],
      ['length/shape mismatch', file({ tensors: [{ name: 'w', shape: [2, 2], offset: 0, length: 3 }] }, [1, 2, 3]), /'w' has length 3 but shape \[2,2\] holds 4 values/],
      ['gap in offsets', file({ tensors: [{ name: 'w', shape: [2], offset: 1, length: 2 }] }, [1, 2, 3]), /'w' starts at value 1, expected 0/],
      ['duplicate name', file({ tensors: [{ name: 'w', shape: [1], offset: 0, length: 1 }, { name: 'w', shape: [1], offset: 1, length: 1 }] }, [1, 2]), /names 'w' twice/],
      ['bad shape', file({ tensors: [{ name: 'w', shape: [-1], offset: 0, length: 1 }] }, [1]), /shape of non-negative integers/],
      ['__proto__ as a name', file('{"tensors":[{"name":"__proto__","shape":[1],"offset":0,"length":1}]}', [1]), /header entry 0 is named '__proto__', which is not allowed/],
    ];
    for (const [name, bytes, message] of cases) {
      let error: unknown = null;
      try {
        decodeStateDict(bytes, 'f.nnlb');
      } catch (e) {
        error = e;
      }
      expect(error, name).toBeInstanceOf(StateFileError);
      expect((error as Error).message, name).toMatch(/^f\.nnlb: /);
      expect((error as Error).message, name).toMatch(message);
    }
  });

  it('decodes into a dict without a prototype, so that no tensor name can reach Object.prototype', () => {
    const dict = decodeStateDict(file('{"tensors":[{"name":"constructor","shape":[1],"offset":0,"length":1},{"name":"toString","shape":[1],"offset":1,"length":1}]}', [1, 2]));
    expect(Object.getPrototypeOf(dict)).toBeNull();
    expect(Object.keys(dict)).toEqual(['constructor', 'toString']);
    expect(Array.from(Object.entries(dict).find(([k]) => k === 'toString')![1].data)).toEqual([2]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('loadStateDictFile names the file for malformed files, unreadable paths and mismatched models', async () => {
    await t.expectNoLeaks(async () => {
      const model = lenet5({ seed: 1 });
      const bad = join(dir, 'bad.nnlb');
      await writeFile(bad, file({ tensors: [] }, [], { magic: 'XXXX' }));
      await expect(loadStateDictFile(model, bad)).rejects.toThrow(`loadStateDictFile: ${bad}: bad magic "XXXX"`);
      await expect(loadStateDictFile(model, join(dir, 'missing.nnlb'))).rejects.toThrow(/loadStateDictFile: cannot read .*missing\.nnlb/);
      const other = join(dir, 'other.nnlb');
      await writeFile(other, file({ tensors: [{ name: '0.weight', shape: [1], offset: 0, length: 1 }] }, [1]));
      await expect(loadStateDictFile(model, other)).rejects.toThrow(/missing key\(s\) .*\(file .*other\.nnlb\)/);
      model.dispose();
    });
  });
});
