import { describe, expect, it } from 'vitest';
import { countRelus, forward, isConv } from '../network/network';
import { readOvalModel } from '../node/oval';
import { TINY_OVAL_VALUES, tinyOvalJson, tinyOvalLogits, tinyOvalWeights } from '../testing/tiny-oval.test-helper';
import { parseOvalModel } from './oval-model';

const names = { json: 'tiny.json', weights: 'tiny.weights.bin' };
const parse = (doc: unknown, weights = tinyOvalWeights(), options = {}) => parseOvalModel(JSON.stringify(doc), weights, names, options);
const edited = (edit: (doc: any) => void) => {
  const doc = tinyOvalJson();
  edit(doc);
  return doc;
};

describe('parseOvalModel', () => {
  it('reads a hand-written model: conv kept as a convolution, logits equal to the hand computation', () => {
    const m = parse(tinyOvalJson());
    expect(m.network.layers.map((l) => (isConv(l) ? 'conv2d' : 'dense'))).toEqual(['conv2d', 'dense']);
    expect(m.inputShape).toEqual([1, 3, 3]);
    expect(m.mean).toEqual([0.5]);
    for (const x of [[0, 1, 2, 3, 4, 5, 6, 7, 8], [-1, 0.5, 2, -3, 1, 0, 0.25, -0.5, 1]]) {
      const y = forward(m.network, x);
      const expected = tinyOvalLogits(x);
      y.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
    }
  });

  it('refuses malformed or inconsistent files with the file and the field in the message', () => {
    const cases: [unknown, Uint8Array, RegExp][] = [
      [edited((d) => (d.layers[0].weight.byte_offset = 4000)), tinyOvalWeights(), /^tiny\.weights\.bin: layers\[0\]\.weight needs bytes 4000\.\.4032, the file has 112$/],
      [edited((d) => (d.layers[0].weight.byte_length = 12)), tinyOvalWeights(), /^tiny\.json: layers\[0\]\.weight\.byte_length: expected 32$/],
      [edited((d) => (d.layers[0].out_shape = [2, 3, 3])), tinyOvalWeights(), /^tiny\.json: layers\[0\]\.out_shape: the kernel, stride and padding give 2×2, not 3×3$/],
      [edited((d) => (d.layers[1].type = 'sigmoid')), tinyOvalWeights(), /^tiny\.json: layers\[1\]\.type: expected 'conv2d', 'relu', 'flatten' or 'linear'/],
      [edited((d) => d.layers.splice(2, 1)), tinyOvalWeights(), /^tiny\.json: layers\[2\]\.in_shape: expected 3 positive integers$/],
      [edited((d) => d.layers.push({ type: 'relu', in_shape: [2], out_shape: [2] })), tinyOvalWeights(), /^tiny\.json: layers: the last affine layer must not be followed by a ReLU/],
      [edited((d) => (d.layers[0].groups = 2)), tinyOvalWeights(), /^tiny\.json: layers\[0\]\.groups: only groups = 1/],
      [edited((d) => (d.normalisation.std = [0])), tinyOvalWeights(), /^tiny\.json: normalisation\.std: expected 1 finite numbers > 0$/],
      [edited((d) => (d.input.shape = [2, 1, 3, 3])), tinyOvalWeights(), /^tiny\.json: input\.shape: batch must be 1/],
      [tinyOvalJson(), tinyOvalWeights(TINY_OVAL_VALUES.slice(0, 20)), /^tiny\.weights\.bin: layers\[3\]\.weight needs bytes 40\.\.104, the file has 80$/],
      [tinyOvalJson(), tinyOvalWeights([...TINY_OVAL_VALUES.slice(0, 27), NaN]), /^tiny\.weights\.bin: layers\[3\]\.bias value 1 is not finite$/],
      [tinyOvalJson(), tinyOvalWeights([...TINY_OVAL_VALUES, 0]), /^tiny\.weights\.bin: 116 bytes, the JSON's weights_bytes says 112$/],
    ];
    for (const [doc, weights, message] of cases) expect(() => parse(doc, weights)).toThrow(message);
    expect(() => parseOvalModel('{"name": ', tinyOvalWeights(), names)).toThrow(/^tiny\.json: \(file\): not valid JSON/);
  });

  it('checks the size limits before allocating: a huge declared layer is refused by its shape alone', () => {
    const huge = edited((d) => {
      d.input.shape = [1, 1, 3, 3];
      d.layers[3].out_shape = [10_000_000];
      d.layers[3].weight = { shape: [10_000_000, 8], byte_offset: 0, count: 80_000_000, byte_length: 320_000_000 };
    });
    expect(() => parse(huge)).toThrow(/^tiny\.json: layers\[3\]\.weight: more than the limit of 16000000 parameters$/);
    expect(() => parse(tinyOvalJson(), tinyOvalWeights(), { maxParameters: 20 })).toThrow(/^tiny\.json: layers\[3\]\.weight: more than the limit of 20 parameters$/);
    expect(() => parse(tinyOvalJson(), tinyOvalWeights(), { maxConnections: 10 })).toThrow(/^tiny\.json: layers\[0\]: more than the limit of 10 convolution connections$/);
    expect(() => parseOvalModel(' '.repeat(2000), tinyOvalWeights(), names, { maxJsonBytes: 1000 })).toThrow(/^tiny\.json: \(file\): 2000 characters, more than the limit of 1000$/);
  });
});

describe('the OVAL base model of the package', () => {
  it('is the paper\'s base network: two convolutions kept as such, 3172 ReLUs, 10 logits (checksums verified)', () => {
    const m = readOvalModel();
    expect(m.name).toBe('cifar_base_kw');
    expect(m.network.inputSize).toBe(3072);
    expect(m.network.outputSize).toBe(10);
    expect(countRelus(m.network)).toBe(3172);
    expect(m.network.layers.map((l) => (isConv(l) ? `conv ${l.outShape.join('×')}` : `dense ${l.outSize}`))).toEqual(['conv 8×16×16', 'conv 16×8×8', 'dense 100', 'dense 10']);
    expect(m.std).toEqual([0.225, 0.225, 0.225]);
  });
});
