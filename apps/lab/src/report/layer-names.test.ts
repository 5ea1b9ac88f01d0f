import * as t from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { layerName, layerNames } from './layer-names';

describe('layerNames', () => {
  it('names the weight layers of a Sequential by kind, order and size, keyed by module path', () => {
    const mlp = t.nn.mnistFc({ seed: 1 });
    expect(layerNames(mlp)).toEqual({ '0': 'fc1 784→100', '2': 'fc2 100→50', '4': 'fc3 50→10' });
    mlp.dispose();
    const cnn = t.nn.lenet5({ seed: 1 });
    expect(layerNames(cnn)).toEqual({ '0': 'conv1 1→6 5×5', '3': 'conv2 6→16 5×5', '7': 'fc1 400→120', '9': 'fc2 120→84', '11': 'fc3 84→10' });
    cnn.dispose();
  });

  it('refuses a path it has no name for instead of printing the index', () => {
    expect(layerName({ '0': 'fc1 2→3' }, '0')).toBe('fc1 2→3');
    expect(() => layerName({ '0': 'fc1 2→3' }, '2')).toThrow("layer '2' has no recorded name (known: 0)");
  });
});
