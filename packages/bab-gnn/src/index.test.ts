import * as t from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import * as pkg from './index';
import * as node from './node';

describe('@nnlab/bab-gnn public API', () => {
  it('resolves its dependency @nnlab/tensor-gpu', () => {
    expect(typeof t.tensor).toBe('function');
  });

  it('exports the verifier, the bounds, the parsers and the branching rules (and no placeholder status)', () => {
    for (const name of ['verify', 'parseNnet', 'parseVnnlib', 'ibpBounds', 'intermediateBounds', 'backwardLowerBound', 'alphaCrownBound', 'createBabsr', 'createStrongBranching', 'createGnnBranching', 'BranchingGnn', 'loadPretrainedGnn', 'networkFromModule', 'robustnessSpec', 'chooseInputDimension', 'chooseInputDimensionsByBounds', 'bisectBox']) {
      expect(typeof (pkg as Record<string, unknown>)[name]).toBe('function');
    }
    expect('status' in pkg).toBe(false);
    // The package's former seeded generator is tensor-gpu's now.
    expect('seededUniform' in pkg).toBe(false);
    // The priority queue is how the verifier orders its domains, not an API.
    expect('MinHeap' in pkg).toBe(false);
    for (const name of ['readNnetFile', 'readVnnlibFile', 'readAcasXuNetwork', 'readAcasXuProperty', 'acasXuInstances']) {
      expect(typeof (node as Record<string, unknown>)[name]).toBe('function');
    }
    expect(node.acasXuInstances()).toHaveLength(186);
  });
});
