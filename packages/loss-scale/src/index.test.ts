import { describe, expect, it } from 'vitest';
import * as pkg from './index';

describe('@nnlab/loss-scale exports', () => {
  it('exports the trainer, the five policies and the formula, and no placeholder status', () => {
    for (const name of ['MixedPrecisionTrainer', 'noScaling', 'staticScaling', 'dynamicScaling', 'apexDynamicScaling', 'adaptiveScaling', 'adaptiveScale', 'ScaleRecorder', 'trainEpochs']) {
      expect(typeof (pkg as Record<string, unknown>)[name], name).toBe('function');
    }
    expect('status' in pkg).toBe(false);
  });

  it('each policy factory names its method', () => {
    const policies = [pkg.noScaling(), pkg.staticScaling(), pkg.dynamicScaling(), pkg.apexDynamicScaling(), pkg.adaptiveScaling()];
    expect(policies.map((p) => p.method)).toEqual(['none', 'static', 'dynamic', 'dynamic-apex', 'adaptive']);
  });
});
