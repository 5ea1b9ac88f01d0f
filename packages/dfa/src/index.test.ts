import * as t from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import * as pkg from './index';

describe('@nnlab/dfa', () => {
  it('resolves its dependency @nnlab/tensor-gpu', () => {
    expect(typeof t.tensor).toBe('function');
  });

  it('reports its implementation status honestly', () => {
    expect(pkg.status).toBe('planned');
  });

  it('exports nothing but its status while the technique is planned', () => {
    expect(Object.keys(pkg)).toEqual(['status']);
  });
});
