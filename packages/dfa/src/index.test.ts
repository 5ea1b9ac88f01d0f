import * as t from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import * as pkg from './index';

describe('@nnlab/dfa public API', () => {
  it('exports the implementation (and no longer the planned-status placeholder)', () => {
    expect(typeof t.customGrad).toBe('function');
    expect('status' in pkg).toBe(false);
    for (const name of ['createDfa', 'DfaNetwork', 'fitDfa', 'measureAlignment', 'drawFeedback', 'FeedbackMatrix', 'signProject', 'mlpUpdatesFloat64', 'measureProjectionCost', 'splitIntoBlocks']) {
      expect(typeof (pkg as Record<string, unknown>)[name]).toBe('function');
    }
    expect(pkg.FEEDBACK_SCHEMES).toEqual(['uniform-shared', 'uniform', 'gaussian', 'width-scaled', 'pattern']);
  });
});
