import * as t from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import * as pkg from './index';
import * as nodeEntry from './node';

describe('@nnlab/compressibility entry points', () => {
  it('resolves its dependency @nnlab/tensor-gpu', () => {
    expect(typeof t.tensor).toBe('function');
  });

  it('exports the loss, the training pieces, the pipeline and the file format; no placeholder', () => {
    for (const name of ['compressibilityLoss', 'compressibilityValue', 'compressibilityGradient', 'withCompressibility', 'proxCompressibility', 'thresholdMasks', 'quantizeModel', 'encodeCompressedFile', 'decodeCompressedFile', 'rangeCodec', 'measureCompression', 'restoreModel', 'runMethod']) {
      expect(typeof (pkg as Record<string, unknown>)[name], name).not.toBe('undefined');
    }
    expect('status' in pkg).toBe(false);
  });

  it('the node entry adds deflate and file I/O on top of everything in the main entry', () => {
    for (const name of Object.keys(pkg)) expect(name in nodeEntry, name).toBe(true);
    expect(nodeEntry.deflateCodec.id).toBe(2);
    expect(nodeEntry.allCodecs.map((c) => c.name)).toEqual(['raw', 'range', 'deflate']);
  });
});
